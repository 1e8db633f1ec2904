/**
 * Response: the shapes a plan, its approval and its execution take (respond/ makes them, the store keeps
 * them, the server and reports show them). Plain data, so a plan can be stored, hashed, shown, diffed.
 *
 * The life of a plan:
 *   incident ─► plan (steps with targets, current → intended state, exact call, risk, money)
 *           ─► approval (who, when, why; bound to the plan's content hash: any change voids it)
 *           ─► execution (per step: executed → verified | failed; refused; skipped when a gate failed)
 *           ─► undo (per undoable step, from what the execution kept)
 * Every transition is also an audit record (store/audit.ts), action names "plan.created", "step.executed"...
 */
import { z } from "zod";
import { BilingualSchema } from "./incident.js";

/** Where an action acts. "manual" actions are carried out by a person and only recorded. */
export const PROVIDERS = ["local", "aws", "azure", "gcp", "kubernetes", "network", "manual"] as const;
export type Provider = (typeof PROVIDERS)[number];

/**
 * How much a step can hurt if it is wrong: "read" changes nothing (snapshot, sweep, tag counts as
 * "low"), "destructive" cannot be taken back (terminate, delete) and needs a second confirmation.
 */
export const RISKS = ["read", "low", "medium", "high", "destructive"] as const;
export type Risk = (typeof RISKS)[number];

export const TARGET_KINDS = [
  "process", "file", "crontab", "systemd-unit", "preload", "host",
  "instance", "volume", "snapshot", "security-group", "auto-scaling-group", "launch-template", "spot-request",
  "lambda-function", "ecs-service", "batch-job", "sagemaker-resource",
  "access-key", "iam-user", "iam-role", "account", "region", "organization",
  "vm", "pod", "deployment", "daemonset", "statefulset", "replicaset", "cronjob", "job", "namespace", "network-policy", "image",
  "blocklist", "support-case", "budget", "detector",
] as const;
export type TargetKind = (typeof TARGET_KINDS)[number];

/** One thing a step acts on, located well enough that the connector can find it again. */
export const TargetSchema = z.object({
  kind: z.enum(TARGET_KINDS),
  /** The provider's own id: "i-0abc", "AKIA...", "4242" (pid), "/etc/cron.d/x", "ns/pod-name". */
  id: z.string(),
  provider: z.enum(PROVIDERS),
  account: z.string().optional(),
  region: z.string().optional(),
  host: z.string().optional(),
  namespace: z.string().optional(),
  /** What a person reads: "i-0abc (c5.4xlarge, us-east-1)". */
  label: z.string().optional(),
});
export type Target = z.infer<typeof TargetSchema>;

/** A resource's state as the connector read it or as the step intends it ({state: "running"}, {groups: [...]}). */
export const ResourceStateSchema = z.record(z.string(), z.unknown());
export type ResourceState = z.infer<typeof ResourceStateSchema>;

export const PlanStepSchema = z.object({
  /** Unique within the plan, stable for the same content ("snapshot-volumes:i-0abc"). */
  id: z.string(),
  /** Registry name of the action (respond/registry.ts); PB-31 checklist items name these. */
  action: z.string(),
  /** The playbook checklist items this step carries out ("containment.isolate"). */
  checklistItems: z.array(z.string()),
  /** The action's parameters, valid against its schema. */
  params: z.record(z.string(), z.unknown()),
  target: TargetSchema,
  /** Current state, as read when the plan was made. */
  before: ResourceStateSchema,
  /** Intended state after the step. */
  after: ResourceStateSchema,
  /** The exact call: "ec2:StopInstances InstanceIds=[i-0abc] Region=us-east-1", or a command line shown, never run by a shell. */
  call: z.string(),
  risk: z.enum(RISKS),
  undoable: z.boolean(),
  /** What the step's target burns, USD per hour (price table × type × count), when known. */
  usdPerHour: z.number().optional(),
  /** What the step stops burning, USD per hour (0 for a snapshot). */
  stopsUsdPerHour: z.number().optional(),
  /** Steps that must be verified before this one runs (forensics gate destruction). */
  requires: z.array(z.string()),
  /** Set when the target is protected or a precondition fails at plan time: the step will not run. */
  refused: z.object({ reason: BilingualSchema }).optional(),
  /** Why the step is in the plan, in both languages. */
  why: BilingualSchema,
});
export type PlanStep = z.infer<typeof PlanStepSchema>;

/** Preserve evidence first (snapshot, tag, termination protection, then stop), or terminate now (pure cost). */
export const PLAN_MODES = ["preserve-evidence", "terminate-now"] as const;
export type PlanMode = (typeof PLAN_MODES)[number];

/** A place the planner could not reach or read: a region, an account, a host. */
export const UnreachableSchema = z.object({ scope: z.string(), reason: z.string() });

export const PlanSchema = z.object({
  id: z.string(),
  incidentId: z.string().optional(),
  createdAt: z.string(),
  createdBy: z.string(),
  mode: z.enum(PLAN_MODES),
  steps: z.array(PlanStepSchema),
  /** Sum of usdPerHour over the distinct targets. */
  usdPerHour: z.number(),
  unreachable: z.array(UnreachableSchema),
  /** sha256 of the canonical JSON of everything above except id, createdAt and hash (respond/plan-hash.ts). */
  hash: z.string(),
});
export type Plan = z.infer<typeof PlanSchema>;

export const ApprovalSchema = z.object({
  planId: z.string(),
  /** The plan hash approved; an approval whose hash differs from the plan's is void. */
  planHash: z.string(),
  by: z.string(),
  at: z.string(),
  reason: z.string(),
});
export type Approval = z.infer<typeof ApprovalSchema>;

export const STEP_STATUSES = ["planned", "refused", "skipped", "executed", "verified", "failed", "undone"] as const;
export type StepStatus = (typeof STEP_STATUSES)[number];

/** One thing that happened to one step; the latest per step is its status. */
export const StepRunSchema = z.object({
  planId: z.string(),
  stepId: z.string(),
  status: z.enum(STEP_STATUSES),
  at: z.string(),
  by: z.string(),
  /** Dry runs are recorded too (status "planned", dryRun true) so a preview is audited. */
  dryRun: z.boolean(),
  /** State read back from the provider after the step. */
  observed: ResourceStateSchema.optional(),
  /** What undo needs (the previous security groups, the backup path...). */
  undo: ResourceStateSchema.optional(),
  /** Why it failed, was refused or skipped. */
  error: z.string().optional(),
});
export type StepRun = z.infer<typeof StepRunSchema>;
