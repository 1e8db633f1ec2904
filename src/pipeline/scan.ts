import type { Event, Finding, ParseIssue } from "../model/index.js";
import { str, strs } from "../model/index.js";
import type { Intel } from "../intel/types.js";
import type { DetectConfig } from "../detect/config.js";
import type { Detector } from "../detect/types.js";
import { DetectionEngine } from "../detect/engine.js";
import { SourcePrefilters, type DatasetNeeds } from "../detect/prefilter.js";
import { HeldBytes, openFile, openStream, InputError } from "../sources/input.js";
import { chooseSource } from "../sources/sniff.js";
import { walkPaths } from "../sources/walk.js";
import type { Input, MetricHint, ParseContext, Source } from "../sources/types.js";
import { hintsFor } from "./input-hints.js";

export interface ScanOptions {
  paths: string[];
  sources: readonly Source[];
  detectors: readonly Detector[];
  intel: Intel;
  config: DetectConfig;
  /** Force one format for every input (--input-format). */
  inputFormat?: string;
  /** What unnamed metric series measure (--metric); the config's `inputs` may say so per file. */
  metric?: MetricHint;
  /** Let sources skip records that cannot match (default on). Off when something needs every event. */
  prefilter?: boolean;
  /** What other detectors (Sigma rules) need the prefilter to keep. */
  prefilterNeeds?: DatasetNeeds;
  /** stdin, when a path is "-". */
  stdin?: AsyncIterable<Buffer | string>;
  /** Called now and then with how far the scan is. */
  onProgress?: (p: ScanProgress) => void;
  /** Every event, after detection (the store and tests use it). */
  onEvent?: (e: Event) => void;
  /** At most this many parse issues are kept in full; the rest are counted. */
  maxIssues?: number;
}

export interface ScanProgress {
  file: string;
  filesDone: number;
  filesTotal: number;
  bytesDone: number;
  bytesTotal: number;
  events: number;
}

export interface FileSummary {
  path: string;
  format?: string;
  events: number;
  skipped: number;
  issues: number;
  /** Set when the file could not be read at all. */
  error?: string;
}

export interface ScanResult {
  files: FileSummary[];
  events: number;
  skipped: number;
  issues: ParseIssue[];
  issuesTotal: number;
  findings: Finding[];
  /** True when at least one input was read (exit code 2 only when none was). */
  readSomething: boolean;
  durationMs: number;
}

interface Planned {
  path: string;
  input: Input;
  source: Source;
  size: number;
  summary: FileSummary;
}

const PROGRESS_INTERVAL_MS = 200;

/** DNS first, so IPs that pool names resolve to are known before flow logs are read. */
function readOrder(source: Source): number {
  return /dns|resolver|bind/.test(source.id) ? 0 : 1;
}

