import type { z } from "zod";
import type { Finding } from "./finding.js";
import type { Incident } from "./incident.js";
import type { CampaignLinkSchema, CampaignSchema, CampaignScopeSchema } from "./schemas.js";

/**
 * A campaign: incidents that one actor is behind, found through attacker-side entities (a wallet, the
 * attacker's address or download host, a private pool or proxy, or one public pool used by machines of
 * the organisation within the correlation window). Incidents stay separate (each keeps its own
 * environment and PB-31 branch); the campaign counts the scope PB-31's "one machine or many?" asks about.
 */
export const CAMPAIGN_LINK_KINDS = ["wallet", "attacker-ip", "download-host", "private-pool", "pool"] as const;
export type CampaignLinkKind = (typeof CAMPAIGN_LINK_KINDS)[number];

export type CampaignLink = z.infer<typeof CampaignLinkSchema>;

export type CampaignScope = z.infer<typeof CampaignScopeSchema>;

export type Campaign = z.infer<typeof CampaignSchema>;

/**
 * The incident a stored one becomes once `findings` (its own and the joining ones) are assessed again:
 * identity, status, assignee and analysts' checklist answers kept from `stored`, everything the evidence
 * decides (scope, environment, PB-31 path, priority, escalations) decided afresh. The store calls it after
 * a merge; pipeline/incident.ts makes it from the playbook.
 */
export type Reassess = (findings: Finding[], stored: Incident, campaign?: Pick<Campaign, "id" | "scope">) => Incident;

/** One attacker-side mark of an incident (correlate/campaigns.ts marksOf). */
export interface CampaignMark { kind: CampaignLinkKind; value: string }

/** What grouping by marks needs of an incident: a scan's draft, or a stored incident with its kept marks. */
export interface MarkedIncident {
  id: string;
  marks: readonly CampaignMark[];
  scope: { hosts: number; instances: number };
  entities: Incident["entities"];
  environment: Incident["environment"];
  firstSeen: string;
  lastSeen: string;
}

/**
 * Groups incidents into campaigns by their marks (correlate/campaigns.ts groupByMarks, with the site's
 * window). The store calls it over stored incidents so that campaigns span scans and ingest batches.
 */
export type Campaigner = (members: MarkedIncident[]) => Campaign[];
