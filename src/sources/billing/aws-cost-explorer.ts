/**
 * AWS Cost Explorer `GetCostAndUsage` JSON (`aws ce get-cost-and-usage` output):
 * `{"GroupDefinitions":[{"Type":"DIMENSION","Key":"SERVICE"},..],"ResultsByTime":[{"TimePeriod":{"Start","End"},
 *   "Total":{"UnblendedCost":{"Amount","Unit"}},"Groups":[{"Keys":[..],"Metrics":{..}}],"Estimated":..}]}`.
 *
 * One event per group per period (or per period when ungrouped, from Total). Group keys are mapped by
 * GroupDefinitions: SERVICE, REGION, USAGE_TYPE, LINKED_ACCOUNT, INSTANCE_TYPE. When the file has no
 * GroupDefinitions (someone kept only ResultsByTime), each key is judged by its shape: 12 digits is an
 * account, a region code is a region, a text with "Usage" or a colon is a usage type, anything else is
 * the service. The cost metric is the first present of UnblendedCost, NetUnblendedCost, BlendedCost,
 * AmortizedCost, NetAmortizedCost; UsageQuantity becomes usage_amount.
 */
import type { Event } from "../../model/index.js";
import type { Input, ParseContext, Sample, Source } from "../types.js";
import { hasAll, key } from "../cloud/sniff-json.js";
import { isJsonObject, objectStartLines, parseJsonDocument } from "../metrics/json-locate.js";
import { parseNumber, quoteForIssue } from "../metrics/numbers.js";
import { toIsoUtc } from "../metrics/time.js";
import { billingEvent, isAwsRegion, machineTypeFromUsageType, type BillingRecord } from "./billing-event.js";

const ID = "aws.cost_explorer";
const COST_METRICS = ["UnblendedCost", "NetUnblendedCost", "BlendedCost", "AmortizedCost", "NetAmortizedCost"];

type Dimension = "SERVICE" | "REGION" | "USAGE_TYPE" | "LINKED_ACCOUNT" | "INSTANCE_TYPE" | "OTHER";

function dimensionByShape(key: string): Dimension {
  if (/^\d{12}$/.test(key)) return "LINKED_ACCOUNT";
  if (isAwsRegion(key)) return "REGION";
  if (key.includes("Usage") || key.includes(":")) return "USAGE_TYPE";
  return "SERVICE";
}

function applyKey(record: BillingRecord, dimension: Dimension, key: string): void {
  switch (dimension) {
    case "SERVICE": record.service = key; break;
    case "REGION": record.region = key; break;
    case "USAGE_TYPE":
      record.usageType = key;
      record.machineType ??= machineTypeFromUsageType(key);
      break;
    case "LINKED_ACCOUNT": record.accountId = key; break;
    case "INSTANCE_TYPE": record.machineType = key; break;
    default: break;
  }
}

