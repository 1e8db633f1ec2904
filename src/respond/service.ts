/**
 * The response workflow as the CLI, the server and reports call it: plan → approve → execute (dry run by
 * default) → verify → undo. Every transition is a StepRun (or plan/approval) record, and the store writes each
 * with its audit record in one transaction ("plan.created", "plan.approved", "step.previewed", "step.executed",
 * "step.verified", "step.failed", "step.refused", "step.skipped", "step.undone").
 *
 * Safety, in the order it is checked for each step: already verified or undone → nothing; refused at plan
 * time → refused; dry run → previewed only; a gate not verified → skipped; a manual step the person did not
 * confirm → skipped; destructive without `yes` → refused; protected target or failed precondition (checked
 * again now) → refused; then execute (not again if an earlier run executed it: resume after a crash), verify,
 * and a verified step ticks the checklist items whose steps are all verified.
 */
import { randomBytes } from "node:crypto";
import type { Approval, Plan, PlanMode, PlanStep, StepRun, StepStatus } from "../model/index.js";
import { PLAN_MODES } from "../model/index.js";
import type { Playbook } from "../playbook/index.js";
import { loadPlaybook } from "../playbook/index.js";
import type { ResponseRecords, Store } from "../store/types.js";
import { defaultRegistry } from "./actions/index.js";
import { RespondError } from "./errors.js";
import { buildPlan } from "./plan.js";
import { planIntact } from "./plan-hash.js";
import { protectionReason } from "./protect.js";
import type { ActionRegistry } from "./registry.js";
import type { ExecuteResult, ResponseContext, VerifyResult } from "./types.js";

export type ResponseStore = Store & ResponseRecords;

export interface PlanRequest {
  incidentId: string;
  mode: PlanMode;
  /** Only these checklist items ("containment.isolate"); all of containment, eradication and recovery by default. */
  items?: string[];
  /** The playbook to plan from; default the incident's own (decision.playbook, else PB-31), checked against the registry. */
  playbook?: Playbook;
}

export interface ApproveRequest {
  by: string;
  reason: string;
  /** Refuse when the approver made the plan. */
  fourEyes: boolean;
}

export interface ExecuteRequest {
  /** false: record what would happen and change nothing (the default everywhere). */
  execute: boolean;
  /** Destructive steps (risk "destructive") also need this second confirmation. */
  yes: boolean;
  /** Refuse an approval by the plan's author, and an execution (not a dry run) by the plan's author. */
  fourEyes: boolean;
  /** Manual steps (provider "manual") the person confirms they carried out; the others wait. */
  confirm?: string[];
}

/** A plan with everything that happened to it, for display. */
export interface PlanState {
  plan: Plan;
  approvals: Approval[];
  /** The approval bound to the plan's current hash, if any. */
  validApproval?: Approval;
  /** Latest run per step id. */
  steps: Record<string, StepRun | undefined>;
  runs: StepRun[];
}

const MAX_REASON_CHARS = 2_000;
/** Steps named in a checklist answer; step ids are short, so this stays far below the store's limit. */
const ANSWER_STEPS = 20;
/** How a step skipped because a gate failed or was refused begins its error (the CLI exits 1 on it). */
export const GATE_FAILED = "gate failed";

function registryOf(ctx: ResponseContext): ActionRegistry {
  // The shipped registry as these clients can act (a missing client gives way to the manual stand-in); a
  // registry handed in (tests, embedders) is taken as it is.
  return ctx.registry ?? defaultRegistry().withClients(ctx.clients);
}

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

async function requirePlan(store: ResponseStore, planId: string): Promise<Plan> {
  const plan = await store.getPlan(planId);
  if (!plan) throw new RespondError("not-found", `no plan "${planId}" (minerhunt respond plan INCIDENT makes one)`);
  return plan;
}

