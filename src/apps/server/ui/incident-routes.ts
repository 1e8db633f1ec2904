/**
 * Incident routes: the page, and the analyst's changes (tick, note, assign, status/close, make a plan).
 * A change made by htmx gets back the fragment it replaces; a plain form post is redirected to the page,
 * so the UI also works without JavaScript. Refused changes (unknown item, empty note) say why.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { INCIDENT_STATUSES, PLAN_MODES } from "../../../model/index.js";
import type { Incident, PlanMode } from "../../../model/index.js";
import { loadPlaybook } from "../../../playbook/index.js";
import type { Playbook } from "../../../playbook/index.js";
import { planIncident } from "../../../respond/service.js";
import { StoreError } from "../../../store/types.js";
import { errorReply } from "../errors.js";
import type { IncidentStatus } from "../../../store/types.js";
import { checklistEntries, checklistItem } from "./checklist.js";
import { href, html } from "./html.js";
import { incidentBody, notesList } from "./incident-page.js";
import { isHtmx, langOf, page, redirect, sendPage, translator, userOf } from "./page.js";
import { respondContext } from "./types.js";
import type { UiDeps } from "./types.js";

type IdParams = { Params: { id: string } };
type Body = Record<string, unknown> | undefined;

export function field(body: unknown, name: string): string | undefined {
  const v = (body as Body)?.[name];
  return typeof v === "string" ? v : undefined;
}

export function playbookFor(deps: UiDeps): (id: string) => Playbook {
  const cache = new Map<string, Playbook>();
  return deps.playbook ?? ((id) => {
    let p = cache.get(id);
    if (!p) cache.set(id, (p = loadPlaybook(id)));
    return p;
  });
}

/** A refusal (store, respond service, server) as the status and message the JSON API would give (server/errors.ts). */
export function refusal(error: unknown): { status: number; message: string } {
  const { status, body } = errorReply(error);
  return { status, message: body.message };
}

