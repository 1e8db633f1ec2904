/**
 * The report as plain content: sections of paragraphs, lists, tables, a diagram and code, every
 * string already in the chosen language and none of it escaped. The Markdown and HTML renderers
 * only lay it out and escape it, so both show the same report.
 *
 * What a manager signs comes first (executive summary, decision path, escalations, money, what was
 * done); the evidence follows as distinct facts with counts; full lists go to an appendix with caps,
 * so a report stays a few pages whatever the incident's size (the JSON exports have everything).
 */
import type { Campaign, Finding, Incident, Plan } from "../model/index.js";
import { formatTime, formatUsd, pick, t } from "../i18n/index.js";
import type { Lang } from "../i18n/index.js";
import { decisionGraph, toMermaid } from "../playbook/index.js";
import type { Playbook } from "../playbook/index.js";
import { flowchartSvg } from "./diagram.js";
import { findingTitle } from "./finding-kinds.js";
import { checklistSection, mitreSection } from "./view-checklist.js";
import { appendixSection, evidenceSection, iocSection, timelineSection } from "./view-findings.js";
import { closure, doneSection, stepsCarriedOut } from "./view-response.js";
import { percent } from "./view-model.js";
import type { Block, ReportView, Section, ViewOptions } from "./view-model.js";

export type { Block, ReportView, Section, ViewOptions } from "./view-model.js";
export { DONE_MARK, OPEN_MARK } from "./view-model.js";

/** Values listed per entity kind before the rest are counted. */
const MAX_ENTITY_VALUES = 12;

export function buildReportView(incident: Incident, findings: readonly Finding[], opts: ViewOptions): ReportView {
  const { lang, playbook } = opts;
  const sorted = [...findings].sort(byTime);
  const sections: Section[] = [
    executive(incident, findings, opts),
    decision(incident, playbook, lang),
    escalations(incident, lang),
    entities(incident, lang),
    ...campaignSection(opts.campaign, lang),
    billing(incident, sorted, lang),
    doneSection(incident, opts),
    timelineSection(sorted, lang),
    evidenceSection(sorted, lang),
    iocSection(findings, lang),
    checklistSection(incident, playbook, lang),
    mitreSection(findings, playbook, lang),
    appendixSection(sorted, lang),
  ];
  return {
    lang,
    title: `${t(lang, "report.title")}: ${incident.title}`,
    subtitle: t(lang, "report.generated", { time: formatTime((opts.now ?? new Date()).toISOString()) }),
    sections,
  };
}

/** Time order; a finding whose time cannot be read goes last, never first. */
export function byTime(a: Finding, b: Finding): number {
  const ta = Date.parse(a.firstSeen);
  const tb = Date.parse(b.firstSeen);
  if (Number.isNaN(ta) !== Number.isNaN(tb)) return Number.isNaN(ta) ? 1 : -1;
  return (Number.isNaN(ta) ? 0 : ta - tb) || a.id.localeCompare(b.id);
}

/** What, where, since when, the decision, scope, money, priority, escalations, what was done: one page. */
function executive(incident: Incident, findings: readonly Finding[], opts: ViewOptions): Section {
  const { lang, playbook } = opts;
  const plan = latestPlan(opts.plans ?? [], incident.id);
  const perHour = plan ? t(lang, "rpt.perHour", { amount: formatUsd(plan.usdPerHour) }) : t(lang, "rpt.exec.perHourUnknown");
  const billingText = incident.billingUsd === undefined ? t(lang, "common.none") : formatUsd(incident.billingUsd);
  const closed = closure(incident, opts);
  const d = incident.decision;
  const graph = decisionGraph(playbook);
  const sentences = [
    t(lang, "rpt.exec.what", {
      title: incident.title, where: where(incident, lang), first: formatTime(incident.firstSeen), last: formatTime(incident.lastSeen),
      duration: duration(incident.firstSeen, incident.lastSeen, lang),
    }),
    ...(d && graph ? [t(lang, "rpt.exec.decision", { playbook: d.playbook, path: pathText(d.path, graph, lang), action: pick(d.action, lang) })] : []),
    t(lang, "rpt.exec.money", { perHour, billing: billingText }),
    t(lang, "rpt.exec.priority", { priority: incident.priority, severity: t(lang, `severity.${incident.severity}`), status: t(lang, `status.${incident.status}`) }),
    incident.escalations.length
      ? t(lang, "rpt.exec.escalations", { targets: incident.escalations.map((e) => pick(e.target, lang)).join("; ") })
      : t(lang, "rpt.exec.noEscalation"),
    t(lang, "rpt.exec.done", {
      steps: stepsCarriedOut(opts),
      items: incident.checklist.filter((c) => c.done && c.answeredBy === "analyst").length,
      notes: opts.notes?.length ?? 0,
    }),
    ...(closed ? [t(lang, "rpt.exec.closed", closed)] : []),
  ];
  const rows: [string, string][] = [
    [t(lang, "field.id"), incident.id],
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
    [t(lang, "field.billing"), billingText],
    [t(lang, "rpt.field.usdPerHour"), perHour],
  ];
  if (incident.assignee) rows.push([t(lang, "field.assignee"), incident.assignee]);
  if (closed) rows.push([t(lang, "rpt.field.closedBy"), `${closed.by} (${closed.at})`], [t(lang, "rpt.field.closeReason"), closed.reason]);
  const blocks: Block[] = [];
  if (incident.sample) blocks.push({ kind: "paragraph", text: t(lang, "report.sampleWarning"), tone: "warning" });
  blocks.push({ kind: "paragraph", text: sentences.join(" ") }, { kind: "keyValue", rows });
  return { id: "summary", title: t(lang, "rpt.section.executive"), blocks };
}

