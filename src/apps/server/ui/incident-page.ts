/**
 * The incident page: what it is and what is at stake, the PB-31 decision path drawn, escalations, charts,
 * checklists, the timeline (findings and the analysts' work in one order), evidence with its source lines,
 * the entity graph, notes, and the forms to assign, change status, close and make a response plan.
 */
import { formatTime, formatUsd, pick } from "../../../i18n/index.js";
import type { Lang } from "../../../i18n/index.js";
import { INCIDENT_STATUSES, PLAN_MODES } from "../../../model/index.js";
import type { Campaign, Finding, Incident, Plan } from "../../../model/index.js";
import { decisionGraph, toMermaid } from "../../../playbook/index.js";
import type { Playbook } from "../../../playbook/index.js";
import { location } from "../../../report/view-findings.js";
import type { Note, TimelineEntry } from "../../../store/types.js";
import type { AuthUser } from "../contract.js";
import { roleAtLeast } from "../contract.js";
import { dailyCostChart, utilisationChart } from "./charts.js";
import type { ChartSpec } from "./charts.js";
import { checklistEntries, checklistSection } from "./checklist.js";
import { entityGraph } from "./entity-graph.js";
import { href, html, multiline } from "./html.js";
import type { SafeHtml } from "./html.js";
import { csrfField, translator } from "./page.js";
import type { Tr } from "./page.js";
import { activityText } from "./activity.js";

export interface IncidentView {
  incident: Incident;
  findings: Finding[];
  timeline: TimelineEntry[];
  notes: Note[];
  plans: Plan[];
  campaign?: Campaign;
  playbook: Playbook;
  lang: Lang;
  user?: AuthUser;
  /** A message to show at the top (a refused change). */
  error?: string;
}

/** Rows of evidence shown per finding (the stored sample is already bounded) and findings listed. */
const MAX_FINDINGS_SHOWN = 300;

export function incidentBody(v: IncidentView): SafeHtml {
  const tr = translator(v.lang);
  const i = v.incident;
  const findings = [...v.findings].sort((a, b) => a.firstSeen.localeCompare(b.firstSeen) || a.id.localeCompare(b.id));
  return html`
${v.error ? html`<p class="error" role="alert">${v.error}</p>` : ""}
<h1>${i.title}</h1>
<p><span class="badge prio-${i.priority}">${i.priority}</span> <span class="badge sev-${i.severity}">${tr(`severity.${i.severity}`)}</span>
<span class="badge status-${i.status}">${tr(`status.${i.status}`)}</span> <code class="muted">${i.id}</code>
${i.sample ? html`<span class="badge">${tr("scan.sample")}</span>` : ""}</p>
<div class="grid">
<div class="content">
${summary(tr, v)}
${decision(tr, v)}
${escalations(tr, i, v.lang)}
${charts(tr, findings)}
<h2>${tr("section.checklist")}</h2>
<div id="checklist">${checklistSection(i, v.playbook, v.lang, v.user)}</div>
${timeline(tr, findings, v.timeline, v.lang, v.playbook)}
${evidence(tr, findings)}
${graph(tr, findings)}
</div>
<aside class="side">
${workForms(tr, v)}
${notesSection(tr, v)}
</aside>
</div>`;
}

function summary(tr: Tr, v: IncidentView): SafeHtml {
  const i = v.incident;
  return html`<dl class="facts">
<dt>${tr("field.environment")}</dt><dd>${tr(`environment.${i.environment}`)}</dd>
<dt>${tr("field.hostType")}</dt><dd>${tr(`hostType.${i.hostType}`)}</dd>
<dt>${tr("field.scope")}</dt><dd>${tr("scope.summary", i.scope)}</dd>
<dt>${tr("field.confidence")}</dt><dd>${Math.round(i.confidence * 100)}%</dd>
<dt>${tr("field.firstSeen")}</dt><dd>${formatTime(i.firstSeen)}</dd>
<dt>${tr("field.lastSeen")}</dt><dd>${formatTime(i.lastSeen)}</dd>
<dt>${tr("field.triggers")}</dt><dd>${i.triggers.map((t) => tr(`trigger.${t}`)).join(", ")}</dd>
${i.billingUsd !== undefined ? html`<dt>${tr("field.billing")}</dt><dd>${formatUsd(i.billingUsd)}</dd>` : ""}
<dt>${tr("field.assignee")}</dt><dd>${i.assignee ?? "—"}</dd>
${v.campaign ? html`<dt>${tr("section.campaign")}</dt><dd><a href="${href("/campaigns", [v.campaign.id])}">${v.campaign.title}</a>
  (${tr("campaign.summary", { machines: v.campaign.scope.machines, incidents: v.campaign.scope.incidents, scope: tr("scope.summary", v.campaign.scope) })})</dd>` : ""}
</dl>`;
}

