import type { Evidence, Event, Observable, Severity } from "../../../model/index.js";
import type { Intel } from "../../../intel/types.js";
import type { Detector } from "../../types.js";
import { clip, obs } from "../common.js";
import { DailyCosts, instanceTypeOfUsage, OTHER_USAGE, type DayCell, type Series } from "./daily-costs.js";
import { median, medianAbsoluteDeviation } from "./robust-stats.js";
import { recurrenceOf } from "./recurrence.js";

/**
 * Billing spikes (PB-31's "Billing-based" detection): per (account, service, region) a daily cost
 * series; a day is a spike when it exceeds the median of the preceding days by robustZ·MAD and by
 * minIncreaseUsd. Consecutive spike days are one run measured against the baseline of its first day;
 * runs of one account and service that overlap become one finding with the excess in USD.
 *
 * The baseline knows the account's rhythm (recurrence.ts): a rise that comes back on the same weekday or at
 * the same end or start of other months, with ordinary days beside it, is not a spike and produces nothing.
 *
 * Confidence (docs/confidence.md): a rise on a compute service that is large (an excess over the PB-31
 * escalation line, or a day at RATIO_LARGE times its baseline) opens an incident on its own; GPU usage or a
 * region never used before make it surer; a small rise, or any rise on a service that is not compute
 * (storage, data transfer), stays a weak finding.
 */

/** Preceding days the baseline looks at: recent enough to follow steady growth. */
export const BASELINE_WINDOW_DAYS = 14;
/**
 * A perfectly flat series has MAD 0, and then any cent over minIncreaseUsd would be a spike on a
 * $10,000/day service. The MAD used is at least this fraction of the median.
 */
export const MAD_FLOOR_FRACTION = 0.01;
/** A small rise, or a rise on a service that is not compute: weak alone. */
export const PLAIN_SPIKE_CONFIDENCE = 0.3;
/** A large rise on a compute service: an alert PB-31 asks to confirm. */
export const LARGE_SPIKE_CONFIDENCE = 0.5;
/** GPU usage or a new region in the rise (compute that the account never bought). */
export const STRONG_SPIKE_CONFIDENCE = 0.55;
/** Both. */
export const LARGE_STRONG_SPIKE_CONFIDENCE = 0.6;
/** A day at this many times its baseline is a large rise whatever the dollars. */
export const RATIO_LARGE = 5;
const MAX_LISTED = 10;

/** One series' consecutive spike days. */
interface Run {
  series: Series;
  /** Index of the first and last day in the account's covered days. */
  from: number;
  to: number;
  days: { day: string; cost: number; cell?: DayCell }[];
  baseline: number;
  /** Every baseline day cost nothing: a region or service used for the first time. */
  noHistory: boolean;
}

function findRuns(series: Series, covered: readonly string[], cfg: { robustZ: number; minIncreaseUsd: number; minBaselineDays: number }): Run[] {
  const values = covered.map((d) => series.days.get(d)?.cost ?? 0);
  const coveredSet = new Set(covered);
  const costOf = (d: string): number | undefined => (coveredSet.has(d) ? series.days.get(d)?.cost ?? 0 : undefined);
  const runs: Run[] = [];
  let run: Run | undefined;
  let threshold = Infinity;
  for (let i = 0; i < covered.length; i++) {
    const cost = values[i]!;
    if (run) {
      // During a run the threshold stays the one of its first day, so the spike cannot become its own baseline.
      if (cost > threshold) { run.to = i; run.days.push(dayOf(series, covered[i]!, cost)); continue; }
      runs.push(run);
      run = undefined;
    }
    if (i < cfg.minBaselineDays) continue;
    const window = values.slice(Math.max(0, i - BASELINE_WINDOW_DAYS), i);
    const med = median(window);
    const mad = Math.max(medianAbsoluteDeviation(window, med), MAD_FLOOR_FRACTION * med);
    const t = Math.max(med + cfg.robustZ * mad, med + cfg.minIncreaseUsd);
    if (cost > t && !recurrenceOf(covered[i]!, cost, costOf)) {
      threshold = t;
      run = { series, from: i, to: i, days: [dayOf(series, covered[i]!, cost)], baseline: med, noHistory: window.every((v) => v === 0) };
    }
  }
  if (run) runs.push(run);
  return runs;
}

