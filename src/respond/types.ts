/**
 * The contract every response action keeps (in the manner of Cloud Custodian's actions, stricter):
 * it declares its parameters, the permissions it needs, its risk and whether it can be undone; it plans
 * (resolves targets, reads their current state, says what it will change and the exact call); it checks
 * preconditions again just before it acts; it executes, reads the state back to verify, and can undo.
 *
 * Actions never reach a provider directly: the clients come in through `ResponseContext.clients`, so
 * tests hand in the real SDK pointed at `minerhunt lab` (127.0.0.1) or at a fake Kubernetes API server.
 */
import type { z } from "zod";
import type { Bilingual, Finding, Incident, PlanMode, PlanStep, Provider, ResourceState, Risk, Target } from "../model/index.js";

/** Clients the connectors use; each is optional, an action whose client is missing plans a refused step. */
export interface ResponseClients {
  /** Local Linux host (respond/connectors/host): file-system root ("/" or a test's temporary root) and process access. */
  host?: import("./connectors/host/types.js").HostClient;
  /** AWS (respond/connectors/aws): builds SDK v3 clients per region, with the endpoint override for the lab. */
  aws?: import("./connectors/aws/types.js").AwsClients;
  /** Kubernetes (respond/connectors/kubernetes). */
  kubernetes?: import("./connectors/kubernetes/types.js").KubernetesClient;
  azure?: import("./connectors/azure/types.js").AzureClients;
  gcp?: import("./connectors/gcp/types.js").GcpClients;
}

/** What is protected whatever the plan says (refused at plan time and again before execution). */
export interface ProtectedTargets {
  /** Host names, instance ids, account ids, access key ids, namespaces... (globs as in the allowlist). */
  ids: string[];
  /** Our own pid and parent pid are always protected, as is PID 1. */
  pids: number[];
}

export interface ResponseContext {
  clients: ResponseClients;
  protect: ProtectedTargets;
  /** Who acts (recorded in step runs and the audit log). */
  actor: string;
  now: () => Date;
  /** Price table (data/prices/*.yaml) for USD per hour. */
  prices: PriceTable;
  /** Cancels long calls (sweeps) when the person gives up. */
  signal?: AbortSignal;
  /** The actions to plan and execute with (respond/actions/index.ts defaultRegistry() when absent). */
  registry?: import("./registry.js").ActionRegistry;
}

export interface PriceTable {
  /** USD per hour for an instance type in a region (falls back to the type's cheapest listed region); undefined when unknown. */
  instanceUsdPerHour(provider: Provider, type: string, region?: string): number | undefined;
}

/** What an action sees when it plans for an incident. */
export interface PlanInput<P> {
  incident: Incident;
  findings: Finding[];
  params: P;
  mode: PlanMode;
  /** The checklist item this step is planned for ("containment.isolate"). */
  checklistItem: string;
  /**
   * Report a place that could not be read while the rest was planned (a region that answered with errors, an
   * account the role cannot assume): it goes to Plan.unreachable. Throwing from plan() reports the whole action.
   */
  unreachable?: (scope: string, reason: string) => void;
}

/** A step as an action plans it; the planner fills id, action, checklistItems and requires. */
export type PlannedStep = Omit<PlanStep, "id" | "action" | "checklistItems" | "requires"> & {
  /** Local key, unique per action within the plan (usually the target id). */
  key: string;
  /** Keys (`<action>:<key>`) of steps that must be verified first. */
  requires?: string[];
};

export interface ExecuteResult {
  /**
   * What undo needs, kept with the step run (the previous security groups...). Return none when the target was
   * already in the intended state: undo then uses the first undo data recorded, else the plan's `before`.
   */
  undo?: ResourceState;
  /** Anything worth recording (new snapshot ids...). */
  detail?: ResourceState;
}

export interface VerifyResult {
  ok: boolean;
  /** State read back from the provider or host. */
  observed: ResourceState;
  /** Why it is not as intended. */
  reason?: string;
}

export interface ActionDefinition<P = Record<string, unknown>> {
  /** Registry name; PB-31 checklist items refer to it ("terminate-instance"). */
  name: string;
  title: Bilingual;
  provider: Provider;
  /** Parameters, validated before planning. */
  params: z.ZodType<P>;
  /** Cloud permissions the action needs ("ec2:StopInstances"), so the least-privilege policy can be printed. */
  permissions: string[];
  risk: Risk;
  undoable: boolean;
  /**
   * Preserves evidence (snapshot, memory capture, tags, termination protection): in "preserve-evidence" mode a
   * destructive step on the same target waits until this one is verified. Default: true when risk is "read".
   */
  forensic?: boolean;
  /**
   * Forensic actions planned before this one, on the same targets, in "preserve-evidence" mode (terminate-instance:
   * ["snapshot-volumes", "tag-instance"]); they gate it. Not planned in "terminate-now" mode.
   */
  evidence?: string[];
  /** Resolve targets and read their current state. No changes. */
  plan(input: PlanInput<P>, ctx: ResponseContext): Promise<PlannedStep[]>;
  /** Checked again just before execution (the world may have moved): a reason not to act, or undefined. */
  precondition(step: PlanStep, ctx: ResponseContext): Promise<Bilingual | undefined>;
  /** Must be idempotent: acting on an already-changed target changes nothing and succeeds. */
  execute(step: PlanStep, ctx: ResponseContext): Promise<ExecuteResult>;
  verify(step: PlanStep, ctx: ResponseContext): Promise<VerifyResult>;
  undo?(step: PlanStep, undo: ResourceState, ctx: ResponseContext): Promise<void>;
}

/** Re-exported for the connectors' own modules. */
export type { PlanStep, Target, ResourceState };
