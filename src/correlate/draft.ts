import { createHash } from "node:crypto";
import {
  SEVERITIES, WEAK_CONFIDENCE, combinedConfidence, severityRank, unionEntities,
  type Entities, type Finding, type Scope, type Severity, type Trigger, type Environment,
} from "../model/index.js";
import { environmentOf, providerOfHost } from "./environment.js";
import { billingUsdOf } from "./money.js";

/**
 * What correlation knows about a group of findings before the playbook speaks: entities, counted
 * scope, environment, triggers, combined confidence. The playbook turns this into an Incident.
 */
export interface IncidentDraft {
  id: string;
  title: string;
  findings: Finding[];
  entities: Entities;
  scope: Scope;
  environment: Environment;
  triggers: Trigger[];
  /** Highest severity among the findings (the playbook may raise or lower it). */
  findingSeverity: Severity;
  confidence: number;
  firstSeen: string;
  lastSeen: string;
  billingUsd?: number;
  sample: boolean;
}

export function draftIncident(findings: Finding[]): IncidentDraft {
  const entities = unionEntities(findings.map((f) => f.entities));
  // A node known only by its cloud host name still tells which cloud it runs in.
  for (const h of entities.hosts ?? []) {
    const provider = providerOfHost(h);
    if (provider && !entities.providers?.includes(provider)) (entities.providers ??= []).push(provider);
  }
  const environment = environmentOf(findings);
  const triggers = [...new Set(findings.map((f) => f.trigger))];
  let firstSeen = "";
  let lastSeen = "";
  let findingSeverity: Severity = SEVERITIES[0];
  let strongest: Finding | undefined;
  for (const f of findings) {
    if (f.firstSeen && (!firstSeen || f.firstSeen < firstSeen)) firstSeen = f.firstSeen;
    if (f.lastSeen && f.lastSeen > lastSeen) lastSeen = f.lastSeen;
    if (severityRank(f.severity) > severityRank(findingSeverity)) findingSeverity = f.severity;
    if (f.confidence >= WEAK_CONFIDENCE && (!strongest || f.firstSeen < strongest.firstSeen || (f.firstSeen === strongest.firstSeen && f.id < strongest.id))) strongest = f;
  }
  lastSeen ||= firstSeen;
  const id = `inc-${createHash("sha256").update((strongest ?? findings[0]!).id).digest("hex").slice(0, 12)}`;
  // On-premise machines seen only in network logs are known by their address: each counts as a host.
  // A listing that names no machine at all (correlate/group.ts joins it by its file) is still one machine.
  const unnamed = environment === "on-premise" && !entities.hosts?.length && !entities.ips?.length;
  const hostCount = entities.hosts?.length || (environment === "on-premise" ? entities.ips?.length || (unnamed ? 1 : 0) : 0);
  const scope: Scope = {
    hosts: hostCount,
    instances: entities.instances?.length ?? 0,
    regions: entities.regions?.length ?? 0,
    accounts: entities.accounts?.length ?? 0,
    clusters: entities.clusters?.length ?? 0,
  };
  const draft: IncidentDraft = {
    id, title: "", findings, entities, scope, environment, triggers, findingSeverity,
    confidence: combinedConfidence(findings), firstSeen, lastSeen,
    sample: findings.every((f) => f.sample === true),
  };
  const billingUsd = billingUsdOf(findings);
  if (billingUsd !== undefined) draft.billingUsd = billingUsd;
  draft.title = titleOf(draft);
  return draft;
}

/** A one-line English title; reports translate from the structured fields, not from this. */
export function titleOf(d: IncidentDraft): string {
  const s = d.scope;
  let miner: string | undefined;
  for (const f of d.findings) {
    miner = f.observables.find((o) => o.type === "process")?.value;
    if (miner) break;
  }
  const parts: string[] = [];
  if (d.environment !== "on-premise" && (d.entities.providers?.length || d.entities.accounts?.length || s.instances || s.regions)) {
    const provider = (d.entities.providers?.[0] ?? "cloud").toUpperCase();
    const acct = d.entities.accounts?.length === 1 ? ` account ${d.entities.accounts[0]}` : s.accounts > 1 ? ` ${s.accounts} accounts` : "";
    const where = s.instances ? `${s.instances} instance${s.instances > 1 ? "s" : ""}` : s.hosts ? `${s.hosts} host${s.hosts > 1 ? "s" : ""}` : "";
    const regions = s.regions > 1 ? ` in ${s.regions} regions` : s.regions === 1 ? ` in ${d.entities.regions![0]}` : "";
    parts.push(`${provider}${acct}${where ? `: ${where}${regions}` : regions}`);
  }
  const ns = d.entities.namespaces ?? [];
  if (ns.length > 0 || d.triggers.includes("container")) {
    const image = d.entities.images?.[0];
    parts.push(`Kubernetes${ns.length ? ` namespace ${ns.join(", ")}` : ""}${image ? ` image ${image}` : ""}`);
  }
  if (d.environment !== "cloud" || (d.entities.hosts?.length && !parts.length)) {
    const hosts = d.entities.hosts ?? [];
    const ips = d.entities.ips ?? [];
    const file = d.findings[0]?.evidence[0]?.file ?? "?";
    parts.push(hosts.length === 1 ? `host ${hosts[0]}` : hosts.length > 1 ? `${hosts.length} hosts`
      : ips.length === 1 ? `host ${ips[0]}` : ips.length > 1 ? `${ips.length} hosts (by address)`
        : `the host ${file.slice(Math.max(file.lastIndexOf("/"), file.lastIndexOf("\\")) + 1)} was collected from`);
  }
  return `Cryptomining${miner ? ` (${miner})` : ""} — ${parts.join("; ")}${d.sample ? " [sample]" : ""}`;
}
