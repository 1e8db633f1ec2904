/**
 * Correlation runtime: per-group sliding windows over the matches of the referenced rules.
 *
 * Choices (docs/sigma.md):
 * - Windows slide with the newest timestamp seen in the group: records older than
 *   newest - timespan drop out. Out-of-order records are inserted in time order.
 * - Conditions that only bound from below (gt, gte) are checked on every new record; when one holds
 *   the correlation fires once with the records in the window, and the group starts afresh.
 * - Conditions with an upper bound (lt, lte, eq, neq) can only be judged when a window is complete:
 *   the window opens at the group's first record, closes when a record arrives more than timespan
 *   later (or at end of input), and is judged then.
 * - temporal: every referenced rule matched in the window (or the condition holds on the number of
 *   distinct rules, or pySigma's boolean expression over rule names holds).
 *   temporal_ordered: the referenced rules matched in the order listed, inside the window.
 * - State is bounded: at most MAX_GROUPS groups and MAX_RECORDS records per correlation; the least
 *   recently updated groups are dropped first.
 */
import type { Entities, Evidence, Observable, Trigger } from "../../model/index.js";
import { parseCondition, type CondNode } from "./condition.js";
import type { CompareOp, CompiledCorrelationRule } from "./types.js";
import { toNumber } from "./value-match.js";

export const MAX_GROUPS = 10_000;
export const MAX_RECORDS = 100_000;
export const MAX_RECORDS_PER_GROUP = 10_000;

/** One match fed into a correlation. */
export interface CorrelationRecord {
  t: number;
  /** Key of the rule (detection or correlation) that matched. */
  source: string;
  groupKey: string;
  groupValues: Record<string, string>;
  /** Value of the condition field (value_count and value_* types). */
  value?: string;
  evidence: Evidence[];
  evidenceCount: number;
  entities: Entities;
  observables: Observable[];
  trigger: Trigger;
}

export interface CorrelationHit {
  rule: CompiledCorrelationRule;
  groupKey: string;
  groupValues: Record<string, string>;
  first: number;
  last: number;
  /** The measured value: count, distinct count, sum, average, percentile, or number of rules. */
  metric: number;
  records: CorrelationRecord[];
}

interface Group {
  records: CorrelationRecord[];
  start: number;
  newest: number;
}

function compareOp(x: number, op: CompareOp, v: number): boolean {
  switch (op) {
    case "gt": return x > v;
    case "gte": return x >= v;
    case "lt": return x < v;
    case "lte": return x <= v;
    case "eq": return x === v;
    case "neq": return x !== v;
  }
}

function insertByTime(list: CorrelationRecord[], rec: CorrelationRecord): void {
  if (list.length === 0 || list[list.length - 1]!.t <= rec.t) { list.push(rec); return; }
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (list[mid]!.t <= rec.t) lo = mid + 1; else hi = mid;
  }
  list.splice(lo, 0, rec);
}

export class CorrelationRun {
  private readonly groups = new Map<string, Group>();
  private records = 0;
  private readonly span: number;
  private readonly upperBound: boolean;
  private readonly expression: CondNode | undefined;
  /** Rule name or id as written in the correlation → source key. */
  private readonly nameToKey = new Map<string, string>();
  /** Distinct source keys, in the order the correlation lists them. */
  private readonly order: string[];
  /** temporal / temporal_ordered without a condition: how many rules must be seen. */
  private readonly required: number;
  dropped = 0;

  constructor(readonly rule: CompiledCorrelationRule) {
    const spec = rule.spec;
    this.span = spec.timespanMs;
    this.upperBound = spec.ops.some((o) => o.op !== "gt" && o.op !== "gte");
    spec.rules.forEach((ref, i) => { const k = rule.sources[i]; if (k) this.nameToKey.set(ref, k); });
    this.order = [...rule.sources];
    this.required = spec.type === "temporal" ? new Set(this.order).size : this.order.length;
    this.expression = spec.expression !== undefined ? parseCondition(spec.expression) : undefined;
  }

  /** Groups currently held (bounded by MAX_GROUPS). */
  get groupCount(): number {
    return this.groups.size;
  }

