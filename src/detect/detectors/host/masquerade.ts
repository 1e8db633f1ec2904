import type { Event } from "../../../model/index.js";
import { str } from "../../../model/index.js";
import type { Intel } from "../../../intel/index.js";
import type { Detector, DetectorContext } from "../../types.js";
import { clip, entitiesOf, obs } from "../common.js";
import { Aggregate, BoundedMap, draftFromAggregate } from "./aggregate.js";
import { analyseCommandLine, baseName, commandLineOf } from "./command-line.js";

/**
 * Miners hide behind system names. Three signals, all named in intel:
 *  - a kernel-thread name (intel.isMasqueradeName: kworker, kswapd0 ...) on something that is not a kernel
 *    thread: it has an executable on disk, a command line of its own, or the source says kernel_thread=false.
 *    A real kernel thread ("[kworker/0:1]", no executable, no arguments) is left alone.
 *  - a campaign process name (intel.campaignProcessNames: kdevtmpfsi, kinsing, sysupdate ...) as the process,
 *    its executable or a program its command line runs;
 *  - a binary run from a drop directory (intel.dropPaths: /tmp/, /dev/shm/ ...): supporting only, weak alone,
 *    because installers and build tools run from /tmp too.
 */
export const MASQUERADE_ID = "minerhunt.host.masquerade";
const TITLE = "Process masquerading as a system or kernel process";

const DISGUISE = 0.65;
const CAMPAIGN = 0.8;
const DROP_PATH_ALONE = 0.25;
const DROP_PATH_SUPPORT = 0.1;
const BOTH_NAME_SIGNALS = 0.05;
const CAP = 0.9;

export interface MasqueradeLimits {
  maxKeys: number;
}

interface Signals {
  disguise?: string;
  disguiseReason?: string;
  campaign?: string;
  dropPath?: string;
}

/** The name as the kernel shows it, without ps's brackets: "[kworker/0:1]" -> "kworker/0:1". */
function unbracket(text: string): string {
  const t = text.trim();
  return t.startsWith("[") && t.endsWith("]") ? t.slice(1, -1) : t;
}

function kernelThreadFlag(event: Event): boolean | undefined {
  const v = event["minerhunt.process.kernel_thread"];
  if (typeof v === "boolean") return v;
  if (v === "true") return true;
  if (v === "false") return false;
  return undefined;
}

/** What about this process record looks like a disguise. Exported for tests. */
export function masqueradeSignals(event: Event, intel: Intel): Signals {
  const name = str(event, "process.name") ?? "";
  const executable = str(event, "process.executable");
  const cmd = commandLineOf(event).trim();
  const kernelThread = kernelThreadFlag(event);
  const analysis = analyseCommandLine(cmd, intel);
  const argv0 = analysis.segments[0]?.tokens[0] ?? "";
  const out: Signals = {};

  // The name as shown: the process name, else argv0 ("[kworker/0:1]" kept whole, "/tmp/kswapd0" by basename).
  const raw = name || argv0;
  const shownName = raw.startsWith("[") ? unbracket(raw) : name ? raw : baseName(raw);
  if (shownName && intel.isMasqueradeName(shownName)) {
    // A kernel thread has no file and no argv: anything of its own is a userland process wearing the name.
    const ownCommandLine = cmd !== "" && !(cmd.startsWith("[") && cmd.endsWith("]"));
    let reason: string | undefined;
    if (executable) reason = `executable on disk ${executable}`;
    else if (kernelThread === false) reason = "the source reports it is not a kernel thread";
    else if (ownCommandLine && kernelThread !== true) reason = `command line of its own: ${clip(cmd, 80)}`;
    if (reason) { out.disguise = shownName; out.disguiseReason = reason; }
  }

  const campaign = new Set(intel.campaignProcessNames);
  const candidates = [name, executable ? baseName(executable) : "", argv0 ? baseName(argv0) : ""].map((n) => n.toLowerCase());
  const campaignName = candidates.find((n) => n !== "" && campaign.has(n)) ?? analysis.campaignRun[0];
  if (campaignName) out.campaign = campaignName;

  const path = executable || (argv0.includes("/") ? argv0 : "");
  const lower = path.toLowerCase();
  const drop = intel.dropPaths.find((d) => lower.startsWith(d.toLowerCase()) && lower.length > d.length);
  if (drop) out.dropPath = path;
  else if (analysis.dropPathRun[0]) out.dropPath = analysis.dropPathRun[0];
  return out;
}