export function registerIncidentRoutes(app: FastifyInstance, deps: UiDeps): void {
  const playbooks = playbookFor(deps);

  async function renderIncident(request: FastifyRequest, reply: FastifyReply, incident: Incident, error?: string, status = 200) {
    const lang = langOf(request);
    const [findings, timeline, notes, plans, campaign] = await Promise.all([
      deps.store.listFindings(incident.id), deps.store.timeline(incident.id), deps.store.notes(incident.id),
      deps.store.listPlans(incident.id), incident.campaignId ? deps.store.getCampaign(incident.campaignId) : undefined,
    ]);
    const body = incidentBody({
      incident, findings, timeline, notes, plans, lang, user: request.user, playbook: playbooks(incident.decision?.playbook ?? "PB-31"),
      ...(campaign ? { campaign } : {}), ...(error ? { error } : {}),
    });
    const usesCharts = findings.some((f) => f.kind === "metric" || f.kind === "billing");
    return sendPage(reply, page({ lang, user: request.user, title: incident.title, path: href("/incidents", [incident.id]), body, ...(usesCharts ? { scripts: ["uplot"] as const } : {}) }), status);
  }

  async function findIncident(request: FastifyRequest<IdParams>, reply: FastifyReply): Promise<Incident | undefined> {
    try {
      const incident = await deps.store.getIncident(request.params.id);
      if (incident) return incident;
    } catch (error) {
      if (!(error instanceof StoreError)) throw error;
    }
    const tr = translator(langOf(request));
    await sendPage(reply, page({ lang: langOf(request), user: request.user, title: tr("ui.notFound"), path: "/", body: html`<h1>${tr("ui.notFound")}</h1><p><code>${request.params.id}</code></p>` }), 404);
    return undefined;
  }

  app.get<IdParams>("/incidents/:id", { config: { role: "viewer" } }, async (request, reply) => {
    const incident = await findIncident(request, reply);
    if (incident) return renderIncident(request, reply, incident);
    return reply;
  });

  app.post<IdParams & { Params: { item: string } }>("/incidents/:id/checklist/:item", { config: { role: "analyst" } }, async (request, reply) => {
    const user = userOf(request);
    const incident = await findIncident(request, reply);
    if (!incident) return reply;
    const lang = langOf(request);
    const playbook = playbooks(incident.decision?.playbook ?? "PB-31");
    const entry = checklistEntries(playbook, lang).find((e) => e.id === request.params.item);
    if (!entry) {
      const message = translator(lang)("ui.checklist.unknown", { item: request.params.item });
      return isHtmx(request) ? reply.code(400).type("text/html; charset=utf-8").send(html`<p class="error">${message}</p>`.value) : renderIncident(request, reply, incident, message, 400);
    }
    const done = field(request.body, "done") !== "false";
    try {
      const changed = await deps.store.tickChecklist(incident.id, entry.id, { by: user.name, done });
      if (!isHtmx(request)) return redirect(reply, href("/incidents", [incident.id]));
      const state = changed.checklist.find((c) => c.id === entry.id);
      return reply.type("text/html; charset=utf-8").send(checklistItem(changed, entry, state, lang, request.user).value);
    } catch (error) {
      const r = refusal(error);
      return renderIncident(request, reply, incident, r.message, r.status);
    }
  });

  app.post<IdParams>("/incidents/:id/notes", { config: { role: "analyst" } }, async (request, reply) => {
    const user = userOf(request);
    const incident = await findIncident(request, reply);
    if (!incident) return reply;
    const text = (field(request.body, "text") ?? "").trim();
    const tr = translator(langOf(request));
    if (!text) return renderIncident(request, reply, incident, tr("ui.notes.empty"), 400);
    try {
      await deps.store.addNote(incident.id, text, { by: user.name });
    } catch (error) {
      const r = refusal(error);
      return renderIncident(request, reply, incident, r.message, r.status);
    }
    if (!isHtmx(request)) return redirect(reply, href("/incidents", [incident.id]));
    return reply.type("text/html; charset=utf-8").send(notesList(tr, await deps.store.notes(incident.id)).value);
  });

  app.post<IdParams>("/incidents/:id/assign", { config: { role: "analyst" } }, async (request, reply) => {
    const user = userOf(request);
    const incident = await findIncident(request, reply);
    if (!incident) return reply;
    try {
      await deps.store.assign(incident.id, field(request.body, "assignee") ?? "", { by: user.name });
    } catch (error) {
      const r = refusal(error);
      return renderIncident(request, reply, incident, r.message, r.status);
    }
    return redirect(reply, href("/incidents", [incident.id]));
  });

  app.post<IdParams>("/incidents/:id/status", { config: { role: "analyst" } }, async (request, reply) => {
    const user = userOf(request);
    const incident = await findIncident(request, reply);
    if (!incident) return reply;
    const tr = translator(langOf(request));
    const status = field(request.body, "status");
    const reason = (field(request.body, "reason") ?? "").trim();
    if (!status || !(INCIDENT_STATUSES as readonly string[]).includes(status)) {
      return renderIncident(request, reply, incident, tr("ui.work.badStatus", { status: status ?? "", expected: INCIDENT_STATUSES.join(", ") }), 400);
    }
    // PB-31 closes with a reason a manager can sign; the store allows none, the UI asks for one.
    if (status === "closed" && !reason) return renderIncident(request, reply, incident, tr("ui.work.closeNeedsReason"), 400);
    try {
      if (status === "closed") await deps.store.closeIncident(incident.id, { by: user.name, reason });
      else await deps.store.setStatus(incident.id, status as IncidentStatus, { by: user.name, ...(reason ? { reason } : {}) });
    } catch (error) {
      const r = refusal(error);
      return renderIncident(request, reply, incident, r.message, r.status);
    }
    return redirect(reply, href("/incidents", [incident.id]));
  });

  app.post<IdParams>("/incidents/:id/plans", { config: { role: "analyst" } }, async (request, reply) => {
    const user = userOf(request);
    const incident = await findIncident(request, reply);
    if (!incident) return reply;
    const tr = translator(langOf(request));
    const mode = field(request.body, "mode") ?? "preserve-evidence";
    if (!(PLAN_MODES as readonly string[]).includes(mode)) return renderIncident(request, reply, incident, tr("ui.plan.badMode", { mode, expected: PLAN_MODES.join(", ") }), 400);
    try {
      const plan = await planIncident(deps.store, respondContext(deps, user.name), { incidentId: incident.id, mode: mode as PlanMode });
      return redirect(reply, href("/plans", [plan.id]));
    } catch (error) {
      const r = refusal(error);
      return renderIncident(request, reply, incident, r.message, r.status);
    }
  });
}
