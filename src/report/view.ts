/**
 * The report as plain content: sections of paragraphs, lists, tables, a diagram and code, every
 * string already in the chosen language and none of it escaped. The Markdown and HTML renderers
 * only lay it out and escape it, so both show the same report.
 */
import type { Campaign, Finding, Incident } from "../model/index.js";
import { formatTime, formatUsd, pick, t } from "../i18n/index.js";
import type { Lang, MessageKey } from "../i18n/index.js";
import { decisionGraph, toMermaid } from "../playbook/index.js";
import type { ActionItem, ChecklistPhase, Playbook } from "../playbook/index.js";
import { collectIocs } from "./iocs.js";
import { TECHNIQUES } from "./mitre.js";
import type { ActionRecord } from "./types.js";

export type Block =
  | { kind: "paragraph"; text: string; tone?: "warning" | "muted" }
  | { kind: "list"; items: string[] }
  | { kind: "keyValue"; rows: [string, string][] }
  /** `code`: indexes of columns whose values are shown as code (paths, IOCs). */
  | { kind: "table"; caption?: string; headers: string[]; rows: string[][]; code?: number[] }
  | { kind: "diagram"; mermaid: string; caption: string; fallback: string }
  | { kind: "code"; caption: string; text: string };

export interface Section { id: string; title: string; blocks: Block[] }

export interface ReportView {
  lang: Lang;
  title: string;
  subtitle: string;
  sections: Section[];
}

export interface ViewOptions {
  lang: Lang;
  playbook: Playbook;
  now?: Date;
  actions?: readonly ActionRecord[];
  /** The incident's campaign, when it is in one. */
  campaign?: Campaign;
}

export const DONE_MARK = "☑";
/** Reports stay readable and bounded whatever the incident's size; the rest is counted, not listed. */
export const MAX_TIMELINE_ROWS = 500;
export const MAX_EVIDENCE_ROWS = 1000;
const MAX_IDS_PER_ITEM = 8;
export const OPEN_MARK = "☐";

export function buildReportView(incident: Incident, findings: readonly Finding[], opts: ViewOptions): ReportView {
  const { lang, playbook } = opts;
  const tr = (key: MessageKey, params?: Record<string, string | number>) => t(lang, key, params);
  const sorted = [...findings].sort((a, b) => a.firstSeen.localeCompare(b.firstSeen) || a.id.localeCompare(b.id));
  const sections: Section[] = [
    summary(incident, findings, opts),
    entities(incident, lang),
    decision(incident, playbook, lang),
    escalations(incident, lang),
    ...campaignSection(opts.campaign, lang),
    billing(incident, sorted, lang),
    timeline(sorted, lang),
    evidence(sorted, lang),
    iocs(findings, lang),
    checklist(incident, playbook, lang),
    actions(opts.actions ?? [], lang),
    mitre(findings, playbook, lang),
  ];
  return {
    lang,
    title: `${tr("report.title")}: ${incident.title}`,
    subtitle: tr("report.generated", { time: formatTime((opts.now ?? new Date()).toISOString()) }),
    sections,
  };
}

function summary(incident: Incident, findings: readonly Finding[], opts: ViewOptions): Section {
  const { lang, playbook } = opts;
  const rows: [string, string][] = [
    [t(lang, "field.id"), incident.id],
    [t(lang, "field.title"), incident.title],
    [t(lang, "field.status"), t(lang, `status.${incident.status}`)],
    [t(lang, "field.severity"), t(lang, `severity.${incident.severity}`)],
    [t(lang, "field.priority"), incident.priority],
    [t(lang, "field.hostType"), t(lang, `hostType.${incident.hostType}`)],
    [t(lang, "field.environment"), t(lang, `environment.${incident.environment}`)],
    [t(lang, "field.confidence"), percent(incident.confidence)],
    [t(lang, "field.firstSeen"), formatTime(incident.firstSeen)],
    [t(lang, "field.lastSeen"), formatTime(incident.lastSeen)],
    [t(lang, "field.playbook"), `${playbook.id} ${pick(playbook.name, lang)} (${playbook.mitre.map((m) => m.technique).join(", ")})`],
    [t(lang, "field.triggers"), incident.triggers.map((x) => t(lang, `trigger.${x}`)).join(", ") || t(lang, "common.none")],
    [t(lang, "field.scope"), t(lang, "scope.summary", { ...incident.scope })],
    [t(lang, "field.findings"), String(findings.length)],
    [t(lang, "field.billing"), incident.billingUsd === undefined ? t(lang, "common.none") : formatUsd(incident.billingUsd)],
  ];
  if (incident.assignee) rows.push([t(lang, "field.assignee"), incident.assignee]);
  const blocks: Block[] = [];
  if (incident.sample) blocks.push({ kind: "paragraph", text: t(lang, "report.sampleWarning"), tone: "warning" });
  blocks.push({ kind: "keyValue", rows });
  return { id: "summary", title: t(lang, "section.summary"), blocks };
}

