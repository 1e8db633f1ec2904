/**
 * Findings and incidents for the store tests, built with the model's own makeFinding so their ids are the
 * stable ids the pipeline produces. Values follow the real formats: XMRig command lines, pools from
 * shared/reference/miners.md, GuardDuty finding types and EC2 instance ids as AWS writes them.
 */
import type { ChecklistItemState, Entities, Finding, Incident } from "../../model/index.js";
import { makeFinding } from "../../model/index.js";

export function minerProcessFinding(host: string, line: number, at = "2024-05-01T10:00:00Z", file = "/var/log/minerhunt/ps-aux.txt"): Finding {
  return makeFinding({
    rule: { id: "host.miner-process", name: "Known miner process", kind: "detector" },
    title: `xmrig running on ${host}`,
    trigger: "host",
    severity: "high",
    confidence: 0.9,
    firstSeen: at,
    lastSeen: at,
    entities: { hosts: [host], pools: ["pool.supportxmr.com"] },
    observables: [
      { type: "process", value: "xmrig" },
      { type: "command-line", value: "./xmrig -o pool.supportxmr.com:3333 -u 44AFFq5kSiGBoZ4NMDwYtN18obc8AemS33DBLWs3H7otXft3XjrpDtQGv7SqSsaBYBb98uNbr2VBBEt7f2wfn3RVGQBEP3A -p x --donate-level=1" },
      { type: "domain", value: "pool.supportxmr.com" },
    ],
    evidence: [{ file, line, summary: "root 4242 398.0 ./xmrig -o pool.supportxmr.com:3333" }],
    facts: { "cpu.pct": 398 },
  });
}

export function poolDnsFinding(host: string, line: number, at = "2024-05-01T09:59:58Z"): Finding {
  return makeFinding({
    rule: { id: "network.pool-dns", name: "DNS lookup of a mining pool", kind: "detector" },
    title: `${host} resolved pool.supportxmr.com`,
    trigger: "network",
    severity: "medium",
    confidence: 0.7,
    firstSeen: at,
    lastSeen: at,
    entities: { hosts: [host], ips: ["10.0.4.17"], pools: ["pool.supportxmr.com"] },
    observables: [{ type: "domain", value: "pool.supportxmr.com" }],
    evidence: [{ file: "/data/zeek/dns.log", line, summary: "10.0.4.17 -> 10.0.0.2 A pool.supportxmr.com" }],
  });
}

export function guardDutyFinding(instance: string, region: string, at = "2024-05-02T03:15:00Z"): Finding {
  return makeFinding({
    rule: { id: "cloud.guardduty-mining", name: "GuardDuty cryptocurrency finding", kind: "detector" },
    title: "CryptoCurrency:EC2/BitcoinTool.B!DNS",
    trigger: "cloud-alert",
    severity: "high",
    confidence: 0.95,
    firstSeen: at,
    lastSeen: at,
    entities: { instances: [instance], accounts: ["123456789012"], regions: [region], providers: ["aws"] },
    observables: [
      { type: "finding-type", value: "CryptoCurrency:EC2/BitcoinTool.B!DNS" },
      { type: "instance", value: instance },
      { type: "domain", value: "xmr-eu1.nanopool.org" },
    ],
    evidence: [{ file: "guardduty-findings.json", line: 1, summary: `${instance} queried xmr-eu1.nanopool.org` }],
  });
}

export function billingFinding(usd: number, day: string): Finding {
  return makeFinding({
    rule: { id: "billing.spike", name: "EC2 cost spike", kind: "detector" },
    title: `EC2 spend ${usd} USD on ${day}`,
    trigger: "billing",
    severity: "medium",
    confidence: 0.5,
    firstSeen: `${day}T00:00:00Z`,
    lastSeen: `${day}T23:59:59Z`,
    entities: { accounts: ["123456789012"], providers: ["aws"] },
    observables: [],
    evidence: [{ file: "cur-2024-05.csv", line: 17, summary: `AmazonEC2 ${usd}` }],
    facts: { "billing.usd": usd },
    key: day,
  });
}

function union(lists: (readonly string[] | undefined)[]): string[] | undefined {
  const out = [...new Set(lists.flatMap((l) => l ?? []))];
  return out.length ? out : undefined;
}

/** An incident over findings the way correlation would build it (entities unioned, time widened). */
export function incidentOf(id: string, findings: Finding[], extra: Partial<Incident> = {}): Incident {
  const entities: Entities = {};
  for (const kind of ["hosts", "ips", "instances", "accounts", "regions", "pools", "providers", "accessKeys"] as const) {
    const values = union(findings.map((f) => f.entities[kind]));
    if (values) entities[kind] = values;
  }
  const times = findings.flatMap((f) => [f.firstSeen, f.lastSeen]).sort();
  const cloud = findings.some((f) => f.trigger === "cloud-alert" || f.trigger === "billing");
  const checklist: ChecklistItemState[] = [
    { id: "analysis.host-instance", phase: "analysis", done: true, answeredBy: "evidence", findings: findings.map((f) => f.id) },
    { id: "analysis.binary-hash", phase: "analysis", done: false },
    { id: "containment.kill", phase: "containment", done: false },
  ];
  return {
    id,
    title: `Cryptomining on ${(entities.hosts ?? entities.instances ?? ["unknown"]).join(", ")}`,
    status: "open",
    severity: "high",
    confidence: 0.9,
    firstSeen: times[0] ?? "2024-05-01T00:00:00Z",
    lastSeen: times[times.length - 1] ?? "2024-05-01T00:00:00Z",
    findingIds: findings.map((f) => f.id),
    entities,
    scope: {
      hosts: entities.hosts?.length ?? 0,
      instances: entities.instances?.length ?? 0,
      regions: entities.regions?.length ?? 0,
      accounts: entities.accounts?.length ?? 0,
      clusters: 0,
    },
    environment: cloud ? "cloud" : "on-premise",
    triggers: [...new Set(findings.map((f) => f.trigger))],
    hostType: cloud ? "cloud-instance" : "production",
    priority: "P1",
    decision: {
      playbook: "PB-31",
      path: cloud ? ["Alert", "Env", "Cloud", "Scope", "Single"] : ["Alert", "Env", "OnPrem", "Scope", "Single"],
      outcome: "single",
      action: { en: "Kill + Investigate Entry", th: "Kill + Investigate Entry" },
      reasons: [{ en: "one machine", th: "เครื่องเดียว" }],
    },
    escalations: [],
    checklist,
    ...extra,
  };
}

/**
 * A large scan for the crash test: many hosts, one finding each, one incident per 100 hosts. The pool
 * entity is left out so the incidents stay apart (correlation would have joined them otherwise).
 */
export function bigScan(count: number): { findings: Finding[]; incidents: Incident[] } {
  const findings = Array.from({ length: count }, (_, i) => {
    const host = `batch-${String(i).padStart(6, "0")}`;
    return minerProcessFinding(host, 3, "2024-05-01T10:00:00Z", `/srv/fleet/${host}/ps-aux.txt`);
  });
  const incidents: Incident[] = [];
  for (let i = 0; i < count; i += 100) {
    const inc = incidentOf(`inc-big-${i / 100}`, findings.slice(i, i + 100));
    delete inc.entities.pools;
    incidents.push(inc);
  }
  return { findings, incidents };
}
