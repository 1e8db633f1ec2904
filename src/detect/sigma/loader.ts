/**
 * loadRules: files and folders → compiled rules, refused rules and warnings. A broken rule never
 * stops the load: it is refused with its file, line, id, title and a reason a person can act on
 * (Chainsaw users' main complaint was rules that silently did not load).
 *
 * After every document is compiled, correlations are linked to the rules they name (by id or
 * name), and filters are applied to theirs.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { compileDetectionRule } from "./compile-rule.js";
import { compileCorrelationRule } from "./correlation.js";
import { applyFilter, compileFilter, logsourceCovers, type CompiledFilter } from "./filters.js";
import type { SigmaTables } from "./tables.js";
import { defaultTablesFast } from "./tables-fast.js";
import {
  SigmaRuleError, type CompiledCorrelationRule, type CompiledDetectionRule, type CompiledRule, type LoadResult,
  type RuleError, type RuleWarning,
} from "./types.js";
import { MAX_RULE_FILE_BYTES, parseYamlDocs, type YamlDoc } from "./yaml-docs.js";

export interface LoadOptions {
  /** Values for `%placeholder%` names used with the `expand` modifier. */
  placeholders?: Readonly<Record<string, readonly string[]>>;
  /** Routing and field tables; the shipped ones by default. */
  tables?: SigmaTables;
}

const RULE_EXTENSIONS = [".yml", ".yaml"];

/**
 * Rule files under a path, sorted. Reads are synchronous on purpose: thousands of small files load
 * faster that way than through thousands of awaited promises.
 */
function collectFiles(path: string, out: string[], refused: RuleError[]): void {
  let st;
  try {
    st = statSync(path);
  } catch {
    refused.push({ file: path, line: 0, message: "no such file or directory" });
    return;
  }
  if (st.isFile()) { out.push(path); return; }
  if (!st.isDirectory()) return;
  const entries = readdirSync(path, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const entry of entries) {
    if (entry.name.startsWith(".") || entry.name === "node_modules") continue;
    const child = join(path, entry.name);
    if (entry.isDirectory()) collectFiles(child, out, refused);
    else if (entry.isFile() && RULE_EXTENSIONS.some((e) => entry.name.endsWith(e))) out.push(child);
  }
}

function docContext(doc: YamlDoc): { ruleId?: string; title?: string } {
  const v = doc.value as Record<string, unknown>;
  const ctx: { ruleId?: string; title?: string } = {};
  if (typeof v.id === "string") ctx.ruleId = v.id;
  if (typeof v.title === "string") ctx.title = v.title;
  return ctx;
}

interface Parsed {
  file: string;
  doc: YamlDoc;
}

/** A rule file's text, as read from disk or handed over by a caller. */
export interface RuleSource {
  file: string;
  text: string;
}

export async function loadRules(paths: string[], options: LoadOptions = {}): Promise<LoadResult> {
  const t0 = performance.now();
  const refused: RuleError[] = [];
  const files: string[] = [];
  for (const p of paths) collectFiles(p, files, refused);
  const sources: RuleSource[] = [];
  for (const file of files) {
    try {
      const bytes = readFileSync(file);
      if (bytes.length > MAX_RULE_FILE_BYTES) {
        refused.push({ file, line: 0, message: `file is larger than ${MAX_RULE_FILE_BYTES} bytes; not a rule file` });
        continue;
      }
      sources.push({ file, text: bytes.toString("utf8") });
    } catch (e) {
      refused.push({ file, line: 0, message: `cannot read: ${(e as Error).message}` });
    }
  }
  const readMs = performance.now() - t0;
  const result = compileRuleSources(sources, { ...options, tables: options.tables ?? await defaultTablesFast() });
  result.refused.unshift(...refused);
  result.stats.files = files.length;
  result.stats.refused = result.refused.length;
  result.stats.parseMs += readMs;
  return result;
}

/**
 * Compile rule texts already in memory (tests, rules handed over by an API). The tables are given: the
 * shipped ones are defaultTables() (tables.ts), which this module does not import so that loadRules can
 * take them from the build snapshot without zod (tables-fast.ts).
 */
