/**
 * Types of the Sigma engine: what the loader hands out (compiled rules, errors, warnings) and the
 * small vocabulary the compiler and the runtime share. The public face is index.ts.
 */
import type { Event, Severity, Trigger } from "../../model/index.js";
import type { EventView, FieldRef } from "./event-view.js";

/** A problem with one rule, always pointing at a file and line, and at the rule when it is known. */
export interface RuleProblem {
  file: string;
  line: number;
  ruleId?: string;
  title?: string;
  message: string;
}

/** A rule the loader refused: it breaks the specification, so it does not run. */
export type RuleError = RuleProblem;

/** Something a linter would flag (pySigma's validators); the rule still runs. */
export interface RuleWarning extends RuleProblem {
  /** Stable short name of the check ("all-single-value", "escaped-wildcard", ...). */
  code: string;
}

export interface Logsource {
  product?: string;
  category?: string;
  service?: string;
}

/** Where a rule's events come from: which events it sees, and which PB-31 trigger a hit is. */
export interface Route {
  /** Human-readable name of the table entry that routed it ("category process_creation"). */
  label: string;
  datasets: readonly string[];
  categories: readonly string[];
  /** Product qualifier: the event's `field` must hold one of `values` (or be absent when `missing`). */
  qualifier?: { field: string; values: readonly string[]; missing: boolean };
  trigger: Trigger;
  /** Fields the routed events can hold (x.* is a prefix); undefined: any field. */
  carries?: readonly string[];
}

export const RULE_STATUSES = ["stable", "test", "experimental", "deprecated", "unsupported"] as const;
export type RuleStatus = (typeof RULE_STATUSES)[number];

/** The metadata of any Sigma document (detection rule, correlation or filter). */
export interface RuleMeta {
  file: string;
  /** 1-based line where the YAML document starts. */
  line: number;
  /** 0-based index of the document in its file. */
  docIndex: number;
  id?: string;
  name?: string;
  title: string;
  status?: RuleStatus;
  level?: Severity;
  description?: string;
  author?: string;
  references: string[];
  tags: string[];
  falsepositives: string[];
  date?: string;
  modified?: string;
  logsource: Logsource;
}

/**
 * One embedded test of a rule (top-level `tests:` list, our convention, see docs/sigma.md).
 * Detection rules use `event`, correlation rules `events` (in time order).
 */
export interface RuleTestCase {
  line: number;
  name?: string;
  event?: Event;
  events?: Event[];
  match: boolean;
}

/**
 * The literals a rule needs: if the rule matches an event, at least one of these holds
 * (exact: the lowercased field value equals `text`; otherwise it contains `text`).
 * `null` means the rule has no such requirement and is evaluated on every routed event.
 */
export interface WitnessLiteral {
  ref: FieldRef;
  text: string;
  exact: boolean;
}
export type Witness = readonly WitnessLiteral[] | null;

export type Predicate = (view: EventView) => boolean;

export interface CompiledDetectionRule {
  kind: "detection";
  /** Unique key inside one loaded collection (the id, or file#document when the id is missing or repeated). */
  key: string;
  meta: RuleMeta;
  /** Undefined when the rule is not routed (see notRouted): it never runs. */
  route?: Route;
  /** Why the rule is not routed: its logsource has no table entry, or it negates a field its events never carry. */
  notRouted?: string;
  /** The compiled detection (and any filters applied to it). */
  match: Predicate;
  witness: Witness;
  /** ECS fields the detection reads, for observables. */
  fields: readonly string[];
  /** Map a Sigma field name to the event field, with this rule's logsource mapping (for correlations). */
  resolveField(name: string): FieldRef;
  tests: RuleTestCase[];
  /** False when the rule is only a building block of correlations (`generate: false`). */
  emits: boolean;
  /** Titles of the filter documents applied to this rule. */
  filters: string[];
  /** True when the rule (or a filter applied to it) runs a regex: the engine times it against its CPU budget. */
  usesRegex?: boolean;
}

export const CORRELATION_TYPES = [
  "event_count", "value_count", "temporal", "temporal_ordered", "value_sum", "value_avg", "value_percentile",
] as const;
export type CorrelationType = (typeof CORRELATION_TYPES)[number];

export const COMPARE_OPS = ["gt", "gte", "lt", "lte", "eq", "neq"] as const;
export type CompareOp = (typeof COMPARE_OPS)[number];

export interface CorrelationSpec {
  type: CorrelationType;
  /** References by id or name, as written. */
  rules: string[];
  groupBy: string[];
  timespanMs: number;
  /** Text as written ("10m"), for reports. */
  timespan: string;
  ops: { op: CompareOp; value: number }[];
  /** value_* and value_count: the field(s) whose values are measured. */
  field: string[];
  /** value_percentile: which percentile (pySigma's `percentile`, default 50). */
  percentile: number;
  /** pySigma extension for temporal types: a boolean expression over rule names. */
  expression?: string;
  /** alias → (rule name or id → field name). */
  aliases: Record<string, Record<string, string>>;
  generate: boolean;
}

export interface CompiledCorrelationRule {
  kind: "correlation";
  key: string;
  meta: RuleMeta;
  spec: CorrelationSpec;
  /** Keys of the referenced rules after linking, in the order written. */
  sources: string[];
  tests: RuleTestCase[];
  emits: boolean;
}

export type CompiledRule = CompiledDetectionRule | CompiledCorrelationRule;

export interface LoadStats {
  files: number;
  documents: number;
  detectionRules: number;
  correlationRules: number;
  filterRules: number;
  compiled: number;
  refused: number;
  warnings: number;
  /** Compiled rules whose logsource the routing table does not know: they never run. */
  notRouted: number;
  /** Time spent reading and parsing YAML, and compiling, in milliseconds. */
  parseMs: number;
  compileMs: number;
}

export interface LoadResult {
  rules: CompiledRule[];
  refused: RuleError[];
  warnings: RuleWarning[];
  stats: LoadStats;
}

/** Raised while compiling one rule; the loader turns it into a RuleError with the rule's location. */
export class SigmaRuleError extends Error {
  /** Path of YAML keys to the offending node, to find its line. */
  readonly path: readonly (string | number)[];
  constructor(message: string, path: readonly (string | number)[] = []) {
    super(message);
    this.name = "SigmaRuleError";
    this.path = path;
  }
}
