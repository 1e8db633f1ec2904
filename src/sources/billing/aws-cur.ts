/**
 * AWS Cost and Usage Report CSV, both the legacy CUR columns (`lineItem/UsageStartDate`,
 * `lineItem/UnblendedCost`, `product/region`, ...) and CUR 2.0 / Data Exports (`line_item_usage_start_date`,
 * `line_item_unblended_cost`, `product_region_code`, ...). Streamed row by row: reports run to gigabytes.
 * One event per line item; the line item type (Usage, Tax, Credit, SavingsPlanNegation ...) is kept so
 * detectors can pick usage. CUR amounts are in USD unless `lineItem/CurrencyCode` says otherwise.
 */
import type { Event } from "../../model/index.js";
import type { Input, ParseContext, Sample, Source } from "../types.js";
import { cellAt, headerHasAll, numberCell, sampleHeader } from "../metrics/csv.js";
import { isEc2InstanceId } from "../metrics/hosts.js";
import { toIsoUtc } from "../metrics/time.js";
import { costRows, type CostColumns, type CostRow } from "./cost-table.js";
import { billingEvent, machineTypeFromUsageType } from "./billing-event.js";

const ID = "aws.cur";

const COLUMNS = {
  start: ["lineitem/usagestartdate", "line_item_usage_start_date"],
  end: ["lineitem/usageenddate", "line_item_usage_end_date"],
  account: ["lineitem/usageaccountid", "line_item_usage_account_id"],
  productCode: ["lineitem/productcode", "line_item_product_code"],
  productName: ["product/productname", "product_product_name"],
  usageType: ["lineitem/usagetype", "line_item_usage_type"],
  cost: ["lineitem/unblendedcost", "line_item_unblended_cost"],
  currency: ["lineitem/currencycode", "line_item_currency_code"],
  usageAmount: ["lineitem/usageamount", "line_item_usage_amount"],
  region: ["product/region", "product/regioncode", "product_region_code"],
  instanceType: ["product/instancetype", "product_instance_type"],
  resourceId: ["lineitem/resourceid", "line_item_resource_id"],
  lineItemType: ["lineitem/lineitemtype", "line_item_line_item_type"],
} as const;

type Key = keyof typeof COLUMNS;

const SPEC: CostColumns<Key> = {
  aliases: COLUMNS,
  start: "start",
  cost: "cost",
  missing: "header lacks lineItem/UsageStartDate and lineItem/UnblendedCost (CUR 2.0: line_item_usage_start_date, line_item_unblended_cost)",
  startExpected: "e.g. 2026-11-20T00:00:00Z",
};


export const awsCurSource: Source = {
  id: ID,
  title: "AWS Cost and Usage Report CSV (legacy CUR and CUR 2.0 / Data Exports)",
  emits: [{ dataset: "aws.billing", categories: ["billing"] }],

  sniff(sample: Sample): number {
    return headerHasAll(sampleHeader(sample), [COLUMNS.start, COLUMNS.cost]) ? 0.95 : 0;
  },

  async *parse(input: Input, ctx: ParseContext): AsyncIterable<Event> {
    for await (const r of costRows(input, ctx, SPEC)) yield rowToEvent(input.path, r, ctx);
  },
};

function rowToEvent(path: string, r: CostRow<Key>, ctx: ParseContext): Event {
  const { table, row, start, cost } = r;
  const c = table.columns;
  const name = (index: number): string => table.header[index] ?? "";
  const usageType = cellAt(row, c.usageType);
  const resourceId = cellAt(row, c.resourceId);
  return billingEvent(path, row.line, ID, {
    provider: "aws",
    start,
    end: toIsoUtc(cellAt(row, c.end)),
    accountId: cellAt(row, c.account),
    region: cellAt(row, c.region),
    service: cellAt(row, c.productName) ?? cellAt(row, c.productCode),
    usageType,
    machineType: cellAt(row, c.instanceType) ?? (usageType !== undefined ? machineTypeFromUsageType(usageType) : undefined),
    instanceId: resourceId !== undefined && isEc2InstanceId(resourceId) ? resourceId : undefined,
    resourceId,
    lineItemType: cellAt(row, c.lineItemType),
    cost,
    // CUR bills in USD; the currency column, when present, says otherwise.
    currency: cellAt(row, c.currency) ?? "USD",
    usageAmount: numberCell(row, c.usageAmount, name(c.usageAmount), ctx),
  });
}
