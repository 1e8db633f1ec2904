import { test } from "node:test";
import assert from "node:assert/strict";
import type { Event } from "../../../model/index.js";
import { WEAK_CONFIDENCE } from "../../../model/index.js";
import { runDetector } from "../../../test-helpers/index.js";
import { billingAnomaly } from "./billing-anomaly.js";
import { allSources } from "../../../sources/index.js";
import { declaredDatasets } from "../../sigma/declared-routes.js";

/**
 * Billing events as the billing sources emit them (docs/events.md "Billing"). Daily rows look like
 * Cost Explorer GetCostAndUsage groups (DAILY, grouped by SERVICE and REGION); hourly rows like CUR
 * line items (lineItem/UsageType, lineItem/LineItemType, lineItem/ResourceId).
 */
const ACCOUNT = "111122223333";
const EC2 = "Amazon Elastic Compute Cloud - Compute";
let line = 1;

interface Row { day: string; cost: number; region?: string; service?: string; usageType?: string; machineType?: string; lineItemType?: string; hour?: number; instance?: string; periodEnd?: string; account?: string }

function row(r: Row): Event {
  const start = r.hour === undefined ? `${r.day}T00:00:00Z` : `${r.day}T${String(r.hour).padStart(2, "0")}:00:00Z`;
  const end = r.periodEnd ?? (r.hour === undefined ? nextDay(r.day) : new Date(Date.parse(start) + 3_600_000).toISOString());
  const e: Event = {
    "@timestamp": start,
    "minerhunt.billing.period_end": end,
    "event.dataset": "aws.billing",
    "event.kind": "metric",
    "event.category": ["billing"],
    "cloud.provider": "aws",
    "cloud.account.id": r.account ?? ACCOUNT,
    "minerhunt.billing.service": r.service ?? EC2,
    "minerhunt.billing.cost_usd": r.cost,
    "minerhunt.billing.currency": "USD",
    "log.file.path": r.hour === undefined ? "ce-daily.json" : "cur-00001.csv.gz",
    "minerhunt.line": ++line,
    "minerhunt.format": r.hour === undefined ? "aws.cost_explorer" : "aws.cur",
  };
  if (r.region) e["cloud.region"] = r.region;
  if (r.usageType) e["minerhunt.billing.usage_type"] = r.usageType;
  if (r.machineType) e["cloud.machine.type"] = r.machineType;
  if (r.lineItemType) e["minerhunt.billing.line_item_type"] = r.lineItemType;
  if (r.instance) e["cloud.instance.id"] = r.instance;
  return e;
}

function nextDay(day: string): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
}

/** Day n (0-based) from 2026-10-01. */
function day(n: number): string {
  return new Date(Date.parse("2026-10-01T00:00:00Z") + n * 86_400_000).toISOString().slice(0, 10);
}

/** Deterministic small noise, so baselines are not perfectly flat. */
function jitter(n: number, amplitude: number): number {
  return ((n * 7919) % 11 - 5) / 5 * amplitude;
}

function steadyEc2(days: number, level = 100, region = "us-east-1"): Event[] {
  return Array.from({ length: days }, (_, n) => row({ day: day(n), cost: level + jitter(n, level * 0.05), region, usageType: "BoxUsage:m5.large" }));
}

test("routes the billing category, which the three billing datasets carry", () => {
  assert.deepEqual(billingAnomaly.routes, { categories: ["billing"] });
  const billing = declaredDatasets(allSources).filter((d) => d.categories.includes("billing")).map((d) => d.dataset).sort();
  assert.deepEqual(billing, ["aws.billing", "azure.billing", "gcp.billing"]);
});

