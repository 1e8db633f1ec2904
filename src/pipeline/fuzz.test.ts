/**
 * A seeded mutation fuzz run over every format's real sample (issue 12): 300 mutants through the whole
 * pipeline in-process, and a handful through the CLI for exit codes. Nothing may crash, print a stack trace
 * or change Object.prototype. `node --import tsx scripts/fuzz.ts --mutants N` runs as many as you like.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { REPO_ROOT } from "../test-helpers/index.js";
import { fuzzHarness, fuzzSamples, mutant } from "../test-helpers/fuzz.js";
import { cliCommand } from "../test-helpers/cli.js";

const SEED = 20_261_204;
const MUTANTS = Number(process.env["MINERHUNT_FUZZ_MUTANTS"] ?? 300);

test(`${MUTANTS} seeded mutants of every sample: no crash, no stack trace, Object.prototype untouched`, { timeout: 600_000 }, async () => {
  const samples = fuzzSamples();
  assert.ok(samples.length >= 17, "at least the examples/ files");
  const harness = await fuzzHarness();
  const failures: string[] = [];
  try {
    for (let n = 0; n < MUTANTS; n++) {
      const m = mutant(samples, SEED, n);
      const { problems } = await harness.run(m);
      for (const p of problems) failures.push(`mutant ${n} of ${m.sample.origin} (${m.mutations.join(", ")}): ${p}`);
    }
  } finally {
    harness.close();
  }
  assert.deepEqual(failures, []);
});

test("a handful of mutants through the CLI exit 0, 1 or 2 with no stack trace", { timeout: 120_000 }, () => {
  const samples = fuzzSamples();
  const dir = mkdtempSync(join(tmpdir(), "minerhunt-fuzz-cli-"));
  try {
    for (let n = 0; n < 4; n++) {
      const m = mutant(samples, SEED + 1, n * 7);
      const file = join(dir, m.sample.name);
      writeFileSync(file, m.bytes);
      const mh = cliCommand(["scan", "--quiet", "--format", n % 2 ? "json" : "text", file]);
      const r = spawnSync(mh.command, mh.args, {
        encoding: "utf8", cwd: REPO_ROOT, env: { ...process.env, NO_COLOR: "1", MINERHUNT_INTEL_DIR: join(dir, "intel") },
      });
      const what = `${m.sample.origin} (${m.mutations.join(", ")})`;
      assert.ok(r.status === 0 || r.status === 1 || r.status === 2, `${what}: exit ${r.status}\n${r.stderr}`);
      assert.doesNotMatch(r.stderr, /\n\s+at .+:\d+:\d+/, `${what}: stack trace on stderr`);
      rmSync(file, { force: true });
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("mutants are reproducible from the seed and differ from one another", () => {
  const samples = fuzzSamples();
  assert.deepEqual(mutant(samples, SEED, 5).bytes, mutant(samples, SEED, 5).bytes);
  const distinct = new Set(Array.from({ length: 40 }, (_, n) => mutant(samples, SEED, n).bytes.toString("base64")));
  assert.ok(distinct.size >= 38, `${distinct.size} distinct of 40`);
});