export function compileRuleSources(sources: readonly RuleSource[], options: LoadOptions & { tables: SigmaTables }): LoadResult {
  const tables = options.tables;
  const placeholders = options.placeholders ?? {};
  const refused: RuleError[] = [];
  const warnings: RuleWarning[] = [];
  const t0 = performance.now();

  const parsed: Parsed[] = [];
  let documents = 0;
  for (const { file, text } of sources) {
    const { docs, problems } = parseYamlDocs(text);
    documents += docs.length + problems.length;
    for (const p of problems) refused.push({ file, line: p.line, message: p.message });
    for (const doc of docs) parsed.push({ file, doc });
  }
  const t1 = performance.now();

  const detections: CompiledDetectionRule[] = [];
  let correlations: CompiledCorrelationRule[] = [];
  const filters: CompiledFilter[] = [];
  let detectionDocs = 0;
  let correlationDocs = 0;
  let filterDocs = 0;

  for (const { file, doc } of parsed) {
    const ctx = docContext(doc);
    const warn = (code: string, message: string, path: readonly (string | number)[]) => {
      warnings.push({ file, line: doc.lineOf(path), ...ctx, code, message });
    };
    const v = doc.value;
    try {
      if (v === null || typeof v !== "object" || Array.isArray(v)) throw new SigmaRuleError("a Sigma document must be a map");
      const rec = v as Record<string, unknown>;
      if ("action" in rec) throw new SigmaRuleError("Sigma 1 multi-document 'action' (global/reset/repeat) is not part of Sigma 2; write complete rules", ["action"]);
      if ("correlation" in rec) {
        correlationDocs++;
        correlations.push(compileCorrelationRule(doc, file, warn));
      } else if ("filter" in rec) {
        filterDocs++;
        filters.push(compileFilter(doc, file, tables, placeholders, warn));
      } else {
        detectionDocs++;
        if (!("detection" in rec)) throw new SigmaRuleError("a rule needs 'detection' (or 'correlation' / 'filter' for meta-rules)");
        detections.push(compileDetectionRule(doc, file, { tables, placeholders, warn }));
      }
    } catch (e) {
      const message = e instanceof SigmaRuleError ? e.message : `internal error while compiling: ${(e as Error).message ?? String(e)}`;
      const line = e instanceof SigmaRuleError ? doc.lineOf(e.path) : doc.line;
      refused.push({ file, line, ...ctx, message });
    }
  }

  // Keys must be unique: a repeated id is a warning, and the later rule gets a file-based key.
  const byKey = new Map<string, CompiledRule>();
  for (const r of [...detections, ...correlations]) {
    if (byKey.has(r.key)) {
      warnings.push({ file: r.meta.file, line: r.meta.line, ruleId: r.meta.id, title: r.meta.title, code: "duplicate-id", message: `id '${r.key}' is used by another rule too (${byKey.get(r.key)!.meta.file})` });
      r.key = `${r.key}@${r.meta.file}#${r.meta.docIndex}`;
    }
    byKey.set(r.key, r);
  }

  correlations = linkCorrelations(detections, correlations, refused);
  applyFilters(detections, filters, warnings);
  const t2 = performance.now();

  const rules: CompiledRule[] = [...detections, ...correlations];
  return {
    rules,
    refused,
    warnings,
    stats: {
      files: sources.length,
      documents,
      detectionRules: detectionDocs,
      correlationRules: correlationDocs,
      filterRules: filterDocs,
      compiled: rules.length,
      refused: refused.length,
      warnings: warnings.length,
      notRouted: detections.filter((r) => !r.route).length,
      parseMs: t1 - t0,
      compileMs: t2 - t1,
    },
  };
}

/**
 * Resolve correlation references (id or name), refuse correlations whose references are missing
 * or circular, and silence referenced rules unless some correlation asks for `generate: true`.
 */
function linkCorrelations(detections: CompiledDetectionRule[], correlations: CompiledCorrelationRule[], refused: RuleError[]): CompiledCorrelationRule[] {
  let live = correlations;
  for (;;) {
    const lookup = new Map<string, CompiledRule>();
    for (const r of [...detections, ...live]) {
      if (r.meta.name !== undefined && !lookup.has(r.meta.name)) lookup.set(r.meta.name, r);
      if (r.meta.id !== undefined && !lookup.has(r.meta.id)) lookup.set(r.meta.id, r);
      if (!lookup.has(r.key)) lookup.set(r.key, r);
    }
    const bad = new Map<CompiledCorrelationRule, string>();
    for (const c of live) {
      const sources: string[] = [];
      for (const ref of c.spec.rules) {
        const target = lookup.get(ref);
        if (!target) { bad.set(c, `correlation references rule '${ref}', which is not loaded (or was refused)`); break; }
        if (target === c) { bad.set(c, "correlation references itself"); break; }
        sources.push(target.key);
      }
      c.sources = sources;
    }
    // Cycles: a correlation that reaches itself through other correlations.
    const byKey = new Map(live.map((c) => [c.key, c] as const));
    for (const c of live) {
      if (bad.has(c)) continue;
      const seen = new Set<string>();
      const stack = [...c.sources];
      while (stack.length) {
        const k = stack.pop()!;
        if (k === c.key) { bad.set(c, "correlation chain loops back to itself"); break; }
        if (seen.has(k)) continue;
        seen.add(k);
        const next = byKey.get(k);
        if (next) stack.push(...next.sources);
      }
    }
    if (bad.size === 0) break;
    for (const [c, message] of bad) refused.push({ file: c.meta.file, line: c.meta.line, ruleId: c.meta.id, title: c.meta.title, message });
    live = live.filter((c) => !bad.has(c));
  }

  const all = new Map<string, CompiledRule>();
  for (const r of [...detections, ...live]) all.set(r.key, r);
  const generate = new Map<string, boolean>();
  for (const c of live) {
    for (const k of c.sources) generate.set(k, (generate.get(k) ?? false) || c.spec.generate);
  }
  for (const [k, gen] of generate) {
    const r = all.get(k);
    if (r) r.emits = gen;
  }
  return live;
}

function applyFilters(detections: CompiledDetectionRule[], filters: CompiledFilter[], warnings: RuleWarning[]): void {
  for (const f of filters) {
    const warn = (message: string) => warnings.push({ file: f.meta.file, line: f.meta.line, ruleId: f.meta.id, title: f.meta.title, code: "filter-target", message });
    if (f.targets === "any") {
      let n = 0;
      for (const r of detections) if (logsourceCovers(f.meta.logsource, r.meta.logsource)) { applyFilter(r, f); n++; }
      if (n === 0) warn("filter with 'rules: any' matches no loaded rule's logsource");
      continue;
    }
    for (const ref of f.targets) {
      const r = detections.find((d) => d.meta.id === ref || d.meta.name === ref);
      if (!r) { warn(`filter names rule '${ref}', which is not loaded`); continue; }
      if (!logsourceCovers(f.meta.logsource, r.meta.logsource)) warn(`filter logsource differs from the logsource of rule '${ref}'; applied anyway`);
      applyFilter(r, f);
    }
  }
}
