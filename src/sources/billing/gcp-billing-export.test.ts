import { test } from "node:test";
import assert from "node:assert/strict";
import { parseWith, sniffWith } from "../../test-helpers/index.js";
import { gcpBillingExportSource } from "./gcp-billing-export.js";

// Standard usage cost export (BigQuery), saved as CSV with the nested columns flattened.
const HEADER = "billing_account_id,service.id,service.description,sku.id,sku.description,usage_start_time,usage_end_time,project.id,project.name,labels,system_labels,location.location,location.country,location.region,location.zone,resource.name,resource.global_name,export_time,cost,currency,currency_conversion_rate,usage.amount,usage.unit,credits,invoice.month,cost_type";
const GPU_ROW = '01A2B3-C4D5E6-F7A8B9,6F81-5844-456A,Compute Engine,2A78-9F1A-3C4B,Nvidia Tesla V100 GPU running in Americas,2026-11-20 03:00:00 UTC,2026-11-20 04:00:00 UTC,victim-prod,Victim Prod,[],"[{""key"":""compute.googleapis.com/machine_spec"",""value"":""n1-standard-8""},{""key"":""compute.googleapis.com/cores"",""value"":""8""}]",us-central1,US,us-central1,us-central1-a,miner-vm-1,//compute.googleapis.com/projects/victim-prod/zones/us-central1-a/instances/1234567890123456789,2026-11-20 06:12:00.000 UTC,2.48,USD,1.0,3600,seconds,[],202611,regular';
const JPY_ROW = "01A2B3-C4D5E6-F7A8B9,6F81-5844-456A,Compute Engine,CP-COMPUTEENGINE-VMIMAGE-N1-STANDARD-8,N1 Predefined Instance Core running in Asia,2026-11-20 03:00:00 UTC,2026-11-20 04:00:00 UTC,victim-jp,Victim JP,[],[],asia-northeast1,JP,asia-northeast1,,,,2026-11-20 06:12:00.000 UTC,378,JPY,151.2,28800,seconds,[],202611,regular";

test("GCP billing export: project, service, SKU, region, machine spec, instance", async () => {
  const { events, issues } = await parseWith(gcpBillingExportSource, [HEADER, GPU_ROW].join("\n"), "billing.csv");
  assert.deepEqual(issues, []);
  assert.deepEqual(events[0], {
    "event.dataset": "gcp.billing",
    "event.category": ["billing"],
    "event.kind": "metric",
    "log.file.path": "billing.csv",
    "minerhunt.format": "gcp.billing_export",
    "minerhunt.line": 2,
    "@timestamp": "2026-11-20T03:00:00.000Z",
    "minerhunt.billing.period_end": "2026-11-20T04:00:00.000Z",
    "cloud.provider": "gcp",
    "cloud.account.id": "victim-prod",
    "cloud.region": "us-central1",
    "minerhunt.billing.service": "Compute Engine",
    "minerhunt.billing.usage_type": "Nvidia Tesla V100 GPU running in Americas",
    "cloud.machine.type": "n1-standard-8",
    "cloud.instance.id": "1234567890123456789",
    "minerhunt.billing.resource_id": "//compute.googleapis.com/projects/victim-prod/zones/us-central1-a/instances/1234567890123456789",
    "minerhunt.billing.line_item_type": "regular",
    "minerhunt.billing.cost": 2.48,
    "minerhunt.billing.currency": "USD",
    "minerhunt.billing.cost_usd": 2.48,
    "minerhunt.billing.usage_amount": 3600,
    "cloud.project.id": "victim-prod",
    "host.name": "miner-vm-1",
  });
});

test("a non-USD cost is converted with currency_conversion_rate (local currency per USD)", async () => {
  const e = (await parseWith(gcpBillingExportSource, [HEADER, JPY_ROW].join("\n"))).events[0]!;
  assert.equal(e["minerhunt.billing.currency"], "JPY");
  assert.equal(e["minerhunt.billing.cost"], 378);
  assert.equal(e["minerhunt.billing.cost_usd"], 2.5);
  assert.equal(e["cloud.instance.id"], undefined);
});

test("underscore aliases; a bad cost names line and column; a bad time is an issue", async () => {
  const text = "usage_start_time,project_id,service_description,cost,currency\n2026-11-20T03:00:00Z,p1,Compute Engine,1.5,USD\n2026-11-20T04:00:00Z,p1,Compute Engine,2,USD\nlater,p1,Compute Engine,1,USD\n";
  const { events, issues } = await parseWith(gcpBillingExportSource, text);
  assert.equal(events.length, 2);
  assert.equal(events[0]!["cloud.account.id"], "p1");
  assert.equal(issues.length, 1);
  assert.equal(issues[0]!.line, 4);
  const bad = await parseWith(gcpBillingExportSource, "usage_start_time,project.id,cost,currency\n2026-11-20T03:00:00Z,p1,1.2.3,USD\n");
  assert.deepEqual(bad.issues.map((i) => i.message), ['line 2, column "cost": expected a number, got "1.2.3"']);
});

test("sniff", async () => {
  assert.ok(await sniffWith(gcpBillingExportSource, [HEADER, GPU_ROW].join("\n")) >= 0.95);
  assert.equal(await sniffWith(gcpBillingExportSource, "timestamp,host,cpu\n2026-11-20T03:00:00Z,web01,97\n"), 0);
});
