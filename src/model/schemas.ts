/**
 * The zod schemas of the model (findings, incidents, campaigns, response plans), for code that checks
 * data from outside the process: the store reading its rows, the server's API contract. They live apart
 * from the types and constants (finding.ts, incident.ts, campaign.ts, action.ts) so that a scan, which
 * only makes these values, never loads zod: importing it and building these schemas cost about a tenth
 * of a CPU-second at every start. The types are inferred from these schemas (import type), so the two
 * cannot drift apart.
 */
import { z } from "zod";
import { EVIDENCE_KINDS, OBSERVABLE_TYPES, SEVERITIES, TRIGGERS } from "./finding.js";
import { ENVIRONMENTS, HOST_TYPES, INCIDENT_STATUSES, PRIORITIES } from "./incident.js";
import { CAMPAIGN_LINK_KINDS } from "./campaign.js";
import { PLAN_MODES, PROVIDERS, RISKS, STEP_STATUSES, TARGET_KINDS } from "./action.js";

// Findings (finding.ts)

export const EntitiesSchema = z.object({
  hosts: z.array(z.string()).optional(),
  ips: z.array(z.string()).optional(),
  instances: z.array(z.string()).optional(),
  accounts: z.array(z.string()).optional(),
  regions: z.array(z.string()).optional(),
  users: z.array(z.string()).optional(),
  accessKeys: z.array(z.string()).optional(),
  clusters: z.array(z.string()).optional(),
  namespaces: z.array(z.string()).optional(),
  pods: z.array(z.string()).optional(),
  containers: z.array(z.string()).optional(),
  images: z.array(z.string()).optional(),
  /** "aws" | "azure" | "gcp" */
  providers: z.array(z.string()).optional(),
  /** Mining pools as "domain" or "ip:port". */
  pools: z.array(z.string()).optional(),
});

export const ObservableSchema = z.object({
  type: z.enum(OBSERVABLE_TYPES),
  value: z.string(),
});

export const EvidenceSchema = z.object({
  file: z.string(),
  line: z.number().int().optional(),
  offset: z.number().int().optional(),
  packet: z.number().int().optional(),
  time: z.string().optional(),
  summary: z.string().optional(),
});

export const FindingSchema = z.object({
  /** Stable id: the same proof found twice gives the same id (idempotent stores). */
  id: z.string(),
  /** Which rule or detector produced it. kind "sigma" for Sigma rules, "detector" for built-ins. */
  rule: z.object({
    id: z.string(),
    name: z.string(),
    kind: z.enum(["detector", "sigma", "sigma-correlation"]),
  }),
  title: z.string(),
  description: z.string().optional(),
  trigger: z.enum(TRIGGERS),
  /** What kind of evidence this is (the engine fills it from the detector or the Sigma rule's logsource). */
  kind: z.enum(EVIDENCE_KINDS).optional(),
  severity: z.enum(SEVERITIES),
  /** 0..1: how sure this one signal is that mining happens. Below WEAK_CONFIDENCE it cannot open an incident alone. */
  confidence: z.number().min(0).max(1),
  firstSeen: z.string(),
  lastSeen: z.string(),
  entities: EntitiesSchema,
  observables: z.array(ObservableSchema),
  /**
   * A bounded sample of pointers at the records that prove it (the earliest few and the latest);
   * evidenceCount says how many records back this fact in all.
   */
  evidence: z.array(EvidenceSchema),
  evidenceCount: z.number().int(),
  /** Bytes and packets of the traffic behind it, where the records say. */
  bytes: z.number().optional(),
  packets: z.number().optional(),
  mitre: z.array(z.string()),
  /** Provider sample findings (GuardDuty "sample": true, Defender "SIMULATED_") are marked, never hidden. */
  sample: z.boolean().optional(),
  /** Numbers and flags the playbook reads: billing.usd, cpu.pct, gpu.pct, instances.launched, ... */
  facts: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).optional(),
  tags: z.array(z.string()).optional(),
});

// Incidents (incident.ts)

