/**
 * The queue: open work, in the API's order (server/api/queue.ts, one rule for both: priority, then USD per
 * hour at stake from the newest plan, then severity and recency); campaigns above it. With nothing stored
 * at all, a page that says how to get data in.
 */
import type { FastifyInstance } from "fastify";
import { formatTime, formatUsd } from "../../../i18n/index.js";
import type { Lang } from "../../../i18n/index.js";
import { INCIDENT_STATUSES, SEVERITIES } from "../../../model/index.js";
import type { Campaign, Incident, Severity } from "../../../model/index.js";
import type { IncidentStatus } from "../../../store/types.js";
import { href, html } from "./html.js";
import type { SafeHtml } from "./html.js";
import { compareQueue, usdPerHourByIncident } from "../api/queue.js";
import { langOf, page, sendPage, translator } from "./page.js";
import type { Tr } from "./page.js";
import type { UiDeps } from "./types.js";

const QUEUE_LIMIT = 500;

interface Row { incident: Incident; usdPerHour: number | undefined }

function parseStatus(v: unknown): IncidentStatus | "active" | "all" {
  if (v === "all") return "all";
  return typeof v === "string" && (INCIDENT_STATUSES as readonly string[]).includes(v) ? v as IncidentStatus : "active";
}

function parseSeverity(v: unknown): Severity | undefined {
  return typeof v === "string" && (SEVERITIES as readonly string[]).includes(v) ? v as Severity : undefined;
}

export function registerQueue(app: FastifyInstance, deps: UiDeps): void {
  app.get<{ Querystring: { status?: string; severity?: string } }>("/", { config: { role: "viewer" } }, async (request, reply) => {
    const lang = langOf(request);
    const tr = translator(lang);
    const status = parseStatus(request.query.status);
    const severity = parseSeverity(request.query.severity);
    const statuses: IncidentStatus[] = status === "all" ? [...INCIDENT_STATUSES] : status === "active" ? ["open", "contained", "eradicated", "recovered"] : [status];
    const [incidents, plans, scans] = await Promise.all([
      deps.store.listIncidents({ status: statuses, ...(severity ? { severity } : {}), limit: QUEUE_LIMIT }),
      deps.store.listPlans(),
      deps.store.listScans(1),
    ]);
    if (incidents.length === 0 && scans.length === 0 && (await deps.store.listIncidents({ limit: 1 })).length === 0) {
      return sendPage(reply, page({ lang, user: request.user, title: tr("ui.empty.title"), path: request.url, body: emptyStore(tr) }));
    }
    const usd = usdPerHourByIncident(plans);
    const rows = [...incidents].sort((a, b) => compareQueue(a, b, usd)).map((incident) => ({ incident, usdPerHour: usd.get(incident.id) }));
    const campaigns = await campaignsOf(deps, incidents);
    const body = html`
<h1>${tr("ui.queue.title")}</h1>
${filters(tr, status, severity)}
${campaigns.length ? campaignTable(tr, campaigns) : ""}
<h2>${tr("ui.queue.incidents", { count: rows.length })}</h2>
${rows.length ? incidentTable(tr, lang, rows) : html`<p class="muted">${tr("ui.queue.none")}</p>`}`;
    return sendPage(reply, page({ lang, user: request.user, title: tr("ui.queue.title"), path: request.url, body }));
  });
}

async function campaignsOf(deps: UiDeps, incidents: readonly Incident[]): Promise<Campaign[]> {
  const ids = [...new Set(incidents.map((i) => i.campaignId).filter((id): id is string => Boolean(id)))];
  const found = await Promise.all(ids.map((id) => deps.store.getCampaign(id)));
  return found.filter((c): c is Campaign => c !== undefined).sort((a, b) => b.scope.machines - a.scope.machines || a.id.localeCompare(b.id));
}

