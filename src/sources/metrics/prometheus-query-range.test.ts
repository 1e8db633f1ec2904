import { test } from "node:test";
import assert from "node:assert/strict";
import { parseWith, sniffWith } from "../../test-helpers/index.js";
import { prometheusQueryRangeSource } from "./prometheus-query-range.js";
import type { MetricHint, Source } from "../types.js";

const T0 = 1795144440; // 2026-11-20T03:14:00Z

function response(result: unknown[], resultType = "matrix"): string {
  return JSON.stringify({ status: "success", data: { resultType, result } });
}

// dcgm-exporter labels as scraped by the GPU operator's ServiceMonitor.
const DCGM = {
  metric: {
    __name__: "DCGM_FI_DEV_GPU_UTIL", DCGM_FI_DRIVER_VERSION: "535.104.12", Hostname: "gpu-node-1",
    UUID: "GPU-8f6e7c5a-1b2c-3d4e-5f60-718293a4b5c6", device: "nvidia0", gpu: "0", instance: "10.244.1.17:9400",
    job: "gpu-metrics", modelName: "Tesla T4", namespace: "gpu-operator", pci_bus_id: "00000000:00:1E.0",
  },
  values: [[T0, "100"], [T0 + 60, "99"], [T0 + 120, "NaN"]],
};

test("DCGM GPU utilisation: one event per point, host from Hostname, GPU details from labels", async () => {
  const { events, issues } = await parseWith(prometheusQueryRangeSource, response([DCGM]), "prom.json");
  assert.deepEqual(issues, []);
  assert.equal(events.length, 2, "NaN is a gap, not a reading");
  assert.deepEqual(events[0], {
    "event.dataset": "prometheus.query_range",
    "event.category": ["host"],
    "event.kind": "metric",
    "log.file.path": "prom.json",
    "minerhunt.format": "prometheus.query_range",
    "minerhunt.line": 1,
    "@timestamp": "2026-11-20T03:14:00.000Z",
    "host.name": "gpu-node-1",
    "minerhunt.metric.name": "DCGM_FI_DEV_GPU_UTIL",
    "minerhunt.gpu.utilization": 100,
    "minerhunt.gpu.index": 0,
    "minerhunt.gpu.name": "Tesla T4",
    "minerhunt.gpu.uuid": "GPU-8f6e7c5a-1b2c-3d4e-5f60-718293a4b5c6",
  });
});

test("node_cpu_seconds_total counters become host CPU % (1 - idle rate, averaged over CPUs)", async () => {
  const series = (cpu: string, mode: string, values: [number, string][]) => ({
    metric: { __name__: "node_cpu_seconds_total", cpu, instance: "web01:9100", job: "node", mode }, values,
  });
  const body = response([
    series("0", "idle", [[T0, "1000"], [T0 + 60, "1003"]]),
    series("1", "idle", [[T0, "2000"], [T0 + 60, "2006"]]),
    series("0", "user", [[T0, "500"], [T0 + 60, "557"]]),
  ]);
  const { events, issues } = await parseWith(prometheusQueryRangeSource, body);
  assert.deepEqual(issues, []);
  assert.equal(events.length, 1, "a counter needs two points for one rate");
  assert.equal(events[0]!["host.name"], "web01", "the port of instance is dropped");
  assert.equal(events[0]!["@timestamp"], "2026-11-20T03:15:00.000Z");
  assert.equal(events[0]!["minerhunt.cpu.pct"], 92.5);
});

test("rate() results without __name__ are read by their cpu and mode labels; recording rules by name", async () => {
  const body = response([
    { metric: { cpu: "0", instance: "web01:9100", job: "node", mode: "idle" }, values: [[T0, "0.02"]] },
    { metric: { cpu: "1", instance: "web01:9100", job: "node", mode: "idle" }, values: [[T0, "0.04"]] },
    { metric: { __name__: "instance:node_cpu_utilisation:rate5m", instance: "db-02:9100", job: "node" }, values: [[T0, "0.5"]] },
  ]);
  const { events, issues } = await parseWith(prometheusQueryRangeSource, body);
  assert.deepEqual(issues, []);
  const byHost = Object.fromEntries(events.map((e) => [e["host.name"], e["minerhunt.cpu.pct"]]));
  assert.deepEqual(byHost, { "db-02": 50, web01: 97 });
});

