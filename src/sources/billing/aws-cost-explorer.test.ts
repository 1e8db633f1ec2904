import { test } from "node:test";
import assert from "node:assert/strict";
import { parseWith, sniffWith } from "../../test-helpers/index.js";
import { awsCostExplorerSource } from "./aws-cost-explorer.js";

// aws ce get-cost-and-usage --granularity DAILY --metrics UnblendedCost UsageQuantity
//   --group-by Type=DIMENSION,Key=SERVICE Type=DIMENSION,Key=REGION   (the CLI indents with 4 spaces)
const GROUPED = JSON.stringify({
  GroupDefinitions: [{ Type: "DIMENSION", Key: "SERVICE" }, { Type: "DIMENSION", Key: "REGION" }],
  ResultsByTime: [
    {
      TimePeriod: { Start: "2026-11-19", End: "2026-11-20" },
      Total: {},
      Groups: [
        { Keys: ["Amazon Elastic Compute Cloud - Compute", "us-east-1"], Metrics: { UnblendedCost: { Amount: "12.3456789", Unit: "USD" }, UsageQuantity: { Amount: "24", Unit: "N/A" } } },
        { Keys: ["Amazon Elastic Compute Cloud - Compute", "ap-southeast-1"], Metrics: { UnblendedCost: { Amount: "4896.72", Unit: "USD" }, UsageQuantity: { Amount: "200", Unit: "N/A" } } },
      ],
      Estimated: true,
    },
  ],
  DimensionValueAttributes: [],
}, null, 4);

test("GetCostAndUsage grouped by SERVICE and REGION: one event per group per period", async () => {
  const { events, issues } = await parseWith(awsCostExplorerSource, GROUPED, "ce.json");
  assert.deepEqual(issues, []);
  assert.equal(events.length, 2);
  assert.deepEqual(events[1], {
    "event.dataset": "aws.billing",
    "event.category": ["billing"],
    "event.kind": "metric",
    "log.file.path": "ce.json",
    "minerhunt.format": "aws.cost_explorer",
    "minerhunt.line": 36,
    "@timestamp": "2026-11-19T00:00:00.000Z",
    "minerhunt.billing.period_end": "2026-11-20T00:00:00.000Z",
    "cloud.provider": "aws",
    "cloud.region": "ap-southeast-1",
    "minerhunt.billing.service": "Amazon Elastic Compute Cloud - Compute",
    "minerhunt.billing.cost": 4896.72,
    "minerhunt.billing.currency": "USD",
    "minerhunt.billing.cost_usd": 4896.72,
    "minerhunt.billing.usage_amount": 200,
  });
});

test("USAGE_TYPE and LINKED_ACCOUNT groups; machine type from BoxUsage; ungrouped periods use Total", async () => {
  const text = JSON.stringify({
    GroupDefinitions: [{ Type: "DIMENSION", Key: "LINKED_ACCOUNT" }, { Type: "DIMENSION", Key: "USAGE_TYPE" }],
    ResultsByTime: [
      { TimePeriod: { Start: "2026-11-20", End: "2026-11-21" }, Total: {}, Groups: [{ Keys: ["444455556666", "APS1-BoxUsage:p3.16xlarge"], Metrics: { UnblendedCost: { Amount: "1468.8", Unit: "USD" } } }], Estimated: true },
    ],
  });
  const grouped = await parseWith(awsCostExplorerSource, text);
  const e = grouped.events[0]!;
  assert.equal(e["cloud.account.id"], "444455556666");
  assert.equal(e["minerhunt.billing.usage_type"], "APS1-BoxUsage:p3.16xlarge");
  assert.equal(e["cloud.machine.type"], "p3.16xlarge");

  const total = JSON.stringify({ ResultsByTime: [{ TimePeriod: { Start: "2026-11-01", End: "2026-12-01" }, Total: { UnblendedCost: { Amount: "5023.1", Unit: "USD" } }, Groups: [], Estimated: false }] });
  const t = await parseWith(awsCostExplorerSource, total);
  assert.equal(t.events[0]!["minerhunt.billing.cost_usd"], 5023.1);
  assert.equal(t.events[0]!["@timestamp"], "2026-11-01T00:00:00.000Z");
});

test("without GroupDefinitions the keys are judged by their shape", async () => {
  const text = JSON.stringify({ ResultsByTime: [{ TimePeriod: { Start: "2026-11-20", End: "2026-11-21" }, Groups: [{ Keys: ["123456789012", "eu-west-1", "EUW1-SpotUsage:g4dn.12xlarge", "Amazon Elastic Compute Cloud - Compute"], Metrics: { NetUnblendedCost: { Amount: "10", Unit: "USD" } } }] }] });
  const e = (await parseWith(awsCostExplorerSource, text)).events[0]!;
  assert.equal(e["cloud.account.id"], "123456789012");
  assert.equal(e["cloud.region"], "eu-west-1");
  assert.equal(e["cloud.machine.type"], "g4dn.12xlarge");
  assert.equal(e["minerhunt.billing.service"], "Amazon Elastic Compute Cloud - Compute");
});

test("a bad amount is an issue naming where; the other groups are kept", async () => {
  const text = JSON.stringify({ ResultsByTime: [{ TimePeriod: { Start: "2026-11-20", End: "2026-11-21" }, Groups: [
    { Keys: ["AWS Lambda"], Metrics: { UnblendedCost: { Amount: "lots", Unit: "USD" } } },
    { Keys: ["Amazon EC2"], Metrics: { UnblendedCost: { Amount: "1", Unit: "USD" } } },
  ] }] });
  const { events, issues } = await parseWith(awsCostExplorerSource, text);
  assert.equal(events.length, 1);
  assert.match(issues[0]!.message, /ResultsByTime\[0\]\.Groups\[0\]\.UnblendedCost\.Amount: expected a number, got "lots"/);
});

test("sniff", async () => {
  assert.ok(await sniffWith(awsCostExplorerSource, GROUPED) >= 0.95);
  assert.equal(await sniffWith(awsCostExplorerSource, '{"Records":[]}'), 0);
});
