/**
 * The incident as an OCSF Incident Finding (class_uid 2005, category Findings, schema 1.3.0):
 * required activity, status, finding_info_list and an assignee or assignee group; recommended
 * confidence, impact, priority and description; the playbook's decision and escalations, which OCSF
 * has no attribute for, under "unmapped".
 */
import type { Finding, HostType, Incident, Priority, Severity } from "../model/index.js";
import { collectIocs, splitPool } from "./iocs.js";
import type { IocType } from "./iocs.js";
import { tacticsOf, technique } from "./mitre.js";

export const OCSF_VERSION = "1.3.0";
const PRODUCT_VERSION = "0.1.0";

export interface OcsfOptions {
  now?: Date;
  /** Used when the incident has no assignee (OCSF needs one of assignee / assignee_group). */
  assigneeGroup?: string;
  playbook?: { id: string; mitre: { technique: string; name: string; tactic: string; tacticName: string }[] };
}

const SEVERITY_ID: Record<Severity, [number, string]> = {
  informational: [1, "Informational"], low: [2, "Low"], medium: [3, "Medium"], high: [4, "High"], critical: [5, "Critical"],
};
const STATUS_ID: Record<Incident["status"], [number, string]> = {
  open: [1, "New"], contained: [2, "In Progress"], eradicated: [2, "In Progress"], recovered: [4, "Resolved"], closed: [5, "Closed"],
};
const PRIORITY_ID: Record<Priority, [number, string]> = { P1: [4, "Critical"], P2: [3, "High"], P3: [2, "Medium"], P4: [1, "Low"] };
/** PB-31's Business Impact column: production and cloud High, workstation Medium, dev/test Low. */
const IMPACT_ID: Record<HostType, [number, string]> = {
  "production": [3, "High"], "cloud-instance": [3, "High"], "workstation": [2, "Medium"], "dev-test": [1, "Low"], "unknown": [0, "Unknown"],
};
/** OCSF observable type ids (dictionary types): 1 hostname, 2 IP, 4 user name, 6 URL, 7 file name, 8 hash, 9 process name, 10 resource uid, 11 port, 99 other. */
const OBSERVABLE_TYPE: Partial<Record<IocType, [number, string]>> = {
  "domain": [1, "Hostname"], "ip": [2, "IP Address"], "user": [4, "User Name"], "url": [6, "URL String"], "file": [7, "File Name"],
  "hash": [8, "Hash"], "process": [9, "Process Name"], "instance": [10, "Resource UID"], "image": [10, "Resource UID"], "port": [11, "Port"],
};

export type OcsfIncidentFinding = Record<string, unknown> & { class_uid: 2005; category_uid: 2; type_uid: number };

