/**
 * The playbook's condition language: structured data, checked on load, evaluated by evaluate.ts.
 * Never code: an operator this file does not know is a load error, not something to run.
 *
 *   {all: [C, ...]}  {any: [C, ...]}  {not: C}
 *   {finding: M}        some finding matches M
 *   {allFindings: M}    there are findings and every one matches M
 *   {fact: NAME, gt|gte|lt|lte|eq: V}  or  {fact: NAME, exists: true|false}
 *   {scope: hosts|instances|regions|accounts|clusters|campaignMachines|campaignIncidents, gt|gte|lt|lte|eq: V}
 *   {environment: cloud|on-premise|hybrid or a list}
 *   {trigger: TRIGGER or a list}       the incident has one of these triggers
 *   {action: NAME or a list}           the response engine reports one of these actions done
 *
 * V is a number or {config: "billing.escalateUsd"} (a numeric setting of DetectConfig).
 * M (a finding match) holds when every field given holds; see FindingMatchSchema.
 */
import { z } from "zod";
import { defaultConfig } from "../detect/config.js";
import { ENVIRONMENTS, OBSERVABLE_TYPES, TRIGGERS, isKnownTag } from "../model/index.js";
import type { EntityKind, Environment, Trigger } from "../model/index.js";

/**
 * Counted scope. The incident's own: hosts, instances, regions, accounts, clusters. Its campaign's
 * (correlate/campaigns.ts; 0 when it is in none): campaignMachines, campaignIncidents.
 */
export const SCOPE_KINDS = ["hosts", "instances", "regions", "accounts", "clusters", "campaignMachines", "campaignIncidents"] as const;
export type ScopeKind = (typeof SCOPE_KINDS)[number];

const ENTITY_KINDS = [
  "hosts", "ips", "instances", "accounts", "regions", "users", "accessKeys", "clusters", "namespaces",
  "pods", "containers", "images", "providers", "pools",
] as const satisfies readonly EntityKind[];

/** Incident-level facts; "finding.<key>" reads the largest numeric value of that key in the findings' facts. */
export const INCIDENT_FACTS = ["billingUsd", "confidence", "findingCount"] as const;

/** Numeric settings a comparison may refer to, found by walking the default DetectConfig. */
export const CONFIG_REFS: readonly string[] = numericPaths(defaultConfig(), "");

function numericPaths(value: unknown, prefix: string): string[] {
  if (typeof value === "number") return [prefix];
  if (value === null || typeof value !== "object" || Array.isArray(value)) return [];
  const out: string[] = [];
  for (const [k, v] of Object.entries(value)) out.push(...numericPaths(v, prefix ? `${prefix}.${k}` : k));
  return out;
}

export type Comparand = number | { config: string };
export const COMPARATORS = ["gt", "gte", "lt", "lte", "eq"] as const;
export type Comparator = (typeof COMPARATORS)[number];
export interface Comparison { op: Comparator; value: Comparand }

const oneOrMany = <T extends z.ZodType>(item: T) =>
  z.union([item, z.array(item).min(1)]).transform((v) => (Array.isArray(v) ? v : [v]) as z.output<T>[]);

/** A tag some detector or Sigma namespace emits (model/tags.ts): a typo or an orphan tag is a load error. */
const TAG = z.string().min(1).refine(isKnownTag, {
  message: "a tag that no detector emits (model/tags.ts lists the built-in tags; Sigma tags are attack.*, cve.*, detection.*, car.*, tlp.*)",
});
const TECHNIQUE = z.string().regex(/^T\d{4}(\.\d{3})?$/, "a MITRE technique id like T1053 or T1053.007");
const ACTION_NAME = z.string().regex(/^[a-z][a-z0-9]*(-[a-z0-9]+)*$/, "a response action name in kebab-case");