test("GPU usage appearing in an existing region: a strong spike with its USD impact", () => {
  const events = steadyEc2(20);
  // Three days of four p3.16xlarge around the clock (on-demand $24.48/h each) on top of the usual spend.
  for (let n = 20; n < 23; n++) {
    events.push(row({ day: day(n), cost: 100, region: "us-east-1", usageType: "BoxUsage:m5.large" }));
    events.push(row({ day: day(n), cost: 4 * 24 * 24.48, region: "us-east-1", usageType: "BoxUsage:p3.16xlarge" }));
  }
  events.push(row({ day: day(23), cost: 101, region: "us-east-1", usageType: "BoxUsage:m5.large" }));
  const findings = runDetector(billingAnomaly, events.reverse()); // order does not matter
  assert.equal(findings.length, 1);
  const f = findings[0]!;
  assert.equal(f.trigger, "billing");
  assert.equal(f.confidence, 0.6, "GPU usage and a large excess on a compute service");
  assert.equal(f.facts?.["billing.onset"], day(20));
  assert.equal(f.severity, "high", "over the $1,000 escalation line");
  assert.equal(f.facts?.["billing.days"], 3);
  assert.equal(f.facts?.["billing.gpu"], true);
  const baseline = f.facts?.["billing.baseline_usd_per_day"] as number;
  assert.ok(Math.abs(baseline - 100) < 5, `baseline ${baseline}`);
  assert.equal(f.facts?.["billing.total_usd"], 3 * (100 + 2350.08));
  assert.ok(Math.abs((f.facts?.["billing.usd"] as number) - 3 * (2450.08 - baseline)) < 0.02);
  assert.match(String(f.facts?.["billing.usage_types"]), /^BoxUsage:p3\.16xlarge/);
  assert.deepEqual(f.entities.accounts, [ACCOUNT]);
  assert.deepEqual(f.entities.regions, ["us-east-1"]);
  assert.ok(f.observables.some((o) => o.type === "instance-type" && o.value === "p3.16xlarge"));
  assert.equal(f.firstSeen, `${day(20)}T00:00:00Z`);
  assert.equal(f.lastSeen, `${day(23)}`, "the period end of the last spike day");
  // Evidence: the costliest records of the spike days, pointing at file and line.
  assert.ok(f.evidence.every((e) => e.file === "ce-daily.json"));
  assert.ok(f.evidence.some((e) => /BoxUsage:p3\.16xlarge \$2350\.08 in us-east-1/.test(e.summary ?? "")), "the costliest record is in the sample");
  assert.equal(f.evidenceCount, 6);
});

test("spend in a region with no history joins the same finding as a new region", () => {
  const events = steadyEc2(20);
  for (let n = 20; n < 22; n++) {
    events.push(row({ day: day(n), cost: 400 + n, region: "us-east-1", usageType: "BoxUsage:c5.24xlarge" }));
    events.push(row({ day: day(n), cost: 380, region: "ap-south-1", usageType: "APS3-BoxUsage:c5.24xlarge" }));
  }
  const findings = runDetector(billingAnomaly, events);
  assert.equal(findings.length, 1);
  const f = findings[0]!;
  assert.equal(f.confidence, 0.6, "a new region and an excess over $1,000 on EC2");
  assert.equal(f.facts?.["billing.new_regions"], "ap-south-1");
  assert.equal(f.facts?.["billing.gpu"], false);
  assert.deepEqual([...f.entities.regions!].sort(), ["ap-south-1", "us-east-1"]);
  assert.match(f.title, /new region ap-south-1/);
});

test("a plain spike is weak; another account's history does not make it new", () => {
  const events: Event[] = [];
  for (let n = 0; n < 15; n++) events.push(row({ day: day(n), cost: 20 + jitter(n, 1), region: "us-east-1", service: "Amazon Simple Storage Service", usageType: "TimedStorage-ByteHrs" }));
  events.push(row({ day: day(15), cost: 240, region: "us-east-1", service: "Amazon Simple Storage Service", usageType: "DataTransfer-Out-Bytes" }));
  const [f, ...rest] = runDetector(billingAnomaly, events);
  assert.equal(rest.length, 0);
  assert.ok(f);
  assert.equal(f.confidence, 0.3);
  assert.ok(f.confidence < WEAK_CONFIDENCE, "storage is not compute: weak whatever the ratio");
  assert.equal(f.facts?.["billing.compute"], false);
  assert.equal(f.severity, "low");
  assert.equal(f.facts?.["billing.new_regions"], "");
});

