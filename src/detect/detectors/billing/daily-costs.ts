import type { Evidence, Event } from "../../../model/index.js";
import { num, provenance, str, strs } from "../../../model/index.js";
import { clip } from "../common.js";

/**
 * Billing records (hourly, daily; CUR, Cost Explorer, Azure and GCP exports) summed into one cost
 * per UTC day per series (provider, account, service, region), with what the day was spent on.
 * Everything is capped; what a cap drops is said beside it.
 */

/** Line item / charge types that are usage. Anything else the source names (Tax, Fee, RIFee,
 * SavingsPlanUpfrontFee, Purchase, Refund, Credit, adjustment...) is a one-time or accounting charge. */
const USAGE_LINE_ITEM_TYPES = new Set(["usage", "discountedusage", "savingsplancoveredusage", "regular"]);
/** Where the billing sources say what kind of line a record is: CUR lineItem/LineItemType, Azure
 * ChargeType, GCP cost_type (not yet listed in docs/events.md). */
const LINE_ITEM_TYPE_FIELD = "minerhunt.billing.line_item_type";
/** Services that only ever bill fees: Cost Explorer's SERVICE dimension names them like services. */
function isFeeService(service: string): boolean {
  const s = service.toLowerCase();
  return s === "tax" || s.startsWith("aws support") || s.startsWith("savings plans for");
}

/** A record whose period is longer than this is a monthly (or longer) total, not a daily series. */
const MAX_PERIOD_MS = 25 * 3_600_000;
export const MAX_SERIES = 20_000;
/** All days of all series (a real CUR: ~1,000 series x 90 days); past it new days are dropped. */
export const MAX_DAY_CELLS = 200_000;
/** Past this many days a series ignores new days (over two years of daily data). */
const MAX_DAYS_PER_SERIES = 800;
/** Usage types kept per day; later ones are summed under OTHER_USAGE. */
const MAX_USAGE_TYPES_PER_DAY = 50;
export const OTHER_USAGE = "(other usage types)";
const MAX_INSTANCES_PER_DAY = 20;
/** Evidence kept per day: the costliest records (the count of all records is kept too). */
const MAX_RECORDS_PER_DAY = 5;

export interface CostRecord {
  cost: number;
  evidence: Evidence;
}

export interface DayCell {
  cost: number;
  usageTypes: Map<string, number>;
  instanceTypes: Set<string>;
  instances: Set<string>;
  /** The costliest records of the day, costliest first. */
  top: CostRecord[];
  records: number;
  firstTime: string;
  lastTime: string;
}

export interface Series {
  provider: string;
  account: string;
  service: string;
  region: string;
  days: Map<string, DayCell>;
}

export type SkipReason = "no-usd-cost" | "no-time" | "not-usage" | "period-too-long" | "capped";

export class DailyCosts {
  readonly series = new Map<string, Series>();
  /** Days any record of an account covers: a series that has nothing on such a day cost 0 that day. */
  readonly accountDays = new Map<string, Set<string>>();
  readonly skipped = new Map<SkipReason, number>();
  private cells = 0;

  add(event: Event): SkipReason | undefined {
    const reason = this.tryAdd(event);
    if (reason) this.skipped.set(reason, (this.skipped.get(reason) ?? 0) + 1);
    return reason;
  }