export async function planIncident(store: ResponseStore, ctx: ResponseContext, request: PlanRequest): Promise<Plan> {
  if (!PLAN_MODES.includes(request.mode)) throw new RespondError("invalid", `mode "${String(request.mode)}": expected one of ${PLAN_MODES.join(", ")}`);
  const incident = await store.getIncident(request.incidentId);
  if (!incident) throw new RespondError("not-found", `no incident "${request.incidentId}" (minerhunt incident list shows the ids)`);
  const registry = registryOf(ctx);
  const playbook = request.playbook ?? loadPlaybook(incident.decision?.playbook ?? "PB-31", undefined, { actions: registry.names() });
  const findings = await store.listFindings(incident.id);
  const plan = await buildPlan({
    registry, playbook, incident, findings, mode: request.mode, ...(request.items ? { items: request.items } : {}),
    id: `plan-${randomBytes(6).toString("hex")}`, createdAt: ctx.now().toISOString(),
  }, ctx);
  await store.savePlan(plan);
  // A step refused now is refused in the record too, so the audit log shows what the plan will not do.
  for (const step of plan.steps) {
    if (step.refused) await store.addStepRun(run(plan, step, ctx, "refused", false, { error: step.refused.reason.en }));
  }
  return plan;
}

export async function approvePlan(store: ResponseStore, planId: string, request: ApproveRequest): Promise<Approval> {
  const plan = await requirePlan(store, planId);
  const by = request.by.trim();
  const reason = request.reason.trim();
  if (by === "") throw new RespondError("invalid", "an approval needs the approver's name (--by)");
  if (reason === "") throw new RespondError("invalid", "an approval needs a reason (--reason)");
  if (reason.length > MAX_REASON_CHARS) throw new RespondError("invalid", `the reason is ${reason.length} characters; at most ${MAX_REASON_CHARS}`);
  if (!planIntact(plan)) throw new RespondError("refused", `plan ${plan.id} does not match its hash: it was changed after it was made; make a new plan`);
  if (request.fourEyes && by === plan.createdBy) {
    throw new RespondError("refused", `four eyes: ${by} made plan ${plan.id} and cannot approve it; another person must`);
  }
  const approval: Approval = { planId: plan.id, planHash: plan.hash, by, at: new Date().toISOString(), reason };
  await store.addApproval(approval);
  return approval;
}

export async function planState(store: ResponseStore, planId: string): Promise<PlanState> {
  const plan = await requirePlan(store, planId);
  const [approvals, runs] = await Promise.all([store.approvals(plan.id), store.stepRuns(plan.id)]);
  // A preview says nothing about what was done: a dry run is the latest only while nothing real happened.
  const steps: Record<string, StepRun | undefined> = {};
  for (const r of runs) if (!r.dryRun || steps[r.stepId]?.dryRun !== false) steps[r.stepId] = r;
  const state: PlanState = { plan, approvals, steps, runs };
  // An approval is worth something only for the exact content it saw: an edited plan voids them all.
  const valid = planIntact(plan) ? approvals.filter((a) => a.planHash === plan.hash).at(-1) : undefined;
  if (valid) state.validApproval = valid;
  return state;
}

function run(plan: Plan, step: PlanStep, ctx: ResponseContext, status: StepStatus, dryRun: boolean, extra: Partial<StepRun> = {}): StepRun {
  return { planId: plan.id, stepId: step.id, status, at: ctx.now().toISOString(), by: ctx.actor, dryRun, ...extra };
}

