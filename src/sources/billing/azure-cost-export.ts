/**
 * Azure Cost Management exports (CSV), actual or amortized cost, in the EA/MCA column sets
 * (`Date`, `SubscriptionId`, `MeterCategory`, `MeterSubCategory`, `MeterName`, `ResourceLocation`,
 * `CostInBillingCurrency`, `BillingCurrency`, `ResourceId`, ...; MCA writes the same names in camelCase)
 * and the older ones (`UsageDate`, `PreTaxCost`, `Cost`, `Currency`). Names are matched without case.
 *
 * Dates: Azure writes `MM/DD/YYYY` (US order), ISO dates, or `YYYYMMDD` numbers (UsageDate).
 * USD: the cost is USD when the billing currency is USD; otherwise a `CostInUsd` column is used, or the
 * cost is divided by `ExchangeRatePricingToBilling` when prices are in USD (the `PricingCurrency`
 * column says so, or is absent as in MCA exports where prices are USD). Without any of these,
 * cost_usd stays unset.
 */
import type { Event } from "../../model/index.js";
import type { Input, ParseContext, Sample, Source } from "../types.js";
import { cellAt, headerHasAll, numberCell, sampleHeader } from "../metrics/csv.js";
import { isJsonObject } from "../metrics/json-locate.js";
import { costRows, type CostColumns, type CostRow } from "./cost-table.js";
import { billingEvent, isUsd } from "./billing-event.js";

const ID = "azure.cost_export";

const COLUMNS = {
  date: ["date", "usagedate", "usagedatetime"],
  subscription: ["subscriptionid", "subscriptionguid"],
  meterCategory: ["metercategory"],
  meterSubCategory: ["metersubcategory"],
  meterName: ["metername"],
  location: ["resourcelocation"],
  cost: ["costinbillingcurrency", "cost", "pretaxcost", "costinbillingcurrencyamount"],
  currency: ["billingcurrency", "billingcurrencycode", "currency"],
  costUsd: ["costinusd"],
  rate: ["exchangeratepricingtobilling"],
  pricingCurrency: ["pricingcurrency", "pricingcurrencycode"],
  quantity: ["quantity", "usagequantity"],
  resourceId: ["resourceid", "instanceid"],
  additionalInfo: ["additionalinfo"],
  chargeType: ["chargetype"],
} as const;

type Key = keyof typeof COLUMNS;

const SPEC: CostColumns<Key> = {
  aliases: COLUMNS,
  start: "date",
  cost: "cost",
  missing: "header lacks a date column (Date, UsageDate) or a cost column (CostInBillingCurrency, Cost, PreTaxCost)",
  startExpected: "MM/DD/YYYY, YYYY-MM-DD or YYYYMMDD",
};

/** AdditionalInfo is a JSON object per row; VM rows name their size in ServiceType ("Standard_NC6s_v3"). */
const MAX_ADDITIONAL_INFO = 16 * 1024;

export const azureCostExportSource: Source = {
  id: ID,
  title: "Azure Cost Management export CSV (actual or amortized cost; EA, MCA and legacy columns)",
  emits: [{ dataset: "azure.billing", categories: ["billing"] }],

  sniff(sample: Sample): number {
    return headerHasAll(sampleHeader(sample), [COLUMNS.meterCategory, COLUMNS.subscription, COLUMNS.cost]) ? 0.95 : 0;
  },

  async *parse(input: Input, ctx: ParseContext): AsyncIterable<Event> {
    for await (const r of costRows(input, ctx, SPEC)) yield rowToEvent(input.path, r, ctx);
  },
};

function rowToEvent(path: string, r: CostRow<Key>, ctx: ParseContext): Event {
  const { table, row, start, cost } = r;
  const c = table.columns;
  const name = (index: number): string => table.header[index] ?? "";
  const currency = cellAt(row, c.currency);
  const resourceId = cellAt(row, c.resourceId);
  const subCategory = cellAt(row, c.meterSubCategory);
  const meterName = cellAt(row, c.meterName);
  return billingEvent(path, row.line, ID, {
    provider: "azure",
    start,
    accountId: cellAt(row, c.subscription),
    region: cellAt(row, c.location)?.toLowerCase(),
    service: cellAt(row, c.meterCategory),
    usageType: subCategory !== undefined && meterName !== undefined ? `${subCategory} / ${meterName}` : (subCategory ?? meterName),
    machineType: vmSizeFrom(cellAt(row, c.additionalInfo)),
    instanceId: resourceId !== undefined && /\/providers\/microsoft\.compute\/virtualmachines(?:scalesets)?\//i.test(resourceId) ? resourceId : undefined,
    resourceId,
    lineItemType: cellAt(row, c.chargeType),
    cost,
    currency,
    costUsd: isUsd(currency) ? undefined : usdFrom(row, table, cost, ctx),
    usageAmount: numberCell(row, c.quantity, name(c.quantity), ctx),
  });
}

function usdFrom(row: CostRow<Key>["row"], table: CostRow<Key>["table"], cost: number, ctx: ParseContext): number | undefined {
  const c = table.columns;
  const inUsd = numberCell(row, c.costUsd, table.header[c.costUsd] ?? "", ctx);
  if (inUsd !== undefined) return inUsd;
  const pricing = cellAt(row, c.pricingCurrency);
  if (pricing !== undefined && !isUsd(pricing)) return undefined;
  const rate = numberCell(row, c.rate, table.header[c.rate] ?? "", ctx);
  return rate !== undefined && rate > 0 ? cost / rate : undefined;
}

function vmSizeFrom(additionalInfo: string | undefined): string | undefined {
  if (additionalInfo === undefined || additionalInfo.length > MAX_ADDITIONAL_INFO || !additionalInfo.includes("ServiceType")) return undefined;
  try {
    const info: unknown = JSON.parse(additionalInfo);
    return isJsonObject(info) && typeof info.ServiceType === "string" && info.ServiceType !== "" ? info.ServiceType : undefined;
  } catch {
    return undefined; // AdditionalInfo is optional detail; a broken one does not spoil the cost row
  }
}
