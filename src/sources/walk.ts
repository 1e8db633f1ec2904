import { lstat, readdir, stat } from "node:fs/promises";
import { join } from "node:path";

/**
 * Expand the paths a person gave into files: folders are walked recursively in name order (so runs
 * are repeatable), symbolic links to folders are not followed (no loops), `.git` is skipped.
 */
export async function* walkPaths(paths: string[], onError: (path: string, message: string) => void): AsyncGenerator<string> {
  for (const p of paths) {
    if (p === "-") { yield p; continue; }
    let st;
    try {
      st = await stat(p);
    } catch (err) {
      onError(p, (err as NodeJS.ErrnoException).code === "ENOENT" ? "no such file or folder" : (err as Error).message);
      continue;
    }
    if (st.isDirectory()) yield* walkDir(p, onError);
    else if (st.isFile()) yield p;
    else onError(p, "not a regular file or folder");
  }
}

async function* walkDir(dir: string, onError: (path: string, message: string) => void): AsyncGenerator<string> {
  let names: string[];
  try {
    names = (await readdir(dir)).sort();
  } catch (err) {
    onError(dir, `cannot list folder: ${(err as Error).message}`);
    return;
  }
  for (const name of names) {
    if (name === ".git" || name === "node_modules") continue;
    const full = join(dir, name);
    let st;
    try {
      st = await lstat(full);
    } catch (err) {
      onError(full, (err as Error).message);
      continue;
    }
    if (st.isSymbolicLink()) continue;
    if (st.isDirectory()) yield* walkDir(full, onError);
    else if (st.isFile()) yield full;
  }
}
