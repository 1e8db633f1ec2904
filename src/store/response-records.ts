/**
 * Response records in SQL (migration 3): plans stored whole, approvals and step runs appended. The SqlStore
 * wraps each write in one transaction together with its audit record (auditOfPlan & co. below), so there is
 * never a step run the audit log does not know about, nor the reverse.
 *
 * The store keeps no response rule: it does not compute plan hashes nor decide what an approval is worth
 * (respond/service.ts does); it only stores and reads back, validating shapes with the model's schemas.
 */
import type { Approval, Plan, StepRun } from "../model/index.js";
import { ApprovalSchema, PlanSchema, StepRunSchema } from "../model/schemas.js";
import type { Row, SqlConn } from "./sql.js";
import { colText } from "./sql.js";
import type { AuditInput } from "./types.js";
import { StoreError } from "./types.js";

/** Plan ids are "plan-" and hex; a prefix shorter than this would match too much by accident. */
const MIN_PREFIX = 4;

function parsed<T>(what: string, schema: { safeParse(v: unknown): { success: true; data: T } | { success: false; error: { message: string } } }, text: string): T {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new StoreError("invalid", `stored ${what} is not JSON: ${(err as Error).message}`);
  }
  const result = schema.safeParse(value);
  if (!result.success) throw new StoreError("invalid", `stored ${what} does not have the expected shape: ${result.error.message}`);
  return result.data;
}

const planFromRow = (row: Row): Plan => parsed(`plan ${colText(row, "id")}`, PlanSchema, colText(row, "json"));

/** Insert, or replace the whole plan (a changed plan has a new hash, which voids its approvals). Returns whether it existed. */
export async function upsertPlan(conn: SqlConn, plan: Plan, at: string): Promise<boolean> {
  const checked = PlanSchema.parse(plan);
  const existed = (await conn.get("SELECT id FROM response_plans WHERE id = ?", [checked.id])) !== undefined;
  const json = JSON.stringify(checked);
  if (existed) {
    await conn.run("UPDATE response_plans SET incident_id = ?, hash = ?, mode = ?, saved_at = ?, json = ? WHERE id = ?",
      [checked.incidentId ?? null, checked.hash, checked.mode, at, json, checked.id]);
  } else {
    await conn.run(
      "INSERT INTO response_plans (id, incident_id, hash, mode, created_by, created_at, saved_at, json) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
      [checked.id, checked.incidentId ?? null, checked.hash, checked.mode, checked.createdBy, checked.createdAt, at, json]);
  }
  return existed;
}

/** By full id or a unique prefix; StoreError "ambiguous" when several plans match. */
export async function selectPlan(conn: SqlConn, idOrPrefix: string): Promise<Plan | undefined> {
  if (idOrPrefix === "") return undefined;
  const exact = await conn.get("SELECT id, json FROM response_plans WHERE id = ?", [idOrPrefix]);
  if (exact) return planFromRow(exact);
  if (idOrPrefix.length < MIN_PREFIX) return undefined;
  const rows = await conn.all("SELECT id, json FROM response_plans WHERE substr(id, 1, ?) = ? ORDER BY id LIMIT 11", [idOrPrefix.length, idOrPrefix]);
  if (rows.length > 1) {
    const ids = rows.map((r) => colText(r, "id"));
    throw new StoreError("ambiguous", `"${idOrPrefix}" matches several plans: ${ids.slice(0, 10).join(", ")}`, ids);
  }
  return rows[0] ? planFromRow(rows[0]) : undefined;
}

export async function selectPlans(conn: SqlConn, incidentId: string | undefined, limit: number): Promise<Plan[]> {
  const rows = incidentId === undefined
    ? await conn.all("SELECT id, json FROM response_plans ORDER BY created_at DESC, id DESC LIMIT ?", [limit])
    : await conn.all("SELECT id, json FROM response_plans WHERE incident_id = ? ORDER BY created_at DESC, id DESC LIMIT ?", [incidentId, limit]);
  return rows.map(planFromRow);
}