test("hourly CUR records are summed into days", () => {
  const events: Event[] = [];
  for (let n = 0; n < 10; n++) for (let h = 0; h < 24; h++) events.push(row({ day: day(n), hour: h, cost: 0.096, region: "eu-west-1", usageType: "EU-BoxUsage:m5.large", lineItemType: "Usage", instance: "i-0f1e2d3c4b5a69788" }));
  for (let h = 6; h < 24; h++) events.push(row({ day: day(10), hour: h, cost: 3.06, region: "eu-west-1", usageType: "EU-BoxUsage:g4dn.12xlarge", machineType: "g4dn.12xlarge", lineItemType: "Usage", instance: "i-0aa11bb22cc33dd44" }));
  const findings = runDetector(billingAnomaly, events, { config: { billing: { robustZ: 5, minIncreaseUsd: 20, minBaselineDays: 5, escalateUsd: 1000 } } });
  assert.equal(findings.length, 1);
  const f = findings[0]!;
  assert.equal(f.facts?.["billing.total_usd"], 55.08);
  assert.equal(f.facts?.["billing.gpu"], true);
  assert.deepEqual(f.entities.instances, ["i-0aa11bb22cc33dd44"]);
  assert.equal(f.evidenceCount, 18);
  assert.equal(f.evidence.length, 5, "the costliest few records, not all of them");
});

test("trap: steady 10% weekly growth is not a spike", () => {
  const events: Event[] = [];
  for (let n = 0; n < 120; n++) {
    const cost = 500 * Math.pow(1.1, n / 7) + jitter(n, 10);
    events.push(row({ day: day(n), cost, region: "us-east-1", usageType: "BoxUsage:m5.xlarge" }));
  }
  assert.deepEqual(runDetector(billingAnomaly, events).map((f) => f.title), []);
});

test("trap: weekday/weekend pattern is not a spike", () => {
  const events: Event[] = [];
  for (let n = 0; n < 60; n++) {
    const weekend = new Date(Date.parse(`${day(n)}T00:00:00Z`)).getUTCDay() % 6 === 0;
    events.push(row({ day: day(n), cost: weekend ? 20 : 100, region: "us-east-1" }));
  }
  assert.equal(runDetector(billingAnomaly, events).length, 0);
});

test("trap: one-time monthly charges are not spikes", () => {
  const events = steadyEc2(40);
  // CUR line item types the source passes on.
  events.push(row({ day: day(31), cost: 2400, region: "us-east-1", usageType: "HeavyUsage:m5.large", lineItemType: "RIFee" }));
  events.push(row({ day: day(31), cost: 900, region: "us-east-1", usageType: "ComputeSP:1yrAllUpfront", lineItemType: "SavingsPlanUpfrontFee" }));
  events.push(row({ day: day(31), cost: 310, region: "us-east-1", lineItemType: "Tax" }));
  events.push(row({ day: day(31), cost: 150, region: "us-east-1", lineItemType: "Fee" }));
  // Cost Explorer grouped by SERVICE names fees as services.
  events.push(row({ day: day(31), cost: 310, service: "Tax" }));
  events.push(row({ day: day(31), cost: 1000, service: "AWS Support (Business)" }));
  events.push(row({ day: day(31), cost: 1200, service: "Savings Plans for AWS Compute usage" }));
  assert.equal(runDetector(billingAnomaly, events).length, 0);
  // Usage line items still count.
  events.push(row({ day: day(32), cost: 900, region: "us-east-1", usageType: "BoxUsage:m5.24xlarge", lineItemType: "Usage" }));
  assert.equal(runDetector(billingAnomaly, events).length, 1);
});

test("traps: too little history, monthly totals, costs without a USD amount", () => {
  const short = [...steadyEc2(3), row({ day: day(3), cost: 5000, region: "us-east-1", usageType: "BoxUsage:p3.16xlarge" })];
  assert.equal(runDetector(billingAnomaly, short).length, 0, "3 baseline days < minBaselineDays");

  const monthly = [0, 1, 2, 3, 4, 5, 6].map((m) => row({ day: `2026-0${m + 1}-01`, periodEnd: `2026-0${m + 2}-01`, cost: m === 6 ? 90_000 : 3000, region: "us-east-1" }));
  assert.equal(runDetector(billingAnomaly, monthly).length, 0, "monthly granularity is not a daily series");

  const eur = steadyEc2(20);
  const spike = row({ day: day(20), cost: 5000, region: "us-east-1" });
  delete spike["minerhunt.billing.cost_usd"];
  spike["minerhunt.billing.currency"] = "EUR";
  spike["minerhunt.billing.cost"] = 5000;
  assert.equal(runDetector(billingAnomaly, [...eur, spike]).length, 0);
});

