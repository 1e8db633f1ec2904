/**
 * End to end on a real format: an AWS Cost and Usage Report (legacy CUR columns, daily granularity)
 * written by hand in the shape AWS delivers, parsed by the CUR source, then detected.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { awsCurSource } from "../../../sources/billing/index.js";
import { parseWith, runDetector } from "../../../test-helpers/index.js";
import { billingAnomaly } from "./index.js";

const HEADER = "identity/LineItemId,identity/TimeInterval,bill/PayerAccountId,lineItem/UsageAccountId,lineItem/LineItemType,lineItem/UsageStartDate,lineItem/UsageEndDate,lineItem/ProductCode,lineItem/UsageType,lineItem/Operation,lineItem/ResourceId,lineItem/UsageAmount,lineItem/CurrencyCode,lineItem/UnblendedCost,product/instanceType,product/region";

function day(n: number): string {
  return new Date(Date.parse("2026-10-01T00:00:00Z") + n * 86_400_000).toISOString().slice(0, 10);
}

function cur(n: number, lineItemType: string, usageType: string, resource: string, amount: number, cost: number, instanceType: string, region: string): string {
  const start = `${day(n)}T00:00:00Z`;
  const end = `${day(n + 1)}T00:00:00Z`;
  return [`li${n}${usageType.length}${cost}`.replace(/\W/g, ""), `${start}/${end}`, "111122223333", "111122223333", lineItemType, start, end, "AmazonEC2",
    usageType, "RunInstances", resource, amount, "USD", cost.toFixed(8), instanceType, region].join(",");
}

test("a CUR with GPU hours after weeks of steady use, a tax line and an RI fee: one finding", async () => {
  const rows = [HEADER];
  for (let n = 0; n < 25; n++) rows.push(cur(n, "Usage", "BoxUsage:m5.large", "i-0f1e2d3c4b5a69788", 24, 2.304 + (n % 3) * 0.01, "m5.large", "us-east-1"));
  rows.push(cur(0, "Tax", "", "", 0, 410.5, "", ""));
  rows.push(cur(0, "RIFee", "HeavyUsage:m5.xlarge", "", 720, 1200, "m5.xlarge", "us-east-1"));
  for (const n of [25, 26]) rows.push(cur(n, "Usage", "BoxUsage:p3.16xlarge", "i-0aa11bb22cc33dd44", 24, 587.52, "p3.16xlarge", "us-east-1"));
  const { events, issues } = await parseWith(awsCurSource, rows.join("\n") + "\n", "cur/111122223333-00001.csv");
  assert.deepEqual(issues, []);
  const findings = runDetector(billingAnomaly, events);
  assert.equal(findings.length, 1);
  const f = findings[0]!;
  assert.equal(f.facts?.["billing.gpu"], true);
  assert.equal(f.facts?.["billing.days"], 2);
  assert.equal(f.facts?.["billing.total_usd"], 1175.04);
  assert.equal(f.severity, "high");
  assert.deepEqual(f.entities.accounts, ["111122223333"]);
  assert.ok(f.entities.instances?.includes("i-0aa11bb22cc33dd44"));
});