test("series that do not say what they measure, and broken points, are issues with the series' line", async () => {
  const body = JSON.stringify({
    status: "success",
    data: {
      resultType: "matrix",
      result: [
        { metric: { instance: "web01:9100" }, values: [[T0, "97"]] },
        { metric: { __name__: "DCGM_FI_DEV_GPU_UTIL", Hostname: "g1" }, values: [[T0, "abc"], ["soon", "1"], [T0 + 60, "50"], [T0 + 120, "250"]] },
      ],
    },
  }, null, 2);
  const { events, issues } = await parseWith(prometheusQueryRangeSource, body);
  assert.equal(events.length, 1);
  assert.equal(issues.length, 3);
  assert.equal(issues[0]!.line, 6);
  assert.match(issues[0]!.message, /does not say what it measures/);
  assert.equal(issues[1]!.line, 17);
  assert.match(issues[1]!.message, /2 point\(s\) are not \[unix seconds, "number"\]/);
  assert.match(issues[2]!.message, /1 value\(s\) out of range/);
});

test("an error response and a non-JSON body are issues", async () => {
  const failed = await parseWith(prometheusQueryRangeSource, '{"status":"error","errorType":"bad_data","error":"parse error at char 5"}');
  assert.match(failed.issues[0]!.message, /the query failed/);
  const broken = await parseWith(prometheusQueryRangeSource, '{"status":"success","data":{"resultType":"matrix","result":[');
  assert.match(broken.issues[0]!.message, /not valid JSON/);
});

test("sniff: Prometheus API responses", async () => {
  assert.ok(await sniffWith(prometheusQueryRangeSource, response([DCGM])) >= 0.95);
  assert.equal(await sniffWith(prometheusQueryRangeSource, '{"Label":"CPUUtilization","Datapoints":[]}'), 0);
});

/** The source as the scan runs it for a file the person said measures `metric` (--metric, config inputs). */
function told(metric: MetricHint): Source {
  return { ...prometheusQueryRangeSource, parse: (input, ctx) => prometheusQueryRangeSource.parse(input, { ...ctx, hints: { metric } }) };
}

// `avg by (instance)(rate(node_cpu_seconds_total{mode!="idle"}[5m]))` and
// `avg by (Hostname)(DCGM_FI_DEV_GPU_UTIL)`: aggregation drops __name__ and the cpu/mode labels.
const AVG_CPU = response([{ metric: { instance: "web01:9100" }, values: [[T0, "0.93"], [T0 + 60, "0.95"]] }]);
const AVG_GPU = response([{ metric: { Hostname: "gpu-node-1" }, values: [[T0, "88"]] }]);

test("an unnamed series is read when the scan is told what it measures (--metric)", async () => {
  const refused = await parseWith(prometheusQueryRangeSource, AVG_CPU);
  assert.equal(refused.events.length, 0);
  assert.match(refused.issues[0]!.message, /--metric cpu\|gpu\|cpu-ratio\|gpu-ratio/);

  const cpu = await parseWith(told("cpu-ratio"), AVG_CPU);
  assert.deepEqual(cpu.issues, []);
  assert.deepEqual(cpu.events.map((e) => [e["host.name"], e["minerhunt.cpu.pct"], e["event.category"]]), [["web01", 93, ["host"]], ["web01", 95, ["host"]]]);

  const gpu = await parseWith(told("gpu"), AVG_GPU);
  assert.deepEqual(gpu.events.map((e) => [e["host.name"], e["minerhunt.gpu.utilization"]]), [["gpu-node-1", 88]]);

  // Told "percent" but every value is at most 1: read as told, with a hint that it may be a ratio.
  const unsure = await parseWith(told("cpu"), AVG_CPU);
  assert.deepEqual(unsure.events.map((e) => e["minerhunt.cpu.pct"]), [0.93, 0.95]);
  assert.match(unsure.issues[0]!.message, /use --metric cpu-ratio/);
});

test("a hint never overrides what a named series says it is", async () => {
  const body = response([{ metric: { __name__: "DCGM_FI_DEV_GPU_UTIL", Hostname: "g1" }, values: [[T0, "50"]] },
    { metric: { __name__: "up", instance: "web01:9100" }, values: [[T0, "1"]] }]);
  const { events, issues } = await parseWith(told("cpu"), body);
  assert.deepEqual(events.map((e) => [e["minerhunt.gpu.utilization"], e["minerhunt.cpu.pct"]]), [[50, undefined]]);
  assert.match(issues[0]!.message, /__name__=.{0,2}up/, "a named series of no known measure is still refused");
  assert.doesNotMatch(issues[0]!.message, /--metric/);
});
