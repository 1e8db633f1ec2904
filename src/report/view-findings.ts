/**
 * The evidence, told briefly: the timeline as one row per kind of finding, the evidence as distinct
 * facts with counts, the attacker's indicators; then an appendix with the full lists, each capped so
 * that a capture with thousands of pool addresses still makes a report of a few pages (the JSON
 * exports carry everything).
 */
import type { Finding } from "../model/index.js";
import { formatTime, t } from "../i18n/index.js";
import type { Lang } from "../i18n/index.js";
import { findingTitle, kindName, subjectOf } from "./finding-kinds.js";
import { collectIocs } from "./iocs.js";
import type { Ioc } from "./iocs.js";
import type { Block, Section } from "./view-model.js";
import { percent } from "./view-model.js";

/** Body caps: what fits the report's main part. */
export const MAX_TIMELINE_ROWS = 20;
export const MAX_FACT_ROWS = 15;
export const MAX_IOC_ROWS = 20;
/**
 * Appendix caps: about four A4 pages at the appendix's smaller type, so that with the body (about
 * seven pages on a big incident) no report runs past twelve (checked by pdf.test.ts with pdftoppm).
 */
export const APPENDIX_FINDINGS = 25;
export const APPENDIX_EVIDENCE = 25;
export const APPENDIX_IOCS = 30;
export const APPENDIX_CONTEXT = 12;
const MAX_EXAMPLES = 3;

interface KindRow { first: string; last: string; kind: string; count: number; severity: Finding["severity"]; about: string[] }

/** One row per kind of finding, in order of first sight; findings without a readable time sort last. */
export function timelineSection(sorted: readonly Finding[], lang: Lang): Section {
  const title = t(lang, "section.timeline");
  if (sorted.length === 0) return { id: "timeline", title, blocks: [{ kind: "paragraph", text: t(lang, "timeline.empty"), tone: "muted" }] };
  const rows = new Map<string, KindRow>();
  for (const f of sorted) {
    const key = f.rule.id;
    const about = subjectOf(f);
    const row = rows.get(key);
    if (!row) {
      rows.set(key, { first: f.firstSeen, last: f.lastSeen, kind: kindName(f, lang), count: 1, severity: f.severity, about: about ? [about] : [] });
      continue;
    }
    row.count++;
    if (later(f.lastSeen, row.last)) row.last = f.lastSeen;
    if (about && row.about.length < MAX_EXAMPLES && !row.about.includes(about)) row.about.push(about);
  }
  const all = [...rows.values()];
  const shown = all.slice(0, MAX_TIMELINE_ROWS);
  const time = (iso: string) => (Number.isNaN(Date.parse(iso)) ? t(lang, "rpt.noTime") : formatTime(iso));
  return {
    id: "timeline",
    title,
    blocks: [
      { kind: "paragraph", text: t(lang, "rpt.timeline.note"), tone: "muted" },
      {
        kind: "table",
        headers: [t(lang, "rpt.timeline.first"), t(lang, "rpt.timeline.last"), t(lang, "rpt.timeline.kind"), t(lang, "timeline.severity"),
          t(lang, "rpt.timeline.count"), t(lang, "rpt.timeline.examples")],
        rows: shown.map((r) => [time(r.first), time(r.last), r.kind, t(lang, `severity.${r.severity}`), String(r.count),
          r.about.join("; ") + (r.count > r.about.length && r.about.length > 0 ? " …" : "")]),
      },
      ...truncated(shown.length, all.length, lang),
    ],
  };
}

function later(a: string, b: string): boolean {
  const ta = Date.parse(a);
  const tb = Date.parse(b);
  return !Number.isNaN(ta) && (Number.isNaN(tb) || ta > tb);
}

/** Evidence as distinct facts (the same summary line counted once, with how many records say it). */
export function evidenceSection(sorted: readonly Finding[], lang: Lang): Section {
  const title = t(lang, "section.evidence");
  const facts = new Map<string, { fact: string; count: number; files: Set<string> }>();
  const files = new Set<string>();
  let records = 0;
  for (const f of sorted) {
    records += Math.max(f.evidenceCount, f.evidence.length);
    for (const e of f.evidence) files.add(e.file);
    // Records the finding only counted (evidenceCount) are not seen one by one: they count towards the finding's own fact.
    const extra = Math.max(0, f.evidenceCount - f.evidence.length);
    const add = (fact: string, n: number, file?: string) => {
      const hit = facts.get(fact) ?? { fact, count: 0, files: new Set<string>() };
      hit.count += n;
      if (file) hit.files.add(file);
      facts.set(fact, hit);
    };
    for (const e of f.evidence) add(e.summary?.trim() || findingTitle(f, lang), 1, e.file);
    if (extra > 0) add(findingTitle(f, lang), extra);
  }
  if (facts.size === 0) return { id: "evidence", title, blocks: [{ kind: "paragraph", text: t(lang, "evidence.empty"), tone: "muted" }] };
  const all = [...facts.values()].sort((a, b) => b.count - a.count || a.fact.localeCompare(b.fact));
  const shown = all.slice(0, MAX_FACT_ROWS);
  return {
    id: "evidence",
    title,
    blocks: [
      { kind: "paragraph", text: t(lang, "rpt.evidence.note", { facts: all.length, records, files: files.size }), tone: "muted" },
      {
        kind: "table",
        headers: [t(lang, "rpt.evidence.fact"), t(lang, "rpt.evidence.count"), t(lang, "rpt.evidence.files")],
        rows: shown.map((r) => [r.fact, String(r.count), filesText([...r.files], lang)]),
        code: [2],
      },
      ...truncated(shown.length, all.length, lang),
    ],
  };
}