function entities(incident: Incident, lang: Lang): Section {
  const rows: [string, string][] = [];
  for (const [kind, values] of Object.entries(incident.entities) as [keyof Incident["entities"], string[] | undefined][]) {
    if (values && values.length > 0) rows.push([t(lang, `entity.${kind}`), values.join(", ")]);
  }
  const blocks: Block[] = rows.length > 0 ? [{ kind: "keyValue", rows }] : [{ kind: "paragraph", text: t(lang, "common.none"), tone: "muted" }];
  return { id: "entities", title: t(lang, "section.entities"), blocks };
}

function decision(incident: Incident, playbook: Playbook, lang: Lang): Section {
  const title = t(lang, "section.decision");
  const d = incident.decision;
  const graph = decisionGraph(playbook);
  if (!d || !graph) return { id: "decision", title, blocks: [{ kind: "paragraph", text: t(lang, "decision.none"), tone: "muted" }] };
  const label = (id: string) => {
    const n = graph.nodes.find((x) => x.id === id);
    return n ? `${n.icon ? `${n.icon} ` : ""}${pick(n.label, lang)}` : id;
  };
  const pathText = d.path.map(label).join(" → ");
  return {
    id: "decision",
    title,
    blocks: [
      {
        kind: "keyValue",
        rows: [
          [t(lang, "decision.path"), pathText],
          [t(lang, "decision.outcome"), t(lang, `decision.outcome.${d.outcome}`)],
          [t(lang, "decision.action"), pick(d.action, lang)],
        ],
      },
      { kind: "diagram", mermaid: toMermaid(graph, lang, { highlight: d.path }), caption: t(lang, "decision.diagramNote"), fallback: pathText },
      ...(d.reasons.length > 0
        ? [{ kind: "paragraph", text: t(lang, "decision.reasons") } as Block, { kind: "list", items: d.reasons.map((r) => pick(r, lang)) } as Block]
        : []),
    ],
  };
}

function escalations(incident: Incident, lang: Lang): Section {
  const title = t(lang, "section.escalations");
  if (incident.escalations.length === 0) return { id: "escalations", title, blocks: [{ kind: "paragraph", text: t(lang, "escalation.none"), tone: "muted" }] };
  return {
    id: "escalations",
    title,
    blocks: [{
      kind: "table",
      headers: [t(lang, "escalation.target"), t(lang, "escalation.reason"), t(lang, "escalation.playbook")],
      rows: incident.escalations.map((e) => [pick(e.target, lang), pick(e.reason, lang), e.playbook ?? t(lang, "common.none")]),
    }],
  };
}

/** The campaign this incident belongs to: its scope and what links its incidents (only when there is one). */
function campaignSection(campaign: Campaign | undefined, lang: Lang): Section[] {
  if (!campaign) return [];
  const s = campaign.scope;
  return [{
    id: "campaign",
    title: `${t(lang, "section.campaign")} ${campaign.id}`,
    blocks: [
      { kind: "paragraph", text: t(lang, "campaign.summary", { machines: s.machines, incidents: s.incidents,
        scope: t(lang, "scope.summary", { hosts: s.hosts, instances: s.instances, regions: s.regions, accounts: s.accounts, clusters: s.clusters }) }) },
      {
        kind: "table",
        headers: [t(lang, "campaign.link"), t(lang, "campaign.incidents")],
        rows: campaign.links.map((l) => [`${l.kind} ${l.value}`, String(l.incidents)]),
        code: [0],
      },
    ],
  }];
}

function billing(incident: Incident, findings: readonly Finding[], lang: Lang): Section {
  const title = t(lang, "section.billing");
  const rows = findings.filter((f) => f.facts?.["billing.usd"] !== undefined).map((f) => {
    const usd = Number(f.facts?.["billing.usd"]);
    return [f.title, (f.entities.accounts ?? []).join(", ") || t(lang, "common.none"), Number.isFinite(usd) ? formatUsd(usd) : String(f.facts?.["billing.usd"])];
  });
  if (incident.billingUsd === undefined && rows.length === 0) {
    return { id: "billing", title, blocks: [{ kind: "paragraph", text: t(lang, "billing.unknown"), tone: "muted" }] };
  }
  const blocks: Block[] = [];
  if (incident.billingUsd !== undefined) blocks.push({ kind: "paragraph", text: t(lang, "billing.total", { amount: formatUsd(incident.billingUsd) }) });
  if (rows.length > 0) blocks.push({ kind: "table", headers: [t(lang, "billing.finding"), t(lang, "billing.account"), t(lang, "billing.amount")], rows });
  return { id: "billing", title, blocks };
}

