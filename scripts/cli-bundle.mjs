// How the CLI is bundled, for the shipped build (scripts/bundle.mjs) and the test runner's CLI
// (scripts/test-cli.mjs) alike, so the tests start the CLI in the shape it ships in:
// - minerhunt.cjs: the whole CLI (src/apps/cli/main.ts) in one CommonJS module, written already inside
//   the function Node wraps such a module in (so the file is one function expression, run by the launcher,
//   not by `node minerhunt.cjs`). One file, because V8's code cache (src/startup/code-cache.ts) is per
//   script, and Node 20 caches no ES module. The lazy command
//   table stays lazy: esbuild runs a dynamically imported module's top level only when it is imported.
// - minerhunt.js: the launcher (src/apps/cli/launch.ts), which runs minerhunt.cjs through the cache. It is
//   CommonJS (a package.json beside it says so): an ES module as the main script makes Node load its ES
//   module loader first, about 0.01 CPU-s of every start.
// - minerhunt.cjs.v8-cache: recorded by recordCodeCache once the data snapshot is in place.
import { spawnSync } from "node:child_process";
import { chmodSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

export const root = join(dirname(fileURLToPath(import.meta.url)), "..");

/** What src/startup/code-cache.ts expects around the bundle: Node's own CommonJS wrapper. */
const COMMONJS_WRAPPER_START = "(function (exports, require, module, __filename, __dirname) {";
const COMMONJS_WRAPPER_END = "\n})";

/**
 * Bundles the CLI into outdir. `external` lists the packages left to node_modules (native addons,
 * Chromium's driver, the UI assets, the server and the cloud SDKs, which locate their own files or load
 * lazily); `"all"` leaves every package there (the test CLI, which loads them as the source run does).
 */
export async function bundleCli({ outdir, external }) {
  rmSync(outdir, { recursive: true, force: true });
  const packages = external === "all" ? { packages: "external" } : { external };
  const bundled = await build({
    entryPoints: { minerhunt: join(root, "src", "apps", "cli", "main.ts") },
    outExtension: { ".js": ".cjs" },
    outdir,
    bundle: true,
    format: "cjs",
    platform: "node",
    target: "node20",
    ...packages,
    // The code finds the package root and its own files from import.meta.url (src/startup/paths.ts).
    define: { "import.meta.url": "__minerhuntModuleUrl" },
    // The file is the function Node would wrap a CommonJS module in, so the launcher compiles the text as
    // read: wrapping it there would hold a second copy of 1.6 MB for the whole run (src/startup/code-cache.ts).
    banner: { js: `${COMMONJS_WRAPPER_START}const __minerhuntModuleUrl = require("node:url").pathToFileURL(__filename).href;` },
    footer: { js: COMMONJS_WRAPPER_END },
    sourcemap: "linked",
    minifyWhitespace: true,
    minifySyntax: true,
    logLevel: "warning",
    metafile: true,
  });
  refuseDynamicImports(bundled.metafile);
  refuseNonAscii(join(outdir, "minerhunt.cjs"));
  await build({
    entryPoints: { minerhunt: join(root, "src", "apps", "cli", "launch.ts") },
    outdir,
    bundle: true,
    format: "cjs",
    platform: "node",
    target: "node20",
    define: { "import.meta.url": "__minerhuntLauncherUrl" },
    banner: { js: "\"use strict\";\nconst __minerhuntLauncherUrl = require(\"node:url\").pathToFileURL(__filename).href;" },
    logLevel: "warning",
  });
  // The folder's own package.json: its .js files are CommonJS whatever the package around them says.
  writeFileSync(join(outdir, "package.json"), `${JSON.stringify({ type: "commonjs" })}\n`);
  const entry = join(outdir, "minerhunt.js");
  chmodSync(entry, 0o755);
  return entry;
}

/**
 * The launcher reads the bundle as latin1 (src/startup/code-cache.ts), which is its text only if every byte is
 * ASCII. esbuild escapes non-ASCII in strings, not in template literals: name the first such byte.
 */
function refuseNonAscii(file) {
  const bytes = readFileSync(file);
  const at = bytes.findIndex((b) => b > 0x7f);
  if (at === -1) return;
  const around = bytes.subarray(Math.max(0, at - 60), at + 20).toString("utf8");
  throw new Error(`${file}: byte ${at} is not ASCII (write the character as an escape or an HTML entity): ...${around}...`);
}

/**
 * The bundle runs as a script through V8's code cache, where an import() left in it fails at run time ("A
 * dynamic import callback was not specified": V8 does not keep the loader in the cache). Our own modules'
 * import() calls are bundled in; a package's must be a require (createRequire), which this catches at build.
 */
function refuseDynamicImports(metafile) {
  const left = [];
  for (const [file, output] of Object.entries(metafile.outputs)) {
    for (const i of output.imports) if (i.kind === "dynamic-import") left.push(`${file}: import("${i.path}")`);
  }
  if (left.length > 0) throw new Error(`the CLI bundle may not import() a package (load it with createRequire):\n  ${left.join("\n  ")}`);
}

/**
 * Records the code cache with one scan of the bundled examples (every kind of source the README shows),
 * then checks that a second start uses it. Returns what that start said ("code cache: used" when all is
 * well); a cache V8 rejects only costs speed, so callers warn rather than fail.
 */
export function recordCodeCache(entry, env = {}, { verify = true } = {}) {
  const run = (mode) => spawnSync(process.execPath, [entry, "scan", "--quiet", "--format", "json", join(root, "examples")], {
    env: { ...process.env, ...env, MINERHUNT_CODE_CACHE: mode, LANG: "C.UTF-8" },
    stdio: ["ignore", "pipe", "pipe"],
    encoding: "utf8",
    maxBuffer: 64 << 20,
  });
  const recorded = run("record");
  // A scan that finds the examples' incidents exits 1, as a crash does: the report says which it was.
  if (!/"incidents"/.test(recorded.stdout)) throw new Error(`recording the code cache failed (exit ${recorded.status}): ${recorded.stderr.slice(0, 2000)}`);
  if (!verify) return "code cache: recorded";
  const verified = run("verify");
  return /code cache: \w+/.exec(verified.stderr)?.[0] ?? `code cache: unknown (${verified.stderr.slice(0, 200)})`;
}
