import type { Event } from "../../../model/index.js";
import { num, provenance, str } from "../../../model/index.js";
import type { Detector, DetectorContext } from "../../types.js";
import { clip, entitiesOf, obs, timeOf } from "../common.js";
import { baseName, commandLineOf } from "./command-line.js";
import { SeriesTable, hostKeyOf, runDraft, type SeriesInfo } from "./metric-series.js";

/**
 * PB-31: "High CPU sustained > 80% for 30 min" (config.cpu: thresholdPct, sustainMinutes, maxGapMinutes).
 *
 * Two kinds of series: a host's CPU from metrics (minerhunt.cpu.pct) and one process's CPU from repeated
 * process snapshots (minerhunt.process.cpu_pct, ps %CPU: may exceed 100 on many cores). Each sustained run
 * is one finding, deliberately weak (WEAK_CONFIDENCE is 0.4): a machine-learning job or a build at 99% looks
 * exactly like this, so high CPU joins an incident that other signals opened and never opens one alone.
 */
export const HIGH_CPU_ID = "minerhunt.host.high-cpu";
const TITLE = "Sustained high CPU";
const CONFIDENCE = 0.3;

export interface HighCpuLimits {
  /** Series (hosts + processes) tracked at once. */
  maxSeries: number;
}

export function createHighCpuDetector(limits: HighCpuLimits = { maxSeries: 4096 }): Detector {
  return {
    id: HIGH_CPU_ID,
    title: TITLE,
    routes: { categories: ["host", "process"] },
    start(ctx: DetectorContext) {
      const cpu = ctx.config.cpu;
      const table = new SeriesTable(limits.maxSeries, cpu, (info, run) => {
        const minutes = Math.round(run.minutes);
        ctx.emit(runDraft({ id: HIGH_CPU_ID, title: TITLE }, info, run, {
          title: `CPU over ${cpu.thresholdPct}% for ${minutes} min on ${info.label} (peak ${run.peak}%)`,
          description: `PB-31 indicator "High CPU sustained > ${cpu.thresholdPct}% for ${cpu.sustainMinutes} min". ` +
            "High CPU alone is not mining (batch jobs, builds, model training): a weak signal that supports other findings.",
          confidence: CONFIDENCE,
          facts: {
            "cpu.peak_pct": run.peak, "cpu.minutes": run.minutes, "cpu.pct": run.mean, "cpu.samples": run.samples,
            "cpu.threshold_pct": cpu.thresholdPct,
          },
          tags: ["pb-31:indicator:high-cpu"],
        }));
      });

      return {
        onEvent(event) {
          const hostPct = num(event, "minerhunt.cpu.pct");
          const procPct = hostPct === undefined ? num(event, "minerhunt.process.cpu_pct") : undefined;
          const value = hostPct ?? procPct;
          if (value === undefined) return;
          const time = timeOf(event);
          const ms = Date.parse(time);
          // Without a time a sample cannot say anything about "sustained".
          if (Number.isNaN(ms)) return;
          const host = hostKeyOf(str(event, "host.name"), str(event, "cloud.instance.id"), str(event, "host.ip"));
          const hostLabel = host || "unknown host";
          if (hostPct !== undefined) {
            const ev = { ...provenance(event), summary: `CPU ${value}% on ${clip(hostLabel, 60)}` };
            table.add(`host\0${host}`, () => hostInfo(event, hostLabel), ms, value, time, ev);
            return;
          }
          const name = str(event, "process.name") ?? baseName(str(event, "process.executable") ?? "");
          const pid = str(event, "process.pid") ?? "";
          const key = `proc\0${host}\0${pid}\0${name}`;
          // Idle processes never get a series: a snapshot holds hundreds of them. A series starts at the
          // first sample over the threshold and takes every sample after that.
          if (value <= cpu.thresholdPct && !table.has(key)) return;
          const label = `${clip(name, 60) || "process"}${pid ? ` (pid ${pid})` : ""} on ${clip(hostLabel, 60)}`;
          const ev = { ...provenance(event), summary: `${label}: CPU ${value}%` };
          table.add(key, () => processInfo(event, label, name), ms, value, time, ev);
        },
        finish() {
          table.finish();
        },
      };
    },
  };
}

function hostInfo(event: Event, label: string): SeriesInfo {
  return { label, entities: entitiesOf(event), observables: [], facts: { "cpu.source": "host" } };
}

function processInfo(event: Event, label: string, name: string): SeriesInfo {
  return {
    label,
    entities: entitiesOf(event),
    observables: [...obs("process", name), ...obs("file", str(event, "process.executable")), ...obs("command-line", commandLineOf(event))],
    facts: { "cpu.source": "process", "process.name": name },
  };
}

export const highCpuDetector: Detector = createHighCpuDetector();