export function scoreMasquerade(s: Signals): number | undefined {
  if (!s.disguise && !s.campaign) return s.dropPath ? DROP_PATH_ALONE : undefined;
  let c = Math.max(s.disguise ? DISGUISE : 0, s.campaign ? CAMPAIGN : 0);
  if (s.disguise && s.campaign) c += BOTH_NAME_SIGNALS;
  if (s.dropPath) c += DROP_PATH_SUPPORT;
  return Math.min(CAP, c);
}

interface State {
  agg: Aggregate;
  confidence: number;
  signals: Signals;
  name: string;
}

export function createMasqueradeDetector(limits: MasqueradeLimits = { maxKeys: 10_000 }): Detector {
  return {
    id: MASQUERADE_ID,
    title: TITLE,
    routes: { categories: ["process"] },
    start(ctx: DetectorContext) {
      const emit = (s: State) => ctx.emit(toDraft(s));
      const byProcess = new BoundedMap<string, State>(limits.maxKeys, (_k, s) => emit(s));
      return {
        onEvent(event) {
          if (str(event, "event.dataset") === "falco.alerts") return;
          const name = str(event, "process.name") ?? "";
          const executable = str(event, "process.executable") ?? "";
          const signals = masqueradeSignals(event, ctx.intel);
          const confidence = scoreMasquerade(signals);
          if (confidence === undefined) return;
          const cmd = commandLineOf(event);
          const host = (str(event, "host.name") ?? "").toLowerCase();
          const key = `${host}\0${name}\0${executable}\0${cmd.slice(0, 1024)}`;
          const state = byProcess.getOrCreate(key, () => ({ agg: new Aggregate(), confidence: 0, signals: {}, name: name || baseName(executable) }));
          state.confidence = Math.max(state.confidence, confidence);
          state.signals = { ...signals, ...state.signals };
          const why = [signals.disguise ? `kernel-thread name, ${signals.disguiseReason}` : "", signals.campaign ? `campaign name ${signals.campaign}` : "",
            signals.dropPath ? `runs from ${signals.dropPath}` : ""].filter(Boolean).join("; ");
          const pid = str(event, "process.pid");
          state.agg.add(event, `${clip(name || executable, 60)}${pid ? ` (pid ${pid})` : ""}: ${why}`, entitiesOf(event));
          state.agg.observe([
            ...obs("process", name), ...obs("file", executable), ...obs("hash", str(event, "process.hash.sha256")), ...obs("command-line", cmd),
          ]);
        },
        flush(watermarkMs) {
          byProcess.drainWhere((s) => s.agg.idleBefore(watermarkMs), (_k, s) => emit(s));
        },
        finish() {
          byProcess.drain((_k, s) => emit(s));
        },
      };
    },
  };
}

function toDraft(s: State) {
  const host = s.agg.entities.hosts?.[0];
  const on = host ? ` on ${host}` : "";
  const sig = s.signals;
  const title = sig.disguise
    ? `"${clip(s.name, 60)}" disguised as kernel thread ${sig.disguise}${on}`
    : sig.campaign
      ? `Known cryptojacking campaign process "${sig.campaign}"${on}`
      : `Program run from drop directory ${clip(sig.dropPath, 80)}${on}`;
  const facts: Record<string, string | number | boolean> = { "process.name": s.name, "records.count": s.agg.count };
  if (sig.disguise) { facts["masquerade.name"] = sig.disguise; facts["masquerade.reason"] = sig.disguiseReason ?? ""; }
  if (sig.campaign) facts["campaign.process"] = sig.campaign;
  if (sig.dropPath) facts["drop.path"] = sig.dropPath;
  return draftFromAggregate({ id: MASQUERADE_ID, title: TITLE }, s.agg, {
    title,
    description: "Miners rename themselves after kernel threads and system daemons and run from temporary directories (T1036.005 with T1496).",
    trigger: "host",
    confidence: s.confidence,
    facts,
    tags: ["attack.t1036.005", "attack.t1496"],
    mitre: ["T1496", "T1036.005"],
  });
}

export const masqueradeDetector: Detector = createMasqueradeDetector();
