import { num, provenance, str } from "../../../model/index.js";
import type { Detector, DetectorContext } from "../../types.js";
import { clip, entitiesOf, timeOf } from "../common.js";
import { matchesAny } from "./glob.js";
import { SeriesTable, hostKeyOf, runDraft } from "./metric-series.js";

/**
 * PB-31: "GPU utilization spike: unexpected > 60%". A GPU busy over config.gpu.thresholdPct for
 * config.gpu.sustainMinutes on a host that is not in config.gpu.expectedHosts (globs such as "ml-*").
 * One series per (host, GPU index); a gap over config.cpu.maxGapMinutes breaks a run, as for CPU.
 * Weak on its own: an unlisted research box training a model looks the same.
 */
export const GPU_UNEXPECTED_ID = "minerhunt.host.gpu-unexpected";
const TITLE = "Unexpected sustained GPU use";
const CONFIDENCE = 0.35;

export interface GpuLimits {
  maxSeries: number;
}

export function createGpuUnexpectedDetector(limits: GpuLimits = { maxSeries: 4096 }): Detector {
  return {
    id: GPU_UNEXPECTED_ID,
    title: TITLE,
    routes: { categories: ["host"] },
    start(ctx: DetectorContext) {
      const gpu = ctx.config.gpu;
      const opts = { thresholdPct: gpu.thresholdPct, sustainMinutes: gpu.sustainMinutes, maxGapMinutes: ctx.config.cpu.maxGapMinutes };
      const table = new SeriesTable(limits.maxSeries, opts, (info, run) => {
        ctx.emit(runDraft({ id: GPU_UNEXPECTED_ID, title: TITLE }, info, run, {
          title: `GPU over ${gpu.thresholdPct}% for ${Math.round(run.minutes)} min on ${info.label}, not a GPU host`,
          description: `PB-31 indicator "GPU utilization spike: unexpected > ${gpu.thresholdPct}%": this host is not in the expected GPU hosts ` +
            "(config gpu.expectedHosts). Weak alone: it supports other findings.",
          confidence: CONFIDENCE,
          facts: {
            "gpu.peak_pct": run.peak, "gpu.minutes": run.minutes, "gpu.pct": run.mean, "gpu.samples": run.samples,
            "gpu.threshold_pct": gpu.thresholdPct,
          },
          tags: ["pb-31:indicator:gpu"],
        }));
      });

      return {
        onEvent(event) {
          const value = num(event, "minerhunt.gpu.utilization");
          if (value === undefined) return;
          const time = timeOf(event);
          const ms = Date.parse(time);
          if (Number.isNaN(ms)) return;
          const hostName = str(event, "host.name");
          const instance = str(event, "cloud.instance.id");
          // Expected GPU hosts are named by host name or instance id.
          if (matchesAny(gpu.expectedHosts, hostName) || matchesAny(gpu.expectedHosts, instance)) return;
          const host = hostKeyOf(hostName, instance, str(event, "host.ip"));
          const index = str(event, "minerhunt.gpu.index") ?? "";
          const gpuName = str(event, "minerhunt.gpu.name");
          const label = `${clip(host || "unknown host", 60)}${index ? ` GPU ${index}` : ""}`;
          const ev = { ...provenance(event), summary: `${label}${gpuName ? ` (${clip(gpuName, 40)})` : ""}: GPU ${value}%` };
          table.add(`${host}\0${index}`, () => ({
            label,
            entities: entitiesOf(event),
            observables: [],
            facts: { ...(index ? { "gpu.index": index } : {}), ...(gpuName ? { "gpu.name": gpuName } : {}) },
          }), ms, value, time, ev);
        },
        finish() {
          table.finish();
        },
      };
    },
  };
}

export const gpuUnexpectedDetector: Detector = createGpuUnexpectedDetector();
