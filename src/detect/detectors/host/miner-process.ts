import type { Event, Observable } from "../../../model/index.js";
import { str } from "../../../model/index.js";
import type { MinerInfo } from "../../../intel/index.js";
import type { Detector, DetectorContext } from "../../types.js";
import { clip, entitiesOf, obs } from "../common.js";
import { Aggregate, BoundedMap, addEntity, draftFromAggregate } from "./aggregate.js";
import { analyseCommandLine, baseName, commandLineOf, type CommandLineAnalysis } from "./command-line.js";

/**
 * A process that is a miner: by its name or executable (intel.minerByProcessName), by miner flags
 * (intel.minerArgs), by a pool URL scheme (intel.stratum.schemes), by a known pool host in its command line
 * (intel.matchDomain / matchIp), by a wallet handed to a network endpoint or to a downloaded script (a miner
 * installer), or by a miner fetched by name and then run. Independent indicators agreeing raise the confidence.
 *
 * Name rule: only exact miner names count ("xmrig", "xmrig-notls"); "xmrig-monitor-dashboard" is not a miner
 * by its name (dashboards, exporters and wrappers carry the word) — its flags can still make it one.
 * A text tool (grep, pkill, echo ...) that mentions a miner is not one: `grep xmrig` yields nothing.
 * Falco alerts are another detector's: they are skipped here.
 *
 * One finding per (host, process name, executable, command line) over the run: snapshots taken every
 * minute make one finding with a count, not one per snapshot.
 */
export const MINER_PROCESS_ID = "minerhunt.host.miner-process";
const TITLE = "Cryptominer process";

/** Strength of one indicator on its own; several independent ones agreeing give AGREEING. */
const NAME_ALONE = 0.8;
const ARGS_ALONE = 0.8;
const SCHEME_ALONE = 0.8;
const POOL_HOST_CAP = 0.85;
const WALLET_TO_ENDPOINT = 0.6;
const WALLET_TO_SCRIPT = 0.7;
/** A miner fetched by name and a local file then started: the dropper line of a history or honeypot log. */
const FETCHED_AND_RUN = 0.75;
const AGREEING = 0.95;
const WALLET_BONUS = 0.05;

export interface MinerProcessLimits {
  /** Distinct processes tracked at once; beyond it the least recently seen is reported early. */
  maxKeys: number;
}

interface Hit {
  confidence: number;
  indicators: string[];
  miner?: MinerInfo;
}

/** Score a process record. Undefined: nothing here says mining. */
export function scoreProcess(analysis: CommandLineAnalysis, nameMiner: MinerInfo | undefined): Hit | undefined {
  const strengths: number[] = [];
  const indicators: string[] = [];
  let miner = nameMiner;
  if (nameMiner) { strengths.push(NAME_ALONE); indicators.push(`miner name ${nameMiner.name}`); }
  const launched = analysis.minersRun.filter((m) => m !== nameMiner);
  if (launched.length > 0) {
    miner ??= launched[0];
    strengths.push(NAME_ALONE);
    indicators.push(`runs ${launched.map((m) => m.name).join(", ")}`);
  }
  const fetched = analysis.minersFetchedAndRun.filter((m) => m !== miner);
  if (fetched.length > 0) {
    miner ??= fetched[0];
    strengths.push(FETCHED_AND_RUN);
    indicators.push(`fetches ${fetched.map((m) => m.name).join(", ")} and runs it`);
  }
  if (analysis.minerArgs.length > 0) { strengths.push(ARGS_ALONE); indicators.push(`miner flags ${analysis.minerArgs.join(" ")}`); }
  if (analysis.schemes.length > 0) { strengths.push(SCHEME_ALONE); indicators.push(`pool URL ${analysis.schemes.join(" ")}`); }
  const known = analysis.endpoints.filter((e) => e.domainMatch || e.ipMatch);
  if (known.length > 0) {
    const best = Math.max(...known.map((e) => e.domainMatch?.confidence ?? e.ipMatch?.confidence ?? 0));
    strengths.push(Math.min(POOL_HOST_CAP, best));
    indicators.push(`pool ${known.map((e) => e.host).join(", ")}`);
  }
  let confidence: number;
  if (strengths.length === 0) {
    // A Monero wallet handed to a public host:port is a miner pointed at an unlisted pool. Only Monero's
    // 95/106-character shape is specific enough: the shorter BTC/ETH shapes also match tokens and hashes.
    // A downloaded script run with a Monero wallet is a miner installer (C3Pool's and MoneroOcean's setup
    // scripts take the wallet as their argument: `curl .../setup_c3pool_miner.sh | bash -s WALLET`).
    const endpointWithPort = analysis.endpoints.some((e) => e.port !== undefined);
    const moneroWallet = analysis.wallets.some((w) => w.coin.startsWith("XMR"));
    if (!moneroWallet || (!endpointWithPort && !analysis.downloadAndRun)) return undefined;
    confidence = endpointWithPort ? WALLET_TO_ENDPOINT : WALLET_TO_SCRIPT;
    indicators.push(endpointWithPort ? "wallet and pool endpoint" : "downloaded script run with a Monero wallet");
  } else {
    confidence = strengths.length >= 2 ? AGREEING : strengths[0]!;
    if (analysis.wallets.length > 0) { confidence = Math.min(AGREEING, confidence + WALLET_BONUS); indicators.push("wallet"); }
  }
  return miner ? { confidence, indicators, miner } : { confidence, indicators };
}