function filesText(files: readonly string[], lang: Lang): string {
  const shown = files.slice(0, 2).join(", ");
  return files.length > 2 ? `${shown} (${t(lang, "rpt.more", { count: files.length - 2 })})` : shown;
}

/** The attacker's indicators only; context (the victim's processes, paths, users) goes to the appendix. */
export function iocSection(findings: readonly Finding[], lang: Lang): Section {
  const indicators = collectIocs(findings).iocs.filter((i) => i.role === "indicator");
  const title = t(lang, "section.iocs");
  if (indicators.length === 0) return { id: "iocs", title, blocks: [{ kind: "paragraph", text: t(lang, "ioc.none"), tone: "muted" }] };
  const shown = indicators.slice(0, MAX_IOC_ROWS);
  const blocks: Block[] = [
    { kind: "paragraph", text: t(lang, "rpt.ioc.onlyAttacker"), tone: "muted" },
    iocTable(shown, lang),
  ];
  if (shown.length < indicators.length) blocks.push({ kind: "paragraph", text: t(lang, "rpt.ioc.note", { shown: shown.length, total: indicators.length }), tone: "muted" });
  return { id: "iocs", title, blocks };
}

function iocTable(list: readonly Ioc[], lang: Lang, caption?: string): Block {
  return {
    kind: "table",
    ...(caption ? { caption } : {}),
    headers: [t(lang, "ioc.type"), t(lang, "ioc.value"), t(lang, "ioc.findings")],
    rows: list.map((i) => [t(lang, `ioc.type.${i.type}`), i.value, String(i.findings.length)]),
    code: [1],
  };
}

/** The full lists, capped: findings, evidence records, indicators, context. */
export function appendixSection(sorted: readonly Finding[], lang: Lang): Section {
  const blocks: Block[] = [];
  if (sorted.length) {
    const shown = sorted.slice(0, APPENDIX_FINDINGS);
    blocks.push({
      kind: "table",
      caption: t(lang, "rpt.appendix.findings"),
      headers: [t(lang, "timeline.time"), t(lang, "timeline.finding"), t(lang, "timeline.confidence"), t(lang, "timeline.rule")],
      rows: shown.map((f) => [
        Number.isNaN(Date.parse(f.firstSeen)) ? t(lang, "rpt.noTime") : formatTime(f.firstSeen),
        f.sample ? `${findingTitle(f, lang)} (${t(lang, "timeline.sample")})` : findingTitle(f, lang),
        percent(f.confidence), f.rule.id,
      ]),
      code: [3],
    }, ...cap(shown.length, sorted.length, lang));
  }
  const records: string[][] = [];
  let total = 0;
  for (const f of sorted) {
    total += f.evidence.length;
    for (const e of f.evidence) if (records.length < APPENDIX_EVIDENCE) records.push([location(e), e.summary ?? ""]);
  }
  if (records.length) {
    blocks.push({
      kind: "table", caption: t(lang, "rpt.appendix.evidence"),
      headers: [t(lang, "evidence.location"), t(lang, "evidence.summary")], rows: records, code: [0],
    }, ...cap(records.length, total, lang));
  }
  const { iocs } = collectIocs(sorted);
  const indicators = iocs.filter((i) => i.role === "indicator");
  const context = iocs.filter((i) => i.role === "context");
  if (indicators.length > MAX_IOC_ROWS) {
    const shown = indicators.slice(0, APPENDIX_IOCS);
    blocks.push(iocTable(shown, lang, t(lang, "rpt.appendix.iocs")), ...cap(shown.length, indicators.length, lang));
  }
  if (context.length) {
    const shown = context.slice(0, APPENDIX_CONTEXT);
    blocks.push(iocTable(shown, lang, t(lang, "rpt.appendix.context")), ...cap(shown.length, context.length, lang));
  }
  if (blocks.length === 0) blocks.push({ kind: "paragraph", text: t(lang, "common.none"), tone: "muted" });
  return { id: "appendix", title: t(lang, "rpt.section.appendix"), blocks, appendix: true };
}

function truncated(shown: number, total: number, lang: Lang): Block[] {
  return shown < total ? [{ kind: "paragraph", text: t(lang, "report.truncated", { shown, total }), tone: "muted" }] : [];
}

function cap(shown: number, total: number, lang: Lang): Block[] {
  return shown < total ? [{ kind: "paragraph", text: t(lang, "rpt.appendix.cap", { shown, total }), tone: "muted" }] : [];
}

/** file:line for text, file@offset for binary, file#packet for captures. */
export function location(e: Finding["evidence"][number]): string {
  if (e.line !== undefined) return `${e.file}:${e.line}`;
  if (e.packet !== undefined) return `${e.file}#${e.packet}`;
  if (e.offset !== undefined) return `${e.file}@${e.offset}`;
  return e.file;
}
