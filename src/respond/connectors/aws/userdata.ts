/**
 * Instance user data, decoded and scanned for miner strings with the project's intel (miner names and
 * arguments, Stratum schemes, pool domains, wallets): no list of its own. User data is attacker-controlled
 * text: it is bounded, never run, and only substring and bounded-token matching is done on it.
 */
import { gunzipSync } from "node:zlib";
import type { Intel } from "../../../intel/index.js";

/** EC2 caps user data at 16 KB; a gzip bomb is cut here. */
const MAX_TEXT = 256 * 1024;

export function decodeUserData(base64: string | undefined): string | undefined {
  if (!base64) return undefined;
  let bytes = Buffer.from(base64, "base64");
  if (bytes[0] === 0x1f && bytes[1] === 0x8b) {
    try {
      bytes = gunzipSync(bytes, { maxOutputLength: MAX_TEXT });
    } catch {
      return undefined;
    }
  }
  return bytes.subarray(0, MAX_TEXT).toString("utf8");
}

/** What in the text marks a miner, as short reasons ("miner xmrig", "pool supportxmr.com"); empty when nothing. */
export function scanUserData(text: string, intel: Intel): string[] {
  const lower = text.toLowerCase();
  const hits = new Set<string>();
  for (const token of lower.split(/[\s"'`;|&()<>=]+/)) {
    if (!token || token.length > 512) continue;
    const base = token.slice(token.lastIndexOf("/") + 1);
    const miner = intel.minerByProcessName(base);
    if (miner) hits.add(`miner ${miner.name}`);
  }
  for (const arg of intel.minerArgs) if (lower.includes(arg)) hits.add(`miner argument ${arg.trim()}`);
  for (const scheme of intel.stratum.schemes) if (lower.includes(scheme)) hits.add(`stratum ${scheme.replace("://", "")}`);
  // Host names: bounded labels, at most 64 names looked up.
  const names = lower.match(/[a-z0-9][a-z0-9-]{0,62}(?:\.[a-z0-9][a-z0-9-]{0,62}){1,8}/g) ?? [];
  for (const name of names.slice(0, 64)) {
    const m = intel.matchDomain(name);
    if (m && m.list !== "browser-miners") hits.add(`pool ${m.listed}`);
  }
  for (const w of intel.findWallets(text).slice(0, 4)) hits.add(`wallet ${w.coin} ${w.wallet.slice(0, 12)}…`);
  return [...hits];
}
