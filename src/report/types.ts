/**
 * What the report module needs from outside, as interfaces the lead wires up: the store another
 * module implements (src/store), and the response engine's records (src/respond, later).
 */
import type { Campaign, Finding, Incident } from "../model/index.js";
import type { Lang } from "../i18n/index.js";
import type { Playbook } from "../playbook/index.js";

/**
 * The part of the incident store a report reads. Sync or async, undefined or null for "not there":
 * either kind of store fits without an adapter.
 */
export interface IncidentStore {
  getIncident(id: string): Promise<Incident | undefined | null> | Incident | undefined | null;
  listFindings(incidentId: string): Promise<Finding[]> | Finding[];
  /** The incident's campaign, when the store keeps campaigns. */
  getCampaign?(id: string): Promise<Campaign | undefined> | Campaign | undefined;
  close?(): Promise<void> | void;
}

/** One response action as the (future) response engine records it; shown under "Actions taken". */
export interface ActionRecord {
  /** Action name as the playbook names it ("kill-process"). */
  name: string;
  status: "planned" | "approved" | "done" | "failed" | "refused" | "verified";
  /** What it touched ("i-0a1b2c3d4e5f60718", "build-01: pid 48213"). */
  target: string;
  at: string;
}

export const REPORT_FORMATS = ["md", "html", "pdf"] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];
export const EXPORT_FORMATS = ["ocsf", "stix", "thehive"] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export interface ReportOptions {
  lang: Lang;
  format: ReportFormat;
  playbook: Playbook;
  /** Report time (defaults to now); fixed in tests. */
  now?: Date;
  /** Actions taken so far; none until the response engine exists. */
  actions?: readonly ActionRecord[];
  /** HTML only: "inline" puts mermaid.min.js in the page (self-contained); "external" refers to mermaid.min.js beside it. */
  mermaidScript?: "inline" | "external";
  /** PDF only: Chromium to drive (default /usr/bin/chromium). */
  chromiumPath?: string;
}
