import type { Finding, Severity } from "../../model/index.js";

/**
 * OCSF Detection Finding (class_uid 2004, category 2 "Findings"), one object per finding.
 * Field names follow the OCSF 1.3 schema; what OCSF has no place for goes in `unmapped`.
 */
const OCSF_VERSION = "1.3.0";

const SEVERITY_ID: Record<Severity, number> = { informational: 1, low: 2, medium: 3, high: 4, critical: 5 };
const SEVERITY_NAME: Record<Severity, string> = { informational: "Informational", low: "Low", medium: "Medium", high: "High", critical: "Critical" };

/** OCSF observable type_id values. */
const OBSERVABLE_TYPE: Record<string, { id: number; name: string }> = {
  domain: { id: 1, name: "Hostname" },
  ip: { id: 2, name: "IP Address" },
  user: { id: 4, name: "User Name" },
  url: { id: 6, name: "URL String" },
  file: { id: 7, name: "File Name" },
  hash: { id: 8, name: "Hash" },
  process: { id: 9, name: "Process Name" },
  instance: { id: 10, name: "Resource UID" },
  port: { id: 11, name: "Port" },
  "command-line": { id: 13, name: "Command Line" },
  "user-agent": { id: 16, name: "HTTP User-Agent" },
};

function epochMs(iso: string): number | undefined {
  const t = Date.parse(iso);
  return Number.isNaN(t) ? undefined : t;
}

function confidenceId(c: number): number {
  return c >= 0.7 ? 3 : c >= 0.4 ? 2 : 1; // High / Medium / Low
}

export function toOcsfDetectionFinding(f: Finding, productVersion: string): Record<string, unknown> {
  const first = epochMs(f.firstSeen);
  const last = epochMs(f.lastSeen);
  const resources: Record<string, unknown>[] = [];
  for (const i of f.entities.instances ?? []) resources.push({ type: "Instance", uid: i, ...(f.entities.regions?.[0] ? { region: f.entities.regions[0] } : {}) });
  for (const h of f.entities.hosts ?? []) resources.push({ type: "Host", name: h });
  for (const c of f.entities.containers ?? []) resources.push({ type: "Container", uid: c });
  for (const a of f.entities.accounts ?? []) resources.push({ type: "Account", uid: a });
  const observables = f.observables.map((o) => {
    const t = OBSERVABLE_TYPE[o.type] ?? { id: 99, name: "Other" };
    return { name: o.type, type_id: t.id, type: t.name, value: o.value };
  });
  return {
    class_uid: 2004,
    class_name: "Detection Finding",
    category_uid: 2,
    category_name: "Findings",
    activity_id: 1,
    activity_name: "Create",
    type_uid: 200401,
    type_name: "Detection Finding: Create",
    time: last ?? first ?? Date.now(),
    severity_id: SEVERITY_ID[f.severity],
    severity: SEVERITY_NAME[f.severity],
    status_id: 1,
    status: "New",
    confidence_score: Math.round(f.confidence * 100),
    confidence_id: confidenceId(f.confidence),
    metadata: {
      version: OCSF_VERSION,
      product: { name: "minerhunt", vendor_name: "minerhunt", version: productVersion },
      uid: f.id,
      ...(f.sample ? { labels: ["sample"] } : {}),
    },
    finding_info: {
      uid: f.id,
      title: f.title,
      ...(f.description ? { desc: f.description } : {}),
      types: [f.trigger],
      ...(first !== undefined ? { first_seen_time: first } : {}),
      ...(last !== undefined ? { last_seen_time: last } : {}),
      analytic: { uid: f.rule.id, name: f.rule.name, type_id: 1, type: "Rule" },
      attacks: f.mitre.map((t) => ({
        technique: { uid: t, name: t === "T1496" ? "Resource Hijacking" : t },
        tactic: { uid: "TA0040", name: "Impact" },
        version: "v16",
      })),
    },
    resources,
    observables,
    evidences: f.evidence.map((e) => ({ data: e })),
    unmapped: { entities: f.entities, evidence_count: f.evidenceCount, ...(f.facts ? { facts: f.facts } : {}) },
  };
}