function decision(tr: Tr, v: IncidentView): SafeHtml {
  const d = v.incident.decision;
  const graph = decisionGraph(v.playbook);
  if (!d || !graph) return html`<h2>${tr("section.decision")}</h2><p class="muted">${tr("decision.none")}</p>`;
  const label = (id: string) => {
    const n = graph.nodes.find((x) => x.id === id);
    return n ? pick(n.label, v.lang) : id;
  };
  return html`<h2>${tr("section.decision")}</h2>
<dl class="facts">
<dt>${tr("decision.path")}</dt><dd>${d.path.map(label).join(" → ")}</dd>
<dt>${tr("decision.outcome")}</dt><dd>${tr(`decision.outcome.${d.outcome}`)}</dd>
<dt>${tr("decision.action")}</dt><dd><strong>${pick(d.action, v.lang)}</strong></dd>
</dl>
<pre class="mermaid-src" id="decision-src">${multiline(toMermaid(graph, v.lang, { highlight: d.path }))}</pre>
<iframe class="diagram" id="decision-diagram" title="${tr("section.decision")}" sandbox="allow-scripts" src="/assets/diagram.html" data-source="decision-src" height="320"></iframe>
<p class="muted">${tr("decision.diagramNote")}</p>
${d.reasons.length ? html`<ul>${d.reasons.map((r) => html`<li>${pick(r, v.lang)}</li>`)}</ul>` : ""}`;
}

function escalations(tr: Tr, i: Incident, lang: Lang): SafeHtml {
  return html`<h2>${tr("section.escalations")}</h2>
${i.escalations.length === 0 ? html`<p class="muted">${tr("escalation.none")}</p>` : html`<table><thead><tr><th>${tr("escalation.target")}</th><th>${tr("escalation.reason")}</th><th>${tr("escalation.playbook")}</th></tr></thead><tbody>
${i.escalations.map((e) => html`<tr><td><strong>${pick(e.target, lang)}</strong></td><td>${pick(e.reason, lang)}</td><td>${e.playbook ?? "—"}</td></tr>`)}
</tbody></table>`}`;
}

function chart(id: string, title: string, spec: ChartSpec | undefined, note: string): SafeHtml {
  if (!spec) return html``;
  return html`<h3>${title}</h3><div class="chart" id="${id}" data-chart="${JSON.stringify(spec)}"></div><p class="muted">${note}</p>`;
}

function charts(tr: Tr, findings: readonly Finding[]): SafeHtml {
  const cpu = utilisationChart(findings);
  const cost = dailyCostChart(findings);
  if (!cpu && !cost) return html``;
  return html`<h2>${tr("ui.charts.title")}</h2>
${chart("chart-utilisation", tr("ui.charts.utilisation"), cpu, tr("ui.charts.sampled"))}
${chart("chart-cost", tr("ui.charts.cost"), cost, tr("ui.charts.sampled"))}`;
}

interface TimelineRow { at: string; sort: number; who: string; what: SafeHtml }

function timeline(tr: Tr, findings: readonly Finding[], entries: readonly TimelineEntry[], lang: Lang, playbook: Playbook): SafeHtml {
  const items = new Map(checklistEntries(playbook, lang).map((e) => [e.id, e.text]));
  const itemText = (id: string) => items.get(id) ?? id;
  const rows: TimelineRow[] = [
    ...findings.map((f) => ({ at: f.firstSeen, sort: 0, who: f.rule.id, what: html`<span class="badge sev-${f.severity}">${tr(`severity.${f.severity}`)}</span> ${f.title}` })),
    ...entries.map((e) => ({ at: e.at, sort: 1, who: e.actor, what: html`${activityText(e, lang, itemText)}` })),
  ];
  // Rows without a parseable time go last, not first.
  const ms = (s: string) => { const v = Date.parse(s); return Number.isNaN(v) ? Number.POSITIVE_INFINITY : v; };
  rows.sort((a, b) => ms(a.at) - ms(b.at) || a.sort - b.sort);
  return html`<h2>${tr("section.timeline")}</h2>
<table class="timeline"><thead><tr><th>${tr("timeline.time")}</th><th>${tr("ui.timeline.what")}</th><th>${tr("ui.timeline.who")}</th></tr></thead><tbody>
${rows.slice(0, 1000).map((r) => html`<tr><td class="when">${formatTime(r.at)}</td><td>${r.what}</td><td><code>${r.who}</code></td></tr>`)}
</tbody></table>`;
}

