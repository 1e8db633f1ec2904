import type { Observable } from "../../../model/index.js";
import { str, strs } from "../../../model/index.js";
import type { Intel } from "../../../intel/index.js";
import type { Detector, DetectorContext } from "../../types.js";
import { clip, entitiesOf, obs } from "../common.js";
import { Aggregate, BoundedMap, addEntity, draftFromAggregate } from "./aggregate.js";
import { analyseCommandLine, baseName, type CommandLineAnalysis } from "./command-line.js";
import { WINDOWS_KINDS, WINDOWS_PERSISTENCE_DATASETS, readWindowsPersistence, windowsPlace } from "./windows-persistence.js";
import { datasetsFor } from "../../routes.js";

/**
 * Persistence a miner leaves (PB-31 §1.3 "มี persistence (crontab, systemd, k8s)?"):
 *  - crontab entries and systemd units that run a miner (name, flags, pool URL, known pool host), a
 *    kernel-thread or campaign name, or a program in a drop directory;
 *  - entries that download and run (`curl … | sh`, `wget -O- … | bash`, `base64 -d | sh`, `sh -c "$(curl …)"`),
 *    the Kinsing / TeamTNT / 8220 dropper pattern;
 *  - systemd `Nice=` (positive) or `CPUWeight=1` next to a miner-like ExecStart: supporting evidence only
 *    (MoneroOcean's installer writes both so the miner looks idle);
 *  - /etc/ld.so.preload listing any library (rare in legitimate use), stronger for process-hiding names
 *    or libraries under drop directories or hidden folders.
 */
export const PERSISTENCE_ID = "minerhunt.host.persistence";
const TITLE = "Miner persistence (cron, systemd, ld.so.preload)";

const RUNS_MINER = 0.9;
const RUNS_CAMPAIGN = 0.75;
const RUNS_MASQUERADE = 0.7;
const DOWNLOAD_AND_RUN = 0.5;
const DROP_PATH = 0.35;
const EXTRA_SIGNAL = 0.1;
const LOW_PRIORITY_SUPPORT = 0.05;
const CAP = 0.95;
const PRELOAD_ANY = 0.45;
const PRELOAD_HIDING = 0.7;
/** Lower-case fragment of process-hiding preload libraries (libprocesshider.so, libhide.so ...). */
const HIDING_FRAGMENT = "hide";

export interface PersistenceLimits {
  maxKeys: number;
}

export interface PersistenceReading {
  confidence: number;
  reasons: string[];
  kind: "miner" | "disguise" | "download" | "drop-path" | "preload";
  analysis?: CommandLineAnalysis;
}

/** What a cron or systemd command line runs, scored. Exported for tests. */
export function readScheduledCommand(cmd: string, intel: Intel, unitName?: string, directives: string[] = []): PersistenceReading | undefined {
  const a = analyseCommandLine(cmd, intel);
  const signals: { strength: number; reason: string; kind: PersistenceReading["kind"] }[] = [];
  const knownPools = a.endpoints.filter((e) => e.domainMatch || e.ipMatch);
  const minerReasons = [
    ...a.minersRun.map((m) => `runs miner ${m.name}`),
    ...(a.minerArgs.length ? [`miner flags ${a.minerArgs.join(" ")}`] : []),
    ...(a.schemes.length ? [`pool URL ${a.schemes.join(" ")}`] : []),
    ...(knownPools.length ? [`pool ${knownPools.map((e) => e.host).join(", ")}`] : []),
  ];
  if (minerReasons.length) signals.push({ strength: RUNS_MINER, reason: minerReasons.join("; "), kind: "miner" });

  const stem = unitName ? baseName(unitName).replace(/\.(service|timer)$/, "") : "";
  const campaign = new Set(intel.campaignProcessNames);
  const campaignNames = [...a.campaignRun, ...(stem && campaign.has(stem) ? [stem] : [])];
  if (campaignNames.length) signals.push({ strength: RUNS_CAMPAIGN, reason: `campaign name ${campaignNames.join(", ")}`, kind: "disguise" });
  const masquerades = [...a.masqueradesRun, ...(stem && intel.isMasqueradeName(stem) ? [stem] : [])];
  if (masquerades.length) signals.push({ strength: RUNS_MASQUERADE, reason: `runs a kernel-thread name ${masquerades.join(", ")}`, kind: "disguise" });
  if (a.downloadAndRun) signals.push({ strength: DOWNLOAD_AND_RUN, reason: "downloads and runs a script", kind: "download" });
  if (a.dropPathRun.length) signals.push({ strength: DROP_PATH, reason: `runs ${a.dropPathRun.map((p) => clip(p, 80)).join(", ")} from a drop directory`, kind: "drop-path" });
  if (signals.length === 0) return undefined;

  signals.sort((x, y) => y.strength - x.strength);
  let confidence = signals[0]!.strength + EXTRA_SIGNAL * (signals.length - 1);
  const reasons = signals.map((s) => s.reason);
  const minerLike = signals.some((s) => s.kind !== "download");
  const lowPriority = directives.filter(isLowPriorityDirective);
  if (minerLike && lowPriority.length) {
    confidence += LOW_PRIORITY_SUPPORT;
    reasons.push(`runs at low priority (${lowPriority.join(", ")}) to look idle`);
  }
  return { confidence: Math.min(CAP, confidence), reasons, kind: signals[0]!.kind, analysis: a };
}

