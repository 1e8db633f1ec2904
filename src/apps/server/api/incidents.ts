/**
 * Reading incidents: the queue (filtered, in queue order), one incident, its findings, its evidence
 * (each finding's sampled source lines, flattened), its timeline and notes; campaigns.
 */
import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import { INCIDENT_STATUSES, PRIORITIES, SEVERITIES, severityRank, type Incident } from "../../../model/index.js";
import { CampaignSchema, EvidenceSchema, FindingSchema, IncidentSchema } from "../../../model/schemas.js";
import type { ServerDeps } from "../contract.js";
import { HttpError } from "../errors.js";
import { compareQueue, usdPerHourByIncident } from "./queue.js";
import { IdParam, IncidentSummarySchema, csvEnum, errors } from "./schemas.js";

/** The store reads at most this many incidents for one queue request (store/sql-store.ts MAX_LIST_LIMIT). */
const QUEUE_READ = 10_000;

export async function requireIncident(deps: ServerDeps, id: string): Promise<Incident> {
  const incident = await deps.store.getIncident(id);
  if (!incident) throw new HttpError(404, "not-found", `no incident "${id}"`);
  return incident;
}

function summary(i: Incident, usd: ReadonlyMap<string, number>): z.infer<typeof IncidentSummarySchema> {
  const usdPerHour = usd.get(i.id);
  return {
    id: i.id, title: i.title, status: i.status, severity: i.severity, priority: i.priority, confidence: i.confidence,
    firstSeen: i.firstSeen, lastSeen: i.lastSeen, environment: i.environment, hostType: i.hostType, scope: i.scope,
    findings: i.findingIds.length,
    checklist: { done: i.checklist.filter((c) => c.done).length, total: i.checklist.length },
    ...(i.assignee !== undefined ? { assignee: i.assignee } : {}),
    ...(i.campaignId !== undefined ? { campaignId: i.campaignId } : {}),
    ...(i.billingUsd !== undefined ? { billingUsd: i.billingUsd } : {}),
    ...(usdPerHour !== undefined ? { usdPerHour } : {}),
  };
}


const ListQuery = z.object({
  status: csvEnum(INCIDENT_STATUSES, "status"),
  severity: z.enum(SEVERITIES).optional().describe("the least severity: high lists high and critical"),
  priority: csvEnum(PRIORITIES, "priority"),
  assignee: z.string().max(200).optional(),
  campaign: z.string().max(128).optional(),
  q: z.string().max(200).optional().describe("words in the title (case-insensitive)"),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  offset: z.coerce.number().int().min(0).max(QUEUE_READ).default(0),
});

