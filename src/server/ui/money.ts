/**
 * USD per hour at stake, for sorting the queue: what the respond service's price table says the incident's
 * targets burn (its newest plan), else the billing excess the evidence shows spread over the incident's span.
 */
import type { Incident, Plan } from "../../model/index.js";

export interface AtStake {
  usdPerHour: number;
  /** "plan": priced from instance types; "billing": billing excess over the incident's time span. */
  source: "plan" | "billing" | "none";
}

const HOUR_MS = 3_600_000;

export function usdPerHourAtStake(incident: Incident, newestPlan?: Plan): AtStake {
  if (newestPlan && newestPlan.usdPerHour > 0) return { usdPerHour: newestPlan.usdPerHour, source: "plan" };
  if (incident.billingUsd && incident.billingUsd > 0) {
    const span = Date.parse(incident.lastSeen) - Date.parse(incident.firstSeen);
    const hours = Number.isFinite(span) ? Math.max(1, span / HOUR_MS) : 24;
    return { usdPerHour: Math.round((incident.billingUsd / hours) * 100) / 100, source: "billing" };
  }
  return { usdPerHour: 0, source: "none" };
}
