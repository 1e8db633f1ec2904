/**
 * An analyst's work on an incident: checklist ticks, notes, assignment, status and closing. The store
 * records each in the incident's timeline and the audit log, with the signed-in user as the actor.
 */
import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import { INCIDENT_STATUSES } from "../../../model/index.js";
import { IncidentSchema } from "../../../model/schemas.js";
import type { ServerDeps } from "../contract.js";
import { HttpError } from "../errors.js";
import { requireIncident } from "./incidents.js";
import { checklistIds, playbookOf } from "./playbook.js";
import { IdParam, errors } from "./schemas.js";

const TickBody = z.object({
  item: z.string().min(1).max(200).describe('checklist item id, "analysis.binary-hash"'),
  done: z.boolean().default(true).describe("false unticks"),
  answer: z.string().max(20_000).optional(),
});
const NoteBody = z.object({ text: z.string().min(1).max(20_000) });
const AssignBody = z.object({ assignee: z.string().max(200).describe("empty unassigns") });
const StatusBody = z.object({ status: z.enum(INCIDENT_STATUSES), reason: z.string().max(20_000).optional() });
const CloseBody = z.object({ reason: z.string().min(1).max(20_000) });
const NoteSchema = z.object({ id: z.number().int(), incidentId: z.string(), at: z.string(), author: z.string(), text: z.string() });

export function workRoutes(app: FastifyInstance, deps: ServerDeps): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const analyst = { role: "analyst" as const };
  const fails = errors(400, 401, 403, 404, 409);

  r.post("/api/v1/incidents/:id/checklist", {
    config: analyst,
    schema: { tags: ["work"], summary: "Tick or untick a checklist item; an unknown item id is refused with the valid ones", params: IdParam, body: TickBody, response: { 200: IncidentSchema, ...fails } },
  }, async (request) => {
    const incident = await requireIncident(deps, request.params.id);
    const { item, done, answer } = request.body;
    const valid = checklistIds(playbookOf(deps), incident.checklist);
    if (!valid.includes(item)) {
      throw new HttpError(400, "bad-request", `unknown checklist item "${item}"; valid: ${valid.join(", ")}`, { valid });
    }
    return deps.store.tickChecklist(incident.id, item, { by: request.user!.name, done, ...(answer !== undefined ? { answer } : {}) });
  });

  r.post("/api/v1/incidents/:id/notes", {
    config: analyst,
    schema: { tags: ["work"], summary: "Add a note", params: IdParam, body: NoteBody, response: { 201: NoteSchema, ...fails } },
  }, async (request, reply) => {
    const incident = await requireIncident(deps, request.params.id);
    const note = await deps.store.addNote(incident.id, request.body.text, { by: request.user!.name });
    return reply.code(201).send(note);
  });

  r.post("/api/v1/incidents/:id/assign", {
    config: analyst,
    schema: { tags: ["work"], summary: "Assign the incident (empty: unassign)", params: IdParam, body: AssignBody, response: { 200: IncidentSchema, ...fails } },
  }, async (request) => {
    const incident = await requireIncident(deps, request.params.id);
    return deps.store.assign(incident.id, request.body.assignee, { by: request.user!.name });
  });

  r.post("/api/v1/incidents/:id/status", {
    config: analyst,
    schema: { tags: ["work"], summary: "Change the status; closing needs a reason", params: IdParam, body: StatusBody, response: { 200: IncidentSchema, ...fails } },
  }, async (request) => {
    const incident = await requireIncident(deps, request.params.id);
    const { status, reason } = request.body;
    if (status === "closed" && !reason?.trim()) throw new HttpError(400, "bad-request", "closing an incident needs a reason");
    return deps.store.setStatus(incident.id, status, { by: request.user!.name, ...(reason?.trim() ? { reason } : {}) });
  });

  r.post("/api/v1/incidents/:id/close", {
    config: analyst,
    schema: { tags: ["work"], summary: "Close the incident with a reason", params: IdParam, body: CloseBody, response: { 200: IncidentSchema, ...fails } },
  }, async (request) => {
    const incident = await requireIncident(deps, request.params.id);
    return deps.store.closeIncident(incident.id, { by: request.user!.name, reason: request.body.reason });
  });
}
