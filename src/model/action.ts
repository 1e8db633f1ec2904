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
import type { z } from "zod";
import type { ApprovalSchema, PlanSchema, PlanStepSchema, ResourceStateSchema, StepRunSchema, TargetSchema } from "./schemas.js";

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
export type Target = z.infer<typeof TargetSchema>;

/** A resource's state as the connector read it or as the step intends it ({state: "running"}, {groups: [...]}). */
export type ResourceState = z.infer<typeof ResourceStateSchema>;

export type PlanStep = z.infer<typeof PlanStepSchema>;

/** Preserve evidence first (snapshot, tag, termination protection, then stop), or terminate now (pure cost). */
export const PLAN_MODES = ["preserve-evidence", "terminate-now"] as const;
export type PlanMode = (typeof PLAN_MODES)[number];

export type Plan = z.infer<typeof PlanSchema>;

export type Approval = z.infer<typeof ApprovalSchema>;

export const STEP_STATUSES = ["planned", "refused", "skipped", "executed", "verified", "failed", "undone"] as const;
export type StepStatus = (typeof STEP_STATUSES)[number];

/** One thing that happened to one step; the latest per step is its status. */
export type StepRun = z.infer<typeof StepRunSchema>;
