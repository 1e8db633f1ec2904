/**
 * Response plans through respond/service.ts: an analyst makes a plan (a dry run until executed), a
 * responder approves and executes it, never their own when four-eyes is on (checked here before the
 * service, which checks again). Execution without `execute: true` is a recorded preview.
 */
import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import { PLAN_MODES, type Plan } from "../../../model/index.js";
import { ApprovalSchema, PlanSchema, StepRunSchema } from "../../../model/schemas.js";
import { approvePlan, executePlan, planIncident, planState, undoPlan } from "../../../respond/service.js";
import type { ResponseContext } from "../../../respond/types.js";
import { responseContext } from "../../../respond/context.js";
import { loadConfig } from "../../../pipeline/config.js";
import type { ServerDeps } from "../contract.js";
import { HttpError } from "../errors.js";
import { requireIncident } from "./incidents.js";
import { IdParam, errors } from "./schemas.js";

/**
 * The server's response context unless one is given: the site config's protected targets, the price table,
 * the action registry, and no connector clients (an action that needs one plans a refused step; previews and
 * manual steps still work). `serve` passes the clients it was configured with.
 */
export function defaultResponseContext(deps: ServerDeps, actor: string): ResponseContext {
  const config = deps.detection?.config ?? loadConfig();
  return { ...responseContext(actor, config), now: deps.now };
}

const PlanStateSchema = z.object({
  plan: PlanSchema,
  approvals: z.array(ApprovalSchema),
  validApproval: ApprovalSchema.optional(),
  steps: z.record(z.string(), StepRunSchema.optional()),
  runs: z.array(StepRunSchema),
});

const CreateBody = z.object({
  mode: z.enum(PLAN_MODES).default("preserve-evidence"),
  items: z.array(z.string().min(1).max(200)).max(100).optional().describe('only these checklist items ("containment.isolate")'),
});
const ApproveBody = z.object({ reason: z.string().min(1).max(2000) });
const ExecuteBody = z.object({
  execute: z.boolean().default(false).describe("false: a recorded preview that changes nothing"),
  yes: z.boolean().default(false).describe("also confirm destructive steps"),
});
const UndoBody = z.object({ steps: z.array(z.string().min(1).max(300)).max(500).optional() });


async function requirePlan(deps: ServerDeps, id: string): Promise<Plan> {
  const plan = await deps.store.getPlan(id);
  if (!plan) throw new HttpError(404, "not-found", `no plan "${id}"`);
  return plan;
}

function refuseOwnPlan(deps: ServerDeps, plan: Plan, user: string, what: string): void {
  if (deps.options.fourEyes && plan.createdBy === user) {
    throw new HttpError(403, "four-eyes", `${user} made plan ${plan.id} and cannot ${what} it: four-eyes needs another responder`);
  }
}

export function planRoutes(app: FastifyInstance, deps: ServerDeps): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const context = (actor: string): ResponseContext => deps.respond?.(actor) ?? defaultResponseContext(deps, actor);
  const fails = errors(400, 401, 403, 404, 409);

  r.post("/api/v1/incidents/:id/plans", {
    config: { role: "analyst" },
    schema: { tags: ["plans"], summary: "Make a response plan for the incident (nothing runs)", params: IdParam, body: CreateBody, response: { 201: PlanSchema, ...fails } },
  }, async (request, reply) => {
    const incident = await requireIncident(deps, request.params.id);
    const { mode, items } = request.body;
    const plan = await planIncident(deps.store, context(request.user!.name), { incidentId: incident.id, mode, ...(items ? { items } : {}) });
    return reply.code(201).send(plan);
  });

  r.get("/api/v1/incidents/:id/plans", {
    config: { role: "viewer" },
    schema: { tags: ["plans"], summary: "The incident's plans, newest first", params: IdParam, response: { 200: z.array(PlanSchema), ...fails } },
  }, async (request) => deps.store.listPlans((await requireIncident(deps, request.params.id)).id));

  r.get("/api/v1/plans/:id", {
    config: { role: "viewer" },
    schema: { tags: ["plans"], summary: "One plan", params: IdParam, response: { 200: PlanSchema, ...fails } },
  }, async (request) => requirePlan(deps, request.params.id));

  r.get("/api/v1/plans/:id/state", {
    config: { role: "viewer" },
    schema: { tags: ["plans"], summary: "A plan with its approvals and every step's latest run", params: IdParam, response: { 200: PlanStateSchema, ...fails } },
  }, async (request) => {
    const plan = await requirePlan(deps, request.params.id);
    return planState(deps.store, plan.id);
  });

  r.post("/api/v1/plans/:id/approve", {
    config: { role: "responder" },
    schema: { tags: ["plans"], summary: "Approve the plan as it stands (bound to its hash)", params: IdParam, body: ApproveBody, response: { 200: ApprovalSchema, ...fails } },
  }, async (request) => {
    const plan = await requirePlan(deps, request.params.id);
    refuseOwnPlan(deps, plan, request.user!.name, "approve");
    return approvePlan(deps.store, plan.id, { by: request.user!.name, reason: request.body.reason, fourEyes: deps.options.fourEyes });
  });

  r.post("/api/v1/plans/:id/execute", {
    config: { role: "responder" },
    schema: { tags: ["plans"], summary: "Execute an approved plan, or preview it (execute: false)", params: IdParam, body: ExecuteBody, response: { 200: z.array(StepRunSchema), ...fails } },
  }, async (request) => {
    const plan = await requirePlan(deps, request.params.id);
    const { execute, yes } = request.body;
    if (execute) refuseOwnPlan(deps, plan, request.user!.name, "execute");
    return executePlan(deps.store, context(request.user!.name), plan.id, { execute, yes, fourEyes: deps.options.fourEyes });
  });

  r.post("/api/v1/plans/:id/undo", {
    config: { role: "responder" },
    schema: { tags: ["plans"], summary: "Undo executed undoable steps (all, or those named)", params: IdParam, body: UndoBody, response: { 200: z.array(StepRunSchema), ...fails } },
  }, async (request) => {
    const plan = await requirePlan(deps, request.params.id);
    return undoPlan(deps.store, context(request.user!.name), plan.id, request.body.steps);
  });
}
