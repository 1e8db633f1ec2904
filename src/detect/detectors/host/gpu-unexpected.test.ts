import { test } from "node:test";
import assert from "node:assert/strict";
import type { Event } from "../../../model/index.js";
import { WEAK_CONFIDENCE } from "../../../model/index.js";
import { runDetector } from "../../../test-helpers/index.js";
import { defaultConfig } from "../../config.js";
import { gpuUnexpectedDetector } from "./gpu-unexpected.js";

const T0 = Date.parse("2026-11-20T02:00:00Z");

/** nvidia-smi --query-gpu CSV as the metrics source writes it. */
function gpu(host: string, index: number, minute: number, util: number): Event {
  return {
    "@timestamp": new Date(T0 + minute * 60_000).toISOString(), "event.dataset": "nvidia_smi", "event.category": ["host"], "event.kind": "metric",
    "log.file.path": `/cases/${host}/nvidia-smi.csv`, "minerhunt.line": minute * 2 + index + 2, "host.name": host,
    "minerhunt.gpu.index": index, "minerhunt.gpu.name": "Tesla T4", "minerhunt.gpu.utilization": util,
  };
}

function run(host: string, index: number, from: number, to: number, util: number): Event[] {
  const out: Event[] = [];
  for (let m = from; m <= to; m++) out.push(gpu(host, index, m, util));
  return out;
}

test("a GPU busy over 60% for 15 minutes on a web server: an alert on its own, per GPU", () => {
  const findings = runDetector(gpuUnexpectedDetector, [...run("web-01", 0, 0, 15, 98), ...run("web-01", 1, 0, 15, 97), ...run("web-01", 2, 0, 15, 3)]);
  assert.equal(findings.length, 2);
  const f = findings.find((x) => x.facts?.["gpu.index"] === "0")!;
  assert.equal(f.confidence, 0.5);
  assert.ok(f.confidence >= WEAK_CONFIDENCE);
  assert.match(f.description ?? "", /To confirm it: the process on the GPU/);
  assert.equal(f.facts?.["gpu.minutes"], 15);
  assert.equal(f.facts?.["gpu.name"], "Tesla T4");
  assert.equal(f.evidence[0]?.file, "/cases/web-01/nvidia-smi.csv");
  assert.deepEqual(f.entities.hosts, ["web-01"]);
});

test("expected GPU hosts (globs) and short bursts are not findings", () => {
  const config = { gpu: { ...defaultConfig().gpu, expectedHosts: ["ml-*", "render-??"] } };
  assert.equal(runDetector(gpuUnexpectedDetector, run("ML-GPU-01", 0, 0, 60, 99), { config }).length, 0);
  assert.equal(runDetector(gpuUnexpectedDetector, run("render-07", 0, 0, 60, 99), { config }).length, 0);
  assert.equal(runDetector(gpuUnexpectedDetector, run("web-01", 0, 0, 8, 99), { config }).length, 0, "8 minutes < 10");
  assert.equal(runDetector(gpuUnexpectedDetector, run("web-01", 0, 0, 30, 55), { config }).length, 0, "55% is under 60%");
});

test("routing: CPU metrics are ignored by the GPU detector", () => {
  const cpu = run("web-01", 0, 0, 30, 99).map((e) => { const c: Event = { ...e, "minerhunt.cpu.pct": 99 }; delete c["minerhunt.gpu.utilization"]; return c; });
  assert.equal(runDetector(gpuUnexpectedDetector, cpu).length, 0);
});

test("over an hour is surer; a host named like a GPU host is weak, a declared one is silent", () => {
  const [long] = runDetector(gpuUnexpectedDetector, run("web-02", 0, 0, 75, 97));
  assert.equal(long?.confidence, 0.55);
  const [named] = runDetector(gpuUnexpectedDetector, run("ml-train-01", 0, 0, 75, 97));
  assert.ok(named && named.confidence < WEAK_CONFIDENCE);
  assert.ok(named.tags?.includes("expected-workload"));
  const config = { gpu: { ...defaultConfig().gpu, expectedHosts: ["ml-train-01"] } };
  assert.equal(runDetector(gpuUnexpectedDetector, run("ml-train-01", 0, 0, 75, 97), { config }).length, 0);
});
