import type { Entities, Evidence, Observable } from "../../../model/index.js";
import type { DetectorDraft } from "../../types.js";
import type { FindingTag } from "../../../model/index.js";
import { BoundedMap, roundConfidence, severityFor } from "./aggregate.js";
import { SustainedSeries, type SustainOptions, type SustainedRun } from "./sustained.js";

/**
 * Many sustained-over-threshold series at once (one per host, GPU or process), bounded: when more than
 * `maxSeries` are live, the least recently fed one is finished early (its open run is judged on what it
 * has), so memory stays capped and a run already sustained is still reported.
 */
export interface SeriesInfo {
  /** What the series is about, for titles: "web-01", "web-01 GPU 0", "java (pid 4242) on web-01". */
  label: string;
  entities: Entities;
  observables: Observable[];
  facts: Record<string, string | number | boolean>;
  /** The machine as the records name it (for site lists of expected workloads). */
  hostName?: string;
  instanceId?: string;
}

export class SeriesTable {
  private readonly series: BoundedMap<string, { info: SeriesInfo; series: SustainedSeries; lastMs: number }>;

  constructor(maxSeries: number, private readonly opts: SustainOptions, private readonly onRun: (info: SeriesInfo, run: SustainedRun) => void) {
    this.series = new BoundedMap(maxSeries, (_k, s) => s.series.finish());
  }

  has(key: string): boolean {
    return this.series.has(key);
  }

  add(key: string, describe: () => SeriesInfo, ms: number, value: number, time: string, evidence: Evidence): void {
    const s = this.series.getOrCreate(key, () => {
      const info = describe();
      return { info, series: new SustainedSeries(this.opts, (run) => this.onRun(info, run)), lastMs: ms };
    });
    if (ms > s.lastMs) s.lastMs = ms;
    s.series.add(ms, value, time, evidence);
  }

  /**
   * For streams: series with no sample since before the watermark are finished (their open run judged, the
   * series forgotten), so a long stream holds only the machines still reporting. A sample arriving later for
   * such a series starts a new one.
   */
  flush(watermarkMs: number): void {
    this.series.drainWhere((s) => s.lastMs < watermarkMs, (_k, s) => s.series.finish());
  }

  finish(): void {
    this.series.drain((_k, s) => s.series.finish());
  }
}

/** A finding draft for one sustained run. */
export function runDraft(rule: { id: string; title: string }, info: SeriesInfo, run: SustainedRun, fields: {
  title: string; description: string; confidence: number; facts: Record<string, string | number | boolean>; tags: FindingTag[];
}): DetectorDraft {
  const confidence = roundConfidence(fields.confidence);
  return {
    rule: { id: rule.id, name: rule.title, kind: "detector" },
    title: fields.title,
    description: fields.description,
    trigger: "host",
    severity: severityFor(confidence),
    confidence,
    firstSeen: run.firstTime,
    lastSeen: run.lastTime,
    entities: info.entities,
    observables: info.observables,
    evidence: run.evidence,
    evidenceCount: run.samples,
    facts: { ...info.facts, ...fields.facts, ...(run.lateSamples > 0 ? { "samples.late_dropped": run.lateSamples } : {}) },
    tags: fields.tags,
    key: `${info.label}\0${run.firstTime}`,
  };
}

/** The machine a metric is about, as one key: host name, else instance id, else address. */
export function hostKeyOf(hostName: string | undefined, instanceId: string | undefined, ip: string | undefined): string {
  return (hostName ?? instanceId ?? ip ?? "").toLowerCase();
}