/** A finding matches when every field given holds. Lists mean "any of". */
export const FindingMatchSchema = z.object({
  trigger: oneOrMany(z.enum(TRIGGERS)).optional(),
  /** Has an observable of one of these types. */
  observable: oneOrMany(z.enum(OBSERVABLE_TYPES)).optional(),
  /**
   * Has an observable of every one of these types: what an item asks for must be in the evidence
   * ("Mining binary and hash" needs a hash, not just a process name).
   */
  allObservables: z.array(z.enum(OBSERVABLE_TYPES)).min(1).optional(),
  /** Names at least one entity of one of these kinds. */
  entity: oneOrMany(z.enum(ENTITY_KINDS)).optional(),
  anyTag: z.array(TAG).min(1).optional(),
  allTags: z.array(TAG).min(1).optional(),
  /** A technique of the finding equals one of these or is a sub-technique of one (T1053 matches T1053.003). */
  mitre: z.array(TECHNIQUE).min(1).optional(),
  /** rule.id equals one of these. */
  rule: z.array(z.string().min(1)).min(1).optional(),
  /** Has one of these keys in its facts. */
  hasFact: z.array(z.string().min(1)).min(1).optional(),
  /** A fact's value equals one of `equals` or starts with one of `startsWith` (provider finding types). */
  factValue: z.object({
    key: z.string().min(1),
    equals: z.array(z.union([z.string(), z.number(), z.boolean()])).min(1).optional(),
    startsWith: z.array(z.string().min(1)).min(1).optional(),
  }).strict().refine((v) => v.equals !== undefined || v.startsWith !== undefined, "factValue needs 'equals' or 'startsWith'").optional(),
  sample: z.boolean().optional(),
  minConfidence: z.number().min(0).max(1).optional(),
}).strict();
export type FindingMatch = z.output<typeof FindingMatchSchema>;

export type Condition =
  | { all: Condition[] }
  | { any: Condition[] }
  | { not: Condition }
  | { finding: FindingMatch }
  | { allFindings: FindingMatch }
  | { fact: string; exists: boolean }
  | { fact: string; compare: Comparison }
  | { scope: ScopeKind; compare: Comparison }
  | { environment: Environment[] }
  | { trigger: Trigger[] }
  | { action: string[] };

export const OPERATORS = [
  "all", "any", "not", "finding", "allFindings", "fact", "scope", "environment", "trigger", "action",
] as const;

export interface ConditionIssue { path: (string | number)[]; message: string }

type Path = (string | number)[];

/** Check data against the language and return the typed condition, or the issues found (with paths). */
export function parseCondition(data: unknown, path: Path = []): { condition?: Condition; issues: ConditionIssue[] } {
  const issues: ConditionIssue[] = [];
  const condition = parseAt(data, path, issues);
  return issues.length === 0 && condition ? { condition, issues } : { issues };
}

function parseAt(data: unknown, path: Path, issues: ConditionIssue[]): Condition | undefined {
  if (data === null || typeof data !== "object" || Array.isArray(data)) {
    issues.push({ path, message: `expected a condition object with one operator (${OPERATORS.join(", ")})` });
    return undefined;
  }
  const obj = data as Record<string, unknown>;
  const ops = Object.keys(obj).filter((k) => (OPERATORS as readonly string[]).includes(k));
  if (ops.length !== 1) {
    const unknown = Object.keys(obj).filter((k) => !(OPERATORS as readonly string[]).includes(k));
    const what = ops.length === 0
      ? (unknown.length ? `unknown operator '${unknown[0]}'` : "empty condition")
      : `several operators (${ops.join(", ")}) in one condition; wrap them in {all: [...]} or {any: [...]}`;
    issues.push({ path, message: `${what}: expected exactly one of ${OPERATORS.join(", ")}` });
    return undefined;
  }
  const op = ops[0] as (typeof OPERATORS)[number];
  const arg = obj[op];
  const allowedExtra: readonly string[] = op === "fact" ? [...COMPARATORS, "exists"] : op === "scope" ? COMPARATORS : [];
  for (const k of Object.keys(obj)) {
    if (k !== op && !allowedExtra.includes(k)) {
      issues.push({ path: [...path, k], message: `unexpected key '${k}' in a '${op}' condition` });
    }
  }
  switch (op) {
    case "all":
    case "any": {
      if (!Array.isArray(arg) || arg.length === 0) {
        issues.push({ path: [...path, op], message: `'${op}' expects a non-empty list of conditions` });
        return undefined;
      }
      const items = arg.map((c, i) => parseAt(c, [...path, op, i], issues));
      if (items.some((c) => c === undefined)) return undefined;
      return op === "all" ? { all: items as Condition[] } : { any: items as Condition[] };
    }
    case "not": {
      const inner = parseAt(arg, [...path, "not"], issues);
      return inner ? { not: inner } : undefined;
    }
    case "finding":
    case "allFindings": {
      const r = FindingMatchSchema.safeParse(arg);
      if (!r.success) {
        for (const i of r.error.issues) issues.push({ path: [...path, op, ...i.path.map(pathKey)], message: i.message });
        return undefined;
      }
      if (Object.keys(r.data).length === 0) {
        issues.push({ path: [...path, op], message: "a finding match needs at least one field" });
        return undefined;
      }
      return op === "finding" ? { finding: r.data } : { allFindings: r.data };
    }
    case "fact": {
      if (typeof arg !== "string" || !isFactName(arg)) {
        issues.push({
          path: [...path, "fact"],
          message: `unknown fact ${JSON.stringify(arg)}: expected one of ${INCIDENT_FACTS.join(", ")} or finding.<key>`,
        });
        return undefined;
      }
      if ("exists" in obj) {
        if (typeof obj.exists !== "boolean" || COMPARATORS.some((c) => c in obj)) {
          issues.push({ path: [...path, "exists"], message: "'exists' must be true or false and stand alone (no comparator)" });
          return undefined;
        }
        return { fact: arg, exists: obj.exists };
      }
      const compare = parseComparison(obj, path, issues);
      return compare ? { fact: arg, compare } : undefined;
    }
    case "scope": {
      if (typeof arg !== "string" || !(SCOPE_KINDS as readonly string[]).includes(arg)) {
        issues.push({ path: [...path, "scope"], message: `unknown scope ${JSON.stringify(arg)}: expected one of ${SCOPE_KINDS.join(", ")}` });
        return undefined;
      }
      const compare = parseComparison(obj, path, issues);
      return compare ? { scope: arg as ScopeKind, compare } : undefined;
    }
    case "environment":
      return listOf(arg, ENVIRONMENTS, [...path, op], issues, (v) => ({ environment: v as Environment[] }));
    case "trigger":
      return listOf(arg, TRIGGERS, [...path, op], issues, (v) => ({ trigger: v as Trigger[] }));
    case "action": {
      const r = oneOrMany(ACTION_NAME).safeParse(arg);
      if (!r.success) {
        issues.push({ path: [...path, op], message: `expected a response action name or a list of them (${r.error.issues[0]?.message ?? ""})` });
        return undefined;
      }
      return { action: r.data };
    }
  }
}

