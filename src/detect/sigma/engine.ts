/**
 * SigmaEngine: runs a compiled rule collection over a stream of events.
 *
 * Per event: route (dataset, categories and product qualifier pick a cached group of rules), then
 * the group's candidate index names the few rules whose required literals are present, then only
 * those predicates run. Matches of rules that correlations reference feed the correlation windows;
 * correlation hits can feed further correlations (chains).
 *
 * One engine is one unit of state (its EventView, caches and windows): several can run in workers.
 */
import type { Event } from "../../model/index.js";
import { CandidateIndex } from "./candidate-index.js";
import { CorrelationRun, type CorrelationHit } from "./correlation-run.js";
import { EventView, type FieldRef } from "./event-view.js";
import { recordOf, recordOfHit } from "./findings.js";
import { RegexBudget } from "./regex-budget.js";
import { routeAccepts } from "./routing.js";
import type { CompiledCorrelationRule, CompiledDetectionRule, CompiledRule } from "./types.js";

export interface EngineListener {
  detection?(rule: CompiledDetectionRule, event: Event): void;
  correlation?(rule: CompiledCorrelationRule, hit: CorrelationHit): void;
  /** A rule was disabled for the rest of the run (over its regex CPU budget), with the reason. */
  disabled?(rule: CompiledDetectionRule, reason: string): void;
}

export interface EngineOptions {
  /** Report detection matches of every rule, also of rules only correlations use (rule tests). */
  reportAll?: boolean;
  /** CPU budget (ms) per rule per event for rules with a regex, and how many overruns disable one. */
  regexBudgetMs?: number;
  regexStrikes?: number;
}

interface RouteGroup {
  rules: CompiledDetectionRule[];
  index: CandidateIndex;
}

interface Extracted {
  groupKey: string;
  groupValues: Record<string, string>;
  value: string | undefined;
}

interface Consumer {
  run: CorrelationRun;
  fromEvent?: (view: EventView) => Extracted;
  fromHit?: (hit: CorrelationHit) => Extracted;
}

/** Route groups are cached; past this many the cache starts over (bounded memory). */
const MAX_ROUTE_GROUPS = 4096;

interface RouteEntry {
  categories: readonly string[];
  qualifiers: readonly string[];
  group: RouteGroup;
}

function sameCategories(known: readonly string[], cat: unknown): boolean {
  if (typeof cat === "string") return known.length === 1 && known[0] === cat;
  if (!Array.isArray(cat)) return known.length === 0;
  if (cat.length !== known.length) return false;
  for (let i = 0; i < cat.length; i++) if (cat[i] !== known[i]) return false;
  return true;
}

export class SigmaEngine {
  private readonly detections: CompiledDetectionRule[];
  private readonly qualifierFields: string[];
  private readonly routeCache = new Map<string, RouteEntry[]>();
  private groupCount = 0;
  private readonly view = new EventView();
  private readonly candidates: number[] = [];
  private readonly consumers = new Map<string, Consumer[]>();
  private readonly runs: CorrelationRun[] = [];
  private lastTime = 0;
  private readonly budget: RegexBudget;
  /** Rules that threw while matching (a bug, never the input's fault): disabled, with the reason. */
  readonly failures = new Map<string, string>();
  readonly stats = { events: 0, routed: 0, evaluated: 0, matches: 0, correlationHits: 0 };

  constructor(rules: readonly CompiledRule[], private readonly listener: EngineListener, private readonly options: EngineOptions = {}) {
    this.detections = rules.filter((r): r is CompiledDetectionRule => r.kind === "detection" && r.route !== undefined);
    this.budget = new RegexBudget(options.regexBudgetMs, options.regexStrikes);
    this.qualifierFields = [...new Set(this.detections.map((r) => r.route?.qualifier?.field).filter((f): f is string => f !== undefined))];
    const byKey = new Map(rules.map((r) => [r.key, r] as const));
    for (const c of correlationsInnerFirst(rules)) {
      const run = new CorrelationRun(c);
      this.runs.push(run);
      c.sources.forEach((key) => {
        const src = byKey.get(key);
        if (!src) return;
        const list = this.consumers.get(key) ?? [];
        list.push(src.kind === "detection" ? { run, fromEvent: eventExtractor(c, src) } : { run, fromHit: hitExtractor(c, src) });
        this.consumers.set(key, list);
      });
    }
  }