export async function executePlan(store: ResponseStore, ctx: ResponseContext, planId: string, request: ExecuteRequest): Promise<StepRun[]> {
  const state = await planState(store, planId);
  const { plan } = state;
  if (!planIntact(plan)) throw new RespondError("refused", `plan ${plan.id} does not match its hash: it was changed after it was made; make a new plan`);
  if (request.execute) {
    const approval = state.validApproval;
    if (!approval) throw new RespondError("not-approved", `plan ${plan.id} has no approval for its current content (hash ${plan.hash.slice(0, 12)}…): minerhunt respond approve ${plan.id} --reason ...`);
    if (request.fourEyes && approval.by === plan.createdBy) {
      throw new RespondError("refused", `four eyes: plan ${plan.id} was approved by its own author ${approval.by}; another person must approve it`);
    }
    // As the server's roles say: a responder never executes a plan they made (a dry run is anyone's).
    if (request.fourEyes && ctx.actor === plan.createdBy) {
      throw new RespondError("refused", `four eyes: ${ctx.actor} made plan ${plan.id} and cannot execute it; another person must`);
    }
  }
  const registry = registryOf(ctx);
  const confirmed = new Set(request.confirm ?? []);
  const unknownConfirm = [...confirmed].filter((id) => !plan.steps.some((s) => s.id === id));
  if (unknownConfirm.length) throw new RespondError("invalid", `--confirm ${unknownConfirm.join(", ")}: not a step of plan ${plan.id}`);
  const latest = new Map<string, StepRun>();
  for (const r of state.runs) if (!r.dryRun) latest.set(r.stepId, r);
  const out: StepRun[] = [];
  const record = async (r: StepRun): Promise<void> => {
    const last = latest.get(r.stepId);
    // Refused and skipped again for the same reason is not news: the second execute of a plan writes nothing.
    if (!r.dryRun && last && last.status === r.status && last.error === r.error && (r.status === "refused" || r.status === "skipped")) return;
    await store.addStepRun(r);
    if (!r.dryRun) latest.set(r.stepId, r);
    out.push(r);
  };
  const ticker = checklistTicker(store, ctx, plan, latest);

  for (const step of plan.steps) {
    const last = latest.get(step.id);
    if (last?.status === "verified" || last?.status === "undone") continue;
    const def = registry.get(step.action);
    if (step.refused) { await record(run(plan, step, ctx, "refused", !request.execute, { error: step.refused.reason.en })); continue; }
    if (!def) { await record(run(plan, step, ctx, "refused", !request.execute, { error: `no action "${step.action}" is registered` })); continue; }
    if (!request.execute) {
      const blocked = protectionReason(step.target, ctx.protect) ?? await def.precondition(step, ctx).catch((err: unknown) => ({ en: message(err), th: message(err) }));
      await record(run(plan, step, ctx, "planned", true, blocked ? { error: `would be refused: ${blocked.en}` } : {}));
      continue;
    }
    const waiting = step.requires.filter((id) => latest.get(id)?.status !== "verified");
    if (waiting.length) {
      // "gate failed" when a gate failed or was refused (the plan is in trouble); "waits for" when it has not run yet.
      const failed = waiting.some((id) => ["failed", "refused"].includes(latest.get(id)?.status ?? ""));
      const why = waiting.map((id) => `${id} is ${latest.get(id)?.status ?? "not run"}`).join(", ");
      await record(run(plan, step, ctx, "skipped", false, { error: `${failed ? GATE_FAILED : "waits for its gate"}: ${why}` }));
      continue;
    }
    if (def.provider === "manual" && !confirmed.has(step.id)) {
      await record(run(plan, step, ctx, "skipped", false, { error: `a person does this step: do it, then confirm it (respond execute ${plan.id} --execute --confirm ${step.id})` }));
      continue;
    }
    if (step.risk === "destructive" && !request.yes) {
      await record(run(plan, step, ctx, "refused", false, { error: "destructive: needs the second confirmation (--yes)" }));
      continue;
    }
    const protectedNow = protectionReason(step.target, ctx.protect);
    if (protectedNow) { await record(run(plan, step, ctx, "refused", false, { error: protectedNow.en })); continue; }
    let pre;
    try {
      pre = await def.precondition(step, ctx);
    } catch (err) {
      await record(run(plan, step, ctx, "failed", false, { error: `precondition could not be checked: ${message(err)}` }));
      continue;
    }
    if (pre) { await record(run(plan, step, ctx, "refused", false, { error: `precondition: ${pre.en}` })); continue; }
    // Resume: a step an earlier run executed (then crashed before verifying) is verified, not done again.
    if (last?.status !== "executed") {
      // Only the connector's call is caught: a store that cannot record must stop the run (the crash resume covers it).
      let result: ExecuteResult;
      try {
        result = await def.execute(step, ctx);
      } catch (err) {
        await record(run(plan, step, ctx, "failed", false, { error: message(err) }));
        continue;
      }
      const extra: Partial<StepRun> = {};
      if (result.undo) extra.undo = result.undo;
      if (result.detail) extra.observed = result.detail;
      await record(run(plan, step, ctx, "executed", false, extra));
    }
    let v: VerifyResult;
    try {
      v = await def.verify(step, ctx);
    } catch (err) {
      await record(run(plan, step, ctx, "failed", false, { error: `could not verify: ${message(err)}` }));
      continue;
    }
    if (v.ok) {
      await record(run(plan, step, ctx, "verified", false, { observed: v.observed }));
      await ticker(step);
    } else {
      await record(run(plan, step, ctx, "failed", false, { observed: v.observed, error: `not verified: ${v.reason ?? "the state read back is not the intended one"}` }));
    }
  }
  return out;
}

