/**
 * Money at stake, decided here and nowhere else: the billing impact the evidence shows (PB-31: "Billing
 * impact (USD)", and the escalation over $1,000).
 *
 * Each billing finding states the excess of one service of one account from its onset day. The same
 * excess read from two exports (Cost Explorer and a CUR of the same account) is one excess, so findings
 * are keyed by account, service and onset day, and the larger figure of a key counts once.
 */
import type { Finding } from "../model/index.js";

export function billingUsdOf(findings: readonly Finding[]): number | undefined {
  const byExcess = new Map<string, number>();
  for (const f of findings) {
    const raw = f.facts?.["billing.usd"];
    const usd = typeof raw === "number" ? raw : typeof raw === "string" ? Number(raw) : Number.NaN;
    if (!Number.isFinite(usd)) continue;
    const service = f.facts?.["billing.service"];
    const key = [(f.entities.accounts ?? []).join(","), typeof service === "string" ? service : f.id, f.firstSeen.slice(0, 10)].join("\0");
    byExcess.set(key, Math.max(byExcess.get(key) ?? 0, usd));
  }
  if (byExcess.size === 0) return undefined;
  let total = 0;
  for (const usd of byExcess.values()) total += usd;
  return Math.round(total * 100) / 100;
}
