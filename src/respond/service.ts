/**
 * The response workflow as the CLI, the server and reports call it. CONTRACT: the signatures are fixed;
 * the bodies are being built (respond core). Every function audits what it does.
 */
import type { Approval, Plan, PlanMode, StepRun } from "../model/index.js";
import type { ResponseRecords, Store } from "../store/types.js";
import type { ResponseContext } from "./types.js";

export type ResponseStore = Store & ResponseRecords;

export interface PlanRequest {
  incidentId: string;
  mode: PlanMode;
  /** Only these checklist items ("containment.isolate"); all of containment, eradication and recovery by default. */
  items?: string[];
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
  fourEyes: boolean;
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

const NOT_BUILT = "respond: not built yet";

export async function planIncident(_store: ResponseStore, _ctx: ResponseContext, _request: PlanRequest): Promise<Plan> {
  throw new Error(NOT_BUILT);
}
export async function approvePlan(_store: ResponseStore, _planId: string, _request: ApproveRequest): Promise<Approval> {
  throw new Error(NOT_BUILT);
}
export async function executePlan(_store: ResponseStore, _ctx: ResponseContext, _planId: string, _request: ExecuteRequest): Promise<StepRun[]> {
  throw new Error(NOT_BUILT);
}
export async function undoPlan(_store: ResponseStore, _ctx: ResponseContext, _planId: string, _stepIds?: string[]): Promise<StepRun[]> {
  throw new Error(NOT_BUILT);
}
export async function planState(_store: ResponseStore, _planId: string): Promise<PlanState> {
  throw new Error(NOT_BUILT);
}
