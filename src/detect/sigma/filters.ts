/**
 * Filter meta-rules (Sigma 2.x `filter:` documents): local tuning applied to other rules as
 * "rule AND NOT filter". `rules` lists ids or names; pySigma's `rules: any` applies the filter to
 * every rule whose logsource matches the filter's.
 */
import { compileDetection } from "./detection.js";
import { usesRegex } from "./regex.js";
import { fieldResolver } from "./field-map.js";
import { parseMeta } from "./rule-meta.js";
import type { SigmaTables } from "./tables.js";
import { SigmaRuleError, type CompiledDetectionRule, type Logsource, type Predicate, type RuleMeta } from "./types.js";
import type { YamlDoc } from "./yaml-docs.js";

type Warn = (code: string, message: string, path: readonly (string | number)[]) => void;

export interface CompiledFilter {
  meta: RuleMeta;
  targets: string[] | "any";
  match: Predicate;
  usesRegex: boolean;
}

export function compileFilter(doc: YamlDoc, file: string, tables: SigmaTables, placeholders: Readonly<Record<string, readonly string[]>>, warn: Warn): CompiledFilter {
  const value = doc.value as Record<string, unknown>;
  const meta = parseMeta(value, file, doc.line, doc.index, warn, true);
  const block = value.filter;
  if (block === null || typeof block !== "object" || Array.isArray(block)) throw new SigmaRuleError("'filter' must be a map with rules, selections and a condition", ["filter"]);
  const rules = (block as Record<string, unknown>).rules;
  let targets: string[] | "any";
  if (rules === "any") targets = "any";
  else if (typeof rules === "string") targets = [rules];
  else if (Array.isArray(rules) && rules.length > 0 && rules.every((r) => typeof r === "string")) targets = rules as string[];
  else throw new SigmaRuleError("filter 'rules' must list rule ids or names (or be 'any')", ["filter", "rules"]);
  const resolve = fieldResolver(tables.fields, meta.logsource);
  const compiled = compileDetection(block, { resolve, placeholders, warn }, ["filter"], ["rules"]);
  return { meta, targets, match: compiled.match, usesRegex: usesRegex(block) };
}

export function logsourceCovers(filter: Logsource, rule: Logsource): boolean {
  return (filter.product === undefined || filter.product === rule.product)
    && (filter.category === undefined || filter.category === rule.category)
    && (filter.service === undefined || filter.service === rule.service);
}

/** Wrap a rule's predicate so that events the filter matches are dropped. */
export function applyFilter(rule: CompiledDetectionRule, filter: CompiledFilter): void {
  const inner = rule.match;
  const drop = filter.match;
  rule.match = (view) => inner(view) && !drop(view);
  rule.filters.push(filter.meta.title);
  if (filter.usesRegex) rule.usesRegex = true;
}
