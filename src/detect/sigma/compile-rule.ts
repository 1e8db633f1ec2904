/**
 * One Sigma detection rule document → CompiledDetectionRule. Filters and correlation links are
 * added later by the loader, once every document of the collection is known.
 */
import { compileDetection } from "./detection.js";
import { usesRegex } from "./regex.js";
import { fieldResolver } from "./field-map.js";
import { resolveRoute, routeCarries } from "./routing.js";
import { parseMeta, parseTests } from "./rule-meta.js";
import type { SigmaTables } from "./tables.js";
import type { CompiledDetectionRule, Logsource } from "./types.js";
import type { YamlDoc } from "./yaml-docs.js";

export interface CompileEnv {
  tables: SigmaTables;
  placeholders: Readonly<Record<string, readonly string[]>>;
  warn(code: string, message: string, path: readonly (string | number)[]): void;
}

function describeLogsource(ls: Logsource): string {
  const parts = (["product", "category", "service"] as const).filter((k) => ls[k] !== undefined).map((k) => `${k} ${ls[k]}`);
  return parts.length ? `(${parts.join(", ")})` : "(empty)";
}

export function compileDetectionRule(doc: YamlDoc, file: string, env: CompileEnv): CompiledDetectionRule {
  const value = doc.value as Record<string, unknown>;
  const meta = parseMeta(value, file, doc.line, doc.index, env.warn, true);
  const resolve = fieldResolver(env.tables.fields, meta.logsource);
  const detection = compileDetection(value.detection, { resolve, placeholders: env.placeholders, warn: env.warn }, ["detection"]);
  const rule: CompiledDetectionRule = {
    kind: "detection",
    key: meta.id ?? meta.name ?? `${file}#${doc.index}`,
    meta,
    match: detection.match,
    witness: detection.witness,
    fields: detection.fields,
    resolveField: resolve,
    tests: parseTests(value.tests, doc.lineOf),
    emits: true,
    filters: [],
  };
  if (usesRegex(value.detection)) rule.usesRegex = true;
  const route = resolveRoute(env.tables.routes, meta.logsource);
  if (!route) {
    rule.notRouted = `logsource ${describeLogsource(meta.logsource)} has no entry in the routing table`;
    return rule;
  }
  const missing = detection.negatedFields.filter((ref) => !ref.keys.some((k) => routeCarries(route, k)));
  if (missing.length > 0) {
    const names = [...new Set(missing.map((r) => r.keys.join("|")))].join(", ");
    rule.notRouted = `it negates ${names}, which ${route.label} events never carry (the negation would hold for every event)`;
    env.warn("field-unavailable", `not routed: ${rule.notRouted}`, ["detection"]);
    return rule;
  }
  rule.route = route;
  return rule;
}
