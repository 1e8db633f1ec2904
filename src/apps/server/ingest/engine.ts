/**
 * The streaming detection engine behind the ingest endpoint: events are pushed as requests arrive;
 * findings that are new or grew are assessed and saved to the store in batches (every `flushMs`, when
 * `maxPending` events wait, on request, and at shutdown). One flush at a time, in arrival order.
 */
import type { Event } from "../../../model/index.js";
import { assessFindings, reassessor, campaignMarksOf, campaigner } from "../../../pipeline/incident.js";
import { StreamPipeline } from "../../../pipeline/stream.js";
import type { SaveScanResult, Store } from "../../../store/types.js";
import type { DetectionSetup } from "./detection.js";

export interface IngestEngineOptions {
  /** Save at most this long after events arrive (default 2000 ms). */
  flushMs?: number;
  /** Save at once when this many events wait (default 50,000). */
  maxPending?: number;
  /** How late (event time) an event may arrive and still count in its window (default the engine's). */
  latenessMs?: number;
}

export interface FlushResult {
  findings: number;
  saved?: Pick<SaveScanResult, "scanId"> & { created: string[]; merged: string[] };
}

export class IngestEngine {
  private readonly pipeline: StreamPipeline;
  private readonly flushMs: number;
  private readonly maxPending: number;
  private pending = 0;
  private timer: NodeJS.Timeout | undefined;
  private chain: Promise<unknown> = Promise.resolve();
  private closed = false;

  constructor(private readonly store: Store, private readonly detection: DetectionSetup, o: IngestEngineOptions = {}) {
    this.pipeline = new StreamPipeline({ ...detection, ...(o.latenessMs !== undefined ? { latenessMs: o.latenessMs } : {}) });
    this.flushMs = o.flushMs ?? 2000;
    this.maxPending = o.maxPending ?? 50_000;
  }

  push(events: readonly Event[], by: string): void {
    if (this.closed) throw new Error("ingest engine is closed");
    for (const e of events) this.pipeline.push(e);
    this.pending += events.length;
    if (this.pending >= this.maxPending) void this.flush(by).catch(() => undefined);
    else if (!this.timer && events.length > 0) {
      this.timer = setTimeout(() => { this.timer = undefined; void this.flush(by).catch(() => undefined); }, this.flushMs);
      this.timer.unref();
    }
  }

  /** Save what changed since the last flush; resolves when it is in the store. */
  flush(by: string, final = false): Promise<FlushResult> {
    const run = this.chain.then(() => this.save(by, final));
    this.chain = run.catch(() => undefined);
    return run;
  }

  private async save(by: string, final: boolean): Promise<FlushResult> {
    if (this.timer) { clearTimeout(this.timer); this.timer = undefined; }
    const events = this.pending;
    this.pending = 0;
    const findings = final ? this.pipeline.finish().findings : this.pipeline.advance();
    if (findings.length === 0) return { findings: 0 };
    const { config, playbook } = this.detection;
    const { incidents, campaigns } = assessFindings(findings, config, playbook);
    const saved = await this.store.saveScan({
      findings, incidents, campaigns, reassess: reassessor(config, playbook), by: `ingest:${by}`,
      // Batches are small slices of one stream: the store links them into campaigns with what it already holds.
      marks: campaignMarksOf(incidents, findings), campaigner: campaigner(config),
      counts: { events, findings: findings.length, incidents: incidents.length },
    });
    return { findings: findings.length, saved: { scanId: saved.scanId, created: saved.incidents.created, merged: saved.incidents.merged } };
  }

  /** Close every window and save; no more events after this. */
  async close(): Promise<void> {
    if (this.closed) return;
    await this.flush("shutdown", true);
    this.closed = true;
  }
}
