/**
 * The full fuzz run: seeded mutants of every sample through the whole pipeline in-process.
 *
 *   node --import tsx scripts/fuzz.ts [--mutants N=3000] [--seed S=20261204]
 *
 * Prints one line per failing mutant (sample, mutations, what went wrong) and the figures at the end:
 * mutants, samples, failures, events read, slowest mutant. Exit code 1 when anything failed.
 */
import { fuzzHarness, fuzzSamples, mutant } from "../src/test-helpers/fuzz.js";

function option(name: string, fallback: number): number {
  const i = process.argv.indexOf(name);
  const v = i >= 0 ? Number(process.argv[i + 1]) : fallback;
  if (!Number.isInteger(v) || v < 0) { process.stderr.write(`${name} takes a whole number\n`); process.exit(2); }
  return v;
}

const mutants = option("--mutants", 3000);
const seed = option("--seed", 20_261_204);
const samples = fuzzSamples();
const harness = await fuzzHarness();
const started = performance.now();
const cpu0 = process.cpuUsage();
let failures = 0;
let events = 0;
let slowest = { ms: 0, what: "" };
for (let n = 0; n < mutants; n++) {
  const m = mutant(samples, seed, n);
  const r = await harness.run(m);
  events += r.events;
  const what = `mutant ${n} of ${m.sample.origin} (${m.mutations.join(", ")})`;
  if (r.ms > slowest.ms) slowest = { ms: r.ms, what };
  for (const p of r.problems) { failures++; process.stdout.write(`FAIL ${what}: ${p}\n`); }
  if ((n + 1) % 500 === 0) process.stderr.write(`${n + 1}/${mutants}\n`);
}
harness.close();
const cpu = process.cpuUsage(cpu0);
process.stdout.write(`mutants ${mutants} (seed ${seed}) over ${samples.length} samples; failures ${failures}; events read ${events}; ` +
  `${((performance.now() - started) / 1000).toFixed(1)} s wall, ${((cpu.user + cpu.system) / 1e6).toFixed(1)} s CPU; slowest ${slowest.ms.toFixed(0)} ms (${slowest.what})\n`);
process.exit(failures > 0 ? 1 : 0);