function pathKey(k: PropertyKey): string | number {
  return typeof k === "number" ? k : String(k);
}

function isFactName(name: string): boolean {
  return (INCIDENT_FACTS as readonly string[]).includes(name) || /^finding\.[A-Za-z0-9_.-]+$/.test(name);
}

function parseComparison(obj: Record<string, unknown>, path: Path, issues: ConditionIssue[]): Comparison | undefined {
  const present = COMPARATORS.filter((c) => c in obj);
  if (present.length !== 1) {
    issues.push({ path, message: `expected exactly one comparator (${COMPARATORS.join(", ")}), found ${present.length}` });
    return undefined;
  }
  const op = present[0] as Comparator;
  const raw = obj[op];
  if (typeof raw === "number" && Number.isFinite(raw)) return { op, value: raw };
  if (raw !== null && typeof raw === "object" && !Array.isArray(raw)) {
    const ref = raw as Record<string, unknown>;
    const keys = Object.keys(ref);
    if (keys.length === 1 && typeof ref.config === "string" && CONFIG_REFS.includes(ref.config)) {
      return { op, value: { config: ref.config } };
    }
  }
  issues.push({
    path: [...path, op],
    message: `expected a number or {config: NAME} with NAME one of ${CONFIG_REFS.join(", ")}`,
  });
  return undefined;
}

function listOf<T extends string>(
  arg: unknown, allowed: readonly T[], path: Path, issues: ConditionIssue[], make: (v: T[]) => Condition,
): Condition | undefined {
  const values = Array.isArray(arg) ? arg : [arg];
  const bad = values.filter((v) => typeof v !== "string" || !(allowed as readonly string[]).includes(v));
  if (values.length === 0 || bad.length > 0) {
    issues.push({ path, message: `expected one of ${allowed.join(", ")} or a list of them, got ${JSON.stringify(arg)}` });
    return undefined;
  }
  return make(values as T[]);
}

/** A zod schema for a condition, so the playbook schema can embed the language with paths intact. */
export const ConditionSchema = z.unknown().transform((value, ctx): Condition => {
  const { condition, issues } = parseCondition(value);
  for (const i of issues) ctx.addIssue({ code: "custom", message: i.message, path: i.path });
  return condition ?? (z.NEVER as never);
});