export function incidentRoutes(app: FastifyInstance, deps: ServerDeps): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const viewer = { role: "viewer" as const };

  r.get("/api/v1/incidents", {
    config: viewer,
    schema: {
      tags: ["incidents"], summary: "The incident queue: priority, then USD/hour at stake, then severity, then the most recent",
      querystring: ListQuery,
      response: {
        200: z.object({
          total: z.number().int().optional().describe("how many match, when known without reading them all"),
          more: z.boolean().describe("more match after this page"),
          incidents: z.array(IncidentSummarySchema),
        }),
        ...errors(400, 401, 403),
      },
    },
  }, async (request) => {
    const q = request.query;
    const words = q.q?.toLowerCase().split(/\s+/).filter(Boolean) ?? [];
    const pushedDown = { ...(q.status ? { status: q.status } : {}), ...(q.severity ? { severity: q.severity } : {}) };
    const usd = usdPerHourByIncident(await deps.store.listPlans());
    const want = q.offset + q.limit;
    const inMemory = q.priority !== undefined || q.assignee !== undefined || q.campaign !== undefined || words.length > 0;
    if (inMemory) {
      // Filters the store cannot apply: read every match (up to QUEUE_READ) and filter here.
      const chosen = (await deps.store.listIncidents({ ...pushedDown, limit: QUEUE_READ })).filter((i) =>
        (!q.priority || q.priority.includes(i.priority)) &&
        (q.assignee === undefined || (i.assignee ?? "") === q.assignee) &&
        (q.campaign === undefined || i.campaignId === q.campaign) &&
        words.every((w) => i.title.toLowerCase().includes(w)));
      chosen.sort((a, b) => compareQueue(a, b, usd));
      return { total: chosen.length, more: false, incidents: chosen.slice(q.offset, want).map((i) => summary(i, usd)) };
    }
    // The store already orders by priority, severity and recency; only money moves an incident up within its
    // priority, and only incidents with a plan have money. So the first `want + (incidents with money)` in
    // the store's order, plus those with money, hold the page (docs/server.md, "The queue").
    const asked = want + usd.size;
    const page = await deps.store.listIncidents({ ...pushedDown, limit: asked });
    const seen = new Set(page.map((i) => i.id));
    for (const id of usd.keys()) {
      if (seen.has(id)) continue;
      const i = await deps.store.getIncident(id);
      if (i && (!q.status || q.status.includes(i.status)) && (!q.severity || severityRank(i.severity) >= severityRank(q.severity))) {
        page.push(i);
        seen.add(i.id);
      }
    }
    page.sort((a, b) => compareQueue(a, b, usd));
    const complete = page.length < asked;
    return { ...(complete ? { total: page.length } : {}), more: !complete && page.length > want, incidents: page.slice(q.offset, want).map((i) => summary(i, usd)) };
  });

  r.get("/api/v1/incidents/:id", {
    config: viewer,
    schema: { tags: ["incidents"], summary: "One incident (full id or a unique prefix)", params: IdParam, response: { 200: IncidentSchema, ...errors(401, 403, 404, 409) } },
  }, async (request) => requireIncident(deps, request.params.id));

  r.get("/api/v1/incidents/:id/findings", {
    config: viewer,
    schema: { tags: ["incidents"], summary: "The incident's findings", params: IdParam, response: { 200: z.array(FindingSchema), ...errors(401, 403, 404, 409) } },
  }, async (request) => deps.store.listFindings((await requireIncident(deps, request.params.id)).id));

  const EvidenceRow = EvidenceSchema.extend({ findingId: z.string(), findingTitle: z.string() });
  r.get("/api/v1/incidents/:id/evidence", {
    config: viewer,
    schema: {
      tags: ["incidents"], summary: "Each finding's sampled source lines (file, line, summary)", params: IdParam,
      response: { 200: z.array(EvidenceRow), ...errors(401, 403, 404, 409) },
    },
  }, async (request) => {
    const findings = await deps.store.listFindings((await requireIncident(deps, request.params.id)).id);
    return findings.flatMap((f) => f.evidence.map((e) => ({ ...e, findingId: f.id, findingTitle: f.title })));
  });

  const TimelineEntrySchema = z.object({
    id: z.number().int(), incidentId: z.string(), at: z.string(), actor: z.string(), kind: z.string(),
    data: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null(), z.array(z.string())])),
  });
  r.get("/api/v1/incidents/:id/timeline", {
    config: viewer,
    schema: { tags: ["incidents"], summary: "What happened to the incident, oldest first", params: IdParam, response: { 200: z.array(TimelineEntrySchema), ...errors(401, 403, 404, 409) } },
  }, async (request) => deps.store.timeline((await requireIncident(deps, request.params.id)).id));

  const NoteSchema = z.object({ id: z.number().int(), incidentId: z.string(), at: z.string(), author: z.string(), text: z.string() });
  r.get("/api/v1/incidents/:id/notes", {
    config: viewer,
    schema: { tags: ["incidents"], summary: "Analysts' notes, oldest first", params: IdParam, response: { 200: z.array(NoteSchema), ...errors(401, 403, 404, 409) } },
  }, async (request) => deps.store.notes((await requireIncident(deps, request.params.id)).id));

  r.get("/api/v1/campaigns", {
    config: viewer,
    schema: { tags: ["campaigns"], summary: "Campaigns of the stored incidents (one actor behind several)", response: { 200: z.array(CampaignSchema), ...errors(401, 403) } },
  }, async () => {
    const ids = new Set<string>();
    for (const i of await deps.store.listIncidents({ limit: QUEUE_READ })) if (i.campaignId) ids.add(i.campaignId);
    const out = [];
    for (const id of [...ids].sort()) {
      const c = await deps.store.getCampaign(id);
      if (c) out.push(c);
    }
    return out.sort((a, b) => (a.lastSeen < b.lastSeen ? 1 : a.lastSeen > b.lastSeen ? -1 : 0));
  });

  r.get("/api/v1/campaigns/:id", {
    config: viewer,
    schema: { tags: ["campaigns"], summary: "One campaign", params: IdParam, response: { 200: CampaignSchema, ...errors(401, 403, 404) } },
  }, async (request) => {
    const c = await deps.store.getCampaign(request.params.id);
    if (!c) throw new HttpError(404, "not-found", `no campaign "${request.params.id}"`);
    return c;
  });
}