export function toOcsfIncidentFinding(incident: Incident, findings: readonly Finding[], opts: OcsfOptions = {}): OcsfIncidentFinding {
  const now = (opts.now ?? new Date()).getTime();
  const activity: [number, string] = incident.status === "closed" ? [3, "Close"] : [1, "Create"];
  const [severityId, severity] = SEVERITY_ID[incident.severity];
  const [statusId, status] = STATUS_ID[incident.status];
  const [priorityId, priority] = PRIORITY_ID[incident.priority];
  const [impactId, impact] = incident.scope.accounts >= 2 ? [4, "Critical"] : IMPACT_ID[incident.hostType];
  const [confidenceId, confidence] = incident.confidence >= 0.7 ? [3, "High"] : incident.confidence >= 0.4 ? [2, "Medium"] : [1, "Low"];

  const out: OcsfIncidentFinding = {
    class_uid: 2005,
    class_name: "Incident Finding",
    category_uid: 2,
    category_name: "Findings",
    activity_id: activity[0],
    activity_name: activity[1],
    type_uid: 2005 * 100 + activity[0],
    type_name: `Incident Finding: ${activity[1]}`,
    time: now,
    start_time: ms(incident.firstSeen),
    end_time: ms(incident.lastSeen),
    severity_id: severityId,
    severity,
    status_id: statusId,
    status,
    priority_id: priorityId,
    priority,
    impact_id: impactId,
    impact,
    confidence_id: confidenceId,
    confidence,
    confidence_score: Math.round(incident.confidence * 100),
    desc: `${incident.title}. Cryptomining (T1496) in a ${incident.environment} environment: ` +
      `${incident.scope.hosts} hosts, ${incident.scope.instances} instances, ${incident.scope.regions} regions, ${incident.scope.accounts} accounts.`,
    is_suspected_breach: !incident.sample,
    ...(incident.sample ? { verdict_id: 6, verdict: "Test" } : {}),
    ...(incident.assignee ? { assignee: { name: incident.assignee } } : { assignee_group: { name: opts.assigneeGroup ?? "SOC" } }),
    attacks: attacksOf([...(opts.playbook?.mitre.map((m) => m.technique) ?? ["T1496"]), ...findings.flatMap((f) => f.mitre)]),
    finding_info_list: findings.map((f) => ({
      uid: f.id,
      title: f.title,
      ...(f.description ? { desc: f.description } : {}),
      types: [f.trigger],
      analytic: f.rule.kind === "detector"
        ? { uid: f.rule.id, name: f.rule.name, type_id: 99, type: "Detector" }
        : { uid: f.rule.id, name: f.rule.name, type_id: 1, type: "Rule" },
      attacks: attacksOf(f.mitre),
      first_seen_time: ms(f.firstSeen),
      last_seen_time: ms(f.lastSeen),
      related_events_count: f.evidenceCount,
    })),
    observables: observablesOf(findings),
    metadata: {
      version: OCSF_VERSION,
      uid: incident.id,
      product: { name: "minerhunt", vendor_name: "minerhunt", version: PRODUCT_VERSION },
      labels: ["cryptomining", ...(opts.playbook ? [opts.playbook.id] : [])],
    },
    unmapped: {
      minerhunt: {
        playbook: incident.decision?.playbook ?? opts.playbook?.id,
        decision_path: incident.decision?.path,
        decision_outcome: incident.decision?.outcome,
        host_type: incident.hostType,
        environment: incident.environment,
        scope: incident.scope,
        billing_usd: incident.billingUsd,
        escalations: incident.escalations.map((e) => ({ id: e.id, target: e.target.en, playbook: e.playbook, reason: e.reason.en })),
        checklist_done: incident.checklist.filter((c) => c.done).map((c) => c.id),
      },
    },
  };
  return out;
}

/**
 * One OCSF attack per technique and tactic (OCSF's attack object holds one tactic): names and tactics
 * from the ATT&CK table (data/mitre/attack.yaml), never the id as a name nor one tactic for all.
 */
function attacksOf(ids: readonly string[]): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  for (const id of [...new Set(ids)].sort()) {
    const known = technique(id);
    const parent = id.includes(".") ? id.slice(0, id.indexOf(".")) : undefined;
    const parentName = parent ? technique(parent)?.name : undefined;
    const base = parent
      ? { technique: { uid: parent, ...(parentName ? { name: parentName } : {}) }, sub_technique: { uid: id, ...(known ? { name: known.name } : {}) } }
      : { technique: { uid: id, ...(known ? { name: known.name } : {}) } };
    const tactics = tacticsOf(id);
    if (tactics.length === 0) out.push(base);
    for (const tactic of tactics) out.push({ ...base, tactic: { uid: tactic.id, name: tactic.name } });
  }
  return out;
}

/** One observable per type and value: a pool "ip:port" and the same IP seen alone are one IP. */
function observablesOf(findings: readonly Finding[]): Record<string, unknown>[] {
  const out = new Map<string, Record<string, unknown>>();
  const add = (name: string, typeId: number, type: string, value: string) => {
    const key = `${typeId}\0${value}`;
    if (!out.has(key)) out.set(key, { name, type_id: typeId, type, value });
  };
  for (const ioc of collectIocs(findings).iocs) {
    if (ioc.type === "pool") {
      const { host, port, isIp } = splitPool(ioc.value);
      add("minerhunt.pool.host", isIp ? 2 : 1, isIp ? "IP Address" : "Hostname", host);
      if (port !== undefined) add("minerhunt.pool.port", 11, "Port", String(port));
      continue;
    }
    const [typeId, type] = OBSERVABLE_TYPE[ioc.type] ?? [99, "Other"];
    add(`minerhunt.ioc.${ioc.type}`, typeId, type, ioc.value);
  }
  return [...out.values()];
}

function ms(iso: string): number | undefined {
  const n = Date.parse(iso);
  return Number.isNaN(n) ? undefined : n;
}