function evidence(tr: Tr, findings: readonly Finding[]): SafeHtml {
  const shown = findings.slice(0, MAX_FINDINGS_SHOWN);
  return html`<h2>${tr("section.evidence")}</h2>
${shown.length === 0 ? html`<p class="muted">${tr("evidence.empty")}</p>` : html`<table class="evidence"><thead><tr><th>${tr("evidence.finding")}</th><th>${tr("evidence.location")} &middot; ${tr("evidence.summary")}</th></tr></thead><tbody>
${shown.map((f) => html`<tr id="${`finding-${f.id.replace(/[^A-Za-z0-9_-]/g, "_")}`}"><td><span class="badge sev-${f.severity}">${tr(`severity.${f.severity}`)}</span> ${f.title}<br><code class="muted">${f.rule.id}</code> &middot; ${Math.round(f.confidence * 100)}%${f.sample ? html` <span class="badge">${tr("scan.sample")}</span>` : ""}</td>
<td>${f.evidence.map((e) => html`<div><code>${location(e)}</code>${e.time ? html` <span class="muted">${formatTime(e.time)}</span>` : ""}<code class="evidence-line">${e.summary ?? ""}</code></div>`)}
${f.evidenceCount > f.evidence.length ? html`<span class="muted">${tr("evidence.more", { count: f.evidenceCount - f.evidence.length })}</span>` : ""}</td></tr>`)}
</tbody></table>
${findings.length > shown.length ? html`<p class="muted">${tr("report.truncated", { shown: shown.length, total: findings.length })}</p>` : ""}`}`;
}

function graph(tr: Tr, findings: readonly Finding[]): SafeHtml {
  const g = entityGraph(findings, {
    host: tr("ui.graph.host"), instance: tr("ui.graph.instance"), ip: tr("ui.graph.ip"), pool: tr("ui.graph.pool"),
    wallet: tr("ui.graph.wallet"), key: tr("ui.graph.key"), account: tr("ui.graph.account"),
  });
  if (g.nodes === 0) return html``;
  return html`<h2>${tr("ui.graph.title")}</h2>
<pre class="mermaid-src" id="entities-src">${multiline(g.mermaid)}</pre>
<iframe class="diagram" id="entities-diagram" title="${tr("ui.graph.title")}" sandbox="allow-scripts" src="/assets/diagram.html" data-source="entities-src" height="300"></iframe>
${g.omitted ? html`<p class="muted">${tr("ui.graph.omitted", { count: g.omitted })}</p>` : ""}`;
}

function workForms(tr: Tr, v: IncidentView): SafeHtml {
  const i = v.incident;
  const can = (role: "analyst" | "responder") => (v.user ? roleAtLeast(v.user.role, role) : false);
  const base = [i.id];
  return html`${can("analyst") ? html`<section>
<h2>${tr("ui.work.title")}</h2>
<form class="stack" method="post" action="${href("/incidents", [...base, "status"])}">${csrfField(v.user)}
  <label>${tr("field.status")} <select name="status">${INCIDENT_STATUSES.map((s) => html`<option value="${s}"${s === i.status ? html` selected` : ""}>${tr(`status.${s}`)}</option>`)}</select></label>
  <label>${tr("ui.work.reason")} <input type="text" name="reason" maxlength="2000"></label>
  <button type="submit">${tr("ui.work.setStatus")}</button>
</form>
<form class="row" method="post" action="${href("/incidents", [...base, "assign"])}">${csrfField(v.user)}
  <label>${tr("field.assignee")} <input type="text" name="assignee" value="${i.assignee ?? ""}" maxlength="200" size="14"></label>
  <button type="submit">${tr("ui.work.assign")}</button>
</form>
</section>` : ""}
<section>
<h2>${tr("ui.plans.title")}</h2>
${v.plans.length ? html`<ul>${v.plans.map((p) => html`<li><a href="${href("/plans", [p.id])}"><code>${p.id}</code></a> &middot; ${tr(`ui.plan.mode.${p.mode}`)} &middot; ${formatTime(p.createdAt)} &middot; ${p.createdBy}</li>`)}</ul>` : html`<p class="muted">${tr("ui.plans.none")}</p>`}
${can("analyst") ? html`<form class="row" method="post" action="${href("/incidents", [...base, "plans"])}">${csrfField(v.user)}
  <select name="mode">${PLAN_MODES.map((m) => html`<option value="${m}">${tr(`ui.plan.mode.${m}`)}</option>`)}</select>
  <button type="submit" class="primary">${tr("ui.plans.make")}</button>
</form>` : ""}
</section>`;
}

export function notesList(tr: Tr, notes: readonly Note[]): SafeHtml {
  return html`<ul class="notes" id="notes-list">${notes.length === 0 ? html`<li class="muted">${tr("ui.notes.none")}</li>` : ""}
${notes.map((n) => html`<li><span class="muted">${formatTime(n.at)} &middot; ${n.author}</span>
${multiline(n.text)}</li>`)}</ul>`;
}

function notesSection(tr: Tr, v: IncidentView): SafeHtml {
  const action = href("/incidents", [v.incident.id, "notes"]);
  return html`<section>
<h2>${tr("section.notes")}</h2>
${notesList(tr, v.notes)}
${v.user && roleAtLeast(v.user.role, "analyst") ? html`<form class="stack" method="post" action="${action}" hx-post="${action}" hx-target="#notes-list" hx-swap="outerHTML" id="note-form" data-reset-on-success>
  ${csrfField(v.user)}<textarea name="text" required maxlength="20000" aria-label="${tr("ui.notes.add")}"></textarea>
  <button type="submit">${tr("ui.notes.add")}</button>
</form>` : ""}
</section>`;
}
