import { test } from "node:test";
import assert from "node:assert/strict";
import { SustainedSeries, type SustainedRun } from "./sustained.js";

const T0 = Date.parse("2026-11-20T00:00:00Z");
const opts = { thresholdPct: 80, sustainMinutes: 30, maxGapMinutes: 10 };

function feed(samples: [minute: number, pct: number][], extra: Partial<typeof opts & { maxPending: number }> = {}): SustainedRun[] {
  const runs: SustainedRun[] = [];
  const s = new SustainedSeries({ ...opts, ...extra }, (r) => runs.push(r));
  for (const [m, pct] of samples) {
    const ms = T0 + m * 60_000;
    s.add(ms, pct, new Date(ms).toISOString(), { file: "cpu.csv", line: m + 2 });
  }
  s.finish();
  return runs;
}

const every5 = (from: number, to: number, pct: number): [number, number][] => {
  const out: [number, number][] = [];
  for (let m = from; m <= to; m += 5) out.push([m, pct]);
  return out;
};

test("a run of 40 minutes over 80% is sustained; its peak, mean and span are reported", () => {
  const samples = every5(0, 40, 92);
  samples[3] = [15, 99];
  const [run, ...rest] = feed(samples);
  assert.equal(rest.length, 0);
  assert.equal(run!.minutes, 40);
  assert.equal(run!.peak, 99);
  assert.equal(run!.samples, 9);
  assert.equal(run!.firstTime, "2026-11-20T00:00:00.000Z");
  assert.deepEqual(run!.evidence[0], { file: "cpu.csv", line: 2 });
});

test("unordered input gives the same run", () => {
  const samples = every5(0, 40, 92).reverse();
  assert.equal(feed(samples)[0]?.minutes, 40);
});

test("traps: a 12-minute spike, a dip, a gap in the data, exactly 80%", () => {
  assert.deepEqual(feed([...every5(0, 30, 20), [31, 99], [36, 99], [43, 99], ...every5(45, 90, 20)]), [], "12-minute batch spike");
  assert.deepEqual(feed([...every5(0, 20, 95), [25, 40], ...every5(30, 50, 95)]), [], "a dip under the threshold breaks the run");
  assert.deepEqual(feed([...every5(0, 20, 95), ...every5(35, 50, 95)]), [], "a 15-minute hole in the data breaks the run");
  assert.deepEqual(feed(every5(0, 60, 80)), [], "the threshold is strictly 'over'");
});

test("two separate runs give two findings", () => {
  const runs = feed([...every5(0, 35, 95), [40, 10], ...every5(45, 120, 95)]);
  assert.deepEqual(runs.map((r) => r.minutes), [35, 75]);
});

test("bounded buffer: time-ordered input loses nothing, late samples are counted not used", () => {
  const ordered = every5(0, 600, 95);
  const [run] = feed(ordered, { maxPending: 4 });
  assert.equal(run!.minutes, 600);
  assert.equal(run!.lateSamples, 0);
  assert.ok(run!.evidence.length <= 20);
  const withLate: [number, number][] = [...every5(0, 60, 95), [3, 10]];
  const [run2] = feed(withLate, { maxPending: 4 });
  assert.equal(run2!.lateSamples, 1);
  assert.equal(run2!.minutes, 60, "the late dip at minute 3 arrived after minute 60 was placed");
});

test("a hole right after the first sample is judged against the series' step, not against itself", () => {
  // 0 over, a 20-minute hole, then every 5 minutes from 20 to 60: the run is 20..60 (40 min), not 0..60.
  const runs = feed([[0, 95], ...every5(20, 60, 95)], { maxGapMinutes: undefined });
  assert.deepEqual(runs.map((r) => [r.firstTime, r.minutes]), [["2026-11-20T00:20:00.000Z", 40]]);
});
