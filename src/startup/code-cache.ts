/**
 * Run the CLI's bundle (dist/bundle/minerhunt.cjs) through V8's code cache.
 *
 * Why: a one-line scan spent about a third of its CPU compiling JavaScript. V8 compiled the bundle's
 * modules when they loaded, then each function again on its first call: the Sigma loader's, the
 * intel's and the pipeline's. Node 20 caches none of it, and `module.enableCompileCache` only came
 * with Node 22. `vm.Script` can take V8's code cache (`cachedData`). The build runs one recording scan
 * and saves `script.createCachedData()` at exit (scripts/cli-bundle.mjs). The cache then holds the
 * bytecode of every function that scan compiled, and later starts skip compiling those.
 *
 * Why this is safe: V8 checks a cache before using it (its own version, the flags, the source's hash),
 * and rejects a mismatched cache. A rejected or missing cache only means compiling as before. The
 * cache sits in dist/ beside the code it was made from and is trusted as that code is: nothing reads
 * it from anywhere else.
 *
 * V8 counts its flags in that check, and startup/heap.ts changes two. So the launcher sets the heap's
 * growth before it compiles the bundle, in the recording run as in every later one, and the recording run
 * undoes the young generation's cap (set during a long enough scan) before it saves the cache.
 *
 * MINERHUNT_CODE_CACHE:
 * - `0` compiles without the cache (to compare, or to rule it out);
 * - `record` writes the cache at exit (the build does this);
 * - `verify` says on stderr at exit whether the cache was used.
 */
import { readFileSync, renameSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname } from "node:path";
import { Script } from "node:vm";

/** Where the cache of a bundle is kept: beside it. */
export function codeCacheFile(bundle: string): string {
  return `${bundle}.v8-cache`;
}

/** How the bundle starts: the function Node wraps a CommonJS module in. */
const COMMONJS_WRAPPER = "(function (exports, require, module, __filename, __dirname) {";

/** What `verify` prints, and what the build checks for. */
export const CACHE_USED = "code cache: used";

type CommonJsWrapper = (exports: object, require: NodeJS.Require, module: { exports: object }, filename: string, dirname: string) => void;

function readCache(file: string): Buffer | undefined {
  try {
    return readFileSync(file);
  } catch {
    return undefined; // not recorded (a build without the recording step): compile as usual
  }
}

/**
 * Load and run a CommonJS bundle as Node would, with its code cache when there is one. `beforeRecord`
 * puts back any V8 flag the run changed, so the cache is saved under the flags of a start.
 */
export function runBundle(bundle: string, options: { beforeRecord?: () => void } = {}): void {
  const mode = process.env["MINERHUNT_CODE_CACHE"];
  const cacheFile = codeCacheFile(bundle);
  const cachedData = mode === "0" || mode === "record" ? undefined : readCache(cacheFile);
  // The bundle is written inside the function Node wraps a CommonJS file in (scripts/cli-bundle.mjs), so
  // the text is compiled as read: V8 keeps the source of a script for as long as it runs, and wrapping it
  // here would keep a second copy.
  // latin1, not utf8: the build checks the bundle is ASCII (scripts/cli-bundle.mjs), for which the two give the
  // same text, and latin1 makes V8's one-byte string without decoding (10-20 ms of every start with utf8).
  const source = readFileSync(bundle, "latin1");
  if (!source.startsWith(COMMONJS_WRAPPER)) throw new Error(`${bundle} is not a minerhunt CLI bundle (it must start with Node's CommonJS wrapper)`);
  // No importModuleDynamically: a function V8 takes from the cache loses it ("A dynamic import callback
  // was not specified"), so the bundle may hold no import() of a package; packages a command loads late are
  // required (scripts/cli-bundle.mjs refuses a bundle with import()).
  const script = new Script(source, { filename: bundle, cachedData });
  if (mode === "record") {
    process.once("exit", () => {
      options.beforeRecord?.();
      // Written whole or not at all: a half-written cache would only be rejected, but never leave one.
      const partial = `${cacheFile}.${process.pid}`;
      writeFileSync(partial, script.createCachedData());
      renameSync(partial, cacheFile);
    });
  } else if (mode === "verify") {
    process.once("exit", () => {
      const state = cachedData === undefined ? "code cache: missing" : script.cachedDataRejected ? "code cache: rejected" : CACHE_USED;
      process.stderr.write(`${state}\n`);
    });
  }
  const wrapper = script.runInThisContext() as CommonJsWrapper;
  const module = { exports: {} };
  wrapper.call(module.exports, module.exports, createRequire(bundle), module, bundle, dirname(bundle));
}
