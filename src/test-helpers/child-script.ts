/**
 * Child processes that tests start from a TypeScript helper script (a store writer to SIGKILL mid-save,
 * eight racing schema creators...). Started through tsx each one costs about 1.5 CPU-seconds before its
 * first line runs; bundled with esbuild (only our own modules; every package stays external and comes
 * from node_modules as under tsx) a fraction of that. The bundle is made once per script and test process, from
 * the current source, under .cache/ in the checkout (so the package root and node_modules are found
 * from it as from src/), and removed when the process exits.
 */
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { basename, join } from "node:path";
import { build } from "esbuild";
import { REPO_ROOT } from "./index.js";

const built = new Map<string, Promise<string>>();
let outdir: string | undefined;

async function bundle(script: string): Promise<string> {
  if (outdir === undefined) {
    mkdirSync(join(REPO_ROOT, ".cache", "test-scripts"), { recursive: true });
    const dir = mkdtempSync(join(REPO_ROOT, ".cache", "test-scripts", "run-"));
    outdir = dir;
    process.once("exit", () => rmSync(dir, { recursive: true, force: true }));
  }
  const outfile = join(outdir, `${built.size}-${basename(script).replace(/\.ts$/, ".mjs")}`);
  await build({ entryPoints: [script], outfile, bundle: true, format: "esm", platform: "node", target: "node20", packages: "external", logLevel: "warning" });
  return outfile;
}

/** The program and arguments that run a TypeScript script (absolute path) with `args`, as a child process. */
export async function scriptCommand(script: string, args: readonly string[] = []): Promise<{ command: string; args: string[] }> {
  let file = built.get(script);
  if (file === undefined) { file = bundle(script); built.set(script, file); }
  return { command: process.execPath, args: [await file, ...args] };
}