export const ScopeSchema = z.object({
  hosts: z.number().int(),
  instances: z.number().int(),
  regions: z.number().int(),
  accounts: z.number().int(),
  clusters: z.number().int(),
});

export const BilingualSchema = z.object({ en: z.string(), th: z.string() });

export const EscalationSchema = z.object({
  /** Escalation rule id in the playbook ("billing-over-1000"). */
  id: z.string(),
  /** Who or what it goes to ("Finance + Cloud team", "PB-16 Cloud IAM"). */
  target: BilingualSchema,
  /** Playbook id when the escalation hands over to another playbook ("PB-16"). */
  playbook: z.string().optional(),
  reason: BilingualSchema,
});

export const ChecklistItemStateSchema = z.object({
  /** "analysis.binary-hash", "containment.kill", ... */
  id: z.string(),
  phase: z.enum(["analysis", "containment", "eradication", "recovery"]),
  done: z.boolean(),
  /** How it was answered: by evidence (finding ids) or by a person. */
  answeredBy: z.enum(["evidence", "analyst"]).optional(),
  findings: z.array(z.string()).optional(),
  answer: z.string().optional(),
  by: z.string().optional(),
  at: z.string().optional(),
});

export const DecisionSchema = z.object({
  playbook: z.string(),
  /** Node ids of the decision graph, in order (Alert → Env → Cloud|OnPrem → Scope → Single|Multi → IAM). */
  path: z.array(z.string()),
  outcome: z.enum(["single", "multi"]),
  /** What the outcome asks for, in both languages ("Kill + Investigate Entry"). */
  action: BilingualSchema,
  reasons: z.array(BilingualSchema),
});

export const IncidentSchema = z.object({
  id: z.string(),
  title: z.string(),
  status: z.enum(INCIDENT_STATUSES),
  severity: z.enum(SEVERITIES),
  /** Combined confidence of independent signals agreeing (0..1). */
  confidence: z.number().min(0).max(1),
  firstSeen: z.string(),
  lastSeen: z.string(),
  findingIds: z.array(z.string()),
  entities: EntitiesSchema,
  scope: ScopeSchema,
  environment: z.enum(ENVIRONMENTS),
  triggers: z.array(z.enum(TRIGGERS)),
  hostType: z.enum(HOST_TYPES),
  priority: z.enum(PRIORITIES),
  decision: DecisionSchema.optional(),
  escalations: z.array(EscalationSchema),
  checklist: z.array(ChecklistItemStateSchema),
  /** Sum of the billing impact the evidence shows, USD. */
  billingUsd: z.number().optional(),
  /** True when every finding in it is a provider sample. */
  sample: z.boolean().optional(),
  assignee: z.string().optional(),
  /** The campaign this incident belongs to (model/campaign.ts), when it shares attacker-side marks with others. */
  campaignId: z.string().optional(),
});

// Campaigns (campaign.ts)

export const CampaignLinkSchema = z.object({
  kind: z.enum(CAMPAIGN_LINK_KINDS),
  value: z.string(),
  /** How many of the campaign's incidents carry it. */
  incidents: z.number().int(),
});

export const CampaignScopeSchema = ScopeSchema.extend({
  incidents: z.number().int(),
  /** Machines across the campaign: each incident's hosts or instances, whichever is more. */
  machines: z.number().int(),
});

export const CampaignSchema = z.object({
  id: z.string(),
  title: z.string(),
  incidentIds: z.array(z.string()),
  /** The shared marks, strongest kind first, bounded. */
  links: z.array(CampaignLinkSchema),
  scope: CampaignScopeSchema,
  environments: z.array(z.enum(ENVIRONMENTS)),
  firstSeen: z.string(),
  lastSeen: z.string(),
});

// Response plans (action.ts)

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

export const ResourceStateSchema = z.record(z.string(), z.unknown());

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

export const ApprovalSchema = z.object({
  planId: z.string(),
  /** The plan hash approved; an approval whose hash differs from the plan's is void. */
  planHash: z.string(),
  by: z.string(),
  at: z.string(),
  reason: z.string(),
});

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
