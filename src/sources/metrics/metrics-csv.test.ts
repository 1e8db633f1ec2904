import { test } from "node:test";
import assert from "node:assert/strict";
import { parseWith, sniffWith } from "../../test-helpers/index.js";
import { metricsCsvSource } from "./metrics-csv.js";
import { utilizationColumn } from "./utilization-columns.js";

test("a utilisation CSV: one metric event per row, percent values as written", async () => {
  const text = "timestamp,host,cpu_pct,gpu_util\n2026-11-20T03:00:00Z,web01,12.5,0\n2026-11-20T03:05:00Z,web01,97.8 %,99\n";
  const { events, issues } = await parseWith(metricsCsvSource, text, "cpu.csv");
  assert.deepEqual(issues, []);
  assert.deepEqual(events[1], {
    "event.dataset": "metrics.csv",
    "event.category": ["host"],
    "event.kind": "metric",
    "log.file.path": "cpu.csv",
    "minerhunt.format": "metrics.csv",
    "minerhunt.line": 3,
    "@timestamp": "2026-11-20T03:05:00.000Z",
    "host.name": "web01",
    "minerhunt.cpu.pct": 97.8,
    "minerhunt.gpu.utilization": 99,
  });
});

test("column names match flexibly; norm/ratio columns are fractions, others percentages", async () => {
  const text = "@timestamp,host.name,system.cpu.total.norm.pct\n2026-11-20T03:00:00Z,db-02,0.97\n";
  const { events } = await parseWith(metricsCsvSource, text);
  assert.equal(events[0]!["minerhunt.cpu.pct"], 97);
  const quiet = await parseWith(metricsCsvSource, "time,instance,CPUUtilization\n1795144447,10.0.0.5:9100,0.9\n");
  assert.equal(quiet.events[0]!["minerhunt.cpu.pct"], 0.9, "0.9 in a percent column is 0.9 %, not 90 %");
  assert.equal(quiet.events[0]!["host.name"], "10.0.0.5", "the port of an instance is dropped");
  assert.equal(quiet.events[0]!["@timestamp"], "2026-11-20T03:14:07.000Z");
  const ec2 = await parseWith(metricsCsvSource, "datetime,node,%cpu\n2026-11-20 03:00:00,i-0abc1234def567890,55\n");
  assert.equal(ec2.events[0]!["cloud.instance.id"], "i-0abc1234def567890");
  assert.deepEqual(utilizationColumn("utilization.gpu [%]"), { metric: "gpu", scale: "percent" });
  assert.deepEqual(utilizationColumn("cpu_ratio"), { metric: "cpu", scale: "fraction" });
  assert.equal(utilizationColumn("cpu_temp"), undefined);
  assert.equal(utilizationColumn("system.cpu.total.pct"), undefined, "Metricbeat's multi-core fraction is not 0..100");
});

test("a bad number is an issue naming the line and column; an unparseable time is an issue; reading goes on", async () => {
  const text = "timestamp,host,cpu,gpu\n2026-11-20T03:00:00Z,web01,abc,50\nnot-a-time,web01,10,10\n2026-11-20T03:10:00Z,web01,250,10\n2026-11-20T03:15:00Z,web01,99,99\n";
  const { events, issues } = await parseWith(metricsCsvSource, text);
  assert.deepEqual(issues.map((i) => [i.line, i.message]), [
    [2, 'line 2, column "cpu": expected a number, got "abc"'],
    [3, 'line 3: time "not-a-time" is not a timestamp; expected ISO 8601, "YYYY-MM-DD hh:mm:ss" (UTC) or Unix epoch seconds/milliseconds'],
    [4, 'line 4, column "cpu": expected a percentage between 0 and 100, got 250'],
  ]);
  assert.deepEqual(events.map((e) => [e["minerhunt.line"], e["minerhunt.cpu.pct"], e["minerhunt.gpu.utilization"]]), [
    [2, undefined, 50], [4, undefined, 10], [5, 99, 99],
  ]);
});

test("a header without time or utilisation columns is one issue, nothing read", async () => {
  const { events, issues } = await parseWith(metricsCsvSource, "host,cpu\nweb01,99\n");
  assert.equal(events.length, 0);
  assert.equal(issues.length, 1);
  assert.equal(issues[0]!.line, 1);
});

test("sniff: utilisation CSVs yes; nvidia-smi output and billing CSVs left to their sources", async () => {
  assert.ok(await sniffWith(metricsCsvSource, "timestamp,host,cpu_pct\n2026-11-20T03:00:00Z,web01,12.5\n") >= 0.8);
  assert.ok(await sniffWith(metricsCsvSource, "timestamp, name, index, utilization.gpu [%], memory.used [MiB]\n2026/11/20 03:14:07.512, Tesla T4, 0, 100 %, 2000 MiB\n") < 0.5);
  assert.equal(await sniffWith(metricsCsvSource, "Date,SubscriptionId,MeterCategory,CostInBillingCurrency\n11/20/2026,x,Virtual Machines,1\n"), 0);
});
