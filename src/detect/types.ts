import type { Event, FindingDraft } from "../model/index.js";
import type { Intel } from "../intel/types.js";
import type { DetectConfig } from "./config.js";

/** What a detector run is given. Nothing else: no globals, so runs can live in several workers. */
export interface DetectorContext {
  intel: Intel;
  config: DetectConfig;
  /** Hand over a finding. makeFinding() assigns its id. */
  emit(finding: FindingDraft): void;
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
  start(ctx: DetectorContext): DetectorRun;
}

export interface DetectorRun {
  onEvent(event: Event): void;
  finish(): void;
}
