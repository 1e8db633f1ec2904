import type { Evidence } from "../../../model/index.js";
import { MAX_EVIDENCE } from "../../../model/index.js";

/**
 * "Over X% for N minutes" on one series of samples (one host's CPU, one GPU, one process).
 *
 * Input may come unordered (several files, several collectors), so samples wait in a small buffer that
 * is sorted before it is read. The buffer is bounded: when it fills it is sorted and folded into the run
 * state, and a sample that later arrives older than what was already folded is counted as late and not
 * used (it cannot be placed any more). Time-ordered input, the usual case, loses nothing.
 *
 * A run is a stretch of samples all strictly over the threshold with no gap between neighbours longer than
 * the allowed gap (missing data is not "sustained"). It counts when last - first >= sustainMinutes and it
 * holds at least MIN_RUN_SAMPLES samples (two points an hour apart say nothing about the hour between).
 *
 * The allowed gap follows the series' own sampling step: GAP_STEPS times the median of its recent
 * sample-to-sample intervals (1-minute agent data breaks after a 2.5-minute hole, 5-minute CloudWatch
 * data after 12.5 minutes). `maxGapMinutes`, when the site sets it, replaces that with a fixed limit.
 */
export interface SustainOptions {
  thresholdPct: number;
  sustainMinutes: number;
  /** A fixed limit for the gap between neighbours; unset: GAP_STEPS sampling steps. */
  maxGapMinutes?: number | undefined;
  /** Samples buffered before a sort-and-fold (bounds memory per series). */
  maxPending?: number;
}

export interface SustainedRun {
  firstTime: string;
  lastTime: string;
  minutes: number;
  peak: number;
  mean: number;
  samples: number;
  /** First samples of the run, then its peak and its last sample (capped at MAX_EVIDENCE). */
  evidence: Evidence[];
  /** Samples that arrived too late to be placed (see above), over the whole series so far. */
  lateSamples: number;
  /** The sampling step the series showed (median interval, minutes) and the gap that broke runs. */
  stepMinutes: number;
  maxGapMinutes: number;
}

interface Sample {
  ms: number;
  value: number;
  time: string;
  evidence: Evidence;
}

interface OpenRun {
  first: Sample;
  last: Sample;
  peak: Sample;
  sum: number;
  count: number;
  evidence: Evidence[];
}

export const DEFAULT_MAX_PENDING = 256;
/** A hole longer than this many sampling steps breaks a run (one lost sample is tolerated, two are not). */
export const GAP_STEPS = 2.5;
/** Fewest samples a sustained run holds. */
export const MIN_RUN_SAMPLES = 3;
/** Recent intervals the step estimate looks at (a ring; the median ignores the odd hole). */
const STEP_WINDOW = 15;

export class SustainedSeries {
  private pending: Sample[] = [];
  private run: OpenRun | undefined;
  private foldedUpTo = Number.NEGATIVE_INFINITY;
  private late = 0;
  private lastMs: number | undefined;
  private readonly intervals: number[] = [];
  private nextInterval = 0;
  private readonly maxPending: number;

  constructor(private readonly opts: SustainOptions, private readonly onRun: (run: SustainedRun) => void) {
    this.maxPending = opts.maxPending ?? DEFAULT_MAX_PENDING;
  }

  /** Add one sample. `time` is the record's own text; `ms` its instant. */
  add(ms: number, value: number, time: string, evidence: Evidence): void {
    if (!Number.isFinite(ms) || !Number.isFinite(value)) return;
    this.pending.push({ ms, value, time, evidence });
    if (this.pending.length >= this.maxPending) this.fold();
  }

  /** End of input: place what waits, close the open run. */
  finish(): void {
    this.fold();
    this.close();
  }

  private fold(): void {
    const batch = this.pending.sort((a, b) => a.ms - b.ms);
    this.pending = [];
    // The first samples have no history to tell the step by: seed it from the batch itself, so a hole right
    // after the first sample is judged against the series' real step, not against itself.
    if (this.intervals.length === 0 && this.lastMs === undefined) {
      for (let i = 1; i < batch.length && this.intervals.length < STEP_WINDOW; i++) {
        const d = batch[i]!.ms - batch[i - 1]!.ms;
        if (d > 0) this.intervals.push(d);
      }
      this.nextInterval = this.intervals.length % STEP_WINDOW;
    }
    for (const s of batch) {
      if (s.ms < this.foldedUpTo) { this.late++; continue; }
      this.foldedUpTo = s.ms;
      this.step(s);
    }
  }

  /** The median of recent positive intervals between samples (ms); 0 before two samples were seen. */
  private stepMs(): number {
    if (this.intervals.length === 0) return 0;
    const sorted = [...this.intervals].sort((a, b) => a - b);
    return sorted[sorted.length >> 1]!;
  }

  private allowedGapMs(): number {
    if (this.opts.maxGapMinutes !== undefined) return this.opts.maxGapMinutes * 60_000;
    return GAP_STEPS * this.stepMs();
  }

  private step(s: Sample): void {
    if (this.lastMs !== undefined && s.ms > this.lastMs) {
      const interval = s.ms - this.lastMs;
      if (this.intervals.length < STEP_WINDOW) this.intervals.push(interval);
      else this.intervals[this.nextInterval] = interval;
      this.nextInterval = (this.nextInterval + 1) % STEP_WINDOW;
    }
    this.lastMs = s.ms;
    const over = s.value > this.opts.thresholdPct;
    const run = this.run;
    if (run && (!over || s.ms - run.last.ms > this.allowedGapMs())) this.close();
    if (!over) return;
    if (!this.run) {
      this.run = { first: s, last: s, peak: s, sum: s.value, count: 1, evidence: [s.evidence] };
      return;
    }
    const r = this.run;
    r.last = s;
    r.sum += s.value;
    r.count++;
    if (s.value > r.peak.value) r.peak = s;
    // Keep room for the peak and the last sample, added when the run closes.
    if (r.evidence.length < MAX_EVIDENCE - 2) r.evidence.push(s.evidence);
  }

  private close(): void {
    const r = this.run;
    this.run = undefined;
    if (!r) return;
    const minutes = (r.last.ms - r.first.ms) / 60_000;
    if (minutes < this.opts.sustainMinutes || r.count < MIN_RUN_SAMPLES) return;
    const evidence = [...r.evidence];
    for (const extra of [r.peak.evidence, r.last.evidence]) if (!evidence.includes(extra)) evidence.push(extra);
    this.onRun({
      firstTime: r.first.time, lastTime: r.last.time, minutes: Math.round(minutes * 10) / 10,
      peak: r.peak.value, mean: Math.round((r.sum / r.count) * 10) / 10, samples: r.count, evidence, lateSamples: this.late,
      stepMinutes: Math.round((this.stepMs() / 60_000) * 10) / 10, maxGapMinutes: Math.round((this.allowedGapMs() / 60_000) * 10) / 10,
    });
  }
}