function latestPlan(plans: readonly Plan[], incidentId: string): Plan | undefined {
  return [...plans].filter((p) => p.incidentId === undefined || p.incidentId === incidentId)
    .sort((a, b) => b.createdAt.localeCompare(a.createdAt))[0];
}

/** The machines by name, a few of them, the rest counted. */
function where(incident: Incident, lang: Lang): string {
  const names = [...(incident.entities.hosts ?? []), ...(incident.entities.instances ?? []), ...(incident.entities.pods ?? [])];
  if (names.length === 0) return t(lang, "rpt.exec.nowhere");
  const shown = names.slice(0, 3).join(", ");
  return names.length > 3 ? `${shown} (${t(lang, "rpt.more", { count: names.length - 3 })})` : shown;
}

function duration(from: string, to: string, lang: Lang): string {
  const ms = Date.parse(to) - Date.parse(from);
  if (!Number.isFinite(ms) || ms < 0) return t(lang, "rpt.noTime");
  const minutes = Math.round(ms / 60_000);
  if (minutes < 120) return t(lang, "rpt.duration.minutes", { n: minutes });
  const hours = Math.round(minutes / 60);
  return hours < 48 ? t(lang, "rpt.duration.hours", { n: hours }) : t(lang, "rpt.duration.days", { n: Math.round(hours / 24) });
}

function pathText(path: readonly string[], graph: NonNullable<ReturnType<typeof decisionGraph>>, lang: Lang): string {
  return path.map((id) => {
    const n = graph.nodes.find((x) => x.id === id);
    return n ? `${n.icon ? `${n.icon} ` : ""}${pick(n.label, lang)}` : id;
  }).join(" → ");
}

function entities(incident: Incident, lang: Lang): Section {
  const rows: [string, string][] = [];
  for (const [kind, values] of Object.entries(incident.entities) as [keyof Incident["entities"], string[] | undefined][]) {
    if (!values || values.length === 0) continue;
    const shown = values.slice(0, MAX_ENTITY_VALUES).join(", ");
    rows.push([t(lang, `entity.${kind}`), values.length > MAX_ENTITY_VALUES ? `${shown} (${t(lang, "rpt.more", { count: values.length - MAX_ENTITY_VALUES })})` : shown]);
  }
  const blocks: Block[] = rows.length > 0 ? [{ kind: "keyValue", rows }] : [{ kind: "paragraph", text: t(lang, "common.none"), tone: "muted" }];
  return { id: "entities", title: t(lang, "section.entities"), blocks };
}

function decision(incident: Incident, playbook: Playbook, lang: Lang): Section {
  const title = t(lang, "section.decision");
  const d = incident.decision;
  const graph = decisionGraph(playbook);
  if (!d || !graph) return { id: "decision", title, blocks: [{ kind: "paragraph", text: t(lang, "decision.none"), tone: "muted" }] };
  const text = pathText(d.path, graph, lang);
  return {
    id: "decision",
    title,
    blocks: [
      {
        kind: "keyValue",
        rows: [
          [t(lang, "decision.path"), text],
          [t(lang, "decision.outcome"), t(lang, `decision.outcome.${d.outcome}`)],
          [t(lang, "decision.action"), pick(d.action, lang)],
        ],
      },
      {
        kind: "diagram", svg: flowchartSvg(graph, lang, { highlight: d.path }), mermaid: toMermaid(graph, lang, { highlight: d.path }),
        caption: t(lang, "decision.diagramNote"), fallback: text,
      },
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
        rows: campaign.links.slice(0, 20).map((l) => [`${l.kind} ${l.value}`, String(l.incidents)]),
        code: [0],
      },
    ],
  }];
}

function billing(incident: Incident, findings: readonly Finding[], lang: Lang): Section {
  const title = t(lang, "section.billing");
  const rows = findings.filter((f) => f.facts?.["billing.usd"] !== undefined).slice(0, 20).map((f) => {
    const usd = Number(f.facts?.["billing.usd"]);
    return [findingTitle(f, lang), (f.entities.accounts ?? []).join(", ") || t(lang, "common.none"), Number.isFinite(usd) ? formatUsd(usd) : String(f.facts?.["billing.usd"])];
  });
  if (incident.billingUsd === undefined && rows.length === 0) {
    return { id: "billing", title, blocks: [{ kind: "paragraph", text: t(lang, "billing.unknown"), tone: "muted" }] };
  }
  const blocks: Block[] = [];
  if (incident.billingUsd !== undefined) blocks.push({ kind: "paragraph", text: t(lang, "billing.total", { amount: formatUsd(incident.billingUsd) }) });
  if (rows.length > 0) blocks.push({ kind: "table", headers: [t(lang, "billing.finding"), t(lang, "billing.account"), t(lang, "billing.amount")], rows });
  return { id: "billing", title, blocks };
}
