/**
 * Which live processes are miners: a miner's name (intel miners.yaml), a Stratum URL or miner flags on the
 * command line, a pool domain in an argument, or a process the incident itself names (its pid, its
 * executable path, its name). The reasons are kept with the step, so a person sees why.
 */
import { basename } from "node:path";
import type { Intel } from "../../../intel/index.js";
import type { Finding } from "../../../model/index.js";
import type { HostClient } from "./types.js";
import { listPids, readProc, type ProcInfo } from "./proc.js";

export interface MinerHints {
  /** Pids the evidence names (facts "process.pid"). */
  pids: Set<number>;
  /** Executable paths the evidence names (host paths). */
  paths: Set<string>;
  /** Process names the evidence names (lower case). */
  names: Set<string>;
}

/** Common programs that are never a miner's name by themselves (a shell in a finding's process field...). */
const GENERIC_NAMES = new Set(["sh", "bash", "dash", "zsh", "ash", "busybox", "curl", "wget", "python", "python3", "perl", "node", "java",
  "sudo", "su", "cron", "crond", "systemd", "init", "sleep", "nohup", "env", "timeout", "ssh", "sshd"]);

/**
 * What the evidence says about the miner's processes. A name counts only when the intel knows it as a
 * miner's, a campaign's or a disguise (kswapd0): a finding's process may be the victim service that ran the
 * dropper ("postgres ran a downloaded script"), and that must never be killed or matched by name. Files named
 * by persistence findings are the cron tables and units themselves: remove-persistence edits those, they are
 * not binaries to quarantine.
 */
export function minerHints(findings: readonly Finding[], intel: Intel): MinerHints {
  const hints: MinerHints = { pids: new Set(), paths: new Set(), names: new Set() };
  const services = new Set(intel.servicePrograms);
  for (const f of findings) {
    if (f.trigger !== "host" && f.trigger !== "container") continue;
    const pid = f.facts?.["process.pid"];
    if (pid !== undefined && /^[0-9]+$/.test(String(pid))) hints.pids.add(Number(pid));
    for (const o of f.observables) {
      if (o.type === "file" && o.value.startsWith("/") && f.kind !== "persistence") hints.paths.add(o.value);
      if (o.type === "process") {
        const name = basename(o.value).toLowerCase();
        if (!name || GENERIC_NAMES.has(name) || services.has(name)) continue;
        if (intel.minerByProcessName(name) || intel.isMasqueradeName(name) || intel.campaignProcessNames.includes(name)) hints.names.add(name);
      }
    }
  }
  return hints;
}

/** Why this process looks like a miner, or [] when it does not. */
export function minerReasons(client: HostClient, p: ProcInfo, hints: MinerHints): string[] {
  const reasons: string[] = [];
  const intel = client.intel;
  const exeName = p.exe ? basename(p.exe) : "";
  // argv[0] may carry the arguments itself (a process can rewrite it): its first word is the name.
  const argv0 = p.argv[0] ? basename(p.argv[0].split(/\s+/, 1)[0] ?? "") : "";
  for (const name of new Set([exeName, argv0, p.comm].filter(Boolean))) {
    const miner = intel.minerByProcessName(name);
    if (miner) reasons.push(`name ${name} is ${miner.name}`);
    if (hints.names.has(name.toLowerCase())) reasons.push(`name ${name} is in the evidence`);
  }
  if (hints.pids.has(p.pid)) reasons.push(`pid ${p.pid} is in the evidence`);
  const hostExe = p.exe ? client.hostPath(p.exe) : undefined;
  if (hostExe && hints.paths.has(hostExe)) reasons.push(`executable ${hostExe} is in the evidence`);
  const args = p.argv.join(" ").toLowerCase().slice(0, 8192);
  const scheme = intel.stratum.schemes.find((s) => args.includes(s));
  if (scheme) reasons.push(`a ${scheme} URL in its arguments`);
  const flag = intel.minerArgs.find((a) => a.startsWith("-") && args.includes(a));
  if (flag) reasons.push(`miner flag ${flag}`);
  for (const token of args.split(/[\s=/@]+/)) {
    const host = token.replace(/:[0-9]+$/, "");
    if (!host.includes(".")) continue;
    const pool = intel.matchDomain(host);
    if (pool && (pool.list === "pools" || pool.list === "donation")) { reasons.push(`pool ${pool.listed} in its arguments`); break; }
  }
  return reasons;
}

export interface LiveMiner { proc: ProcInfo; reasons: string[] }

/** Every running process that looks like a miner (zombies and kernel threads left out). */
export function scanMiners(client: HostClient, hints: MinerHints): LiveMiner[] {
  const found: LiveMiner[] = [];
  for (const pid of listPids(client.procRoot)) {
    const p = readProc(client.procRoot, pid);
    if (!p || p.state === "Z" || p.state === "X" || (!p.exe && p.argv.length === 0)) continue;
    if (!client.scansProcess(p)) continue;
    const reasons = minerReasons(client, p, hints);
    if (reasons.length) found.push({ proc: p, reasons });
  }
  return found;
}
