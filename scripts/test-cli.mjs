// The CLI the tests start as a process (src/test-helpers/cli.ts): an esbuild bundle of src/apps/cli/main.ts,
// made from the work tree's current source at the start of a test run. Started through tsx the CLI costs
// about 2.5 CPU-seconds (tsx transforms and resolves several hundred modules on every start); bundled,
// about 1.3 (a one-line scan, 2026-12-04); the suite starts it about a hundred times.
//
// It is not dist/bundle (which `npm run build` makes and which may be older than the source): only our
// own modules are bundled, every package stays external and is loaded from node_modules as the source
// run loads it. It sits under .cache/ inside the checkout so the package root (src/startup/paths.ts) and
// node_modules are found from it exactly as from src/.
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { bundleCli, recordCodeCache } from "./cli-bundle.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");

/**
 * Builds the CLI into a fresh folder, and records the snapshot of the shipped data with the same source
 * (src/pipeline/record-snapshot.ts) beside it: without one every CLI start parses and checks all the shipped
 * YAML again (about 0.5 CPU-s of a one-line scan's 1.2). Returns the entry file, the snapshot (for
 * MINERHUNT_SNAPSHOT) and a function that removes both.
 */
export async function buildTestCli() {
  const parent = join(root, ".cache", "test-cli");
  mkdirSync(parent, { recursive: true });
  const outdir = mkdtempSync(join(parent, "run-"));
  const entry = await bundleCli({ outdir, external: "all" });
  const recorder = join(outdir, "recorder", "record-snapshot.mjs");
  await build({
    stdin: {
      contents: `import { recordSnapshot } from "./src/pipeline/record-snapshot.ts";\nawait recordSnapshot(process.argv[2]);\n`,
      resolveDir: root,
      loader: "ts",
    },
    outfile: recorder,
    bundle: true,
    format: "esm",
    platform: "node",
    target: "node20",
    packages: "external",
    logLevel: "warning",
  });
  // Written after the CLI's chunks, so the snapshot's freshness check (newer than the code) holds.
  const snapshot = join(outdir, "snapshot.json");
  const r = spawnSync(process.execPath, [recorder, snapshot], { stdio: ["ignore", "ignore", "inherit"] });
  if (r.status !== 0) throw new Error(`test-cli: recording the snapshot failed (exit ${r.status})`);
  // The code cache as the shipped build records it; a test checks that the CLI's starts use it.
  recordCodeCache(entry, { MINERHUNT_SNAPSHOT: snapshot }, { verify: false });
  return { entry, snapshot, remove: () => rmSync(outdir, { recursive: true, force: true }) };
}
