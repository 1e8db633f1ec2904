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
import { cellAt, headerHasAll, mapColumns, numberCell, readCsvRows, sampleHeader, type CsvRow } from "../metrics/csv.js";
import { isJsonObject } from "../metrics/json-locate.js";
import { quoteForIssue } from "../metrics/numbers.js";
import { toIsoUtc } from "../metrics/time.js";
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

type Columns = Record<keyof typeof COLUMNS, number>;
interface Table {
  header: string[];
  columns: Columns;
}

const MACHINE_SPEC_LABEL = "compute.googleapis.com/machine_spec";
const MAX_LABELS_TEXT = 16 * 1024;

export const gcpBillingExportSource: Source = {
  id: ID,
  title: "Google Cloud Billing export (BigQuery) as CSV",

  sniff(sample: Sample): number {
    return headerHasAll(sampleHeader(sample), [COLUMNS.start, COLUMNS.cost, [...COLUMNS.project, ...COLUMNS.service]]) ? 0.95 : 0;
  },

  async *parse(input: Input, ctx: ParseContext): AsyncIterable<Event> {
    let table: Table | undefined;
    for await (const row of readCsvRows(input, ctx)) {
      if (!table) {
        table = { header: row.cells, columns: mapColumns(row.cells, COLUMNS) };
        if (table.columns.start === -1 || table.columns.cost === -1) {
          ctx.issue(row.line, "header lacks usage_start_time or cost; expected the billing export's columns (usage_start_time, project.id, service.description, cost, currency ...); nothing read");
          return;
        }
        continue;
      }
      const event = rowToEvent(input.path, table, row, ctx);
      if (event) yield event;
    }
  },
};

function rowToEvent(path: string, table: Table, row: CsvRow, ctx: ParseContext): Event | undefined {
  const c = table.columns;
  const name = (index: number): string => table.header[index] ?? "";
  const rawStart = cellAt(row, c.start);
  const start = toIsoUtc(rawStart);
  if (start === undefined) {
    ctx.issue(row.line, `line ${row.line}, column "usage_start_time": ${quoteForIssue(rawStart ?? "")} is not a timestamp; expected e.g. "2026-11-20 03:00:00 UTC"`);
    return undefined;
  }
  const cost = numberCell(row, c.cost, name(c.cost), ctx);
  if (cost === undefined) {
    if (cellAt(row, c.cost) === undefined) ctx.issue(row.line, `line ${row.line}, column "cost": empty; expected the cost`);
    return undefined;
  }
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
