import { test } from "node:test";
import assert from "node:assert/strict";
import { parseWith, sniffWith } from "../../test-helpers/index.js";
import { azureCostExportSource } from "./azure-cost-export.js";

// EA actual-cost export (a subset of its columns, real names); AdditionalInfo is JSON inside a quoted cell.
const EA = [
  "InvoiceSectionName,AccountName,SubscriptionId,SubscriptionName,ResourceGroup,ResourceLocation,Date,ProductName,MeterCategory,MeterSubCategory,MeterId,MeterName,MeterRegion,UnitOfMeasure,Quantity,EffectivePrice,CostInBillingCurrency,CostCenter,ConsumedService,ResourceId,Tags,OfferId,AdditionalInfo,ChargeType,BillingCurrencyCode",
  'Default,Contoso,9f1a2b3c-4d5e-6f70-8192-a3b4c5d6e7f8,Production,rg-web,EastUS,11/20/2026,Virtual Machines NCSv3 Series - NC6s v3 - US East,Virtual Machines,NCSv3 Series,6d8b2f1e-0000-4a5b-9c8d-7e6f5a4b3c2d,NC6s v3,US East,1 Hour,24,3.06,73.44,,Microsoft.Compute,/subscriptions/9f1a2b3c-4d5e-6f70-8192-a3b4c5d6e7f8/resourceGroups/rg-web/providers/Microsoft.Compute/virtualMachines/gpu-01,"{""env"": ""prod""}",MS-AZR-0017P,"{""UsageType"":""ComputeHR"",""ImageType"":""Canonical"",""ServiceType"":""Standard_NC6s_v3"",""VMName"":"""",""VCPUs"":6}",Usage,USD',
  "Default,Contoso,9f1a2b3c-4d5e-6f70-8192-a3b4c5d6e7f8,Production,rg-web,EastUS,11/21/2026,Storage,Storage,Standard SSD Managed Disks,0000,E10 LRS Disk,US East,1/Month,0.03,4.8,oops,,Microsoft.Compute,/subscriptions/9f1a2b3c-4d5e-6f70-8192-a3b4c5d6e7f8/resourceGroups/rg-web/providers/Microsoft.Compute/disks/gpu-01_OsDisk,,MS-AZR-0017P,,Usage,USD",
].join("\n");

test("EA actual cost export: subscription, meter, region, VM size and instance", async () => {
  const { events, issues } = await parseWith(azureCostExportSource, EA, "costs.csv");
  assert.equal(events.length, 1);
  assert.deepEqual(events[0], {
    "event.dataset": "azure.billing",
    "event.category": ["billing"],
    "event.kind": "metric",
    "log.file.path": "costs.csv",
    "minerhunt.format": "azure.cost_export",
    "minerhunt.line": 2,
    "@timestamp": "2026-11-20T00:00:00.000Z",
    "cloud.provider": "azure",
    "cloud.account.id": "9f1a2b3c-4d5e-6f70-8192-a3b4c5d6e7f8",
    "cloud.region": "eastus",
    "minerhunt.billing.service": "Virtual Machines",
    "minerhunt.billing.usage_type": "NCSv3 Series / NC6s v3",
    "cloud.machine.type": "Standard_NC6s_v3",
    "cloud.instance.id": "/subscriptions/9f1a2b3c-4d5e-6f70-8192-a3b4c5d6e7f8/resourceGroups/rg-web/providers/Microsoft.Compute/virtualMachines/gpu-01",
    "minerhunt.billing.resource_id": "/subscriptions/9f1a2b3c-4d5e-6f70-8192-a3b4c5d6e7f8/resourceGroups/rg-web/providers/Microsoft.Compute/virtualMachines/gpu-01",
    "minerhunt.billing.line_item_type": "Usage",
    "minerhunt.billing.cost": 73.44,
    "minerhunt.billing.currency": "USD",
    "minerhunt.billing.cost_usd": 73.44,
    "minerhunt.billing.usage_amount": 24,
  });
  assert.deepEqual(issues.map((i) => [i.line, i.message]), [[3, 'line 3, column "CostInBillingCurrency": expected a number, got "oops"']]);
});

test("MCA camelCase in EUR: converted with the file's own exchange rate, or left unset without one", async () => {
  const text = [
    "billingAccountId,billingCurrency,date,subscriptionId,meterCategory,meterSubCategory,meterName,resourceLocation,quantity,costInBillingCurrency,exchangeRatePricingToBilling,pricingCurrency,resourceId,chargeType",
    "1234:5678,EUR,2026-11-20,0b1c2d3e-0000-4000-8000-000000000001,Virtual Machines,NCSv3 Series,NC24s v3,westeurope,24,276,0.92,USD,/subscriptions/0b1c2d3e-0000-4000-8000-000000000001/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/gpu-02,Usage",
    "1234:5678,EUR,2026-11-21,0b1c2d3e-0000-4000-8000-000000000001,Virtual Machines,NCSv3 Series,NC24s v3,westeurope,24,276,,,/subscriptions/x,Usage",
  ].join("\n");
  const { events, issues } = await parseWith(azureCostExportSource, text);
  assert.deepEqual(issues, []);
  assert.equal(events[0]!["minerhunt.billing.currency"], "EUR");
  assert.equal(events[0]!["minerhunt.billing.cost"], 276);
  assert.equal(events[0]!["minerhunt.billing.cost_usd"], 300);
  assert.equal(events[1]!["minerhunt.billing.cost"], 276);
  assert.equal(events[1]!["minerhunt.billing.cost_usd"], undefined, "no rate in the file: no guess");
});

test("legacy columns: UsageDate as YYYYMMDD, PreTaxCost, Currency", async () => {
  const text = "UsageDate,SubscriptionGuid,MeterCategory,ResourceLocation,PreTaxCost,Currency\n20261120,0b1c2d3e-0000-4000-8000-000000000001,Virtual Machines,japaneast,12000,JPY\n";
  const e = (await parseWith(azureCostExportSource, text)).events[0]!;
  assert.equal(e["@timestamp"], "2026-11-20T00:00:00.000Z");
  assert.equal(e["minerhunt.billing.cost"], 12000);
  assert.equal(e["minerhunt.billing.currency"], "JPY");
  assert.equal(e["minerhunt.billing.cost_usd"], undefined);
});

test("sniff", async () => {
  assert.ok(await sniffWith(azureCostExportSource, EA) >= 0.95);
  assert.equal(await sniffWith(azureCostExportSource, "timestamp,host,cpu\n2026-11-20T03:00:00Z,web01,97\n"), 0);
});
