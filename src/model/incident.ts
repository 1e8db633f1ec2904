import type { z } from "zod";
import type { BilingualSchema, ChecklistItemStateSchema, DecisionSchema, EscalationSchema, IncidentSchema, ScopeSchema } from "./schemas.js";

export const ENVIRONMENTS = ["cloud", "on-premise", "hybrid"] as const;
export type Environment = (typeof ENVIRONMENTS)[number];

export const PRIORITIES = ["P1", "P2", "P3", "P4"] as const;
export type Priority = (typeof PRIORITIES)[number];

/** PB-31's resource impact table: production P1, cloud instance P1, workstation P2, dev/test P3. */
export const HOST_TYPES = ["production", "cloud-instance", "workstation", "dev-test", "unknown"] as const;
export type HostType = (typeof HOST_TYPES)[number];

export const INCIDENT_STATUSES = ["open", "contained", "eradicated", "recovered", "closed"] as const;

/** Counted scope: PB-31 asks "how many instances?" and "check every region!". */
export type Scope = z.infer<typeof ScopeSchema>;

/** A text in both languages of the playbook. */
export type Bilingual = z.infer<typeof BilingualSchema>;

export type Escalation = z.infer<typeof EscalationSchema>;

export type ChecklistItemState = z.infer<typeof ChecklistItemStateSchema>;

/** Where the playbook's decision tree led for this incident. */
export type Decision = z.infer<typeof DecisionSchema>;

export type Incident = z.infer<typeof IncidentSchema>;
