/**
 * The incident queue's order, one place: priority first (P1 before P2), then USD per hour at stake (what
 * the incident's latest response plan says its targets burn), then severity, then the most recent.
 */
import type { Incident, Plan } from "../../../model/index.js";
import { severityRank } from "../../../model/index.js";

/** USD/hour at stake per incident id: the newest plan of each incident (plans come newest first). */
export function usdPerHourByIncident(plans: readonly Plan[]): Map<string, number> {
  const out = new Map<string, number>();
  for (const p of plans) {
    if (p.incidentId !== undefined && !out.has(p.incidentId)) out.set(p.incidentId, p.usdPerHour);
  }
  return out;
}

export function compareQueue(a: Incident, b: Incident, usd: ReadonlyMap<string, number>): number {
  if (a.priority !== b.priority) return a.priority < b.priority ? -1 : 1;
  const money = (usd.get(b.id) ?? 0) - (usd.get(a.id) ?? 0);
  if (money !== 0) return money;
  const sev = severityRank(b.severity) - severityRank(a.severity);
  if (sev !== 0) return sev;
  if (a.lastSeen !== b.lastSeen) return a.lastSeen < b.lastSeen ? 1 : -1;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}
