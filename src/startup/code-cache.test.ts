/**
 * The CLI as it ships runs through V8's code cache (code-cache.ts). These tests start the test runner's
 * CLI, which scripts/test-cli.mjs bundles and records exactly as `npm run build` does.
 */
import { test, type TestContext } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CACHE_USED, codeCacheFile } from "./code-cache.js";
import { inCi } from "../test-helpers/index.js";

/** The bundled CLI, or a skip (a failure under CI) when this file runs outside scripts/run-tests.mjs. */
function bundledCli(t: TestContext): string | undefined {
  const cli = process.env["MINERHUNT_TEST_CLI"];
  if (cli) return cli;
  if (inCi()) assert.fail("MINERHUNT_TEST_CLI is not set: run the tests through scripts/run-tests.mjs");
  t.skip("needs the bundled CLI: run through scripts/run-tests.mjs");
  return undefined;
}

function scan(cli: string, file: string, cacheMode: string) {
  const r = spawnSync(process.execPath, [cli, "scan", "--quiet", "--format", "json", file], {
    env: { ...process.env, MINERHUNT_CODE_CACHE: cacheMode },
    encoding: "utf8",
  });
  // Durations differ from run to run; everything else must not.
  const report = JSON.parse(r.stdout, (key, value: unknown) => (key === "durationMs" ? undefined : value)) as Record<string, unknown>;
  return { status: r.status, stderr: r.stderr, report };
}

test("a start uses the recorded code cache, and gives the same report as a start without it", (t) => {
  const cli = bundledCli(t);
  if (!cli) return;
  const dir = mkdtempSync(join(tmpdir(), "minerhunt-code-cache-"));
  try {
    const file = join(dir, "dns.log");
    writeFileSync(file, `${JSON.stringify({ ts: 1733356800.1, uid: "C1", "id.orig_h": "10.0.0.5", "id.orig_p": 5353, "id.resp_h": "10.0.0.53", "id.resp_p": 53, proto: "udp", query: "pool.supportxmr.com", qtype_name: "A", rcode_name: "NOERROR", answers: ["141.94.96.144"] })}\n`);
    const cached = scan(cli, file, "verify");
    // The recording scan is long enough to cap the young generation (startup/heap.ts); a cache saved
    // under that flag would be rejected here.
    assert.match(cached.stderr, new RegExp(CACHE_USED), `stderr: ${cached.stderr}`);
    const uncached = scan(cli, file, "0");
    assert.equal(cached.status, uncached.status);
    assert.deepEqual(cached.report, uncached.report);
    assert.ok((cached.report["findings"] as unknown[]).length > 0, "the pool lookup is found");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("a damaged cache is rejected by V8 and the CLI runs as without one", (t) => {
  const cli = bundledCli(t);
  if (!cli) return;
  const dir = mkdtempSync(join(tmpdir(), "minerhunt-code-cache-"));
  try {
    // A copy of the bundle with a cache of noise beside it: the recorded one stays untouched.
    const bundle = join(dir, "minerhunt.cjs");
    writeFileSync(bundle, `(function (exports, require, module, __filename, __dirname) {process.stdout.write("ran\\n");\n})`);
    writeFileSync(codeCacheFile(bundle), Buffer.alloc(4096, 7));
    const launcher = join(dir, "launch.mjs");
    writeFileSync(launcher, `import { runBundle } from ${JSON.stringify(new URL("./code-cache.ts", import.meta.url).href)};\nrunBundle(${JSON.stringify(bundle)});\n`);
    const r = spawnSync(process.execPath, ["--import", "tsx", launcher], { env: { ...process.env, MINERHUNT_CODE_CACHE: "verify" }, encoding: "utf8" });
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout, "ran\n");
    assert.match(r.stderr, /code cache: rejected/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