  /**
   * The route group of an event: groups are cached per dataset, each with the categories and
   * qualifier values it was built for; an event is compared with the few entries of its dataset
   * without building any string.
   */
  private groupFor(event: Event): RouteGroup {
    const ds = event["event.dataset"];
    const dataset = typeof ds === "string" ? ds : "";
    let entries = this.routeCache.get(dataset);
    if (!entries) { entries = []; this.routeCache.set(dataset, entries); }
    const cat = event["event.category"];
    for (let i = 0; i < entries.length; i++) {
      const e = entries[i]!;
      if (sameCategories(e.categories, cat) && this.sameQualifiers(e.qualifiers, event)) return e.group;
    }
    if (++this.groupCount > MAX_ROUTE_GROUPS) { this.routeCache.clear(); this.groupCount = 0; return this.groupFor(event); }
    const rules = this.detections.filter((r) => routeAccepts(r.route!, event));
    const group: RouteGroup = { rules, index: new CandidateIndex(rules.map((r) => r.witness)) };
    entries.push({
      categories: typeof cat === "string" ? [cat] : Array.isArray(cat) ? (cat as readonly unknown[]).map((c) => (typeof c === "string" ? c : "")) : [],
      qualifiers: this.qualifierFields.map((f) => { const v = event[f]; return typeof v === "string" ? v : ""; }),
      group,
    });
    return group;
  }

  private sameQualifiers(values: readonly string[], event: Event): boolean {
    const fields = this.qualifierFields;
    for (let i = 0; i < fields.length; i++) {
      const v = event[fields[i]!];
      if ((typeof v === "string" ? v : "") !== values[i]) return false;
    }
    return true;
  }

  process(event: Event): void {
    this.stats.events++;
    const g = this.groupFor(event);
    if (g.rules.length === 0) return;
    this.stats.routed++;
    const view = this.view;
    view.reset(event);
    const cands = this.candidates;
    g.index.candidates(view, cands);
    for (let i = 0; i < cands.length; i++) {
      const rule = g.rules[cands[i]!]!;
      if (this.failures.size > 0 && this.failures.has(rule.key)) continue;
      this.stats.evaluated++;
      let hit = false;
      try {
        if (rule.usesRegex) {
          hit = this.budget.run(rule, view);
          const over = this.budget.tripped(rule);
          if (over) { this.disable(rule, new Error(over)); this.listener.disabled?.(rule, over); }
        } else hit = rule.match(view);
      } catch (e) {
        this.disable(rule, e);
      }
      if (hit) this.onDetection(rule, event);
    }
  }

  private disable(rule: CompiledDetectionRule, e: unknown): void {
    this.failures.set(rule.key, e instanceof Error ? e.message : String(e));
  }

  private timeOf(event: Event): number {
    const ts = event["@timestamp"];
    const t = typeof ts === "string" ? Date.parse(ts) : typeof ts === "number" ? ts : NaN;
    if (Number.isFinite(t)) { this.lastTime = t; return t; }
    return this.lastTime;
  }

  private onDetection(rule: CompiledDetectionRule, event: Event): void {
    this.stats.matches++;
    if (rule.emits || this.options.reportAll) this.listener.detection?.(rule, event);
    const consumers = this.consumers.get(rule.key);
    if (!consumers) return;
    const t = this.timeOf(event);
    for (const c of consumers) {
      const x = c.fromEvent!(this.view);
      c.run.add(recordOf(rule, event, t, x.groupKey, x.groupValues, x.value), (hit) => this.onHit(hit));
    }
  }

  private onHit(hit: CorrelationHit): void {
    this.stats.correlationHits++;
    if (hit.rule.emits || this.options.reportAll) this.listener.correlation?.(hit.rule, hit);
    const consumers = this.consumers.get(hit.rule.key);
    if (!consumers) return;
    for (const c of consumers) {
      const x = c.fromHit!(hit);
      c.run.add(recordOfHit(hit, x.groupKey, x.groupValues, x.value), (h) => this.onHit(h));
    }
  }

