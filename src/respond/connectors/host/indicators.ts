/**
 * What persistence must name for minerhunt to remove it: the miner's names (intel and the evidence), its
 * paths, the pools (names and addresses), the Stratum schemes, the download URLs and wallets of the
 * incident. A line matches when an indicator appears in it on word boundaries ("203.0.113.7" does not
 * match "203.0.113.77", "xmrig" does not match "xmrig2fun").
 */
import type { Finding, Incident } from "../../../model/index.js";
import { blocklistFromIncident, cleanBlocklist } from "../../emitters/index.js";
import { minerHints } from "./miners.js";
import type { HostClient } from "./types.js";

export interface Indicators {
  /** Lower-case texts, each matched on word boundaries. */
  readonly texts: readonly string[];
}

/** Too common to mean a miner on their own. */
const TOO_GENERIC = new Set(["miner", "pool", "config.json", "sh", "bash", "curl", "wget"]);

export function indicatorsFor(client: HostClient, incident: Incident, findings: readonly Finding[], extra: readonly string[] = []): Indicators {
  const intel = client.intel;
  const texts = new Set<string>();
  const add = (t: string): void => {
    const v = t.trim().toLowerCase();
    if (v.length >= 4 && !TOO_GENERIC.has(v)) texts.add(v);
  };
  for (const m of intel.miners) for (const n of m.processNames) add(n);
  for (const n of intel.campaignProcessNames) add(n);
  for (const s of intel.stratum.schemes) add(s);
  const hints = minerHints(findings, intel);
  for (const n of hints.names) add(n);
  for (const p of hints.paths) add(p);
  const clean = cleanBlocklist(blocklistFromIncident(incident, findings, { intel }).list);
  for (const d of clean.domains) add(d);
  for (const ip of [...clean.v4, ...clean.v6]) if (ip.prefix === (ip.family === 4 ? 32 : 128)) add(ip.address);
  for (const f of findings) for (const o of f.observables) if (o.type === "url" || o.type === "wallet") add(o.value);
  for (const e of extra) add(e);
  return { texts: [...texts] };
}

const WORD = /[a-z0-9_-]/;

/** The indicator this line names, if any (case-insensitive, on word boundaries). */
export function lineNames(line: string, indicators: Indicators): string | undefined {
  const lower = line.toLowerCase();
  for (const text of indicators.texts) {
    let at = lower.indexOf(text);
    while (at !== -1) {
      const before = at > 0 ? lower[at - 1]! : "";
      const after = lower[at + text.length] ?? "";
      // A boundary matters only where the indicator itself ends in a word character ("stratum+tcp://" may run into a host name).
      const startOk = !WORD.test(text[0]!) || !WORD.test(before);
      const endOk = !WORD.test(text[text.length - 1]!) || !WORD.test(after);
      if (startOk && endOk) return text;
      at = lower.indexOf(text, at + 1);
    }
  }
  return undefined;
}