  add(rec: CorrelationRecord, emit: (hit: CorrelationHit) => void): void {
    let g = this.groups.get(rec.groupKey);
    if (g) this.groups.delete(rec.groupKey); // re-inserted below: Map order is recency order
    else g = { records: [], start: rec.t, newest: rec.t };
    this.groups.set(rec.groupKey, g);

    if (this.upperBound) {
      if (g.records.length > 0 && rec.t > g.start + this.span) {
        this.judge(g, rec.groupKey, emit);
        this.clear(g);
        g.start = rec.t;
      }
      if (g.records.length === 0) g.start = rec.t;
      this.push(g, rec);
    } else {
      this.push(g, rec);
      g.newest = Math.max(g.newest, rec.t);
      const oldest = g.newest - this.span;
      let drop = 0;
      while (drop < g.records.length && g.records[drop]!.t < oldest) drop++;
      if (drop > 0) { g.records.splice(0, drop); this.records -= drop; }
      if (this.judge(g, rec.groupKey, emit)) this.clear(g);
    }
    this.enforceLimits();
  }

  /** End of input: judge the windows still open (upper-bound conditions). */
  finish(emit: (hit: CorrelationHit) => void): void {
    if (this.upperBound) for (const [key, g] of this.groups) if (g.records.length > 0) this.judge(g, key, emit);
    this.groups.clear();
    this.records = 0;
  }

  private push(g: Group, rec: CorrelationRecord): void {
    insertByTime(g.records, rec);
    this.records++;
    if (g.records.length > MAX_RECORDS_PER_GROUP) { g.records.shift(); this.records--; this.dropped++; }
  }

  private clear(g: Group): void {
    this.records -= g.records.length;
    g.records = [];
  }

  private enforceLimits(): void {
    while (this.groups.size > MAX_GROUPS || this.records > MAX_RECORDS) {
      const oldest = this.groups.keys().next();
      if (oldest.done) break;
      const g = this.groups.get(oldest.value)!;
      this.records -= g.records.length;
      this.dropped += g.records.length;
      this.groups.delete(oldest.value);
    }
  }

  private judge(g: Group, key: string, emit: (hit: CorrelationHit) => void): boolean {
    const metric = this.measure(g.records);
    if (metric === undefined) return false;
    const spec = this.rule.spec;
    let holds: boolean;
    if (spec.type === "temporal" || spec.type === "temporal_ordered") {
      holds = spec.ops.length > 0 ? spec.ops.every((o) => compareOp(metric, o.op, o.value))
        : this.expression ? this.expressionHolds(g.records) : metric >= this.required;
    } else {
      holds = spec.ops.every((o) => compareOp(metric, o.op, o.value));
    }
    if (!holds) return false;
    const records = g.records.slice();
    emit({
      rule: this.rule,
      groupKey: key,
      groupValues: records[records.length - 1]?.groupValues ?? {},
      first: records[0]?.t ?? 0,
      last: records[records.length - 1]?.t ?? 0,
      metric,
      records,
    });
    return true;
  }

  private measure(records: CorrelationRecord[]): number | undefined {
    if (records.length === 0) return undefined;
    const spec = this.rule.spec;
    switch (spec.type) {
      case "event_count": return records.length;
      case "value_count": {
        const seen = new Set<string>();
        for (const r of records) if (r.value !== undefined && r.value !== "") seen.add(r.value);
        return seen.size;
      }
      case "value_sum": case "value_avg": case "value_percentile": {
        const nums: number[] = [];
        for (const r of records) {
          const n = r.value === undefined ? undefined : toNumber(r.value);
          if (n !== undefined) nums.push(n);
        }
        if (nums.length === 0) return undefined;
        if (spec.type === "value_sum") return nums.reduce((a, b) => a + b, 0);
        if (spec.type === "value_avg") return nums.reduce((a, b) => a + b, 0) / nums.length;
        nums.sort((a, b) => a - b);
        const rank = Math.ceil((spec.percentile / 100) * nums.length);
        return nums[Math.min(Math.max(rank - 1, 0), nums.length - 1)];
      }
      case "temporal": return new Set(records.map((r) => r.source)).size;
      case "temporal_ordered": return this.orderedPrefix(records);
    }
  }

  /** How many of the listed rules occur in order (each after the previous) in the window. */
  private orderedPrefix(records: CorrelationRecord[]): number {
    let done = 0;
    let after = -Infinity;
    for (const key of this.order) {
      const next = records.find((r) => r.source === key && r.t >= after);
      if (!next) break;
      after = next.t;
      done++;
    }
    return done;
  }

  private expressionHolds(records: CorrelationRecord[]): boolean {
    const present = new Set(records.map((r) => r.source));
    const evalNode = (n: CondNode): boolean => {
      switch (n.t) {
        case "id": { const k = this.nameToKey.get(n.name) ?? n.name; return present.has(k); }
        case "not": return !evalNode(n.arg);
        case "and": return n.args.every(evalNode);
        case "or": return n.args.some(evalNode);
        case "of": return false;
      }
    };
    return this.expression ? evalNode(this.expression) : false;
  }
}
