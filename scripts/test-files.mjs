// The test files under the given roots (default src/ and bench/), shared by run-tests.mjs and
// measure-tests.mjs. Node 20's --test does not expand globs, so the files are collected here.
import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";

function collect(path, out) {
  const st = statSync(path);
  if (st.isFile()) { if (path.endsWith(".test.ts")) out.push(path); return; }
  for (const name of readdirSync(path).sort()) {
    if (name === "node_modules" || name.startsWith(".")) continue;
    collect(join(path, name), out);
  }
}

/** Every *.test.ts under `roots` (files given directly are kept), as paths relative to the working directory. */
export function testFiles(roots) {
  const files = [];
  for (const root of roots.length ? roots : ["src", "bench"]) collect(root, files);
  return files;
}
