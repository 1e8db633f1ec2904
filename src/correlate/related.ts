import type { IncidentDraft } from "./draft.js";
import { isPrivateIp } from "../intel/ips.js";

/**
 * Links between incidents that correlation kept apart but that point at one actor: the same wallet
 * (strong: a wallet is the attacker's own), the same public address (an API caller, a download host or a
 * pool), or the same pool endpoint (weaker: pools are shared). A hint to look, never a merge.
 */
export interface Related {
  id: string;
  reasons: string[];
}

const MAX_LINKS = 20;

function marks(d: IncidentDraft): Map<string, string> {
  const out = new Map<string, string>();
  for (const f of d.findings) {
    for (const o of f.observables) {
      if (o.type === "wallet") out.set(`wallet:${o.value}`, `same wallet ${shorten(o.value)}`);
      else if (o.type === "ip" && !isPrivateIp(o.value)) out.set(`ip:${o.value}`, `same address ${o.value}`);
    }
    for (const p of f.entities.pools ?? []) out.set(`pool:${p.toLowerCase()}`, `same pool ${p.toLowerCase()}`);
  }
  return out;
}

function shorten(wallet: string): string {
  return wallet.length > 16 ? `${wallet.slice(0, 8)}…${wallet.slice(-6)}` : wallet;
}

export function relateIncidents(drafts: readonly IncidentDraft[]): Map<string, Related[]> {
  const byMark = new Map<string, { ids: string[]; reason: string }>();
  for (const d of drafts) {
    for (const [mark, reason] of marks(d)) {
      const entry = byMark.get(mark) ?? { ids: [], reason };
      if (!entry.ids.includes(d.id)) entry.ids.push(d.id);
      byMark.set(mark, entry);
    }
  }
  const links = new Map<string, Map<string, Set<string>>>();
  for (const { ids, reason } of byMark.values()) {
    if (ids.length < 2) continue;
    for (const a of ids) for (const b of ids) {
      if (a === b) continue;
      const forA = links.get(a) ?? new Map<string, Set<string>>();
      const reasons = forA.get(b) ?? new Set<string>();
      reasons.add(reason);
      forA.set(b, reasons);
      links.set(a, forA);
    }
  }
  const out = new Map<string, Related[]>();
  for (const [id, others] of links) {
    out.set(id, [...others].slice(0, MAX_LINKS).map(([other, reasons]) => ({ id: other, reasons: [...reasons].sort().slice(0, 5) })));
  }
  return out;
}
