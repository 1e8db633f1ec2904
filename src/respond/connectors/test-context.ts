/**
 * For connector tests: an incident with given entities and a ResponseContext around given clients.
 * (Tests only; the respond core builds the real context from the site config.)
 */
import type { Entities, Incident, PlanStep } from "../../model/index.js";
import type { PlannedStep, ResponseClients, ResponseContext } from "../types.js";

export function testIncident(entities: Entities, id = "inc-k8s-1"): Incident {
  return {
    id, title: "Cryptomining", status: "open", severity: "high", confidence: 0.9,
    firstSeen: "2026-12-04T16:00:00Z", lastSeen: "2026-12-04T16:45:00Z", findingIds: ["f-1"], entities,
    scope: { hosts: 0, instances: 0, regions: 0, accounts: 0, clusters: 1 },
    environment: "cloud", triggers: ["network"], hostType: "cloud-instance", priority: "P1", escalations: [], checklist: [],
  };
}

export function testContext(clients: ResponseClients, protect: string[] = []): ResponseContext {
  return {
    clients, actor: "analyst@test", now: () => new Date("2026-12-04T17:00:00Z"),
    protect: { ids: protect, pids: [1, process.pid, process.ppid] },
    prices: { instanceUsdPerHour: (_p, type) => (type.startsWith("Standard_NC") ? 3.06 : type.startsWith("a2-") ? 3.67 : type ? 0.1 : undefined) },
  };
}

/** A planned step as the planner would store it (id = "<action>:<key>"). */
export function asPlanStep(action: string, s: PlannedStep, checklistItem = "containment.test"): PlanStep {
  const { key, requires, ...rest } = s;
  return { ...rest, id: `${action}:${key}`, action, checklistItems: [checklistItem], requires: requires ?? [] };
}