export const awsCostExplorerSource: Source = {
  id: ID,
  title: "AWS Cost Explorer GetCostAndUsage JSON (aws ce get-cost-and-usage)",
  emits: [{ dataset: "aws.billing", categories: ["billing"] }],

  sniff(sample: Sample): number {
    const t = sample.text.trimStart();
    return t.startsWith("{") && hasAll(t, key("ResultsByTime"), key("TimePeriod")) ? 0.95 : 0;
  },

  async *parse(input: Input, ctx: ParseContext): AsyncIterable<Event> {
    const text = await input.text();
    const doc = parseJsonDocument(text, (l, m) => ctx.issue(l, m), "the JSON of aws ce get-cost-and-usage");
    if (doc === undefined) return;
    if (!isJsonObject(doc) || !Array.isArray(doc.ResultsByTime)) {
      ctx.issue(1, 'expected {"ResultsByTime":[{"TimePeriod":{..},"Total":{..},"Groups":[..]}]}');
      return;
    }
    const dimensions: Dimension[] | undefined = Array.isArray(doc.GroupDefinitions)
      ? doc.GroupDefinitions.map((g) => (isJsonObject(g) && g.Type === "DIMENSION" && typeof g.Key === "string" && ["SERVICE", "REGION", "USAGE_TYPE", "LINKED_ACCOUNT", "INSTANCE_TYPE"].includes(g.Key) ? (g.Key as Dimension) : "OTHER"))
      : undefined;
    const lines = objectStartLines(text, 4);

    for (let p = 0; p < doc.ResultsByTime.length; p++) {
      const period: unknown = doc.ResultsByTime[p];
      const periodLine = lines.get(`ResultsByTime/${p}`) ?? 1;
      if (!isJsonObject(period) || !isJsonObject(period.TimePeriod)) {
        ctx.issue(periodLine, `ResultsByTime[${p}]: expected {"TimePeriod":{"Start":..,"End":..},..}`);
        continue;
      }
      const start = toIsoUtc(typeof period.TimePeriod.Start === "string" ? period.TimePeriod.Start : undefined);
      const end = toIsoUtc(typeof period.TimePeriod.End === "string" ? period.TimePeriod.End : undefined);
      if (start === undefined) {
        ctx.issue(periodLine, `ResultsByTime[${p}]: TimePeriod.Start ${quoteForIssue(String(period.TimePeriod.Start))} is not a date; expected "YYYY-MM-DD"`);
        continue;
      }
      const groups = Array.isArray(period.Groups) && period.Groups.length > 0 ? period.Groups : undefined;
      if (!groups) {
        const event = metricsToEvent(input.path, periodLine, `ResultsByTime[${p}].Total`, period.Total, { provider: "aws", start, end, cost: 0 }, ctx);
        if (event) yield event;
        continue;
      }
      for (let g = 0; g < groups.length; g++) {
        const group: unknown = groups[g];
        const line = lines.get(`ResultsByTime/${p}/Groups/${g}`) ?? periodLine;
        if (!isJsonObject(group) || !Array.isArray(group.Keys)) {
          ctx.issue(line, `ResultsByTime[${p}].Groups[${g}]: expected {"Keys":[..],"Metrics":{..}}`);
          continue;
        }
        const record: BillingRecord = { provider: "aws", start, end, cost: 0 };
        group.Keys.forEach((key: unknown, k: number) => {
          if (typeof key !== "string") return;
          applyKey(record, dimensions?.[k] ?? dimensionByShape(key), key);
        });
        const event = metricsToEvent(input.path, line, `ResultsByTime[${p}].Groups[${g}]`, group.Metrics, record, ctx);
        if (event) yield event;
      }
    }
  },
};

function metricsToEvent(path: string, line: number, where: string, metrics: unknown, record: BillingRecord, ctx: ParseContext): Event | undefined {
  if (!isJsonObject(metrics)) {
    ctx.issue(line, `${where}: no metrics; expected {"UnblendedCost":{"Amount":"..","Unit":"USD"}}`);
    return undefined;
  }
  const name = COST_METRICS.find((m) => isJsonObject(metrics[m]));
  if (name === undefined) {
    if (isJsonObject(metrics.UsageQuantity)) return undefined; // a usage-only query: no cost to report
    ctx.issue(line, `${where}: none of ${COST_METRICS.join(", ")}; expected a cost metric`);
    return undefined;
  }
  const metric = metrics[name] as Record<string, unknown>;
  const amount = typeof metric.Amount === "string" ? parseNumber(metric.Amount) : typeof metric.Amount === "number" ? metric.Amount : undefined;
  if (amount === undefined) {
    ctx.issue(line, `${where}.${name}.Amount: expected a number, got ${quoteForIssue(String(metric.Amount))}`);
    return undefined;
  }
  record.cost = amount;
  if (typeof metric.Unit === "string") record.currency = metric.Unit;
  const usage = metrics.UsageQuantity;
  if (isJsonObject(usage) && typeof usage.Amount === "string") {
    const quantity = parseNumber(usage.Amount);
    if (quantity !== undefined) record.usageAmount = quantity;
  }
  return billingEvent(path, line, ID, record);
}