  /** End of input: close the correlation windows that are still open (inner ones first). */
  finish(): void {
    for (const run of this.runs) run.finish((hit) => this.onHit(hit));
  }

  /** Rules routed for an event (for `rules test` messages). */
  routedRules(event: Event): CompiledDetectionRule[] {
    return this.groupFor(event).rules;
  }
}

/** Correlations ordered so that every one comes after those it consumes (finish() flushes inner windows first). */
function correlationsInnerFirst(rules: readonly CompiledRule[]): CompiledCorrelationRule[] {
  const byKey = new Map(rules.map((r) => [r.key, r] as const));
  const depth = new Map<string, number>();
  const depthOf = (c: CompiledCorrelationRule, seen: Set<string>): number => {
    const known = depth.get(c.key);
    if (known !== undefined) return known;
    if (seen.has(c.key)) return 0;
    seen.add(c.key);
    let d = 0;
    for (const k of c.sources) {
      const s = byKey.get(k);
      if (s && s.kind === "correlation") d = Math.max(d, 1 + depthOf(s, seen));
    }
    depth.set(c.key, d);
    return d;
  };
  const list = rules.filter((r): r is CompiledCorrelationRule => r.kind === "correlation");
  return list.map((c) => ({ c, d: depthOf(c, new Set()) })).sort((a, b) => a.d - b.d).map((x) => x.c);
}

function joinValues(view: EventView, ref: FieldRef | undefined): string {
  if (!ref) return "";
  const v = view.strings(ref);
  return v.length === 1 ? v[0]! : v.join(",");
}

/** Group-by and condition-field values of a detection match, through aliases and field mapping. */
function eventExtractor(c: CompiledCorrelationRule, src: CompiledDetectionRule): (view: EventView) => Extracted {
  const spec = c.spec;
  const fieldFor = (name: string): FieldRef | undefined => {
    const alias = spec.aliases[name];
    if (!alias) return src.resolveField(name);
    const target = (src.meta.name !== undefined ? alias[src.meta.name] : undefined)
      ?? (src.meta.id !== undefined ? alias[src.meta.id] : undefined) ?? alias[src.key];
    return target === undefined ? undefined : src.resolveField(target);
  };
  const groupRefs = spec.groupBy.map(fieldFor);
  const valueRefs = spec.field.map(fieldFor);
  const numeric = spec.type === "value_sum" || spec.type === "value_avg" || spec.type === "value_percentile";
  return (view) => {
    const groupValues: Record<string, string> = {};
    const parts: string[] = [];
    spec.groupBy.forEach((g, i) => { const v = joinValues(view, groupRefs[i]); groupValues[g] = v; parts.push(v); });
    let value: string | undefined;
    if (valueRefs.length > 0) {
      value = numeric
        ? (valueRefs[0] ? view.strings(valueRefs[0])[0] : undefined)
        : valueRefs.map((r) => joinValues(view, r)).join("\x1f");
    }
    return { groupKey: parts.join("\x1f"), groupValues, value };
  };
}

/** The same for a chained correlation: values come from the inner hit's group. */
function hitExtractor(c: CompiledCorrelationRule, src: CompiledCorrelationRule): (hit: CorrelationHit) => Extracted {
  const spec = c.spec;
  const nameFor = (name: string): string => {
    const alias = spec.aliases[name];
    if (!alias) return name;
    return (src.meta.name !== undefined ? alias[src.meta.name] : undefined) ?? (src.meta.id !== undefined ? alias[src.meta.id] : undefined) ?? alias[src.key] ?? name;
  };
  return (hit) => {
    const groupValues: Record<string, string> = {};
    const parts: string[] = [];
    for (const g of spec.groupBy) { const v = hit.groupValues[nameFor(g)] ?? ""; groupValues[g] = v; parts.push(v); }
    const value = spec.field.length > 0 ? spec.field.map((f) => hit.groupValues[nameFor(f)] ?? String(hit.metric)).join("\x1f") : undefined;
    return { groupKey: parts.join("\x1f"), groupValues, value };
  };
}