/** systemd `Nice=` above 0 or `CPUWeight=1`: a service that asks to look idle. */
function isLowPriorityDirective(directive: string): boolean {
  const eq = directive.indexOf("=");
  if (eq === -1) return false;
  const key = directive.slice(0, eq).trim();
  const value = directive.slice(eq + 1).trim();
  if (key === "Nice") return Number(value) > 0;
  if (key === "CPUWeight") return value === "1";
  return false;
}

/** Libraries in /etc/ld.so.preload, scored. */
export function readPreload(libraries: string[], intel: Intel): PersistenceReading | undefined {
  const libs = libraries.map((l) => l.trim()).filter((l) => l !== "" && !l.startsWith("#"));
  if (libs.length === 0) return undefined;
  const dropPaths = intel.dropPaths.map((d) => d.toLowerCase());
  const hiding = libs.filter((l) => {
    const lower = l.toLowerCase();
    return baseName(lower).includes(HIDING_FRAGMENT) || dropPaths.some((d) => lower.startsWith(d)) || lower.includes("/.");
  });
  return {
    confidence: hiding.length ? PRELOAD_HIDING : PRELOAD_ANY,
    reasons: hiding.length ? [`preloads ${hiding.map((l) => clip(l, 80)).join(", ")} (process-hiding name or hidden location)`] : [`preloads ${libs.map((l) => clip(l, 80)).join(", ")}`],
    kind: "preload",
  };
}

interface State {
  agg: Aggregate;
  reading: PersistenceReading;
  dataset: string;
  what: string;
}

