import { z } from "zod";
import { EntitiesSchema, SEVERITIES, TRIGGERS } from "./finding.js";

export const ENVIRONMENTS = ["cloud", "on-premise", "hybrid"] as const;
export type Environment = (typeof ENVIRONMENTS)[number];

export const PRIORITIES = ["P1", "P2", "P3", "P4"] as const;
export type Priority = (typeof PRIORITIES)[number];

/** PB-31's resource impact table: production P1, cloud instance P1, workstation P2, dev/test P3. */
export const HOST_TYPES = ["production", "cloud-instance", "workstation", "dev-test", "unknown"] as const;
export type HostType = (typeof HOST_TYPES)[number];

export const INCIDENT_STATUSES = ["open", "contained", "eradicated", "recovered", "closed"] as const;

/** Counted scope: PB-31 asks "how many instances?" and "check every region!". */
export const ScopeSchema = z.object({
  hosts: z.number().int(),
  instances: z.number().int(),
  regions: z.number().int(),
  accounts: z.number().int(),
  clusters: z.number().int(),
});
export type Scope = z.infer<typeof ScopeSchema>;

/** A text in both languages of the playbook. */
export const BilingualSchema = z.object({ en: z.string(), th: z.string() });
export type Bilingual = z.infer<typeof BilingualSchema>;

export const EscalationSchema = z.object({
  /** Escalation rule id in the playbook ("billing-over-1000"). */
  id: z.string(),
  /** Who or what it goes to ("Finance + Cloud team", "PB-16 Cloud IAM"). */
  target: BilingualSchema,
  /** Playbook id when the escalation hands over to another playbook ("PB-16"). */
  playbook: z.string().optional(),
  reason: BilingualSchema,
});
export type Escalation = z.infer<typeof EscalationSchema>;

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
export type ChecklistItemState = z.infer<typeof ChecklistItemStateSchema>;

/** Where the playbook's decision tree led for this incident. */
export const DecisionSchema = z.object({
  playbook: z.string(),
  /** Node ids of the decision graph, in order (Alert → Env → Cloud|OnPrem → Scope → Single|Multi → IAM). */
  path: z.array(z.string()),
  outcome: z.enum(["single", "multi"]),
  /** What the outcome asks for, in both languages ("Kill + Investigate Entry"). */
  action: BilingualSchema,
  reasons: z.array(BilingualSchema),
});
export type Decision = z.infer<typeof DecisionSchema>;

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
export type Incident = z.infer<typeof IncidentSchema>;
