/**
 * Report downloads (src/report: Markdown, HTML, PDF in Thai or English, with what the response did)
 * and the audit log for admins (records, and the hash chain verified).
 */
import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import { LANGS } from "../../../i18n/index.js";
import type { Plan, StepRun } from "../../../model/index.js";
import { ChromiumMissingError, REPORT_FORMATS, renderReport, type ActionRecord } from "../../../report/index.js";
import type { ServerDeps } from "../contract.js";
import { HttpError } from "../errors.js";
import { requireIncident } from "./incidents.js";
import { playbookOf } from "./playbook.js";
import { IdParam, errors } from "./schemas.js";

const CONTENT_TYPES = { md: "text/markdown; charset=utf-8", html: "text/html; charset=utf-8", pdf: "application/pdf" } as const;

const ACTION_STATUS: Partial<Record<StepRun["status"], ActionRecord["status"]>> = {
  planned: "planned", refused: "refused", skipped: "refused", executed: "done", verified: "verified", failed: "failed",
};

/** What the response did, for the report's "Actions taken": each step's latest real (not preview) run. */
async function actionsOf(deps: ServerDeps, incidentId: string): Promise<ActionRecord[]> {
  const plans: Plan[] = await deps.store.listPlans(incidentId);
  const out: ActionRecord[] = [];
  for (const plan of plans) {
    const latest = new Map<string, StepRun>();
    for (const run of await deps.store.stepRuns(plan.id)) if (!run.dryRun) latest.set(run.stepId, run);
    for (const step of plan.steps) {
      const run = latest.get(step.id);
      const status = run ? ACTION_STATUS[run.status] : undefined;
      if (run && status) out.push({ name: step.action, status, target: step.target.label ?? step.target.id, at: run.at });
    }
  }
  return out.sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));
}

const ReportQuery = z.object({ format: z.enum(REPORT_FORMATS).default("html"), lang: z.enum(LANGS).default("en") });

export function reportRoutes(app: FastifyInstance, deps: ServerDeps): void {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.get("/api/v1/incidents/:id/report", {
    config: { role: "viewer" },
    schema: {
      tags: ["reports"], summary: "The incident report (md, html or pdf; en or th)", params: IdParam, querystring: ReportQuery,
      response: { 200: z.string().describe("the report; PDF as bytes"), ...errors(400, 401, 403, 404, 409, 503) },
    },
  }, async (request, reply) => {
    const incident = await requireIncident(deps, request.params.id);
    const { format, lang } = request.query;
    const findings = await deps.store.listFindings(incident.id);
    let body: Buffer | string;
    try {
      body = await renderReport(incident, findings, { format, lang, playbook: playbookOf(deps), now: deps.now(), actions: await actionsOf(deps, incident.id) });
    } catch (err) {
      if (err instanceof ChromiumMissingError) throw new HttpError(503, "unavailable", err.message);
      throw err;
    }
    const name = `minerhunt-${incident.id.slice(0, 12).replace(/[^A-Za-z0-9-]/g, "")}-${lang}.${format}`;
    // Sent as bytes so the zod serializer leaves it alone; the HTML report is a download, not a page of this site.
    return reply.type(CONTENT_TYPES[format]).header("content-disposition", `attachment; filename="${name}"`)
      .serializer((payload: unknown) => payload as string).send(body as string);
  });

  const AuditRecordSchema = z.object({
    seq: z.number().int(), at: z.string(), actor: z.string(), action: z.string(), target: z.string().optional(),
    incidentId: z.string().optional(), details: z.record(z.string(), z.unknown()), prevHash: z.string(), hash: z.string(),
  });
  r.get("/api/v1/audit", {
    config: { role: "admin" },
    schema: {
      tags: ["audit"], summary: "Audit records from a sequence number",
      querystring: z.object({ from: z.coerce.number().int().min(1).default(1), limit: z.coerce.number().int().min(1).max(1000).default(100) }),
      response: { 200: z.array(AuditRecordSchema), ...errors(400, 401, 403) },
    },
  }, async (request) => deps.store.auditRecords(request.query.from, request.query.limit));

  r.get("/api/v1/audit/verify", {
    config: { role: "admin" },
    schema: {
      tags: ["audit"], summary: "Verify the audit log's hash chain",
      response: {
        200: z.object({ ok: z.boolean(), count: z.number().int(), head: z.object({ seq: z.number().int(), hash: z.string() }).optional(), brokenAt: z.number().int().optional(), reason: z.string().optional() }),
        ...errors(401, 403),
      },
    },
  }, async () => deps.store.verifyAuditChain());
}
