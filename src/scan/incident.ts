import type { Incident } from "../model/index.js";
import type { DetectConfig } from "../detect/config.js";
import type { IncidentDraft } from "../correlate/index.js";
import { assess, loadPlaybook } from "../playbook/index.js";

type Playbook = ReturnType<typeof loadPlaybook>;

/** Correlation's draft + the playbook's assessment = an Incident as the model and the store know it. */
export function assessDraft(draft: IncidentDraft, playbook: Playbook, config: DetectConfig): Incident {
  const a = assess({
    entities: draft.entities, scope: draft.scope, environment: draft.environment, triggers: draft.triggers,
    findings: draft.findings, ...(draft.billingUsd !== undefined ? { billingUsd: draft.billingUsd } : {}),
  }, config, playbook);
  const incident: Incident = {
    id: draft.id,
    title: draft.title,
    status: "open",
    severity: a.severity,
    confidence: draft.confidence,
    firstSeen: draft.firstSeen,
    lastSeen: draft.lastSeen,
    findingIds: draft.findings.map((f) => f.id),
    entities: draft.entities,
    scope: draft.scope,
    environment: a.environment,
    triggers: a.triggers,
    hostType: a.hostType,
    priority: a.priority,
    decision: a.decision,
    escalations: a.escalations,
    checklist: a.checklist,
  };
  if (a.billingUsd !== undefined) incident.billingUsd = a.billingUsd;
  if (a.sample) incident.sample = true;
  return incident;
}