interface State {
  agg: Aggregate;
  confidence: number;
  indicators: Set<string>;
  miner?: MinerInfo;
  name: string;
  pid?: string;
}

export function createMinerProcessDetector(limits: MinerProcessLimits = { maxKeys: 10_000 }): Detector {
  return {
    id: MINER_PROCESS_ID,
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
          const exeName = executable ? baseName(executable) : "";
          const cmd = commandLineOf(event);
          const analysis = analyseCommandLine(cmd, ctx.intel);
          if (analysis.onlyTextTools) return;
          const argv0 = analysis.segments[0]?.tokens[0];
          const nameMiner = (name ? ctx.intel.minerByProcessName(name) : undefined)
            ?? (exeName ? ctx.intel.minerByProcessName(exeName) : undefined)
            ?? (argv0 ? ctx.intel.minerByProcessName(baseName(argv0)) : undefined);
          const hit = scoreProcess(analysis, nameMiner);
          if (!hit) return;

          const host = (str(event, "host.name") ?? "").toLowerCase();
          const key = `${host}\0${name}\0${executable}\0${cmd.slice(0, 1024)}`;
          const state = byProcess.getOrCreate(key, () => ({ agg: new Aggregate(), confidence: 0, indicators: new Set<string>(), name: name || exeName || baseName(argv0 ?? "") }));
          state.confidence = Math.max(state.confidence, hit.confidence);
          for (const i of hit.indicators) state.indicators.add(i);
          if (hit.miner) state.miner ??= hit.miner;
          const pid = str(event, "process.pid");
          if (pid !== undefined) state.pid ??= pid;

          const entities = entitiesOf(event);
          for (const e of analysis.endpoints) {
            const strongEnough = e.domainMatch || e.ipMatch || nameMiner || analysis.schemes.length > 0;
            if (strongEnough) addEntity(entities, "pools", e.isIp ? `${e.host}${e.port !== undefined ? `:${e.port}` : ""}` : e.host);
          }
          state.agg.add(event, `${state.name || "process"}${pid ? ` (pid ${pid})` : ""}: ${clip(cmd || executable)} [${hit.indicators.join("; ")}]`, entities);
          state.agg.observe(observablesOf(event, name, executable, cmd, analysis));
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

export function observablesOf(event: Event, name: string, executable: string, cmd: string, analysis: CommandLineAnalysis): Observable[] {
  const out: Observable[] = [
    ...obs("process", name),
    ...obs("file", executable),
    ...obs("hash", str(event, "process.hash.sha256")),
    ...obs("command-line", cmd),
  ];
  for (const e of analysis.endpoints) {
    out.push(...obs(e.isIp ? "ip" : "domain", e.host));
    if (e.port !== undefined) out.push(...obs("port", e.port));
  }
  for (const u of analysis.urls) out.push(...obs("url", u));
  for (const w of analysis.wallets) out.push(...obs("wallet", w.wallet));
  return out;
}

function toDraft(s: State) {
  const host = s.agg.entities.hosts?.[0];
  const what = s.miner ? `${s.miner.name} miner` : "Miner command line";
  const title = `${what} running as "${clip(s.name, 60) || "process"}"${host ? ` on ${host}` : ""}`;
  const facts: Record<string, string | number | boolean> = {
    "process.name": s.name,
    indicators: [...s.indicators].join("; "),
    "records.count": s.agg.count,
  };
  if (s.miner) { facts["miner.name"] = s.miner.name; facts["miner.kind"] = s.miner.kind; }
  if (s.pid !== undefined) facts["process.pid"] = s.pid;
  return draftFromAggregate({ id: MINER_PROCESS_ID, title: TITLE }, s.agg, {
    title,
    description: `Process whose ${[...s.indicators].join("; ")} mark it as a cryptominer (PB-31 §1.1).`,
    trigger: "host",
    confidence: s.confidence,
    facts,
    tags: ["pb-31:1.1", "attack.t1496"],
  });
}

export const minerProcessDetector: Detector = createMinerProcessDetector();
