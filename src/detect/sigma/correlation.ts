/**
 * Correlation rule documents (Sigma 2.1 meta-rules): parse and check the `correlation` section.
 * The runtime lives in correlation-run.ts.
 */
import { parseCondition } from "./condition.js";
import { parseMeta, parseTests } from "./rule-meta.js";
import {
  COMPARE_OPS, CORRELATION_TYPES, SigmaRuleError, type CompareOp, type CompiledCorrelationRule,
  type CorrelationSpec, type CorrelationType,
} from "./types.js";
import type { YamlDoc } from "./yaml-docs.js";

type Warn = (code: string, message: string, path: readonly (string | number)[]) => void;

const UNIT_MS: Record<string, number> = {
  s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 7 * 86_400_000, M: 30 * 86_400_000, y: 365 * 86_400_000,
};

/** "10m" → ms. Sigma's units are s, m, h, d; pySigma also takes w, M (30 days) and y (365 days). */
export function parseTimespan(text: unknown): number {
  const s = typeof text === "number" ? `${text}s` : typeof text === "string" ? text.trim() : "";
  const m = /^(\d{1,9})([smhdwMy])$/.exec(s);
  if (!m) throw new SigmaRuleError(`timespan '${String(text)}' must be a number followed by s, m, h or d`, ["correlation", "timespan"]);
  const ms = Number(m[1]) * UNIT_MS[m[2]!]!;
  if (ms <= 0) throw new SigmaRuleError("timespan must be longer than zero", ["correlation", "timespan"]);
  return ms;
}

function stringList(v: unknown, what: string, path: (string | number)[]): string[] {
  if (v === undefined || v === null) return [];
  if (typeof v === "string") return [v];
  if (Array.isArray(v) && v.every((x) => typeof x === "string")) return v as string[];
  throw new SigmaRuleError(`${what} must be a list of strings`, path);
}

const NEEDS_FIELD: readonly CorrelationType[] = ["value_count", "value_sum", "value_avg", "value_percentile"];
const TEMPORAL: readonly CorrelationType[] = ["temporal", "temporal_ordered"];

export function parseCorrelationSpec(section: unknown, generateValue: unknown): CorrelationSpec {
  const base = ["correlation"];
  if (section === null || typeof section !== "object" || Array.isArray(section)) throw new SigmaRuleError("'correlation' must be a map", base);
  const c = section as Record<string, unknown>;
  const type = c.type;
  if (typeof type !== "string" || !(CORRELATION_TYPES as readonly string[]).includes(type)) {
    throw new SigmaRuleError(`correlation type '${String(type)}' is not one of ${CORRELATION_TYPES.join(", ")}`, [...base, "type"]);
  }
  const t = type as CorrelationType;
  const spec: CorrelationSpec = {
    type: t,
    rules: stringList(c.rules, "correlation rules", [...base, "rules"]),
    groupBy: stringList(c["group-by"], "group-by", [...base, "group-by"]),
    timespanMs: parseTimespan(c.timespan),
    timespan: String(c.timespan),
    ops: [],
    field: [],
    percentile: 50,
    aliases: {},
    generate: false,
  };

  const cond = c.condition;
  if (typeof cond === "string") {
    if (!TEMPORAL.includes(t)) throw new SigmaRuleError("a condition expression over rule names only fits temporal correlations", [...base, "condition"]);
    parseCondition(cond, [...base, "condition"]);
    spec.expression = cond;
  } else if (cond !== undefined && cond !== null) {
    if (typeof cond !== "object" || Array.isArray(cond)) throw new SigmaRuleError("correlation condition must be a map such as {gte: 10}", [...base, "condition"]);
    for (const [k, v] of Object.entries(cond as Record<string, unknown>)) {
      if ((COMPARE_OPS as readonly string[]).includes(k)) {
        if (typeof v !== "number" || !Number.isFinite(v)) throw new SigmaRuleError(`condition ${k} needs a number`, [...base, "condition", k]);
        spec.ops.push({ op: k as CompareOp, value: v });
      } else if (k === "field") {
        spec.field = stringList(v, "condition field", [...base, "condition", "field"]);
      } else if (k === "percentile") {
        if (typeof v !== "number" || v < 0 || v > 100) throw new SigmaRuleError("percentile must be a number from 0 to 100", [...base, "condition", k]);
        spec.percentile = v;
      } else {
        throw new SigmaRuleError(`unknown correlation condition key '${k}' (use gt, gte, lt, lte, eq, neq, field)`, [...base, "condition", k]);
      }
    }
  }
  if (!TEMPORAL.includes(t) && spec.ops.length === 0) throw new SigmaRuleError(`a ${t} correlation needs a condition such as {gte: 10}`, [...base, "condition"]);
  if (NEEDS_FIELD.includes(t) && spec.field.length === 0) throw new SigmaRuleError(`a ${t} correlation needs 'field' in its condition`, [...base, "condition"]);
  if (t !== "value_count" && spec.field.length > 1) throw new SigmaRuleError(`a ${t} correlation measures one field`, [...base, "condition", "field"]);
  if (spec.rules.length === 0 && spec.expression === undefined) throw new SigmaRuleError("a correlation needs 'rules'", [...base, "rules"]);

  if (c.aliases !== undefined && c.aliases !== null) {
    if (typeof c.aliases !== "object" || Array.isArray(c.aliases)) throw new SigmaRuleError("'aliases' must be a map", [...base, "aliases"]);
    for (const [alias, m] of Object.entries(c.aliases as Record<string, unknown>)) {
      if (m === null || typeof m !== "object" || Array.isArray(m)) throw new SigmaRuleError(`alias '${alias}' must map rule names to fields`, [...base, "aliases", alias]);
      const entries = Object.entries(m as Record<string, unknown>);
      if (!entries.every(([, f]) => typeof f === "string")) throw new SigmaRuleError(`alias '${alias}' must map rule names to field names`, [...base, "aliases", alias]);
      spec.aliases[alias] = Object.fromEntries(entries) as Record<string, string>;
    }
  }
  const gen = generateValue ?? c.generate;
  if (gen !== undefined && gen !== null) {
    if (typeof gen !== "boolean") throw new SigmaRuleError("'generate' must be true or false", ["generate"]);
    spec.generate = gen;
  }
  return spec;
}

/** Rule names an extended temporal condition mentions (pySigma extension). */
export function expressionNames(expression: string): string[] {
  const names = new Set<string>();
  const walk = (n: ReturnType<typeof parseCondition>): void => {
    if (n.t === "id") names.add(n.name);
    else if (n.t === "not") walk(n.arg);
    else if (n.t === "and" || n.t === "or") n.args.forEach(walk);
  };
  walk(parseCondition(expression));
  return [...names];
}

export function compileCorrelationRule(doc: YamlDoc, file: string, warn: Warn): CompiledCorrelationRule {
  const value = doc.value as Record<string, unknown>;
  const meta = parseMeta(value, file, doc.line, doc.index, warn, false);
  const spec = parseCorrelationSpec(value.correlation, value.generate);
  if (spec.expression !== undefined && spec.rules.length === 0) spec.rules = expressionNames(spec.expression);
  if (spec.groupBy.length === 0) warn("no-group-by", "correlation without group-by counts all events together", ["correlation"]);
  return {
    kind: "correlation",
    key: meta.id ?? meta.name ?? `${file}#${doc.index}`,
    meta,
    spec,
    sources: [],
    tests: parseTests(value.tests, doc.lineOf),
    emits: true,
  };
}
