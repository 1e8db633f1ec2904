/**
 * The interpreter of the condition language (condition.ts). A condition gives a truth value and the
 * ids of the findings that made it true, so a ticked checklist item carries its proof.
 */
import type { DetectConfig } from "../detect/config.js";
import type { CampaignScope, Environment, Finding, Scope, Trigger } from "../model/index.js";
import type { Comparand, Comparison, Condition, FindingMatch, ScopeKind } from "./condition.js";

export interface EvalContext {
  findings: readonly Finding[];
  scope: Scope;
  /** The scope of the incident's campaign, when it is in one. */
  campaign?: CampaignScope;
  environment: Environment;
  triggers: readonly Trigger[];
  /** Incident facts: billingUsd, confidence, findingCount (undefined when unknown). */
  facts: Readonly<Record<string, number | undefined>>;
  actionsDone: ReadonlySet<string>;
  config: DetectConfig;
}

export interface EvalResult {
  value: boolean;
  /** Findings that support a true value (empty for false, and for "not"). */
  findings: string[];
}

const FALSE: EvalResult = { value: false, findings: [] };

export function evaluate(c: Condition, ctx: EvalContext): EvalResult {
  if ("all" in c) {
    const parts = c.all.map((x) => evaluate(x, ctx));
    return parts.every((p) => p.value) ? { value: true, findings: union(parts) } : FALSE;
  }
  if ("any" in c) {
    const parts = c.any.map((x) => evaluate(x, ctx)).filter((p) => p.value);
    return parts.length > 0 ? { value: true, findings: union(parts) } : FALSE;
  }
  if ("not" in c) return { value: !evaluate(c.not, ctx).value, findings: [] };
  if ("finding" in c) {
    const ids = ctx.findings.filter((f) => matchesFinding(f, c.finding)).map((f) => f.id);
    return ids.length > 0 ? { value: true, findings: ids } : FALSE;
  }
  if ("allFindings" in c) {
    const all = ctx.findings.length > 0 && ctx.findings.every((f) => matchesFinding(f, c.allFindings));
    return all ? { value: true, findings: ctx.findings.map((f) => f.id) } : FALSE;
  }
  if ("fact" in c) return evaluateFact(c, ctx);
  if ("scope" in c) {
    const ok = compare(scopeValue(ctx, c.scope), c.compare, ctx.config);
    return ok ? { value: true, findings: findingsNaming(ctx.findings, c.scope) } : FALSE;
  }
  if ("environment" in c) return { value: c.environment.includes(ctx.environment), findings: [] };
  if ("trigger" in c) {
    const ok = c.trigger.some((t) => ctx.triggers.includes(t));
    return ok ? { value: true, findings: ctx.findings.filter((f) => c.trigger.includes(f.trigger)).map((f) => f.id) } : FALSE;
  }
  return { value: c.action.some((a) => ctx.actionsDone.has(a)), findings: [] };
}

function evaluateFact(c: Extract<Condition, { fact: string }>, ctx: EvalContext): EvalResult {
  if (c.fact.startsWith("finding.")) {
    const key = c.fact.slice("finding.".length);
    const ids = ctx.findings.filter((f) => {
      const raw = f.facts?.[key];
      if (raw === undefined) return false;
      if ("exists" in c) return true;
      const n = typeof raw === "number" ? raw : typeof raw === "string" ? Number(raw) : Number.NaN;
      return Number.isFinite(n) && compare(n, c.compare, ctx.config);
    }).map((f) => f.id);
    if ("exists" in c) return c.exists === ids.length > 0 ? { value: true, findings: c.exists ? ids : [] } : FALSE;
    return ids.length > 0 ? { value: true, findings: ids } : FALSE;
  }
  const v = ctx.facts[c.fact];
  const ok = "exists" in c ? (v !== undefined) === c.exists : v !== undefined && compare(v, c.compare, ctx.config);
  if (!ok) return FALSE;
  return { value: true, findings: c.fact === "billingUsd" ? billingFindings(ctx.findings) : [] };
}

