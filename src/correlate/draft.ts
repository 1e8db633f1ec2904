import { createHash } from "node:crypto";
import { SEVERITIES, WEAK_CONFIDENCE, combinedConfidence, severityRank, type Entities, type Finding, type Scope, type Severity, type Trigger, type Environment } from "../model/index.js";
import { mergeEntities } from "../detect/detectors/common.js";

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

/** Host names the clouds give their instances (EKS/GKE/AKS nodes show up in Falco and audit logs so), and whose cloud it is. */
const CLOUD_HOST_SUFFIXES: readonly (readonly [string, string])[] = [
  [".ec2.internal", "aws"], [".compute.internal", "aws"], [".c.internal", "gcp"], [".internal.cloudapp.net", "azure"],
];
const providerOfHost = (host: string): string | undefined => CLOUD_HOST_SUFFIXES.find(([suffix]) => host.endsWith(suffix))?.[1];

const isCloudFinding = (f: Finding): boolean =>
  Boolean(f.entities.providers?.length || f.entities.instances?.length || f.entities.accounts?.length || f.entities.regions?.length) ||
  f.trigger === "cloud-alert" || f.trigger === "cloud-activity" || f.trigger === "billing" ||
  (f.entities.hosts ?? []).some((h) => providerOfHost(h) !== undefined);

export function draftIncident(findings: Finding[]): IncidentDraft {
  const entities = mergeEntities(...findings.map((f) => f.entities));
  // A node known only by its cloud host name still tells which cloud it runs in.
  for (const h of entities.hosts ?? []) {
    const provider = providerOfHost(h);
    if (provider && !entities.providers?.includes(provider)) (entities.providers ??= []).push(provider);
  }
  const cloud = findings.some(isCloudFinding);
  const onPrem = findings.some((f) => !isCloudFinding(f) && Boolean(f.entities.hosts?.length || f.entities.ips?.length));
  const environment: Environment = cloud && onPrem ? "hybrid" : cloud ? "cloud" : "on-premise";
  const triggers = [...new Set(findings.map((f) => f.trigger))];
  const firstSeen = findings.map((f) => f.firstSeen).filter(Boolean).sort()[0] ?? "";
  const lastSeen = findings.map((f) => f.lastSeen).filter(Boolean).sort().at(-1) ?? firstSeen;
  let billing = 0;
  let hasBilling = false;
  for (const f of findings) {
    const usd = f.facts?.["billing.usd"];
    if (typeof usd === "number") { billing += usd; hasBilling = true; }
  }
  const findingSeverity = findings.reduce<Severity>((s, f) => (severityRank(f.severity) > severityRank(s) ? f.severity : s), SEVERITIES[0]);
  const strongest = [...findings].filter((f) => f.confidence >= WEAK_CONFIDENCE).sort((a, b) => a.firstSeen.localeCompare(b.firstSeen) || a.id.localeCompare(b.id))[0] ?? findings[0]!;
  const id = `inc-${createHash("sha256").update(strongest.id).digest("hex").slice(0, 12)}`;
  // On-premise machines seen only in network logs are known by their address: each counts as a host.
  const hostCount = entities.hosts?.length || (environment === "on-premise" ? entities.ips?.length ?? 0 : 0);
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
  if (hasBilling) draft.billingUsd = Math.round(billing * 100) / 100;
  draft.title = titleOf(draft);
  return draft;
}

/** A one-line English title; reports translate from the structured fields, not from this. */
export function titleOf(d: IncidentDraft): string {
  const s = d.scope;
  const miner = d.findings.flatMap((f) => f.observables).find((o) => o.type === "process")?.value;
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
    parts.push(hosts.length === 1 ? `host ${hosts[0]}` : hosts.length > 1 ? `${hosts.length} hosts`
      : ips.length === 1 ? `host ${ips[0]}` : `${ips.length} hosts (by address)`);
  }
  return `Cryptomining${miner ? ` (${miner})` : ""} — ${parts.join("; ")}${d.sample ? " [sample]" : ""}`;
}