export function createPersistenceDetector(limits: PersistenceLimits = { maxKeys: 10_000 }): Detector {
  return {
    id: PERSISTENCE_ID,
    title: TITLE,
    routes: { datasets: [...datasetsFor(["crontab", "systemd_unit", "ld_preload"]), ...WINDOWS_PERSISTENCE_DATASETS] },
    start(ctx: DetectorContext) {
      const emit = (s: State) => ctx.emit(toDraft(s));
      const entries = new BoundedMap<string, State>(limits.maxKeys, (_k, s) => emit(s));
      return {
        onEvent(event) {
          const dataset = str(event, "event.dataset") ?? "";
          const file = str(event, "file.path") ?? "";
          let reading: PersistenceReading | undefined;
          let what: string;
          let cmd = "";
          if (WINDOWS_PERSISTENCE_DATASETS.includes(dataset)) {
            const w = readWindowsPersistence(event, dataset, ctx.intel, (c, intel) => readScheduledCommand(c, intel));
            if (!w) return;
            reading = w.reading;
            what = w.what;
            cmd = w.cmd;
          } else if (dataset === "linux.ld_so_preload") {
            const libs = strs(event, "file.target_path");
            reading = readPreload(libs, ctx.intel);
            what = libs.join(" ");
          } else {
            const unit = str(event, "minerhunt.systemd.unit");
            cmd = str(event, "process.command_line") ?? str(event, "process.executable") ?? "";
            // systemd ExecStart prefixes ("-", "@", "+", "!", "!!", ":") change how it runs, not what.
            if (dataset === "linux.systemd") cmd = cmd.replace(/^[-@+!:]{1,4}/, "");
            reading = readScheduledCommand(cmd, ctx.intel, unit, strs(event, "minerhunt.systemd.directives"));
            what = cmd;
          }
          if (!reading) return;
          const host = (str(event, "host.name") ?? "").toLowerCase();
          const key = `${host}\0${dataset}\0${what.slice(0, 1024)}`;
          const state = entries.getOrCreate(key, () => ({ agg: new Aggregate(), reading: reading!, dataset, what }));
          if (reading.confidence > state.reading.confidence) state.reading = reading;
          const entities = entitiesOf(event);
          const observables: Observable[] = [...obs("file", file), ...obs("command-line", cmd)];
          const a = reading.analysis;
          if (a) {
            for (const e of a.endpoints) {
              observables.push(...obs(e.isIp ? "ip" : "domain", e.host));
              if (e.port !== undefined) observables.push(...obs("port", e.port));
              if (e.domainMatch || e.ipMatch || reading.kind === "miner") addEntity(entities, "pools", e.isIp ? `${e.host}${e.port !== undefined ? `:${e.port}` : ""}` : e.host);
            }
            for (const u of a.urls) observables.push(...obs("url", u));
            for (const w of a.wallets) observables.push(...obs("wallet", w.wallet));
            for (const seg of a.segments) {
              const p = seg.programName;
              if (p && (ctx.intel.minerByProcessName(p) || a.campaignRun.includes(p) || a.masqueradesRun.includes(p))) observables.push(...obs("process", p));
            }
          } else {
            for (const lib of strs(event, "file.target_path")) observables.push(...obs("file", lib));
          }
          const schedule = str(event, "minerhunt.cron.schedule");
          const unit = str(event, "minerhunt.systemd.unit") ?? windowsPlace(event, dataset);
          const where = unit ? `unit ${unit}` : schedule ? `cron "${clip(schedule, 40)}"` : clip(file, 80);
          state.agg.add(event, `${where}: ${clip(what, 120)} [${reading.reasons.join("; ")}]`, entities);
          state.agg.observe(observables);
        },
        // On a stream: an entry not seen again for the engine's lateness is reported (seen later, it merges
        // into the same fact).
        flush(watermarkMs) {
          entries.drainWhere((s) => s.agg.idleBefore(watermarkMs), (_k, s) => emit(s));
        },
        finish() {
          entries.drain((_k, s) => emit(s));
        },
      };
    },
  };
}

const KIND_TITLES: Record<PersistenceReading["kind"], string> = {
  miner: "runs a miner",
  disguise: "runs a disguised program",
  download: "downloads and runs a script",
  "drop-path": "runs a program from a drop directory",
  preload: "preloads a library into every process",
};

function toDraft(s: State) {
  const host = s.agg.entities.hosts?.[0];
  const win = WINDOWS_KINDS[s.dataset];
  const source = win?.source ?? (s.dataset === "linux.systemd" ? "systemd unit" : s.dataset === "linux.crontab" ? "Cron entry" : "/etc/ld.so.preload");
  const facts: Record<string, string | number | boolean> = {
    "persistence.kind": win?.kind ?? (s.dataset === "linux.systemd" ? "systemd" : s.dataset === "linux.crontab" ? "cron" : "ld.so.preload"),
    "persistence.reason": s.reading.reasons.join("; "),
    "records.count": s.agg.count,
  };
  const miner = s.reading.analysis?.minersRun[0];
  if (miner) facts["miner.name"] = miner.name;
  return draftFromAggregate({ id: PERSISTENCE_ID, title: TITLE }, s.agg, {
    title: `${source === "systemd unit" ? "systemd unit" : source} ${KIND_TITLES[s.reading.kind]}${host ? ` on ${host}` : ""}: ${clip(s.what, 80)}`,
    description: `Persistence found: ${s.reading.reasons.join("; ")}. PB-31 eradication removes it with the binary.`,
    trigger: "host",
    confidence: s.reading.confidence,
    facts,
    tags: ["pb-31:1.3:persistence"],
    mitre: win ? ["T1496", win.technique] : s.dataset === "linux.ld_so_preload" ? ["T1496", "T1574.006"] : s.dataset === "linux.systemd" ? ["T1496", "T1543.002"] : ["T1496", "T1053.003"],
  });
}

export const persistenceDetector: Detector = createPersistenceDetector();
