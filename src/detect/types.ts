import type { Event, EvidenceKind, FindingDraft, FindingTag } from "../model/index.js";
import type { Intel } from "../intel/types.js";
import type { DetectConfig } from "./config.js";

/** A finding draft with typed tags. */
export type DetectorDraft = Omit<FindingDraft, "tags"> & { tags?: FindingTag[] };

/** What a detector run is given. Nothing else: no globals, so runs can live in several workers. */
export interface DetectorContext {
  intel: Intel;
  config: DetectConfig;
  /**
   * Hand over a finding; the engine merges it into its fact. Tags are typed: a built-in detector may put
   * only tags listed in model/tags.ts (the playbook is checked against that list when it loads).
   */
  emit(finding: DetectorDraft): void;
  /** Report a problem the scan's summary should show (a rule disabled mid-scan), with the file it comes from. */
  warn?(issue: { file: string; line?: number; message: string }): void;
}

/**
 * A stateful detector. `start` returns a run that holds its own state (windows, baselines)
 * in a closure; `finish` is called at the end of input to flush windows.
 */
export interface Detector {
  readonly id: string;
  readonly title: string;
  /**
   * Routing: the run sees only events whose "event.dataset" is listed or whose "event.category"
   * contains a listed category. Empty lists mean nothing is routed to it.
   */
  readonly routes: { datasets?: readonly string[]; categories?: readonly string[] };
  /** The kind of evidence its findings are (a draft may say otherwise); see model/finding.ts EVIDENCE_KINDS. */
  readonly evidence?: EvidenceKind;
  start(ctx: DetectorContext): DetectorRun;
}

export interface DetectorRun {
  onEvent(event: Event): void;
  /**
   * Optional, for streams: close the windows that ended before `watermarkMs` (event time) and emit what
   * they found. Emitting a fact again later is safe: the engine merges repeats into one finding.
   */
  flush?(watermarkMs: number): void;
  /** End of input: close every window. */
  finish(): void;
}