function timeline(findings: readonly Finding[], lang: Lang): Section {
  const title = t(lang, "section.timeline");
  if (findings.length === 0) return { id: "timeline", title, blocks: [{ kind: "paragraph", text: t(lang, "timeline.empty"), tone: "muted" }] };
  const shown = findings.slice(0, MAX_TIMELINE_ROWS);
  return {
    id: "timeline",
    title,
    blocks: [{
      kind: "table",
      headers: [t(lang, "timeline.time"), t(lang, "timeline.severity"), t(lang, "timeline.trigger"), t(lang, "timeline.finding"), t(lang, "timeline.confidence"), t(lang, "timeline.rule")],
      rows: shown.map((f) => [
        formatTime(f.firstSeen),
        t(lang, `severity.${f.severity}`),
        t(lang, `trigger.${f.trigger}`),
        f.sample ? `${f.title} (${t(lang, "timeline.sample")})` : f.title,
        percent(f.confidence),
        f.rule.id,
      ]),
    }, ...truncated(shown.length, findings.length, lang)],
  };
}

function truncated(shown: number, total: number, lang: Lang): Block[] {
  return shown < total ? [{ kind: "paragraph", text: t(lang, "report.truncated", { shown, total }), tone: "muted" }] : [];
}

function evidence(findings: readonly Finding[], lang: Lang): Section {
  const rows: string[][] = [];
  let total = 0;
  for (const f of findings) {
    total += f.evidence.length;
    for (const e of f.evidence) if (rows.length < MAX_EVIDENCE_ROWS) rows.push([f.id, location(e), e.summary ?? ""]);
    const more = f.evidenceCount - f.evidence.length;
    if (more > 0 && rows.length < MAX_EVIDENCE_ROWS) rows.push([f.id, "", t(lang, "evidence.more", { count: more })]);
  }
  const title = t(lang, "section.evidence");
  if (rows.length === 0) return { id: "evidence", title, blocks: [{ kind: "paragraph", text: t(lang, "evidence.empty"), tone: "muted" }] };
  return {
    id: "evidence",
    title,
    blocks: [
      { kind: "table", headers: [t(lang, "evidence.finding"), t(lang, "evidence.location"), t(lang, "evidence.summary")], rows, code: [0, 1] },
      ...truncated(Math.min(total, rows.length), total, lang),
    ],
  };
}

/** file:line for text, file@offset for binary, file#packet for captures. */
export function location(e: Finding["evidence"][number]): string {
  if (e.line !== undefined) return `${e.file}:${e.line}`;
  if (e.packet !== undefined) return `${e.file}#${e.packet}`;
  if (e.offset !== undefined) return `${e.file}@${e.offset}`;
  return e.file;
}

function iocs(findings: readonly Finding[], lang: Lang): Section {
  const { iocs: list, omitted } = collectIocs(findings);
  const title = t(lang, "section.iocs");
  if (list.length === 0) return { id: "iocs", title, blocks: [{ kind: "paragraph", text: t(lang, "ioc.none"), tone: "muted" }] };
  const blocks: Block[] = [{
    kind: "table",
    headers: [t(lang, "ioc.type"), t(lang, "ioc.value"), t(lang, "ioc.findings")],
    rows: list.map((i) => [t(lang, `ioc.type.${i.type}`), i.value, i.findings.join(", ")]),
    code: [1, 2],
  }];
  if (omitted > 0) blocks.push({ kind: "paragraph", text: t(lang, "evidence.more", { count: omitted }), tone: "muted" });
  return { id: "iocs", title, blocks };
}

