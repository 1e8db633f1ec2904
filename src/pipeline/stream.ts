/**
 * The detection core on a stream: events pushed one by one (an HTTP ingest, a host agent, a NATS
 * consumer), findings merged as they come, windows closed by event time, incidents and campaigns
 * re-assessed on demand. The same engine (detect/engine.ts) and the same assessment (pipeline/incident.ts)
 * as a batch scan: a stream that has seen the same events ends with the same incidents.
 */
import type { Event, Finding } from "../model/index.js";
import type { Intel } from "../intel/types.js";
import type { DetectConfig } from "../detect/config.js";
import type { Detector } from "../detect/types.js";
import { DetectionEngine } from "../detect/engine.js";
import type { Playbook } from "../playbook/index.js";
import { assessFindings, type Assessed } from "./incident.js";

export interface StreamOptions {
  detectors: readonly Detector[];
  intel: Intel;
  config: DetectConfig;
  playbook: Playbook;
  /** How late an event may arrive (event time) and still fall in its window. */
  latenessMs?: number;
}

export interface Snapshot extends Assessed {
  findings: Finding[];
  events: number;
}

export class StreamPipeline {
  private readonly engine: DetectionEngine;

  constructor(private readonly o: StreamOptions) {
    this.engine = new DetectionEngine(o.detectors, o.intel, o.config, o.latenessMs !== undefined ? { latenessMs: o.latenessMs } : {});
  }

  push(event: Event): void {
    this.engine.onEvent(event);
  }

  /** Close windows older than the watermark; returns the findings that are new or grew since the last call. */
  advance(): Finding[] {
    this.engine.advance();
    return this.engine.takeChanged();
  }

  /** Incidents and campaigns as the findings stand now (windows still open are not in them yet). */
  snapshot(): Snapshot {
    const findings = this.engine.current();
    return { findings, events: this.engine.events, ...assessFindings(findings, this.o.config, this.o.playbook) };
  }

  /** End of the stream: close every window. */
  finish(): Snapshot {
    const findings = this.engine.finish();
    return { findings, events: this.engine.events, ...assessFindings(findings, this.o.config, this.o.playbook) };
  }
}