  private tryAdd(event: Event): SkipReason | undefined {
    // Only USD amounts: a cost in another currency with no rate in the file is not comparable.
    const cost = num(event, "minerhunt.billing.cost_usd");
    if (cost === undefined) return "no-usd-cost";
    const time = str(event, "@timestamp");
    const startMs = time === undefined ? NaN : Date.parse(time);
    if (time === undefined || !Number.isFinite(startMs)) return "no-time";
    const end = str(event, "minerhunt.billing.period_end");
    const endMs = end === undefined ? NaN : Date.parse(end);
    if (Number.isFinite(endMs) && endMs - startMs > MAX_PERIOD_MS) return "period-too-long";
    const service = str(event, "minerhunt.billing.service") ?? "(unknown service)";
    if (isFeeService(service)) return "not-usage";
    const lineItemType = str(event, LINE_ITEM_TYPE_FIELD);
    if (lineItemType && !USAGE_LINE_ITEM_TYPES.has(lineItemType.toLowerCase().replace(/[\s_-]/g, ""))) return "not-usage";

    const provider = str(event, "cloud.provider")?.toLowerCase() ?? providerFromDataset(str(event, "event.dataset"));
    const account = str(event, "cloud.account.id") ?? str(event, "cloud.project.id") ?? "";
    const region = str(event, "cloud.region") ?? "";
    const key = [provider, account, service, region].join("\0");
    let series = this.series.get(key);
    if (!series) {
      if (this.series.size >= MAX_SERIES) return "capped"; // new series past the cap are dropped
      series = { provider, account, service, region, days: new Map() };
      this.series.set(key, series);
    }
    const day = new Date(startMs).toISOString().slice(0, 10);
    let cell = series.days.get(day);
    if (!cell) {
      if (series.days.size >= MAX_DAYS_PER_SERIES || this.cells >= MAX_DAY_CELLS) return "capped"; // new days past the caps are dropped
      this.cells++;
      cell = { cost: 0, usageTypes: new Map(), instanceTypes: new Set(), instances: new Set(), top: [], records: 0, firstTime: time, lastTime: end ?? time };
      series.days.set(day, cell);
    }
    this.addToCell(cell, event, cost, time, end);
    const accountKey = `${provider}\0${account}`;
    let covered = this.accountDays.get(accountKey);
    if (!covered) this.accountDays.set(accountKey, (covered = new Set()));
    covered.add(day);
    return undefined;
  }

  private addToCell(cell: DayCell, event: Event, cost: number, time: string, end: string | undefined): void {
    cell.cost += cost;
    cell.records++;
    if (time < cell.firstTime) cell.firstTime = time;
    const last = end ?? time;
    if (last > cell.lastTime) cell.lastTime = last;

    const usageType = str(event, "minerhunt.billing.usage_type");
    if (usageType) {
      const slot = cell.usageTypes.has(usageType) || cell.usageTypes.size < MAX_USAGE_TYPES_PER_DAY ? usageType : OTHER_USAGE;
      cell.usageTypes.set(slot, (cell.usageTypes.get(slot) ?? 0) + cost);
    }
    const machineType = str(event, "cloud.machine.type");
    if (machineType && cell.instanceTypes.size < MAX_USAGE_TYPES_PER_DAY) cell.instanceTypes.add(machineType);
    for (const id of strs(event, "cloud.instance.id")) if (cell.instances.size < MAX_INSTANCES_PER_DAY) cell.instances.add(id);

    const summary = `${time.slice(0, 10)} ${clip(usageType ?? str(event, "minerhunt.billing.service") ?? "cost", 80)} $${cost.toFixed(2)}` +
      (str(event, "cloud.region") ? ` in ${str(event, "cloud.region")}` : "");
    insertTop(cell.top, { cost, evidence: provenance(event, clip(summary, 240)) });
  }
}

/** Keep the MAX_RECORDS_PER_DAY costliest records, costliest first; cheaper ones are dropped. */
function insertTop(top: CostRecord[], record: CostRecord): void {
  if (top.length >= MAX_RECORDS_PER_DAY && record.cost <= top[top.length - 1]!.cost) return;
  let i = top.length;
  while (i > 0 && top[i - 1]!.cost < record.cost) i--;
  top.splice(i, 0, record);
  if (top.length > MAX_RECORDS_PER_DAY) top.pop();
}

function providerFromDataset(dataset: string | undefined): string {
  if (!dataset) return "";
  const dot = dataset.indexOf(".");
  return dot === -1 ? "" : dataset.slice(0, dot);
}

/** The instance type in a usage type: "USE1-BoxUsage:p3.16xlarge" → "p3.16xlarge". */
export function instanceTypeOfUsage(usageType: string): string | undefined {
  const colon = usageType.lastIndexOf(":");
  if (colon === -1) return undefined;
  const t = usageType.slice(colon + 1).trim();
  return t.includes(".") ? t : undefined;
}
