import type { Finding } from "../model/index.js";
import { groupFindings, type GroupOptions } from "./group.js";
import { draftIncident, type IncidentDraft } from "./draft.js";

export { groupFindings, type GroupOptions } from "./group.js";
export { draftIncident, titleOf, type IncidentDraft } from "./draft.js";
export { findCampaigns, groupByMarks, marksOf, type CampaignMember, type CampaignOptions } from "./campaigns.js";
export { environmentOf, isCloudFinding, providerOfHost } from "./environment.js";
export { billingUsdOf } from "./money.js";

/** Findings → incident drafts (weak-only groups never become incidents). */
export function correlate(findings: readonly Finding[], opts: GroupOptions): IncidentDraft[] {
  return groupFindings(findings, opts).map(draftIncident).sort((a, b) => a.firstSeen.localeCompare(b.firstSeen) || a.id.localeCompare(b.id));
}
