import { test } from "node:test";
import assert from "node:assert/strict";
import { parseWith, sniffWith } from "../../test-helpers/index.js";
import { cloudWatchSource } from "./cloudwatch.js";

// aws cloudwatch get-metric-statistics --namespace AWS/EC2 --metric-name CPUUtilization \
//   --dimensions Name=InstanceId,Value=i-0abc1234def567890 --statistics Average Maximum --period 300 ...
const STATISTICS = `{
    "Label": "CPUUtilization",
    "Datapoints": [
        {
            "Timestamp": "2026-11-20T03:10:00+00:00",
            "Average": 99.61,
            "Maximum": 100.0,
            "Unit": "Percent"
        },
        {
            "Timestamp": "2026-11-20T03:05:00+00:00",
            "Average": 3.2,
            "Maximum": 7.9,
            "Unit": "Percent"
        }
    ]
}
`;

test("get-metric-statistics: Average per datapoint; the instance comes from the file name", async () => {
  const { events, issues } = await parseWith(cloudWatchSource, STATISTICS, "exports/cpu-i-0abc1234def567890.json");
  assert.deepEqual(issues, []);
  assert.deepEqual(events[0], {
    "event.dataset": "aws.cloudwatch",
    "event.category": ["host"],
    "event.kind": "metric",
    "log.file.path": "exports/cpu-i-0abc1234def567890.json",
    "minerhunt.format": "aws.cloudwatch",
    "minerhunt.line": 4,
    "@timestamp": "2026-11-20T03:10:00.000Z",
    "cloud.provider": "aws",
    "host.name": "i-0abc1234def567890",
    "cloud.instance.id": "i-0abc1234def567890",
    "minerhunt.cpu.pct": 99.61,
  });
  assert.equal(events[1]!["minerhunt.line"], 10);
});

test("Dimensions in the file name the instance; without any, host stays unset", async () => {
  const withDims = JSON.stringify({ Dimensions: [{ Name: "InstanceId", Value: "i-0fedcba9876543210" }], Label: "CPUUtilization", Datapoints: [{ Timestamp: "2026-11-20T03:10:00Z", Maximum: 88, Unit: "Percent" }] });
  const a = await parseWith(cloudWatchSource, withDims, "cpu.json");
  assert.equal(a.events[0]!["cloud.instance.id"], "i-0fedcba9876543210");
  assert.equal(a.events[0]!["minerhunt.cpu.pct"], 88, "Maximum when there is no Average");
  const b = await parseWith(cloudWatchSource, STATISTICS, "cpu.json");
  assert.equal(b.events[0]!["host.name"], undefined);
});

test("get-metric-data: Timestamps and Values in parallel; other metrics are reported and skipped", async () => {
  const text = JSON.stringify({
    MetricDataResults: [
      { Id: "cpu", Label: "i-0abc1234def567890 CPUUtilization", Timestamps: ["2026-11-20T03:10:00+00:00", "2026-11-20T03:05:00+00:00"], Values: [97.5, 96.1], StatusCode: "Complete" },
      { Id: "net", Label: "NetworkOut", Timestamps: ["2026-11-20T03:10:00+00:00"], Values: [1024], StatusCode: "Complete" },
      { Id: "gpu", Label: "nvidia_smi_utilization_gpu", Timestamps: ["2026-11-20T03:10:00+00:00"], Values: ["x"], StatusCode: "Complete" },
    ],
    Messages: [],
  });
  const { events, issues } = await parseWith(cloudWatchSource, text);
  assert.deepEqual(events.map((e) => [e["host.name"], e["minerhunt.cpu.pct"]]), [["i-0abc1234def567890", 97.5], ["i-0abc1234def567890", 96.1]]);
  assert.equal(issues.length, 2);
  assert.match(issues[0]!.message, /"NetworkOut" is not CPUUtilization/);
  assert.match(issues[1]!.message, /expected a number, got "\\"x\\""/);
});

test("sniff: both CLI outputs", async () => {
  assert.ok(await sniffWith(cloudWatchSource, STATISTICS) >= 0.95);
  assert.ok(await sniffWith(cloudWatchSource, '{"MetricDataResults":[]}') >= 0.95);
  assert.equal(await sniffWith(cloudWatchSource, '{"ResultsByTime":[]}'), 0);
});
