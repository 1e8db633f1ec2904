/**
 * Google Cloud Billing export to BigQuery, saved as CSV with nested fields flattened
 * (`usage_start_time`, `usage_end_time`, `project.id`, `service.description`, `sku.description`,
 * `location.region`, `cost`, `currency`, `currency_conversion_rate`, `usage.amount`, `resource.name`,
 * `resource.global_name`, `system_labels` ...). Queries that alias the fields with underscores
 * (`project_id`, `service_description`) are read too.
 *
 * USD: `currency_conversion_rate` is local currency per US dollar (Google's definition), so a non-USD
 * cost divided by it is the USD cost. `cost` is before credits, as exported.
 * Machine type: from the `compute.googleapis.com/machine_spec` system label when the row carries it.
 */
import type { Event } from "../../model/index.js";
import type { Input, ParseContext, Sample, Source } from "../types.js";
import { cellAt, headerHasAll, numberCell, sampleHeader } from "../metrics/csv.js";
import { isJsonObject } from "../metrics/json-locate.js";
import { toIsoUtc } from "../metrics/time.js";
import { costRows, type CostColumns, type CostRow } from "./cost-table.js";
import { billingEvent, isUsd } from "./billing-event.js";

const ID = "gcp.billing_export";

const COLUMNS = {
  start: ["usage_start_time"],
  end: ["usage_end_time"],
  project: ["project.id", "project_id"],
  service: ["service.description", "service_description"],
  sku: ["sku.description", "sku_description"],
  region: ["location.region", "location_region"],
  location: ["location.location", "location_location"],
  cost: ["cost"],
  currency: ["currency"],
  rate: ["currency_conversion_rate"],
  usage: ["usage.amount", "usage_amount"],
  resourceName: ["resource.name", "resource_name"],
  resourceGlobalName: ["resource.global_name", "resource_global_name"],
  systemLabels: ["system_labels"],
  costType: ["cost_type"],
} as const;

type Key = keyof typeof COLUMNS;

const SPEC: CostColumns<Key> = {
  aliases: COLUMNS,
  start: "start",
  cost: "cost",
  missing: "header lacks usage_start_time or cost; expected the billing export's columns (usage_start_time, project.id, service.description, cost, currency ...)",
  startExpected: "e.g. \"2026-11-20 03:00:00 UTC\"",
};

const MACHINE_SPEC_LABEL = "compute.googleapis.com/machine_spec";
const MAX_LABELS_TEXT = 16 * 1024;

export const gcpBillingExportSource: Source = {
  id: ID,
  title: "Google Cloud Billing export (BigQuery) as CSV",
  emits: [{ dataset: "gcp.billing", categories: ["billing"] }],

  sniff(sample: Sample): number {
    return headerHasAll(sampleHeader(sample), [COLUMNS.start, COLUMNS.cost, [...COLUMNS.project, ...COLUMNS.service]]) ? 0.95 : 0;
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
  const rate = isUsd(currency) ? undefined : numberCell(row, c.rate, name(c.rate), ctx);
  const globalName = cellAt(row, c.resourceGlobalName);
  const instanceId = globalName !== undefined ? instanceIdFrom(globalName) : undefined;
  const event = billingEvent(path, row.line, ID, {
    provider: "gcp",
    start,
    end: toIsoUtc(cellAt(row, c.end)),
    accountId: cellAt(row, c.project),
    region: cellAt(row, c.region) ?? cellAt(row, c.location),
    service: cellAt(row, c.service),
    usageType: cellAt(row, c.sku),
    machineType: machineSpecFrom(cellAt(row, c.systemLabels)),
    instanceId,
    resourceId: globalName ?? cellAt(row, c.resourceName),
    lineItemType: cellAt(row, c.costType),
    cost,
    currency,
    costUsd: rate !== undefined && rate > 0 ? cost / rate : undefined,
    usageAmount: numberCell(row, c.usage, name(c.usage), ctx),
  });
  const project = cellAt(row, c.project);
  if (project !== undefined) event["cloud.project.id"] = project;
  const resourceName = cellAt(row, c.resourceName);
  if (instanceId !== undefined && resourceName !== undefined) event["host.name"] = resourceName;
  return event;
}

/** "//compute.googleapis.com/projects/p/zones/z/instances/1234567890123" → "1234567890123". */
function instanceIdFrom(globalName: string): string | undefined {
  const marker = "/instances/";
  const at = globalName.lastIndexOf(marker);
  if (at === -1 || !globalName.includes("compute.googleapis.com")) return undefined;
  const id = globalName.slice(at + marker.length);
  return id !== "" && !id.includes("/") ? id : undefined;
}

/** system_labels as exported: a JSON array of {"key","value"}. */
function machineSpecFrom(labels: string | undefined): string | undefined {
  if (labels === undefined || labels.length > MAX_LABELS_TEXT || !labels.includes(MACHINE_SPEC_LABEL)) return undefined;
  try {
    const parsed: unknown = JSON.parse(labels);
    if (!Array.isArray(parsed)) return undefined;
    for (const item of parsed) {
      if (isJsonObject(item) && item.key === MACHINE_SPEC_LABEL && typeof item.value === "string") return item.value;
    }
  } catch {
    // labels are optional detail; a broken cell does not spoil the cost row
  }
  return undefined;
}
