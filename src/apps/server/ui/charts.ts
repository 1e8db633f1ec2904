/**
 * Chart series from an incident's evidence: CPU and GPU percentages from its metric findings, daily cost
 * from its billing findings. The store keeps each finding's bounded evidence sample (the first few records
 * and the latest), not the whole series, so a chart shows those sampled points; the finding's facts add
 * the peak. Values are read from the sampled records' summaries, which the metric and billing detectors
 * write in a fixed shape ("CPU 97.2% on db-prod-01", "ml-train-01: GPU 97%", "2026-11-19 <service> $2984.37").
 */
import type { Finding } from "../../../model/index.js";

export interface ChartSpec {
  /** Unix seconds, ascending. */
  x: number[];
  series: { label: string; values: (number | null)[] }[];
  unit: string;
  bars?: boolean;
}

const CPU = /\bCPU\s+(\d{1,3}(?:\.\d{1,3})?)\s?%/;
const GPU = /\bGPU\s+(\d{1,3}(?:\.\d{1,3})?)\s?%/;
const USD = /\$\s?(\d{1,12}(?:\.\d{1,4})?)/;
const MAX_POINTS_PER_SERIES = 2000;

type Points = Map<string, Map<number, number>>;

function add(points: Points, label: string, time: string | undefined, value: number): void {
  const ms = time ? Date.parse(time) : Number.NaN;
  if (!Number.isFinite(ms) || !Number.isFinite(value)) return;
  let series = points.get(label);
  if (!series) points.set(label, (series = new Map()));
  if (series.size < MAX_POINTS_PER_SERIES) series.set(Math.floor(ms / 1000), Math.max(series.get(Math.floor(ms / 1000)) ?? 0, value));
}

function toSpec(points: Points, unit: string, bars = false): ChartSpec | undefined {
  if (points.size === 0) return undefined;
  const labels = [...points.keys()].sort();
  const x = [...new Set(labels.flatMap((l) => [...points.get(l)!.keys()]))].sort((a, b) => a - b);
  return { x, unit, ...(bars ? { bars } : {}), series: labels.map((label) => ({ label, values: x.map((t) => points.get(label)!.get(t) ?? null) })) };
}

function subject(f: Finding): string {
  return f.entities.hosts?.[0] ?? f.entities.instances?.[0] ?? f.entities.accounts?.[0] ?? "";
}

/** CPU and GPU utilisation, one series per machine and measure ("db-prod-01 CPU"). */
export function utilisationChart(findings: readonly Finding[]): ChartSpec | undefined {
  const points: Points = new Map();
  for (const f of findings) {
    if (f.kind !== "metric") continue;
    for (const e of f.evidence) {
      const text = e.summary ?? "";
      const cpu = CPU.exec(text);
      const gpu = GPU.exec(text);
      if (cpu) add(points, `${subject(f)} CPU`.trim(), e.time, Number(cpu[1]));
      if (gpu) add(points, `${subject(f)} GPU`.trim(), e.time, Number(gpu[1]));
    }
  }
  return toSpec(points, "%");
}

/** Daily cost per account and service, from the billing findings' sampled days. */
export function dailyCostChart(findings: readonly Finding[]): ChartSpec | undefined {
  const points: Points = new Map();
  for (const f of findings) {
    if (f.kind !== "billing" && f.trigger !== "billing") continue;
    const service = f.facts?.["billing.service"];
    const label = [subject(f), typeof service === "string" ? service : ""].filter(Boolean).join(" · ");
    for (const e of f.evidence) {
      const usd = USD.exec(e.summary ?? "");
      if (usd) add(points, label, e.time, Number(usd[1]));
    }
  }
  return toSpec(points, "USD", true);
}