function checklist(incident: Incident, playbook: Playbook, lang: Lang): Section {
  const state = new Map(incident.checklist.map((c) => [c.id, c]));
  const answered = (id: string): [string, string] => {
    const s = state.get(id);
    if (!s?.done) return [OPEN_MARK, t(lang, "checklist.open")];
    if (s.answeredBy === "analyst") return [DONE_MARK, t(lang, "checklist.byAnalyst", { by: s.by ?? "" }) + (s.answer ? `: ${s.answer}` : "")];
    const ids = s.findings ?? [];
    const listed = ids.slice(0, MAX_IDS_PER_ITEM).join(", ") + (ids.length > MAX_IDS_PER_ITEM ? ` (+${ids.length - MAX_IDS_PER_ITEM})` : "");
    return [DONE_MARK, t(lang, "checklist.byEvidence", { findings: listed || t(lang, "common.none") })];
  };
  const blocks: Block[] = [];
  const doneCount = (phase: ChecklistPhase, ids: readonly string[]) => ids.filter((id) => state.get(`${phase}.${id}`)?.done).length;

  const analysisIds = playbook.analysis.map((i) => i.id);
  blocks.push({
    kind: "table",
    caption: `${t(lang, "checklist.phase.analysis")} (${t(lang, "checklist.progress", { done: doneCount("analysis", analysisIds), total: analysisIds.length })})`,
    headers: [t(lang, "checklist.item"), t(lang, "checklist.how"), t(lang, "checklist.done"), t(lang, "checklist.evidence")],
    rows: playbook.analysis.map((i) => [pick(i.text, lang), pick(i.how, lang), ...answered(`analysis.${i.id}`)]),
  });
  const actionTable = (phase: Exclude<ChecklistPhase, "analysis">, items: readonly ActionItem[]) => {
    const ids = items.map((i) => i.id);
    const withTools = items.some((i) => i.tools);
    blocks.push({
      kind: "table",
      caption: `${t(lang, `checklist.phase.${phase}`)} (${t(lang, "checklist.progress", { done: doneCount(phase, ids), total: ids.length })})`,
      headers: [
        "#", t(lang, "checklist.item"), ...(withTools ? [t(lang, "checklist.tools")] : []), t(lang, "checklist.actions"),
        t(lang, "checklist.done"), t(lang, "checklist.evidence"),
      ],
      rows: items.map((i, n) => [
        String(n + 1), pick(i.text, lang), ...(withTools ? [i.tools ? pick(i.tools, lang) : ""] : []), i.actions.join(", "),
        ...answered(`${phase}.${i.id}`),
      ]),
    });
  };
  actionTable("containment", playbook.containment);
  if (playbook.regionSweep && incident.environment !== "on-premise") {
    for (const c of playbook.regionSweep.commands) {
      blocks.push({ kind: "code", caption: `${pick(playbook.regionSweep.title, lang)}: ${pick(c.comment, lang)}`, text: c.shell.trimEnd() });
    }
  }
  actionTable("eradication", playbook.eradication);
  actionTable("recovery", playbook.recovery);
  return { id: "checklist", title: t(lang, "section.checklist"), blocks };
}

function actions(records: readonly ActionRecord[], lang: Lang): Section {
  const title = t(lang, "section.actions");
  if (records.length === 0) return { id: "actions", title, blocks: [{ kind: "paragraph", text: t(lang, "actions.none"), tone: "muted" }] };
  return {
    id: "actions",
    title,
    blocks: [{
      kind: "table",
      headers: [t(lang, "actions.time"), t(lang, "actions.action"), t(lang, "actions.status"), t(lang, "actions.target")],
      rows: records.map((r) => [formatTime(r.at), r.name, r.status, r.target]),
      code: [1, 3],
    }],
  };
}

function mitre(findings: readonly Finding[], playbook: Playbook, lang: Lang): Section {
  const counts = new Map<string, number>();
  for (const f of findings) for (const id of new Set(f.mitre)) counts.set(id, (counts.get(id) ?? 0) + 1);
  const rows: string[][] = [];
  const seen = new Set<string>();
  for (const m of playbook.mitre) {
    seen.add(m.technique);
    const n = counts.get(m.technique);
    const source = t(lang, "mitre.fromPlaybook", { id: playbook.id }) + (n ? `, ${t(lang, "mitre.fromFindings", { count: n })}` : "");
    rows.push([m.technique, m.name, `${m.tacticName} (${m.tactic})`, source]);
  }
  for (const [id, n] of [...counts.entries()].sort(([a], [b]) => a.localeCompare(b))) {
    if (seen.has(id)) continue;
    const known = TECHNIQUES[id];
    rows.push([id, known?.name ?? t(lang, "common.none"), known?.tactic ?? t(lang, "common.none"), t(lang, "mitre.fromFindings", { count: n })]);
  }
  return {
    id: "mitre",
    title: t(lang, "section.mitre"),
    blocks: [{ kind: "table", headers: [t(lang, "mitre.technique"), t(lang, "mitre.name"), t(lang, "mitre.tactic"), t(lang, "mitre.source")], rows }],
  };
}

/** Rounded down: agreeing signals approach certainty but a report should not claim 100%. */
function percent(x: number): string {
  return `${Math.floor(x * 100)}%`;
}