/** Whether one finding matches every field of the match. */
export function matchesFinding(f: Finding, m: FindingMatch): boolean {
  if (m.trigger && !m.trigger.includes(f.trigger)) return false;
  if (m.observable && !f.observables.some((o) => m.observable?.includes(o.type))) return false;
  if (m.allObservables && !m.allObservables.every((type) => f.observables.some((o) => o.type === type && o.value.trim() !== ""))) return false;
  if (m.entity && !m.entity.some((k) => (f.entities[k]?.length ?? 0) > 0)) return false;
  const tags = f.tags ?? [];
  if (m.anyTag && !m.anyTag.some((t) => tags.includes(t))) return false;
  if (m.allTags && !m.allTags.every((t) => tags.includes(t))) return false;
  if (m.mitre && !f.mitre.some((t) => m.mitre?.some((want) => t === want || t.startsWith(`${want}.`)))) return false;
  if (m.rule && !m.rule.includes(f.rule.id)) return false;
  if (m.hasFact && !m.hasFact.some((k) => f.facts?.[k] !== undefined)) return false;
  if (m.factValue && !factValueMatches(f.facts?.[m.factValue.key], m.factValue)) return false;
  if (m.sample !== undefined && (f.sample === true) !== m.sample) return false;
  if (m.minConfidence !== undefined && f.confidence < m.minConfidence) return false;
  return true;
}

function factValueMatches(v: string | number | boolean | undefined, want: NonNullable<FindingMatch["factValue"]>): boolean {
  if (v === undefined) return false;
  if (want.equals?.includes(v)) return true;
  return typeof v === "string" && (want.startsWith?.some((p) => v.startsWith(p)) ?? false);
}

export function compare(actual: number, cmp: Comparison, config: DetectConfig): boolean {
  const want = resolveComparand(cmp.value, config);
  switch (cmp.op) {
    case "gt": return actual > want;
    case "gte": return actual >= want;
    case "lt": return actual < want;
    case "lte": return actual <= want;
    case "eq": return actual === want;
  }
}

/** A number, or a numeric DetectConfig setting by dotted path (checked on load, so it exists). */
export function resolveComparand(v: Comparand, config: DetectConfig): number {
  if (typeof v === "number") return v;
  let cur: unknown = config;
  for (const part of v.config.split(".")) {
    cur = cur !== null && typeof cur === "object" ? (cur as Record<string, unknown>)[part] : undefined;
  }
  if (typeof cur !== "number") throw new Error(`config setting ${v.config} is not a number`);
  return cur;
}

const SCOPE_ENTITY: Record<ScopeKind, "hosts" | "instances" | "regions" | "accounts" | "clusters"> = {
  hosts: "hosts", instances: "instances", regions: "regions", accounts: "accounts", clusters: "clusters",
  campaignMachines: "hosts", campaignIncidents: "hosts",
};

function scopeValue(ctx: EvalContext, kind: ScopeKind): number {
  if (kind === "campaignMachines") return ctx.campaign?.machines ?? 0;
  if (kind === "campaignIncidents") return ctx.campaign?.incidents ?? 0;
  return ctx.scope[kind];
}

function findingsNaming(findings: readonly Finding[], kind: ScopeKind): string[] {
  const entity = SCOPE_ENTITY[kind];
  return findings.filter((f) => (f.entities[entity]?.length ?? 0) > 0).map((f) => f.id);
}

function billingFindings(findings: readonly Finding[]): string[] {
  return findings.filter((f) => f.trigger === "billing" || f.facts?.["billing.usd"] !== undefined).map((f) => f.id);
}

function union(parts: readonly EvalResult[]): string[] {
  const seen = new Set<string>();
  for (const p of parts) for (const id of p.findings) seen.add(id);
  return [...seen];
}
