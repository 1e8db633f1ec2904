import type { Intel } from "../../../intel/types.js";
import type { Observable } from "../../../model/index.js";
import { analyseCommandLine } from "../host/command-line.js";

/**
 * What in a process or a container command says "miner", by intel only: a known miner name (the
 * process, its executable, or any word of the command line), a campaign name, a Stratum URL scheme,
 * a miner-only flag. Used on Falco alerts and on workload specs from the Kubernetes audit log.
 */

export interface MinerSign {
  kind: "miner-name" | "campaign-name" | "stratum-scheme" | "miner-arg";
  /** The word, scheme or flag that matched (lower case). */
  value: string;
  /** Canonical miner name when a name matched ("xmrig"). */
  miner?: string;
}

export interface ProcessText {
  processName?: string | undefined;
  executable?: string | undefined;
  commandLine?: string | undefined;
}

/** Command lines are attacker text: only this much is looked at. */
const MAX_COMMAND_CHARS = 8192;
/** Words of a command line checked against miner names. */
const MAX_WORDS = 256;

function baseName(path: string): string {
  const slash = Math.max(path.lastIndexOf("/"), path.lastIndexOf("\\"));
  return slash === -1 ? path : path.slice(slash + 1);
}

/**
 * Words of a command: split on blanks, shell separators, quotes and "=" so that
 * `sh -c "cd /tmp;./xmrig --url=..."` yields "xmrig". A plain character-class split: linear time.
 */
export function commandWords(commandLine: string): string[] {
  return commandLine.slice(0, MAX_COMMAND_CHARS).split(/[\s;|&()`'"=<>]+/).filter((w) => w !== "").slice(0, MAX_WORDS);
}

export function minerSigns(intel: Intel, p: ProcessText): MinerSign[] {
  const signs: MinerSign[] = [];
  const campaign = new Set(intel.campaignProcessNames.map((n) => n.toLowerCase()));
  const seen = new Set<string>();
  const add = (s: MinerSign): void => {
    const k = `${s.kind}\0${s.value}`;
    if (seen.has(k)) return;
    seen.add(k);
    signs.push(s);
  };

  const names: string[] = [];
  if (p.processName) names.push(p.processName);
  if (p.executable) names.push(baseName(p.executable));
  const command = (p.commandLine ?? "").slice(0, MAX_COMMAND_CHARS).toLowerCase();
  for (const w of commandWords(command)) names.push(baseName(w));
  for (const raw of names) {
    const name = raw.toLowerCase();
    if (name === "") continue;
    const miner = intel.minerByProcessName(name);
    if (miner) add({ kind: "miner-name", value: name, miner: miner.name });
    else if (campaign.has(name)) add({ kind: "campaign-name", value: name });
  }

  if (command !== "") {
    for (const scheme of intel.stratum.schemes) if (command.includes(scheme.toLowerCase())) add({ kind: "stratum-scheme", value: scheme.toLowerCase() });
    for (const arg of intel.minerArgs) if (command.includes(arg)) add({ kind: "miner-arg", value: arg.trim() });
  }
  return signs;
}

export function describeSigns(signs: readonly MinerSign[]): string {
  return signs.map((s) => (s.kind === "miner-name" ? `miner ${s.value}` : s.kind === "campaign-name" ? `campaign name ${s.value}` : s.value)).join(", ");
}

/**
 * Wallets and pool endpoints a workload's command lines name, as observables and as pool entities, so a
 * container incident can be linked to others that use the same wallet or pool.
 */
export function commandLineIndicators(commandLines: readonly string[], intel: Intel): { observables: Observable[]; pools: string[] } {
  const observables: Observable[] = [];
  const pools = new Set<string>();
  for (const line of commandLines.slice(0, 50)) {
    const a = analyseCommandLine(line, intel);
    for (const w of a.wallets) observables.push({ type: "wallet", value: w.wallet });
    for (const e of a.endpoints) {
      const poolLike = e.scheme !== undefined || e.domainMatch !== undefined || e.ipMatch !== undefined;
      if (!poolLike) continue;
      const endpoint = e.port !== undefined ? `${e.host}:${e.port}` : e.host;
      pools.add(e.isIp ? endpoint : e.host.toLowerCase());
      observables.push({ type: e.isIp ? "ip" : "domain", value: e.host });
    }
  }
  return { observables, pools: [...pools] };
}