function filters(tr: Tr, status: string, severity: Severity | undefined): SafeHtml {
  const statusOptions = ["active", "all", ...INCIDENT_STATUSES].map((s) =>
    html`<option value="${s}"${s === status ? html` selected` : ""}>${s === "active" ? tr("ui.queue.active") : s === "all" ? tr("ui.queue.all") : tr(`status.${s as IncidentStatus}`)}</option>`);
  const severityOptions = [html`<option value="">${tr("ui.queue.anySeverity")}</option>`, ...SEVERITIES.map((s) =>
    html`<option value="${s}"${s === severity ? html` selected` : ""}>${tr(`severity.${s}`)} ${tr("ui.queue.orAbove")}</option>`)];
  return html`<form class="filters" method="get" action="/">
  <label>${tr("field.status")} <select name="status">${statusOptions}</select></label>
  <label>${tr("field.severity")} <select name="severity">${severityOptions}</select></label>
  <button type="submit">${tr("ui.queue.filter")}</button>
</form>`;
}

function campaignTable(tr: Tr, campaigns: readonly Campaign[]): SafeHtml {
  return html`<h2>${tr("ui.queue.campaigns", { count: campaigns.length })}</h2>
<table class="campaigns"><thead><tr><th>${tr("ui.campaign.id")}</th><th>${tr("field.title")}</th><th class="num">${tr("ui.campaign.machines")}</th><th class="num">${tr("campaign.incidents")}</th><th>${tr("ui.campaign.links")}</th></tr></thead><tbody>
${campaigns.map((c) => html`<tr><td><a href="${href("/campaigns", [c.id])}"><code>${c.id}</code></a></td><td>${c.title}</td><td class="num">${c.scope.machines}</td><td class="num">${c.incidentIds.length}</td><td>${c.links.slice(0, 3).map((l) => html`<span class="badge">${tr(`ui.campaign.kind.${l.kind}`)}</span> <code>${l.value}</code> `)}</td></tr>`)}
</tbody></table>`;
}

function incidentTable(tr: Tr, _lang: Lang, rows: readonly Row[]): SafeHtml {
  return html`<table class="queue"><thead><tr>
<th>${tr("field.priority")}</th><th>${tr("field.severity")}</th><th>${tr("field.title")}</th><th>${tr("field.status")}</th>
<th class="num">${tr("ui.queue.usdPerHour")}</th><th class="num">${tr("field.billing")}</th><th class="num">${tr("field.confidence")}</th><th>${tr("field.assignee")}</th><th>${tr("field.lastSeen")}</th>
</tr></thead><tbody>
${rows.map(({ incident: i, usdPerHour }) => html`<tr data-incident="${i.id}">
<td><span class="badge prio-${i.priority}">${i.priority}</span></td>
<td><span class="badge sev-${i.severity}">${tr(`severity.${i.severity}`)}</span></td>
<td><a href="${href("/incidents", [i.id])}">${i.title}</a><br><code class="muted">${i.id}</code>${i.sample ? html` <span class="badge">${tr("scan.sample")}</span>` : ""}</td>
<td><span class="badge status-${i.status}">${tr(`status.${i.status}`)}</span></td>
<td class="num">${usdPerHour === undefined ? html`<span class="muted" title="${tr("ui.stake.noPlan")}">&mdash;</span>` : formatUsd(usdPerHour)}</td>
<td class="num">${i.billingUsd !== undefined ? formatUsd(i.billingUsd) : "—"}</td>
<td class="num">${Math.round(i.confidence * 100)}%</td>
<td>${i.assignee ?? "—"}</td>
<td class="when">${formatTime(i.lastSeen)}</td>
</tr>`)}
</tbody></table>`;
}

function emptyStore(tr: Tr): SafeHtml {
  return html`<section class="empty">
<h1>${tr("ui.empty.title")}</h1>
<p>${tr("ui.empty.intro")}</p>
<h2>${tr("ui.empty.scanTitle")}</h2>
<p>${tr("ui.empty.scan")}</p>
<pre>minerhunt scan examples/ --db minerhunt.db
minerhunt serve --db minerhunt.db</pre>
<h2>${tr("ui.empty.ingestTitle")}</h2>
<p>${tr("ui.empty.ingest")}</p>
<pre>curl -H "Authorization: Bearer $MINERHUNT_TOKEN" -H "Content-Type: application/x-ndjson" \\
     --data-binary @events.ndjson http://127.0.0.1:8080/api/v1/ingest</pre>
</section>`;
}
