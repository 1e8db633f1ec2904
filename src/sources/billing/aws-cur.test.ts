import { test } from "node:test";
import assert from "node:assert/strict";
import { gzipSync } from "node:zlib";
import { parseWith, sniffWith } from "../../test-helpers/index.js";
import { awsCurSource } from "./aws-cur.js";

// Legacy CUR (a subset of its columns, real names and order as in the report).
const LEGACY = [
  "identity/LineItemId,identity/TimeInterval,bill/PayerAccountId,lineItem/UsageAccountId,lineItem/LineItemType,lineItem/UsageStartDate,lineItem/UsageEndDate,lineItem/ProductCode,lineItem/UsageType,lineItem/Operation,lineItem/ResourceId,lineItem/UsageAmount,lineItem/CurrencyCode,lineItem/UnblendedCost,product/ProductName,product/instanceType,product/region",
  "q7n2tjmd4fxxkvlwchx3xzs7vdn3awb6hdsmxlgvvfrya,2026-11-20T03:00:00Z/2026-11-20T04:00:00Z,111122223333,444455556666,Usage,2026-11-20T03:00:00Z,2026-11-20T04:00:00Z,AmazonEC2,APS1-BoxUsage:p3.16xlarge,RunInstances,i-0abc1234def567890,1,USD,24.48,Amazon Elastic Compute Cloud,p3.16xlarge,ap-southeast-1",
  "a2c4e6g8i0k2m4o6q8s0u2w4y6a8c0e2g4i6k8m0o2q4s,2026-11-20T03:00:00Z/2026-11-20T04:00:00Z,111122223333,444455556666,Usage,2026-11-20T03:00:00Z,2026-11-20T04:00:00Z,AmazonEC2,APS1-SpotUsage:g4dn.12xlarge,RunInstances:SV050,i-0fedcba9876543210,1,USD,twelve,Amazon Elastic Compute Cloud,g4dn.12xlarge,ap-southeast-1",
  '"b1d3f5h7j9l1n3p5r7t9v1x3z5b7d9f1h3j5l7n9p1r3t",2026-11-01T00:00:00Z/2026-12-01T00:00:00Z,111122223333,444455556666,Tax,2026-11-01T00:00:00Z,2026-12-01T00:00:00Z,AmazonEC2,,,,1,USD,"2.10",Amazon Elastic Compute Cloud,,',
].join("\n");

test("legacy CUR: one event per line item; machine type, instance and line item type kept", async () => {
  const { events, issues } = await parseWith(awsCurSource, LEGACY, "cur-00001.csv");
  assert.equal(events.length, 2);
  assert.deepEqual(events[0], {
    "event.dataset": "aws.billing",
    "event.category": ["billing"],
    "event.kind": "metric",
    "log.file.path": "cur-00001.csv",
    "minerhunt.format": "aws.cur",
    "minerhunt.line": 2,
    "@timestamp": "2026-11-20T03:00:00.000Z",
    "minerhunt.billing.period_end": "2026-11-20T04:00:00.000Z",
    "cloud.provider": "aws",
    "cloud.account.id": "444455556666",
    "cloud.region": "ap-southeast-1",
    "minerhunt.billing.service": "Amazon Elastic Compute Cloud",
    "minerhunt.billing.usage_type": "APS1-BoxUsage:p3.16xlarge",
    "cloud.machine.type": "p3.16xlarge",
    "cloud.instance.id": "i-0abc1234def567890",
    "minerhunt.billing.resource_id": "i-0abc1234def567890",
    "minerhunt.billing.line_item_type": "Usage",
    "minerhunt.billing.cost": 24.48,
    "minerhunt.billing.currency": "USD",
    "minerhunt.billing.cost_usd": 24.48,
    "minerhunt.billing.usage_amount": 1,
  });
  assert.equal(events[1]!["minerhunt.billing.line_item_type"], "Tax");
  assert.equal(events[1]!["minerhunt.billing.cost_usd"], 2.1);
  // The bad cost: one issue naming line and column, the row skipped, the next row read.
  assert.deepEqual(issues.map((i) => [i.line, i.message]), [[3, 'line 3, column "lineItem/UnblendedCost": expected a number, got "twelve"']]);
});

test("CUR 2.0 / Data Exports columns, gzipped as delivered", async () => {
  const text = [
    "bill_payer_account_id,line_item_usage_account_id,line_item_line_item_type,line_item_usage_start_date,line_item_usage_end_date,line_item_product_code,line_item_usage_type,line_item_resource_id,line_item_usage_amount,line_item_currency_code,line_item_unblended_cost,product_instance_type,product_region_code",
    "111122223333,444455556666,Usage,2026-11-20T03:00:00.000Z,2026-11-20T04:00:00.000Z,AmazonEC2,USE1-BoxUsage:c5.24xlarge,i-0123456789abcdef0,1.0,USD,4.08,c5.24xlarge,us-east-1",
  ].join("\n");
  const { events, issues } = await parseWith(awsCurSource, gzipSync(Buffer.from(text)), "data/BILLING_PERIOD=2026-11/export-00001.csv.gz");
  assert.deepEqual(issues, []);
  const e = events[0]!;
  assert.equal(e["minerhunt.billing.service"], "AmazonEC2", "product code when there is no product name");
  assert.equal(e["cloud.machine.type"], "c5.24xlarge");
  assert.equal(e["cloud.region"], "us-east-1");
  assert.equal(e["minerhunt.billing.cost_usd"], 4.08);
});

test("sniff: CUR headers, legacy and 2.0", async () => {
  assert.ok(await sniffWith(awsCurSource, LEGACY) >= 0.95);
  assert.ok(await sniffWith(awsCurSource, "line_item_usage_start_date,line_item_unblended_cost\n2026-11-20T03:00:00Z,1\n") >= 0.95);
  assert.equal(await sniffWith(awsCurSource, "timestamp,host,cpu\n2026-11-20T03:00:00Z,web01,97\n"), 0);
});
