import { test } from "node:test";
import assert from "node:assert/strict";
import type { Event, Finding } from "../../../model/index.js";
import { WEAK_CONFIDENCE, makeFinding } from "../../../model/index.js";
import { defaultConfig } from "../../config.js";
import { runDetector, testIntel } from "../../../test-helpers/index.js";
import { createHighCpuDetector, highCpuDetector } from "./high-cpu.js";

const T0 = Date.parse("2026-11-20T00:00:00Z");

/** A host CPU sample as the metrics sources write it (docs/events.md, Host metrics). */
function metric(host: string, minute: number, pct: number, line = minute + 2): Event {
  return {
    "@timestamp": new Date(T0 + minute * 60_000).toISOString(), "event.dataset": "metrics.csv", "event.category": ["host"], "event.kind": "metric",
    "log.file.path": "/cases/cpu.csv", "minerhunt.line": line, "host.name": host, "minerhunt.cpu.pct": pct,
  };
}

function series(host: string, from: number, to: number, pct: number, step = 5): Event[] {
  const out: Event[] = [];
  for (let m = from; m <= to; m += step) out.push(metric(host, m, pct));
  return out;
}

test("CPU over 80% for 45 minutes on a web server: one finding over the seed's line that opens an incident alone", () => {
  const events = [...series("web-01", 0, 20, 12), ...series("web-01", 25, 70, 97), ...series("web-01", 75, 90, 15)];
  // Unordered input (two collectors, files read in any order).
  events.sort((a, b) => String(b["@timestamp"]).localeCompare(String(a["@timestamp"])));
  const findings = runDetector(highCpuDetector, events);
  assert.equal(findings.length, 1);
  const f = findings[0]!;
  assert.ok(f.confidence >= WEAK_CONFIDENCE, "sustained CPU over the seed's line is an alert on its own");
  assert.equal(f.confidence, 0.45);
  assert.equal(f.facts?.["cpu.step_minutes"], 5);
  assert.equal(f.facts?.["cpu.max_gap_minutes"], 12.5);
  assert.match(f.description ?? "", /To confirm it: the process using the CPU/);
  assert.equal(f.facts?.["cpu.minutes"], 45);
  assert.equal(f.facts?.["cpu.peak_pct"], 97);
  assert.equal(f.firstSeen, "2026-11-20T00:25:00.000Z");
  assert.equal(f.lastSeen, "2026-11-20T01:10:00.000Z");
  assert.equal(f.evidenceCount, 10);
  assert.deepEqual(f.evidence[0], { file: "/cases/cpu.csv", line: 27, time: "2026-11-20T00:25:00.000Z", summary: "CPU 97% on web-01" });
  assert.deepEqual(f.entities.hosts, ["web-01"]);
});

test("traps: a 12-minute batch spike, a gap in the data, another host's samples do not join", () => {
  const events = [
    ...series("batch-01", 0, 30, 10), metric("batch-01", 31, 99), metric("batch-01", 36, 99), metric("batch-01", 43, 99), ...series("batch-01", 45, 90, 10),
    ...series("gappy-01", 0, 20, 95), ...series("gappy-01", 35, 55, 95),
    ...series("a-01", 0, 20, 95), ...series("b-01", 25, 45, 95),
  ];
  assert.deepEqual(runDetector(highCpuDetector, events).map((f) => f.title), []);
});

test("a machine-learning job at 99% for two hours is a weak finding only", () => {
  const findings = runDetector(highCpuDetector, series("ml-train-03", 0, 120, 99, 1));
  assert.equal(findings.length, 1);
  assert.ok(findings[0]!.confidence < WEAK_CONFIDENCE);
  assert.ok(findings[0]!.tags?.includes("expected-workload"));
  const evidence = findings[0]!.evidence;
  assert.ok(evidence.length <= 20);
  assert.equal(evidence[evidence.length - 1]?.line, 122, "the run's last sample is kept as evidence");
  assert.equal(findings[0]!.evidenceCount, 121);
});

test("process snapshots: the busy process is named; idle processes never become series", () => {
  const events: Event[] = [];
  for (let m = 0; m <= 40; m += 10) {
    const ts = new Date(T0 + m * 60_000).toISOString();
    const base = { "@timestamp": ts, "event.dataset": "ps", "event.category": ["process"], "event.kind": "state", "log.file.path": `/cases/ps-${m}.txt`, "host.name": "db-02" };
    events.push({ ...base, "minerhunt.line": 2, "process.pid": 1, "process.name": "systemd", "minerhunt.process.cpu_pct": 0.1 });
    events.push({ ...base, "minerhunt.line": 7, "process.pid": 4242, "process.name": "kthreaddk", "process.command_line": "/tmp/kthreaddk", "minerhunt.process.cpu_pct": 394.5 });
  }
  const [f, ...rest] = runDetector(highCpuDetector, events);
  assert.equal(rest.length, 0);
  assert.equal(f?.facts?.["process.name"], "kthreaddk");
  assert.equal(f?.facts?.["cpu.minutes"], 40);
  assert.ok(f?.observables.some((o) => o.type === "command-line" && o.value === "/tmp/kthreaddk"));
  assert.equal(f?.evidence[0]?.file, "/cases/ps-0.txt");
});

