import {
  DEFAULT_MITRE, PoolEndpointTally, factKey, makeFinding, mergeFinding, poolCounterpart,
  type EvidenceKind, type Event, type Finding, type FindingDraft,
} from "../model/index.js";
import type { Intel } from "../intel/types.js";
import type { DetectConfig } from "./config.js";
import type { Detector, DetectorRun } from "./types.js";
import { compileAllowlist, type Allowlist } from "./allowlist.js";

/**
 * Runs detectors over a stream of events, for a batch scan and a live stream alike.
 *
 * - Routing: events are routed by dataset and category first, so a detector never sees what it cannot use.
 * - Aggregation: every draft is a fact (rule, subject, counterpart); repeats of a fact merge into one
 *   finding (model/fact.ts), so memory and output grow with distinct facts, not with traffic. For network
 *   evidence the counterpart is the pool, and the endpoints of one fact are counted by a tally
 *   (model/pool-endpoints.ts): a miner failing over across a hundred addresses is one finding per class.
 * - The allowlist is applied here, after detection, to every detector alike (detect/allowlist.ts).
 * - Time: the engine keeps a watermark (the latest event time seen, less the allowed lateness). `advance()`
 *   lets detectors close windows older than it (`DetectorRun.flush`); `finish()` closes all of them.
 * - `takeChanged()` hands over the findings that are new or grew since the last call, for correlation
 *   that updates incidents as findings arrive.
 *
 * One engine is one unit of state with no globals: several engines can run in parallel workers,
 * partitioned by host or account.
 */
export interface EngineOptions {
  /** How late (ms of event time) an event may arrive and still fall in its window. Default one hour. */
  latenessMs?: number;
}

const DEFAULT_LATENESS_MS = 3_600_000;

export class DetectionEngine {
  private readonly byDataset = new Map<string, DetectorRun[]>();
  private readonly byCategory = new Map<string, DetectorRun[]>();
  private readonly runs: DetectorRun[] = [];
  private readonly findings = new Map<string, Finding>();
  /** Pool endpoints per fact, for the network facts that name them. */
  private readonly endpoints = new Map<string, PoolEndpointTally>();
  private readonly changed = new Set<string>();
  private readonly routeCache = new Map<string, DetectorRun[]>();
  private readonly allowlist: Allowlist;
  private readonly latenessMs: number;
  private maxEventMs = Number.NEGATIVE_INFINITY;
  events = 0;
  /** Problems detectors reported (rules disabled mid-scan); the scan adds them to its issues. */
  readonly warnings: { file: string; line?: number; message: string }[] = [];

  constructor(detectors: readonly Detector[], intel: Intel, config: DetectConfig, opts: EngineOptions = {}) {
    this.allowlist = compileAllowlist(config);
    this.latenessMs = opts.latenessMs ?? DEFAULT_LATENESS_MS;
    for (const d of detectors) {
      const kind = d.evidence;
      const run = d.start({
        intel, config,
        emit: (draft) => this.accept(draft, kind),
        warn: (issue) => { if (this.warnings.length < 100) this.warnings.push(issue); },
      });
      this.runs.push(run);
      for (const ds of d.routes.datasets ?? []) push(this.byDataset, ds, run);
      for (const c of d.routes.categories ?? []) push(this.byCategory, c, run);
    }
  }

  /** One draft from a detector: allowlist, then merge into its fact. */
  private accept(draft: FindingDraft, kind: EvidenceKind | undefined): void {
    if (!this.allowlist.empty && this.allowlist.finding(draft)) return;
    if (!draft.kind && kind) draft.kind = kind;
    const pool = poolCounterpart(draft);
    const key = factKey(draft, pool);
    let tally: PoolEndpointTally | undefined;
    if (pool && pool.endpoints.length > 0) {
      tally = this.endpoints.get(key);
      if (!tally) { tally = new PoolEndpointTally(); this.endpoints.set(key, tally); }
      tally.take(draft, pool);
    }
    const known = this.findings.get(key);
    // A repeat of a known fact merges straight from the draft: no id hash, no copy (most drafts are repeats).
    let finding: Finding;
    if (known) {
      mergeFinding(known, asRepeat(draft));
      finding = known;
    } else {
      finding = makeFinding(draft, key);
      this.findings.set(key, finding);
    }
    if (tally && pool) tally.apply(finding, pool);
    this.changed.add(key);
  }

  /** Detector runs for an event's dataset + categories, cached per distinct combination. */
  private route(event: Event): DetectorRun[] {
    const ds = typeof event["event.dataset"] === "string" ? event["event.dataset"] : "";
    const cat = event["event.category"];
    const cats: readonly string[] = typeof cat === "string" ? [cat] : Array.isArray(cat) ? (cat as readonly string[]) : [];
    const key = cats.length ? `${ds}\0${cats.join("\0")}` : ds;
    let runs = this.routeCache.get(key);
    if (!runs) {
      const set = new Set<DetectorRun>(this.byDataset.get(ds) ?? []);
      for (const c of cats) for (const r of this.byCategory.get(c) ?? []) set.add(r);
      runs = [...set];
      if (this.routeCache.size < 10_000) this.routeCache.set(key, runs);
    }
    return runs;
  }

  onEvent(event: Event): void {
    this.events++;
    const t = event["@timestamp"];
    if (typeof t === "string") {
      const ms = Date.parse(t);
      if (ms > this.maxEventMs) this.maxEventMs = ms;
    }
    const runs = this.route(event);
    for (let i = 0; i < runs.length; i++) runs[i]!.onEvent(event);
  }

  /** Event time up to which windows may close: the latest event time seen, less the allowed lateness. */
  watermark(): number {
    return this.maxEventMs - this.latenessMs;
  }

  /** Let detectors close the windows that ended before the watermark (a stream calls this now and then). */
  advance(): void {
    const w = this.watermark();
    if (!Number.isFinite(w)) return;
    for (const r of this.runs) r.flush?.(w);
  }

  /** Findings that are new or grew since the last call, in a stable order. */
  takeChanged(): Finding[] {
    const out: Finding[] = [];
    for (const key of this.changed) out.push(this.findings.get(key)!);
    this.changed.clear();
    return out.sort(byTime);
  }

  /** Every finding so far. */
  current(): Finding[] {
    return [...this.findings.values()].sort(byTime);
  }

  /** End of input: close every window and return every finding. */
  finish(): Finding[] {
    for (const r of this.runs) r.finish();
    this.changed.clear();
    return this.current();
  }
}

/** A draft seen as the finding it would make, for merging into the known one (mergeFinding reads no id). */
function asRepeat(draft: FindingDraft): Finding {
  draft.evidenceCount ??= draft.evidence.length;
  draft.mitre ??= DEFAULT_MITRE as string[]; // read only: mergeFinding copies lists
  return draft as Finding;
}

const byTime = (a: Finding, b: Finding): number => a.firstSeen.localeCompare(b.firstSeen) || a.id.localeCompare(b.id);

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}
