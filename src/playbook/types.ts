import type {
  Bilingual, ChecklistItemState, Decision, Entities, Environment, Escalation, Finding, HostType, Priority,
  CampaignScope, Scope, Severity, Trigger,
} from "../model/index.js";

/** An incident-to-be, as correlation has put it together; what assess() reads. */
export interface AssessInput {
  entities: Entities;
  scope: Scope;
  /** Derived from the evidence when absent: any cloud provider, account, instance or cloud finding → cloud. */
  environment?: Environment;
  /** Derived from the findings when absent. */
  triggers?: Trigger[];
  findings: Finding[];
  /** The scope of the incident's campaign (correlate/campaigns.ts), when it is in one. */
  campaign?: CampaignScope;
  /** Billing impact in USD; when absent, the sum of the findings' "billing.usd" facts. */
  billingUsd?: number;
  /** Host types known from elsewhere (CMDB, an analyst), by host name or instance id. They win over guesses. */
  hostTypes?: Record<string, HostType>;
  /** Response actions reported done by the response engine ("kill-process", ...). */
  actionsDone?: string[];
}

/** How one affected machine was classified, so the report can say why the priority is what it is. */
export interface HostClassification {
  name: string;
  kind: "host" | "instance";
  type: HostType;
  /** known: input.hostTypes; config: DetectConfig.hostTypes pattern; tag: a cloud Environment tag; name: a naming convention; default. */
  source: "known" | "config" | "tag" | "name" | "default";
  /** The pattern, tag or name part that decided it. */
  because?: string;
}

/** What src/model/incident.ts needs from the playbook, with the reasons behind each value. */
export interface Assessment {
  playbook: string;
  environment: Environment;
  triggers: Trigger[];
  decision: Decision;
  hostType: HostType;
  priority: Priority;
  severity: Severity;
  escalations: Escalation[];
  checklist: ChecklistItemState[];
  billingUsd?: number;
  /** Every finding is a provider sample. */
  sample: boolean;
  hosts: HostClassification[];
  /** Why host type, priority and severity came out as they did, in both languages. */
  notes: Bilingual[];
}
