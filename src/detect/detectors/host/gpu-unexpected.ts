import { num, provenance, str } from "../../../model/index.js";
import type { Detector, DetectorContext } from "../../types.js";
import { clip, entitiesOf, timeOf } from "../common.js";
import { matchesAny } from "./glob.js";
import { SeriesTable, hostKeyOf, runDraft } from "./metric-series.js";

/**
 * PB-31: "GPU utilization spike: unexpected > 60%". A GPU busy over config.gpu.thresholdPct for
 * config.gpu.sustainMinutes on a host with no expected GPU workload. One series per (host, GPU index); a
 * gap longer than 2.5 sampling steps (or config.cpu.maxGapMinutes) breaks a run, as for CPU.
 *
 * How a host is expected to use its GPU: the site lists it in config gpu.expectedHosts (globs on host names
 * or instance ids: no finding at all), or its name says so (intel gpu_workload_hosts: "ml-*", "*gpu*",
 * "*train*"...: a weak finding, an ML job is weak in the seed's terms). Anywhere else a busy GPU is an alert
 * that opens an incident (docs/confidence.md); more so when it holds for an hour.
 */
export const GPU_UNEXPECTED_ID = "minerhunt.host.gpu-unexpected";
const TITLE = "Unexpected sustained GPU use";
export const GPU_UNEXPECTED = 0.5;
export const GPU_UNEXPECTED_LONG = 0.55;
export const GPU_NAMED_WORKLOAD = 0.2;
const LONG_MINUTES = 60;
const CONFIRM = "To confirm it: the process on the GPU (nvidia-smi, EDR process list: ccminer, t-rex, PhoenixMiner, nbminer...), " +
  "its binary hash, and its connections to mining pools, PB-31 checklist 1.3.";

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
        const named = matchesAny(ctx.intel.gpuWorkloadHosts, info.hostName);
        const confidence = named ? GPU_NAMED_WORKLOAD : run.minutes >= LONG_MINUTES ? GPU_UNEXPECTED_LONG : GPU_UNEXPECTED;
        ctx.emit(runDraft({ id: GPU_UNEXPECTED_ID, title: TITLE }, info, run, {
          title: named
            ? `GPU over ${gpu.thresholdPct}% for ${Math.round(run.minutes)} min on ${info.label}, named like a GPU host`
            : `GPU over ${gpu.thresholdPct}% for ${Math.round(run.minutes)} min on ${info.label}, not a GPU host`,
          description: `PB-31 indicator "GPU utilization spike: unexpected > ${gpu.thresholdPct}%". ` + (named
            ? `The host's name matches the GPU-workload names (intel gpu_workload_hosts): likely an ML or render job, weak alone. ` +
              "List it in config gpu.expectedHosts to silence it, or investigate if it should not train anything. "
            : "No expected GPU workload is declared for this host (config gpu.expectedHosts) and its name suggests none. ") + CONFIRM,
          confidence,
          facts: {
            "gpu.peak_pct": run.peak, "gpu.minutes": run.minutes, "gpu.pct": run.mean, "gpu.samples": run.samples,
            "gpu.threshold_pct": gpu.thresholdPct, "gpu.step_minutes": run.stepMinutes,
            ...(named ? { "host.expected_workload": "named like a GPU host (intel gpu_workload_hosts)" } : {}),
          },
          tags: ["pb-31:indicator:gpu", ...(named ? ["expected-workload" as const, "hint" as const] : [])],
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
          const ev = provenance(event, `${label}${gpuName ? ` (${clip(gpuName, 40)})` : ""}: GPU ${value}%`);
          table.add(`${host}\0${index}`, () => ({
            ...(hostName !== undefined ? { hostName } : {}),
            ...(instance !== undefined ? { instanceId: instance } : {}),
            label,
            entities: entitiesOf(event),
            observables: [],
            facts: { ...(index ? { "gpu.index": index } : {}), ...(gpuName ? { "gpu.name": gpuName } : {}) },
          }), ms, value, time, ev);
        },
        flush(watermarkMs) {
          table.flush(watermarkMs);
        },
        finish() {
          table.finish();
        },
      };
    },
  };
}

export const gpuUnexpectedDetector: Detector = createGpuUnexpectedDetector();