/** Ticks a checklist item once every step of the plan that carries it is verified; the answer names plan and steps. */
function checklistTicker(store: ResponseStore, ctx: ResponseContext, plan: Plan, latest: Map<string, StepRun>): (step: PlanStep) => Promise<void> {
  const incidentId = plan.incidentId;
  // The plan was made from the playbook's items: those ids are valid even where the stored checklist has no row yet.
  const items = [...new Set(plan.steps.flatMap((s) => s.checklistItems))];
  const carriersOf = new Map<string, PlanStep[]>();
  for (const s of plan.steps) for (const item of s.checklistItems) carriersOf.set(item, [...(carriersOf.get(item) ?? []), s]);
  return async (step) => {
    if (incidentId === undefined) return;
    for (const item of step.checklistItems) {
      const carriers = carriersOf.get(item) ?? [];
      if (!carriers.every((s) => latest.get(s.id)?.status === "verified")) continue;
      // A plan over thousands of instances: name the first steps, count the rest (the plan holds them all).
      const shown = carriers.slice(0, ANSWER_STEPS).map((s) => (s.id.length > 120 ? `${s.id.slice(0, 119)}…` : s.id)).join(", ");
      const more = carriers.length > ANSWER_STEPS ? ` and ${carriers.length - ANSWER_STEPS} more` : "";
      await store.tickChecklist(incidentId, item, { by: ctx.actor, answer: `done and verified by minerhunt respond: plan ${plan.id}, step(s) ${shown}${more}`, items });
    }
  };
}

export async function undoPlan(store: ResponseStore, ctx: ResponseContext, planId: string, stepIds?: string[]): Promise<StepRun[]> {
  const state = await planState(store, planId);
  const { plan } = state;
  const registry = registryOf(ctx);
  const asked = stepIds && stepIds.length > 0 ? stepIds : undefined;
  if (asked) {
    const unknown = asked.filter((id) => !plan.steps.some((s) => s.id === id));
    if (unknown.length) throw new RespondError("invalid", `${unknown.join(", ")}: not a step of plan ${plan.id}`);
  }
  const out: StepRun[] = [];
  // The FIRST undo data since the step was last undone: a repeated execute (a resume, two people at once) finds
  // the target already changed and must not overwrite what the first one saw. Without any, the plan's `before`.
  const undoOf = new Map<string, StepRun["undo"]>();
  for (const r of state.runs) {
    if (r.dryRun) continue;
    if (r.status === "undone") undoOf.delete(r.stepId);
    else if (r.undo !== undefined && !undoOf.has(r.stepId)) undoOf.set(r.stepId, r.undo);
  }
  // Last done, first undone.
  for (const step of [...plan.steps].reverse()) {
    if (asked && !asked.includes(step.id)) continue;
    const status = state.steps[step.id]?.status;
    const done = status === "verified" || status === "executed" || status === "failed";
    const kept = undoOf.get(step.id);
    const def = registry.get(step.action);
    if (!done || (status === "failed" && kept === undefined)) {
      if (asked) throw new RespondError("invalid", `step ${step.id} is ${status ?? "not run"}: nothing to undo`);
      continue;
    }
    if (!step.undoable || !def?.undo) {
      if (asked) throw new RespondError("invalid", `step ${step.id} (${step.action}) cannot be undone`);
      continue;
    }
    try {
      const undoData = kept ?? step.before;
      await def.undo(step, undoData, ctx);
      const r = run(plan, step, ctx, "undone", false, { undo: undoData });
      await store.addStepRun(r);
      out.push(r);
    } catch (err) {
      const r = run(plan, step, ctx, "failed", false, { error: `undo failed: ${message(err)}` });
      await store.addStepRun(r);
      out.push(r);
    }
  }
  return out;
}