test("thresholds come from the config; samples without a time are ignored", () => {
  const short = series("web-02", 0, 15, 70);
  assert.equal(runDetector(highCpuDetector, short).length, 0);
  assert.equal(runDetector(highCpuDetector, short, { config: { cpu: { thresholdPct: 60, sustainMinutes: 15, maxGapMinutes: 10 } } }).length, 1);
  const untimed = series("web-03", 0, 60, 99).map((e) => { const c = { ...e }; delete c["@timestamp"]; return c; });
  assert.equal(runDetector(highCpuDetector, untimed).length, 0);
});

test("bounded: many hosts with a small series cap still report every sustained run", () => {
  const early: Finding[] = [];
  let finished = false;
  const late: Finding[] = [];
  const run = createHighCpuDetector({ maxSeries: 10 }).start({ intel: testIntel(), config: defaultConfig(), emit: (d) => (finished ? late : early).push(makeFinding(d)) });
  // Host by host, time-ordered: each host's run is complete before the next host starts.
  for (let h = 0; h < 50; h++) for (const e of series(`node-${h}`, 0, 40, 95)) run.onEvent(e);
  finished = true;
  run.finish();
  assert.equal(early.length, 40);
  assert.equal(late.length, 10);
});

test("routing: host metrics and process records only; a flow carrying a CPU-looking field is not read", () => {
  const flows = series("web-09", 0, 60, 99).map((e) => ({ ...e, "event.category": ["network"], "event.dataset": "zeek.conn" }));
  assert.equal(runDetector(highCpuDetector, flows).length, 0);
});

test("four times the seed's window is surer; a site-declared GPU host keeps CPU weak", () => {
  const [long] = runDetector(highCpuDetector, series("web-04", 0, 150, 95));
  assert.equal(long?.confidence, 0.5);
  const config = { gpu: { ...defaultConfig().gpu, expectedHosts: ["research-*"] } };
  const [declared] = runDetector(highCpuDetector, series("research-7", 0, 150, 95), { config });
  assert.equal(declared?.confidence, 0.25);
  assert.match(declared?.title ?? "", /expected compute host/);
});

test("the sampling step decides what a hole is: 1-minute data breaks at a 4-minute hole, 15-minute data does not", () => {
  // One-minute agent data, 0-24 and 29-60 over 80%: the 5-minute hole is over 2.5 steps, so two runs of 24 and 31
  // minutes, only the second long enough.
  const oneMinute = [...series("app-01", 0, 24, 95, 1), ...series("app-01", 29, 60, 95, 1)];
  const runs = runDetector(highCpuDetector, oneMinute);
  assert.deepEqual(runs.map((f) => f.facts?.["cpu.minutes"]), [31]);
  // CloudWatch at a 15-minute period: 0, 15, 30, 45 is a 45-minute run with no hole.
  const quarter = runDetector(highCpuDetector, series("i-0abc", 0, 45, 91, 15));
  assert.deepEqual(quarter.map((f) => f.facts?.["cpu.minutes"]), [45]);
  // Two samples 40 minutes apart are not a run (no sample in between says what happened).
  assert.equal(runDetector(highCpuDetector, [metric("app-02", 0, 99), metric("app-02", 40, 99)]).length, 0);
  // A fixed limit from the site replaces the step rule.
  const fixed = runDetector(highCpuDetector, oneMinute, { config: { cpu: { thresholdPct: 80, sustainMinutes: 30, maxGapMinutes: 10 } } });
  assert.deepEqual(fixed.map((f) => f.facts?.["cpu.minutes"]), [60]);
});

test("flush: a host that stopped reporting before the watermark is judged and forgotten; the finding is the batch's", () => {
  const out: Finding[] = [];
  const run = createHighCpuDetector().start({ intel: testIntel(), config: defaultConfig(), emit: (d) => out.push(makeFinding(d)) });
  for (const e of series("web-05", 0, 45, 95)) run.onEvent(e);
  run.flush?.(T0 + 30 * 60_000);
  assert.equal(out.length, 0, "still reporting at the watermark: nothing closed");
  run.flush?.(T0 + 60 * 60_000);
  assert.equal(out.length, 1);
  run.finish();
  assert.equal(out.length, 1, "finish does not report it twice");
  assert.deepEqual(out.map((f) => f.facts?.["cpu.minutes"]), runDetector(highCpuDetector, series("web-05", 0, 45, 95)).map((f) => f.facts?.["cpu.minutes"]));
});
