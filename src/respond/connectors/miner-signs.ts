/**
 * Signs of a miner in text a cloud or cluster object carries: a container's command and arguments, a VM's
 * custom data or startup script, an image name. One scanner for every connector, reading only intel
 * (data/intel: miner names, flags, pool domains, Stratum schemes, ports, wallets); no list lives here.
 * Text is attacker-controlled: it is bounded, only lower-cased and split, never run or used as a pattern.
 */
import { loadIntel, type Intel } from "../../intel/index.js";
import { imageRepository } from "../../model/index.js";

export type MinerSignKind = "image" | "process" | "args" | "stratum" | "pool-domain" | "wallet" | "port" | "size";

export interface MinerSign {
  kind: MinerSignKind;
  /** What matched, as found (shortened): "xmrig", "stratum+tcp://", "pool.supportxmr.com". */
  value: string;
  /** Where: a container name, "customData", "metadata.startup-script"... */
  where: string;
  /** A strong sign is enough alone; weak ones count only in pairs (a port alone says little). */
  strong: boolean;
}

/** Text beyond this is not read (startup scripts and args are small; a huge one is itself odd). */
const MAX_TEXT = 64 * 1024;
const MAX_SIGNS = 20;
const HOST = /^[a-z0-9](?:[a-z0-9-]{0,62}\.)+[a-z]{2,63}$/;

function hostOf(word: string): { host: string; port?: number } | undefined {
  let w = word;
  const scheme = w.indexOf("://");
  if (scheme !== -1) w = w.slice(scheme + 3);
  const at = w.lastIndexOf("@");
  if (at !== -1) w = w.slice(at + 1);
  w = w.split("/", 1)[0]!;
  const m = /^([^:]+)(?::(\d{1,5}))?$/.exec(w);
  if (!m || !HOST.test(m[1]!)) return undefined;
  return { host: m[1]!, port: m[2] === undefined ? undefined : Number(m[2]) };
}

/** Every sign of a miner in one piece of text. */
export function scanText(intel: Intel, text: string, where: string): MinerSign[] {
  const bounded = text.length > MAX_TEXT ? text.slice(0, MAX_TEXT) : text;
  const lower = bounded.toLowerCase();
  const signs: MinerSign[] = [];
  const seen = new Set<string>();
  const add = (kind: MinerSignKind, value: string, strong: boolean) => {
    const key = `${kind}:${value}`;
    if (seen.has(key) || signs.length >= MAX_SIGNS) return;
    seen.add(key);
    signs.push({ kind, value: value.slice(0, 120), where, strong });
  };
  for (const word of lower.split(/[\s"'`;|&()<>,=]+/)) {
    if (!word) continue;
    const base = word.slice(word.lastIndexOf("/") + 1).replace(/\.exe$/, "");
    if (base && (intel.minerByProcessName(base) || intel.campaignProcessNames.includes(base))) add("process", base, true);
    else if (base && intel.isMasqueradeName(base)) add("process", `${base} (a kernel-thread name outside the kernel)`, false);
    const h = hostOf(word);
    if (h) {
      const match = intel.matchDomain(h.host);
      if (match) add("pool-domain", h.host, match.confidence >= 0.6);
      if (h.port !== undefined && intel.playbookPorts.has(h.port)) add("port", `${h.host}:${h.port}`, false);
    }
  }
  for (const scheme of intel.stratum.schemes) if (lower.includes(scheme)) add("stratum", scheme, true);
  for (const fragment of intel.minerArgs) if (lower.includes(fragment)) add("args", fragment.trim(), true);
  for (const w of intel.findWallets(bounded)) add("wallet", `${w.coin} ${w.wallet.slice(0, 12)}…`, w.coin.startsWith("XMR"));
  return signs;
}

/** Signs of a miner in an image reference ("docker.io/xmrig/xmrig:6.21"). */
export function scanImage(intel: Intel, image: string, where: string): MinerSign[] {
  if (intel.isMinerImage(image)) return [{ kind: "image", value: image.slice(0, 200), where, strong: true }];
  const repo = imageRepository(image);
  const last = repo.slice(repo.lastIndexOf("/") + 1);
  return intel.minerByProcessName(last) ? [{ kind: "image", value: image.slice(0, 200), where, strong: true }] : [];
}

/** Signs of a miner on a VM: its size family (weak alone: ML teams use GPUs too), boot script and tags. */
export function vmSigns(intel: Intel, vm: { size: string; tags: Record<string, string>; script?: string; scriptWhere: string }): { signs: MinerSign[]; gpu: boolean } {
  const signs: MinerSign[] = [];
  const family = intel.classifyInstanceType(vm.size);
  if (family) signs.push({ kind: "size", value: `${vm.size} (${family === "gpu" ? "GPU family" : "large compute size"})`, where: "size", strong: false });
  if (vm.script) signs.push(...scanText(intel, vm.script, vm.scriptWhere));
  const tagText = Object.entries(vm.tags).map(([k, v]) => `${k}=${v}`).join("\n");
  if (tagText) signs.push(...scanText(intel, tagText, "tags"));
  return { signs, gpu: family === "gpu" };
}

let cachedIntel: Intel | undefined;

/** The shipped intel, loaded once (actions get no Intel through ResponseContext). */
export function defaultIntel(): Intel {
  cachedIntel ??= loadIntel();
  return cachedIntel;
}

/** Whether the signs are enough to call something a miner: one strong sign, or two weak ones. */
export function looksLikeMiner(signs: readonly MinerSign[]): boolean {
  return signs.some((s) => s.strong) || signs.length >= 2;
}