async function requirePlanRow(conn: SqlConn, planId: string): Promise<{ incidentId?: string }> {
  const row = await conn.get("SELECT incident_id FROM response_plans WHERE id = ?", [planId]);
  if (!row) throw new StoreError("not-found", `no plan "${planId}" (minerhunt respond plan makes one)`);
  const incident = row["incident_id"];
  return typeof incident === "string" ? { incidentId: incident } : {};
}

export async function insertApproval(conn: SqlConn, approval: Approval): Promise<{ incidentId?: string }> {
  const a = ApprovalSchema.parse(approval);
  const plan = await requirePlanRow(conn, a.planId);
  await conn.run("INSERT INTO response_approvals (plan_id, plan_hash, by_whom, at, reason) VALUES (?, ?, ?, ?, ?)",
    [a.planId, a.planHash, a.by, a.at, a.reason]);
  return plan;
}

export async function selectApprovals(conn: SqlConn, planId: string): Promise<Approval[]> {
  const rows = await conn.all("SELECT plan_id, plan_hash, by_whom, at, reason FROM response_approvals WHERE plan_id = ? ORDER BY id", [planId]);
  return rows.map((r) => ({ planId: colText(r, "plan_id"), planHash: colText(r, "plan_hash"), by: colText(r, "by_whom"), at: colText(r, "at"), reason: colText(r, "reason") }));
}

export async function insertStepRun(conn: SqlConn, run: StepRun): Promise<{ incidentId?: string }> {
  const r = StepRunSchema.parse(run);
  const plan = await requirePlanRow(conn, r.planId);
  await conn.run("INSERT INTO response_step_runs (plan_id, step_id, status, at, by_whom, dry_run, json) VALUES (?, ?, ?, ?, ?, ?, ?)",
    [r.planId, r.stepId, r.status, r.at, r.by, r.dryRun ? 1 : 0, JSON.stringify(r)]);
  return plan;
}

export async function selectStepRuns(conn: SqlConn, planId: string): Promise<StepRun[]> {
  const rows = await conn.all("SELECT json FROM response_step_runs WHERE plan_id = ? ORDER BY id", [planId]);
  return rows.map((r) => parsed(`step run of plan ${planId}`, StepRunSchema, colText(r, "json")));
}

// ---- what each record says in the audit log ---------------------------------------------------

export function auditOfPlan(plan: Plan, changed: boolean): AuditInput {
  const refused = plan.steps.filter((s) => s.refused).length;
  const input: AuditInput = {
    actor: plan.createdBy,
    action: changed ? "plan.changed" : "plan.created",
    target: plan.id,
    details: { planId: plan.id, hash: plan.hash, mode: plan.mode, steps: plan.steps.length, refused, usdPerHour: plan.usdPerHour },
  };
  if (plan.incidentId !== undefined) input.incidentId = plan.incidentId;
  return input;
}

export function auditOfApproval(a: Approval, incidentId: string | undefined): AuditInput {
  const input: AuditInput = { actor: a.by, action: "plan.approved", target: a.planId, details: { planId: a.planId, hash: a.planHash, reason: a.reason } };
  if (incidentId !== undefined) input.incidentId = incidentId;
  return input;
}

/** "step.previewed" for a dry run, else "step.<status>" (executed, verified, failed, refused, skipped, undone). */
export function stepAuditAction(run: Pick<StepRun, "status" | "dryRun">): string {
  return run.dryRun || run.status === "planned" ? "step.previewed" : `step.${run.status}`;
}

export function auditOfStepRun(run: StepRun, incidentId: string | undefined): AuditInput {
  const details: Record<string, unknown> = { planId: run.planId, stepId: run.stepId, status: run.status, dryRun: run.dryRun };
  if (run.error !== undefined) details["error"] = run.error;
  if (run.observed !== undefined) details["observed"] = run.observed;
  if (run.undo !== undefined) details["undo"] = run.undo;
  const input: AuditInput = { actor: run.by, action: stepAuditAction(run), target: run.stepId, details };
  if (incidentId !== undefined) input.incidentId = incidentId;
  return input;
}
