/**
 * The report view's shapes (what view.ts builds and the renderers lay out) and the small helpers its
 * parts share. Kept apart from view.ts so the parts (view-findings, view-response, view-checklist)
 * import it without importing view.ts back.
 */
import type { Approval, Campaign, Plan, StepRun } from "../model/index.js";
import type { Lang, MessageKey } from "../i18n/index.js";
import type { Playbook } from "../playbook/index.js";
import type { Note, TimelineEntry } from "../store/types.js";
import type { ActionRecord } from "./types.js";

export type Block =
  | { kind: "paragraph"; text: string; tone?: "warning" | "muted" }
  | { kind: "list"; items: string[] }
  | { kind: "keyValue"; rows: [string, string][] }
  /** `code`: indexes of columns whose values are shown as code (paths, IOCs). */
  | { kind: "table"; caption?: string; headers: string[]; rows: string[][]; code?: number[] }
  /** `svg`: the drawing (diagram.ts, labels already XML-escaped); `mermaid`: the same graph as text for Markdown. */
  | { kind: "diagram"; svg: string; mermaid: string; caption: string; fallback: string }
  | { kind: "code"; caption: string; text: string };

export interface Section {
  id: string;
  title: string;
  blocks: Block[];
  /** Starts on a new page and is set smaller (the full lists). */
  appendix?: boolean;
}

export interface ReportView {
  lang: Lang;
  title: string;
  subtitle: string;
  sections: Section[];
}

export interface ViewOptions {
  lang: Lang;
  playbook: Playbook;
  now?: Date;
  /** Actions recorded by hand or by an older engine; shown with the plans' steps. */
  actions?: readonly ActionRecord[];
  /** The incident's campaign, when it is in one. */
  campaign?: Campaign;
  /** The analysts' notes (store.notes). */
  notes?: readonly Pick<Note, "at" | "author" | "text">[];
  /** What happened to the incident (store.timeline): status changes, ticks, assignment, closing. */
  history?: readonly Pick<TimelineEntry, "at" | "actor" | "kind" | "data">[];
  /** Response plans for the incident, their approvals and the runs of their steps (respond/). */
  plans?: readonly Plan[];
  approvals?: readonly Approval[];
  stepRuns?: readonly StepRun[];
}

export const DONE_MARK = "☑";
export const OPEN_MARK = "☐";

/** Rounded down: agreeing signals approach certainty but a report should not claim 100%. */
export function percent(x: number): string {
  return `${Math.floor(x * 100)}%`;
}

/** A catalogue key built from data (a tactic id...); the caller checks that the text is not the key itself. */
export function dynamicKey(key: string): MessageKey {
  return key as MessageKey;
}
