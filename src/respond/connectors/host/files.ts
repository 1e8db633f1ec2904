/**
 * File moves and edits that can be taken back: hashes, atomic rewrites that keep mode and owner, backups
 * kept byte for byte, moves that work across file systems.
 */
import { createHash } from "node:crypto";
import { chmodSync, chownSync, copyFileSync, existsSync, lstatSync, mkdirSync, readFileSync, realpathSync, renameSync, statSync, unlinkSync, writeFileSync } from "node:fs";
import { dirname, join, sep } from "node:path";

export function sha256(data: Buffer | string): string {
  return createHash("sha256").update(data).digest("hex");
}

export function sha256File(path: string): string | undefined {
  try {
    return sha256(readFileSync(path));
  } catch {
    return undefined;
  }
}

/** Write bytes in place of a file atomically (temporary file, then rename), keeping its mode and owner. */
export function rewriteFile(path: string, data: Buffer | string): void {
  const st = statSync(path);
  const tmp = join(dirname(path), `.minerhunt-${process.pid}-${Date.now()}.tmp`);
  writeFileSync(tmp, data, { mode: st.mode & 0o7777 });
  try {
    chmodSync(tmp, st.mode & 0o7777);
    try { chownSync(tmp, st.uid, st.gid); } catch { /* not root: the owner stays ours */ }
    renameSync(tmp, path);
  } catch (err) {
    try { unlinkSync(tmp); } catch { /* already gone */ }
    throw err;
  }
}

/** Copy a file into a backup path once (an existing backup is the older, truer one and is kept). */
export function backupOnce(source: string, backup: string): void {
  if (existsSync(backup)) return;
  mkdirSync(dirname(backup), { recursive: true, mode: 0o700 });
  copyFileSync(source, backup);
  const st = statSync(source);
  chmodSync(backup, st.mode & 0o7777);
}

/** rename(), or copy and unlink when source and destination are on different file systems. */
export function moveFile(from: string, to: string): void {
  mkdirSync(dirname(to), { recursive: true, mode: 0o700 });
  try {
    renameSync(from, to);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "EXDEV") throw err;
    copyFileSync(from, to);
    unlinkSync(from);
  }
}

/** A regular file (not a link, device or folder). */
export function isRegularFile(path: string): boolean {
  try {
    return lstatSync(path).isFile();
  } catch {
    return false;
  }
}

/**
 * Whether a path, once every link in it is followed, is still under the root. A mounted image may hold
 * links ("tmp -> /"): following one would move or edit the analyst's own files. A path that does not exist
 * is judged by its nearest existing parent.
 */
export function staysInside(root: string, path: string): boolean {
  const base = realpathSync(root);
  let probe = path;
  while (!existsSync(probe) && dirname(probe) !== probe) probe = dirname(probe);
  let real: string;
  try {
    real = realpathSync(probe);
  } catch {
    return false;
  }
  return real === base || real.startsWith(base.endsWith(sep) ? base : `${base}${sep}`);
}