test("two separate spikes of one service are two findings; two accounts are separate", () => {
  const events = steadyEc2(40);
  events.push(row({ day: day(20), cost: 900, region: "us-east-1" }));
  events.push(row({ day: day(35), cost: 900, region: "us-east-1" }));
  const findings = runDetector(billingAnomaly, events);
  assert.equal(findings.length, 2);
  assert.notEqual(findings[0]!.id, findings[1]!.id);

  const other = Array.from({ length: 20 }, (_, n) => row({ day: day(n), cost: 1000, region: "us-east-1", account: "444455556666" }));
  assert.equal(runDetector(billingAnomaly, [...steadyEc2(20), ...other]).length, 0);
});

test("EC2 compute cost jumping many times over: an alert on its own, with onset, USD and ratio", () => {
  const events = steadyEc2(21, 60);
  for (let n = 21; n < 25; n++) events.push(row({ day: day(n), cost: 60 * 30, region: "us-east-1", usageType: "BoxUsage:c5.9xlarge" }));
  const [f, ...rest] = runDetector(billingAnomaly, events);
  assert.equal(rest.length, 0);
  assert.ok(f);
  assert.equal(f.confidence, 0.5);
  assert.ok(f.confidence >= WEAK_CONFIDENCE);
  assert.equal(f.facts?.["billing.onset"], day(21));
  assert.ok((f.facts?.["billing.usd"] as number) > 6000);
  assert.ok((f.facts?.["billing.peak_ratio"] as number) >= 25);
  assert.match(f.description ?? "", /To confirm it: the instances behind the usage/);
});

test("traps: a month-end rise that recurs every month, and a weekly batch day, produce nothing", () => {
  // Three months of one account: ~$80/day, and the last three days of every month ~$900 (month-end close).
  const events: Event[] = [];
  for (let n = 0; n < 92; n++) {
    const d = day(n);
    const dom = Number(d.slice(8, 10));
    const dim = new Date(Date.UTC(Number(d.slice(0, 4)), Number(d.slice(5, 7)), 0)).getUTCDate();
    events.push(row({ day: d, cost: dim - dom < 3 ? 900 + jitter(n, 20) : 80 + jitter(n, 4), region: "us-east-1", usageType: "BoxUsage:r5.4xlarge", account: "444455556666" }));
  }
  assert.deepEqual(runDetector(billingAnomaly, events).map((f) => f.title), []);
  // Every Sunday a reporting cluster runs: ~$600 on Sundays, ~$70 on other days, for five weeks.
  const weekly: Event[] = [];
  for (let n = 0; n < 35; n++) weekly.push(row({ day: day(n), cost: new Date(`${day(n)}T00:00:00Z`).getUTCDay() === 0 ? 600 + jitter(n, 10) : 70 + jitter(n, 3), region: "eu-west-1", usageType: "EU-BoxUsage:m5.2xlarge", account: "777788889999" }));
  assert.deepEqual(runDetector(billingAnomaly, weekly).map((f) => f.title), []);
});

test("a miner running for weeks is not a rhythm, even across a month-end", () => {
  const events = steadyEc2(20, 50);
  for (let n = 20; n < 50; n++) events.push(row({ day: day(n), cost: 1500 + jitter(n, 30), region: "us-east-1", usageType: "BoxUsage:c5.24xlarge" }));
  const findings = runDetector(billingAnomaly, events);
  assert.equal(findings.length, 1);
  assert.equal(findings[0]!.facts?.["billing.onset"], day(20));
  assert.equal(findings[0]!.facts?.["billing.days"], 30);
});
