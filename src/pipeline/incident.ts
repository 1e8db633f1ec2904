import type { Campaign, CampaignMark, Campaigner, Finding, Incident, Reassess } from "../model/index.js";
import type { DetectConfig } from "../detect/config.js";
import { correlate, draftIncident, findCampaigns, groupByMarks, marksOf, type IncidentDraft } from "../correlate/index.js";
import { assess, mergeChecklist } from "../playbook/assess.js";
import type { Playbook } from "../playbook/schema.js";

/** Correlation's draft + the playbook's assessment = an Incident as the model and the store know it. */
export function assessDraft(draft: IncidentDraft, playbook: Playbook, config: DetectConfig, campaign?: Pick<Campaign, "id" | "scope">): Incident {
  const a = assess({
    entities: draft.entities, scope: draft.scope, environment: draft.environment, triggers: draft.triggers,
    findings: draft.findings, ...(draft.billingUsd !== undefined ? { billingUsd: draft.billingUsd } : {}),
    ...(campaign ? { campaign: campaign.scope } : {}),
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
  if (campaign) incident.campaignId = campaign.id;
  return incident;
}

export interface Assessed {
  incidents: Incident[];
  campaigns: Campaign[];
}

/**
 * Findings → incidents and campaigns, each incident walked through the playbook with its campaign's
 * scope. The one function a batch scan, a stream snapshot and the store's re-assessment share.
 */
export function assessFindings(findings: readonly Finding[], config: DetectConfig, playbook: Playbook): Assessed {
  const drafts = correlate(findings, { accountWindowHours: config.correlationWindowHours });
  const campaigns = findCampaigns(drafts, { windowHours: config.correlationWindowHours });
  const campaignOf = new Map<string, Campaign>();
  for (const c of campaigns) for (const id of c.incidentIds) campaignOf.set(id, c);
  const incidents = drafts.map((d) => assessDraft(d, playbook, config, campaignOf.get(d.id)));
  return { incidents, campaigns };
}

/**
 * What the store calls after joining findings to a stored incident: the playbook over the union, the
 * stored identity, status, assignee and analysts' answers kept.
 */
export function reassessor(config: DetectConfig, playbook: Playbook): Reassess {
  return (findings, stored, campaign) => {
    const fresh = assessDraft(draftIncident(findings), playbook, config, campaign);
    const out: Incident = {
      ...fresh,
      id: stored.id,
      status: stored.status,
      checklist: mergeChecklist(stored.checklist, fresh.checklist),
    };
    if (stored.assignee !== undefined) out.assignee = stored.assignee;
    const campaignId = campaign?.id ?? stored.campaignId;
    if (campaignId !== undefined) out.campaignId = campaignId;
    return out;
  };
}

/** Each incident's campaign marks, for the store to keep (campaigns across scans: store/campaign-marks.ts). */
export function campaignMarksOf(incidents: readonly Incident[], findings: readonly Finding[]): Record<string, CampaignMark[]> {
  const byId = new Map(findings.map((f) => [f.id, f]));
  const out: Record<string, CampaignMark[]> = {};
  for (const inc of incidents) {
    const own = inc.findingIds.map((id) => byId.get(id)).filter((f): f is Finding => f !== undefined);
    out[inc.id] = marksOf({ ...inc, findings: own });
  }
  return out;
}

/** How the store regroups stored incidents by their marks: correlation's rule, with the site's window. */
export function campaigner(config: DetectConfig): Campaigner {
  return (members) => groupByMarks(members, { windowHours: config.correlationWindowHours });
}
