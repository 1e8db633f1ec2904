import { readdirSync, statSync, type Stats } from "node:fs";
import { displayName } from "./display-path.js";

/** One file to read: how it is shown (and named in evidence), and the path that opens it. */
export interface FoundFile {
  /** Printable form (see display-path.ts): what the summary, issues and evidence show. */
  path: string;
  /** What opens the file: the typed string, or the raw bytes of a walked name. */
  raw: string | Buffer;
}

export interface WalkHandlers {
  /** A path that cannot be read at all. */
  error(path: string, message: string): void;
  /** Something skipped on purpose that a person should know (a symbolic-link loop). */
  note?(path: string, message: string): void;
}

const SKIPPED_FOLDERS = new Set([".git", "node_modules"]);
const SLASH = Buffer.from("/");

/**
 * Expand the paths a person gave into files. Folders are walked recursively in byte order of the names (so
 * runs are repeatable). Names are read as bytes, so a name that is not UTF-8 or holds a newline is read like
 * any other. Symbolic links are followed (Zeek's logs/current is one); a folder is entered once, known by its
 * (device, inode): a link back to a folder already being walked is a loop, reported once, and a second
 * way to a folder or a file already read is skipped so nothing is counted twice. `.git` and
 * `node_modules` are skipped.
 *
 * The calls are synchronous on purpose: a folder of thousands of small logs spent more CPU in the promise
 * machinery of fs/promises (one round trip to the thread pool per stat) than in the stats themselves, and a
 * scan has nothing else to do while it walks.
 */
export async function* walkPaths(paths: string[], handlers: WalkHandlers | ((path: string, message: string) => void)): AsyncGenerator<FoundFile> {
  const h: WalkHandlers = typeof handlers === "function" ? { error: handlers } : handlers;
  const seen = new Set<string>(); // "dev:ino" of every folder entered and file yielded
  for (const p of paths) {
    if (p === "-") { yield { path: p, raw: p }; continue; }
    let st: Stats;
    try {
      st = statSync(p);
    } catch (err) {
      h.error(displayName(Buffer.from(p)), describe(err));
      continue;
    }
    // A typed path is shown in the same printable form as a walked one, so rawPath reverses every shown path.
    const shown = displayName(Buffer.from(p));
    if (st.isDirectory()) yield* walkDir(Buffer.from(p), shown, st, seen, new Set(), h);
    else if (st.isFile()) { if (firstTime(seen, st)) yield { path: shown, raw: p }; }
    else h.error(shown, "not a regular file or folder");
  }
}

function describe(err: unknown): string {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === "ENOENT") return "no such file or folder";
  if (code === "EACCES") return "permission denied";
  if (code === "ELOOP") return "symbolic link loop (too many levels of links)";
  return (err as Error).message;
}

function key(st: Stats): string {
  return `${st.dev}:${st.ino}`;
}

function firstTime(seen: Set<string>, st: Stats): boolean {
  const k = key(st);
  if (seen.has(k)) return false;
  seen.add(k);
  return true;
}

async function* walkDir(dir: Buffer, shown: string, st: Stats, seen: Set<string>, ancestors: Set<string>, h: WalkHandlers): AsyncGenerator<FoundFile> {
  const k = key(st);
  if (ancestors.has(k)) { h.note?.(shown, "symbolic link loop: this folder leads back to a folder above it; not followed"); return; }
  if (seen.has(k)) return; // reached a second way (two links to one folder): its files are read once
  seen.add(k);
  let names: Buffer[];
  try {
    names = readdirSync(dir, { encoding: "buffer" }).sort(Buffer.compare);
  } catch (err) {
    h.error(shown, `cannot list folder: ${describe(err)}`);
    return;
  }
  const below = new Set(ancestors).add(k);
  const base = dir[dir.length - 1] === SLASH[0] ? dir : Buffer.concat([dir, SLASH]);
  const shownBase = shown.endsWith("/") ? shown : `${shown}/`;
  for (const name of names) {
    const text = displayName(name);
    if (SKIPPED_FOLDERS.has(text)) continue;
    const full = Buffer.concat([base, name]);
    const fullShown = shownBase + text;
    let child: Stats;
    try {
      child = statSync(full); // follows links: a dangling link is reported like a missing file
    } catch (err) {
      h.error(fullShown, describe(err));
      continue;
    }
    if (child.isDirectory()) yield* walkDir(full, fullShown, child, seen, below, h);
    else if (child.isFile() && firstTime(seen, child)) yield { path: fullShown, raw: full };
  }
}