export async function scan(opts: ScanOptions): Promise<ScanResult> {
  const started = performance.now();
  const maxIssues = opts.maxIssues ?? 1000;
  const issues: ParseIssue[] = [];
  let issuesTotal = 0;
  const files: FileSummary[] = [];
  const addIssue = (i: ParseIssue) => {
    issuesTotal++;
    if (issues.length < maxIssues) issues.push(i);
  };

  // 1. Expand paths and sniff every input.
  const planned: Planned[] = [];
  const held = new HeldBytes();
  const turn = new EventLoopTurns();
  for await (const found of walkPaths(opts.paths, {
    error: (p, message) => {
      addIssue({ file: p, severity: "error", message });
      files.push({ path: p, events: 0, skipped: 0, issues: 1, error: message });
    },
    note: (p, message) => addIssue({ file: p, severity: "warning", message }),
  })) {
    await turn.now();
    const path = found.path;
    const summary: FileSummary = { path, events: 0, skipped: 0, issues: 0 };
    files.push(summary);
    const fileIssue = (line: number | undefined, message: string, offset?: number) => {
      summary.issues++;
      const i: ParseIssue = { file: path, severity: "warning", message };
      if (summary.format) i.format = summary.format;
      if (line !== undefined) i.line = line;
      if (offset !== undefined) i.offset = offset;
      addIssue(i);
    };
    try {
      const opened = path === "-"
        ? await openStream("-", opts.stdin ?? process.stdin, fileIssue)
        : await openFile(found, fileIssue, undefined, held);
      const choice = chooseSource(opened.sample, opts.sources, opts.inputFormat);
      if (!choice.source) {
        summary.error = choice.reason ?? "no known format";
        summary.issues++;
        addIssue({ file: path, severity: "error", message: summary.error });
        continue;
      }
      summary.format = choice.source.id;
      const size = "size" in opened && typeof opened.size === "number" ? opened.size : 0;
      planned.push({ path, input: opened.input, source: choice.source, size, summary });
    } catch (err) {
      summary.error = (err as NodeJS.ErrnoException).code === "EACCES" ? "permission denied" : (err as Error).message;
      summary.issues++;
      addIssue({ file: path, severity: "error", message: summary.error });
    }
  }
  // A canonical order (DNS first, then by path) so results never depend on the order paths were given in.
  planned.sort((a, b) => readOrder(a.source) - readOrder(b.source) || (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));

  // 2. Parse and detect.
  const engine = new DetectionEngine(opts.detectors, opts.intel, opts.config);
  const prefilters = opts.prefilter === false ? undefined : new SourcePrefilters(opts.intel, opts.prefilterNeeds);
  const bytesTotal = planned.reduce((s, p) => s + p.size, 0);
  let bytesBefore = 0;
  let events = 0;
  let skipped = 0;
  let filesDone = 0;
  let readSomething = false;
  for (const p of planned) {
    await turn.now();
    const ctx: ParseContext = {
      issue: (line, message, offset) => {
        p.summary.issues++;
        const i: ParseIssue = { file: p.path, format: p.source.id, severity: "warning", message };
        if (line !== undefined) i.line = line;
        if (offset !== undefined) i.offset = offset;
        addIssue(i);
      },
      skipped: (count = 1) => { p.summary.skipped += count; },
    };
    const prefilter = prefilters?.forSource(p.source);
    if (prefilter) ctx.prefilter = prefilter;
    const hints = hintsFor(p.path, opts.metric, opts.config.inputs);
    if (hints) ctx.hints = hints;
    const report = () => opts.onProgress?.({
      file: p.path, filesDone, filesTotal: planned.length,
      // Gzip inflates: bytes read can pass the file's size, so the bar is capped at the file.
      bytesDone: bytesBefore + Math.min(p.size, p.input.bytesRead?.() ?? 0), bytesTotal, events,
    });
    // A timer, not an event count: with the prefilter most records never become events.
    const ticker = opts.onProgress ? setInterval(report, PROGRESS_INTERVAL_MS) : undefined;
    ticker?.unref();
    try {
      for await (const event of p.source.parse(p.input, ctx)) {
        p.summary.events++;
        events++;
        engine.onEvent(event);
        if (prefilters && event["dns.resolved_ip"] !== undefined) learnPoolAnswers(event, prefilters);
        opts.onEvent?.(event);
      }
      // A format the person forced proves nothing by not failing: the file counts as read only if it gave records.
      if (!opts.inputFormat) readSomething = true;
    } catch (err) {
      const message = err instanceof InputError ? err.message : `stopped reading: ${(err as Error).message}`;
      p.summary.error = message;
      ctx.issue(undefined, message);
    }
    if (ticker) clearInterval(ticker);
    skipped += p.summary.skipped;
    if (p.summary.events > 0 || p.summary.skipped > 0) readSomething = true;
    filesDone++;
    report();
    bytesBefore += p.size;
  }

  const findings = engine.finish();
  for (const w of engine.warnings) addIssue({ file: w.file, ...(w.line ? { line: w.line } : {}), severity: "warning", message: w.message });
  return { files, events, skipped, issues, issuesTotal, findings, readSomething, durationMs: performance.now() - started };
}

/**
 * Small files are read synchronously, so a folder of them would never let the event loop turn: the progress
 * timer, a signal handler or a server sharing the process would wait for the whole scan. Between files the
 * scan yields once a turn is due.
 */
class EventLoopTurns {
  private last = performance.now();
  async now(): Promise<void> {
    const t = performance.now();
    if (t - this.last < TURN_MS) return;
    this.last = t;
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
}
const TURN_MS = 50;

function learnPoolAnswers(event: Event, prefilters: SourcePrefilters): void {
  const name = str(event, "dns.question.name");
  if (name) prefilters.learnAnswers(name, strs(event, "dns.resolved_ip"));
}
