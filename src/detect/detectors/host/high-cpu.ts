import type { Event } from "../../../model/index.js";
import { num, provenance, str } from "../../../model/index.js";
import type { Detector, DetectorContext } from "../../types.js";
import { clip, entitiesOf, obs, timeOf } from "../common.js";
import { baseName, commandLineOf } from "./command-line.js";
import { matchesAny } from "./glob.js";
import { SeriesTable, hostKeyOf, runDraft, type SeriesInfo } from "./metric-series.js";

/**
 * PB-31: "High CPU sustained > 80% for 30 min" (config.cpu: thresholdPct, sustainMinutes, maxGapMinutes).
 *
 * Two kinds of series: a host's CPU from metrics (minerhunt.cpu.pct) and one process's CPU from repeated
 * process snapshots (minerhunt.process.cpu_pct, ps %CPU: may exceed 100 on many cores). Each sustained run
 * is one finding. PB-31 makes the trigger an alert, so a clean run over the seed's line opens an incident
 * on its own, at low confidence (docs/confidence.md): just over WEAK_CONFIDENCE, a little more when it holds
 * for four times the seed's window. On a host whose name or the site says it runs GPU or training work
 * (intel gpu_workload_hosts, config gpu.expectedHosts) it is an expected workload and stays weak.
 * A run shorter than the window (a 12-minute batch spike) is nothing.
 */
export const HIGH_CPU_ID = "minerhunt.host.high-cpu";
const TITLE = "Sustained high CPU";
/** Over the seed's line: an alert PB-31 asks to confirm. */
export const CPU_SUSTAINED = 0.45;
/** Held four times the seed's window: fewer benign jobs last that long. */
export const CPU_SUSTAINED_LONG = 0.5;
/** On a host expected to run heavy compute (a training job looks exactly like this). */
export const CPU_EXPECTED_WORKLOAD = 0.25;
const LONG_FACTOR = 4;
const CONFIRM = "To confirm it: the process using the CPU and its binary hash (EDR process list), and its connections to " +
  "mining pools (proxy, DNS, netflow), PB-31 checklist 1.3.";

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
      const expected = expectedWorkload(ctx);
      const table = new SeriesTable(limits.maxSeries, cpu, (info, run) => {
        const minutes = Math.round(run.minutes);
        const workload = expected(info.hostName, info.instanceId);
        const confidence = workload ? CPU_EXPECTED_WORKLOAD : run.minutes >= LONG_FACTOR * cpu.sustainMinutes ? CPU_SUSTAINED_LONG : CPU_SUSTAINED;
        ctx.emit(runDraft({ id: HIGH_CPU_ID, title: TITLE }, info, run, {
          title: `CPU over ${cpu.thresholdPct}% for ${minutes} min on ${info.label} (peak ${run.peak}%)${workload ? ", an expected compute host" : ""}`,
          description: `PB-31 indicator "High CPU sustained > ${cpu.thresholdPct}% for ${cpu.sustainMinutes} min": ${run.samples} samples ` +
            `every ~${run.stepMinutes} min with no hole over ${run.maxGapMinutes} min. ` +
            (workload
              ? `${workload}: model training or batch work looks exactly like this, so it only supports other findings. `
              : "High CPU alone is not proof (batch jobs, builds, model training look alike). ") + CONFIRM,
          confidence,
          facts: {
            "cpu.peak_pct": run.peak, "cpu.minutes": run.minutes, "cpu.pct": run.mean, "cpu.samples": run.samples,
            "cpu.threshold_pct": cpu.thresholdPct, "cpu.step_minutes": run.stepMinutes, "cpu.max_gap_minutes": run.maxGapMinutes,
            ...(workload ? { "host.expected_workload": workload } : {}),
          },
          tags: ["pb-31:indicator:high-cpu", ...(workload ? ["expected-workload" as const, "hint" as const] : [])],
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
            const ev = provenance(event, `CPU ${value}% on ${clip(hostLabel, 60)}`);
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
          const ev = provenance(event, `${label}: CPU ${value}%`);
          table.add(key, () => processInfo(event, label, name), ms, value, time, ev);
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

/**
 * Why a host is expected to be busy, if it is: the site declared it a GPU host (config gpu.expectedHosts), or
 * its name says GPU or training work (intel gpu_workload_hosts). Undefined for any other host.
 */
export function expectedWorkload(ctx: DetectorContext): (host: string | undefined, instance: string | undefined) => string | undefined {
  const declared = ctx.config.gpu.expectedHosts;
  const named = ctx.intel.gpuWorkloadHosts;
  return (host, instance) => {
    if (matchesAny(declared, host) || matchesAny(declared, instance)) return "declared a GPU host in the site config (gpu.expectedHosts)";
    if (matchesAny(named, host)) return `its name "${clip(host, 60)}" says GPU or training work (intel gpu_workload_hosts)`;
    return undefined;
  };
}

function hostInfo(event: Event, label: string): SeriesInfo {
  return { label, entities: entitiesOf(event), observables: [], facts: { "cpu.source": "host" }, ...machineOf(event) };
}

function machineOf(event: Event): Pick<SeriesInfo, "hostName" | "instanceId"> {
  const out: Pick<SeriesInfo, "hostName" | "instanceId"> = {};
  const host = str(event, "host.name");
  const instance = str(event, "cloud.instance.id");
  if (host !== undefined) out.hostName = host;
  if (instance !== undefined) out.instanceId = instance;
  return out;
}

function processInfo(event: Event, label: string, name: string): SeriesInfo {
  return {
    ...machineOf(event),
    label,
    entities: entitiesOf(event),
    observables: [...obs("process", name), ...obs("file", str(event, "process.executable")), ...obs("command-line", commandLineOf(event))],
    facts: { "cpu.source": "process", "process.name": name },
  };
}

export const highCpuDetector: Detector = createHighCpuDetector();