function dayOf(series: Series, day: string, cost: number): Run["days"][number] {
  const cell = series.days.get(day);
  return cell ? { day, cost, cell } : { day, cost };
}

/** Whether a run's spend was on GPU instances: usage types or machine types intel calls GPU, or GPU SKUs. */
function gpuTypesOf(run: Run, intel: Intel): string[] {
  const found = new Set<string>();
  for (const { cell } of run.days) {
    if (!cell) continue;
    for (const usage of cell.usageTypes.keys()) {
      const t = instanceTypeOfUsage(usage);
      if (t && intel.classifyInstanceType(t) === "gpu") found.add(t);
      // GCP SKUs and Azure meters name the GPU in words ("Nvidia Tesla T4 GPU running in Americas").
      else if (usage !== OTHER_USAGE && /\bgpu\b/i.test(usage.slice(0, 200))) found.add(usage);
    }
    for (const t of cell.instanceTypes) if (intel.classifyInstanceType(t) === "gpu") found.add(t);
  }
  return [...found];
}

/** Whether a billing service is compute (intel compute_services, substrings of the name the export writes). */
export function isComputeService(service: string, intel: Intel): boolean {
  const s = service.toLowerCase();
  return intel.computeServices.some((c) => s.includes(c));
}

const usd = (n: number): number => Math.round(n * 100) / 100;
const money = (n: number): string => `$${n.toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;

export const billingAnomaly: Detector = {
  id: "billing-anomaly",
  title: "Cloud billing spike against a robust daily baseline",
  routes: { categories: ["billing"] },
  start(ctx) {
    const costs = new DailyCosts();
    const cfg = ctx.config.billing;

    function report(group: Run[]): void {
      const first = group[0]!.series;
      const days = [...new Set(group.flatMap((r) => r.days.map((d) => d.day)))].sort();
      const excess = group.reduce((s, r) => s + r.days.reduce((a, d) => a + (d.cost - r.baseline), 0), 0);
      const total = group.reduce((s, r) => s + r.days.reduce((a, d) => a + d.cost, 0), 0);
      const baseline = group.reduce((s, r) => s + r.baseline, 0);
      const regions = [...new Set(group.map((r) => r.series.region).filter((r) => r !== ""))];
      const newRegions = [...new Set(group.filter((r) => r.noHistory && r.series.region !== "").map((r) => r.series.region))];
      const gpuTypes = [...new Set(group.flatMap((r) => gpuTypesOf(r, ctx.intel)))];
      const strong = gpuTypes.length > 0 || newRegions.length > 0;
      const compute = isComputeService(first.service, ctx.intel);
      const peakRatio = Math.max(...group.flatMap((r) => r.days.map((d) => (r.baseline > 0 ? d.cost / r.baseline : Infinity))));
      const large = compute && (excess > cfg.escalateUsd || peakRatio >= RATIO_LARGE);
      const confidence = strong && large ? LARGE_STRONG_SPIKE_CONFIDENCE : strong ? STRONG_SPIKE_CONFIDENCE
        : large ? LARGE_SPIKE_CONFIDENCE : PLAIN_SPIKE_CONFIDENCE;
      const severity: Severity = excess >= cfg.escalateUsd ? "high" : strong || large ? "medium" : "low";
      const onset = days[0]!;

      const cells = group.flatMap((r) => r.days.flatMap((d) => (d.cell ? [d.cell] : [])));
      const usageCost = new Map<string, number>();
      for (const c of cells) for (const [u, v] of c.usageTypes) usageCost.set(u, (usageCost.get(u) ?? 0) + v);
      const topUsage = [...usageCost].sort((a, b) => b[1] - a[1]).slice(0, MAX_LISTED).map(([u]) => u);
      const instances = [...new Set(cells.flatMap((c) => [...c.instances]))].slice(0, 50);
      const evidence: Evidence[] = cells.flatMap((c) => c.top).sort((a, b) => b.cost - a.cost).map((r) => r.evidence);
      const evidenceCount = cells.reduce((n, c) => n + c.records, 0);

      const why = [gpuTypes.length ? `GPU usage (${clip(gpuTypes.slice(0, 3).join(", "), 80)})` : "", newRegions.length ? `new region ${newRegions.join(", ")}` : ""].filter(Boolean);
      const title = `${clip(first.service, 80)} cost spike in ${clip(first.account, 80) || "an unnamed account"}: ${money(excess)} over baseline in ${days.length} day${days.length === 1 ? "" : "s"}` +
        (why.length ? ` — ${clip(why.join("; "), 160)}` : "");
      const observables: Observable[] = [
        ...gpuTypes.filter((t) => !t.includes(" ")).flatMap((t) => obs("instance-type", t)),
        ...instances.flatMap((i) => obs("instance", i)),
      ];

      ctx.emit({
        rule: { id: billingAnomaly.id, name: billingAnomaly.title, kind: "detector" },
        title,
        description: `Daily ${first.service} cost of ${money(total)} over ${onset}..${days[days.length - 1]} against a baseline of ${money(baseline)}/day` +
          `${regions.length ? ` in ${clip(regions.join(", "), 300)}` : ""} (onset ${onset}, ${money(excess)} over the baseline` +
          `${Number.isFinite(peakRatio) ? `, peak day ${Math.round(peakRatio * 10) / 10}x` : ", no spend before"}). ` +
          `Top usage types: ${clip(topUsage.join(", "), 300) || "not given"}. ` +
          (compute ? "" : "Not a compute service: a rise here is no mining sign by itself. ") +
          "To confirm it: the instances behind the usage (instance ids, types, regions: Cost Explorer by resource, " +
          "EC2 describe-instances in every region) and what runs on them (PB-31 checklist 1.3).",
        trigger: "billing",
        severity,
        confidence,
        firstSeen: cells.reduce((m, c) => (c.firstTime < m ? c.firstTime : m), cells[0]?.firstTime ?? `${days[0]}T00:00:00Z`),
        lastSeen: cells.reduce((m, c) => (c.lastTime > m ? c.lastTime : m), cells[0]?.lastTime ?? `${days[days.length - 1]}T00:00:00Z`),
        entities: {
          ...(first.account ? { accounts: [first.account] } : {}),
          ...(regions.length ? { regions } : {}),
          ...(first.provider ? { providers: [first.provider] } : {}),
          ...(instances.length ? { instances } : {}),
        },
        observables,
        evidence,
        evidenceCount,
        facts: {
          "billing.usd": usd(excess),
          "billing.total_usd": usd(total),
          "billing.baseline_usd_per_day": usd(baseline),
          "billing.days": days.length,
          "billing.service": first.service,
          "billing.usage_types": clip(topUsage.join(", "), 300),
          "billing.gpu": gpuTypes.length > 0,
          "billing.new_regions": clip(newRegions.join(", "), 300),
          "billing.onset": onset,
          "billing.compute": compute,
          ...(Number.isFinite(peakRatio) ? { "billing.peak_ratio": Math.round(peakRatio * 10) / 10 } : {}),
        },
        tags: ["billing", ...(gpuTypes.length ? ["gpu" as const] : []), ...(newRegions.length ? ["new-region" as const] : [])],
        key: [first.provider, first.account, first.service, days[0]].join("\0"),
      });
    }

    function finish(): void {
      // Runs per (provider, account, service), then overlapping or touching runs become one finding.
      const byService = new Map<string, Run[]>();
      for (const series of costs.series.values()) {
        const covered = [...(costs.accountDays.get(`${series.provider}\0${series.account}`) ?? [])].sort();
        for (const run of findRuns(series, covered, cfg)) {
          const k = [series.provider, series.account, series.service].join("\0");
          const list = byService.get(k);
          if (list) list.push(run); else byService.set(k, [run]);
        }
      }
      for (const runs of byService.values()) {
        runs.sort((a, b) => a.from - b.from);
        let group: Run[] = [];
        let groupEnd = -1;
        for (const run of runs) {
          if (group.length > 0 && run.from > groupEnd + 1) { report(group); group = []; }
          group.push(run);
          groupEnd = Math.max(groupEnd, run.to);
        }
        if (group.length > 0) report(group);
      }
    }

    return { onEvent: (event: Event) => { costs.add(event); }, finish };
  },
};
