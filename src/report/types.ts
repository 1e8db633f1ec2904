/**
 * What the report module needs from outside, as interfaces the lead wires up: the store another
 * module implements (src/store), and the response engine's records (src/respond, later).
 */
import type { Approval, Campaign, Finding, Incident, Plan, StepRun } from "../model/index.js";
import type { Lang } from "../i18n/index.js";
import type { Playbook } from "../playbook/index.js";
import type { Note, TimelineEntry } from "../store/types.js";
import type { PdfRenderer } from "./pdf.js";
import type { ViewOptions } from "./view-model.js";

/**
 * The part of the incident store a report reads. Sync or async, undefined or null for "not there":
 * either kind of store fits without an adapter.
 */
export interface IncidentStore {
  getIncident(id: string): Promise<Incident | undefined | null> | Incident | undefined | null;
  listFindings(incidentId: string): Promise<Finding[]> | Finding[];
  /** The incident's campaign, when the store keeps campaigns. */
  getCampaign?(id: string): Promise<Campaign | undefined> | Campaign | undefined;
  /** The analysts' notes and the incident's history, when the store keeps them (a closed incident's report lists them). */
  notes?(incidentId: string): Promise<Note[]> | Note[];
  timeline?(incidentId: string): Promise<TimelineEntry[]> | TimelineEntry[];
  /** Response records (store ResponseRecords), when the store keeps them. */
  listPlans?(incidentId?: string): Promise<Plan[]> | Plan[];
  approvals?(planId: string): Promise<Approval[]> | Approval[];
  stepRuns?(planId: string): Promise<StepRun[]> | StepRun[];
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

export interface ReportOptions extends Omit<ViewOptions, "lang" | "playbook"> {
  lang: Lang;
  format: ReportFormat;
  playbook: Playbook;
  /** PDF only: Chromium to drive (default /usr/bin/chromium), when no renderer is given. */
  chromiumPath?: string;
  /** PDF only: a renderer that keeps one browser open across reports (createPdfRenderer); the caller closes it. */
  pdfRenderer?: PdfRenderer;
}
