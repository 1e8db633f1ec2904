import { test } from "node:test";
import assert from "node:assert/strict";
import { DetectConfigSchema } from "../detect/config-schema.js";
import { defaultConfig, type DetectConfig } from "../detect/config.js";
import { makeFinding } from "../model/index.js";
import type { Entities, Finding, FindingDraft, Scope } from "../model/index.js";
import { realisticFindings, incidentFrom, ONPREM_HOST } from "../report/test-helpers/incident.js";
import { assess as assessWith, mergeChecklist } from "./assess.js";
import { loadPlaybook } from "./load.js";
import { environmentOf } from "../correlate/index.js";
import type { AssessInput } from "./types.js";

/** assess() with PB-31, the playbook every case here walks. */
const assess = (i: AssessInput, config: DetectConfig = defaultConfig()) => assessWith(i, config, loadPlaybook("PB-31"));

let seq = 0;
function f(over: Partial<FindingDraft>): Finding {
  return makeFinding({
    rule: { id: "test-rule", name: "test rule", kind: "detector" },
    title: "t", trigger: "host", severity: "high", confidence: 0.8,
    firstSeen: "2026-11-20T00:00:00Z", lastSeen: "2026-11-20T00:00:00Z",
    entities: {}, observables: [], evidence: [{ file: "x.log", line: ++seq }],
    ...over,
  });
}

/** An incident-to-be from findings, scope counted from their entities like correlation does. */
function input(findings: Finding[], extra: Partial<AssessInput> = {}): AssessInput {
  const entities: Entities = {};
  for (const x of findings) {
    for (const [k, v] of Object.entries(x.entities) as [keyof Entities, string[] | undefined][]) {
      if (v) entities[k] = [...new Set([...(entities[k] ?? []), ...v])];
    }
  }
  const scope: Scope = {
    hosts: entities.hosts?.length ?? 0, instances: entities.instances?.length ?? 0, regions: entities.regions?.length ?? 0,
    accounts: entities.accounts?.length ?? 0, clusters: entities.clusters?.length ?? 0,
  };
  return { entities, scope, findings, ...extra };
}

const guardDuty = (instance = "i-0a1b2c3d4e5f60718", region = "us-east-1", account = "111122223333") => f({
  trigger: "cloud-alert", confidence: 0.85,
  entities: { accounts: [account], regions: [region], instances: [instance], providers: ["aws"], pools: ["xmr-eu1.nanopool.org"] },
  observables: [{ type: "finding-type", value: "CryptoCurrency:EC2/BitcoinTool.B!DNS" }, { type: "domain", value: "xmr-eu1.nanopool.org" }],
  facts: { "alert.type": "CryptoCurrency:EC2/BitcoinTool.B!DNS", "alert.mining": true },
  tags: ["provider-alert", "aws"],
});

const xmrig = (host: string) => f({
  trigger: "host", confidence: 0.9, entities: { hosts: [host] },
  observables: [{ type: "process", value: "xmrig" }, { type: "hash", value: "ab".repeat(32) }],
  tags: ["pb-31:1.1"],
});

// ---------------------------------------------------------------------------------------- decision tree

test("decision: a cloud alert on one instance → Cloud → Single: Kill + Investigate Entry", () => {
  const a = assess(input([guardDuty()]));
  assert.equal(a.environment, "cloud");
  assert.deepEqual(a.decision.path, ["Alert", "Env", "Cloud", "Scope", "Single"]);
  assert.equal(a.decision.outcome, "single");
  assert.deepEqual(a.decision.action, { th: "Kill + Investigate Entry", en: "Kill + Investigate Entry" });
  assert.equal(a.decision.playbook, "PB-31");
  assert.match(a.decision.reasons[0]!.en, /^Environment: Cloud \(providers: aws; accounts: 1; regions: 1\)/);
  assert.match(a.decision.reasons[0]!.th, /^สภาพแวดล้อม: คลาวด์ \(Cloud\)/);
  assert.match(a.decision.reasons[1]!.th, /^เครื่องเดียว/);
});

test("decision: instances in three regions → Multi → IAM", () => {
  const a = assess(input([guardDuty("i-1", "us-east-1"), guardDuty("i-2", "eu-west-1"), guardDuty("i-3", "ap-southeast-1")]));
  assert.deepEqual(a.decision.path, ["Alert", "Env", "Cloud", "Scope", "Multi", "IAM"]);
  assert.equal(a.decision.outcome, "multi");
  assert.match(a.decision.action.en, /IAM Compromise/);
  assert.match(a.decision.reasons[1]!.en, /3 instance\(s\), 3 region\(s\)/);
});

test("decision: one on-premise host → OnPrem → Single; two hosts → Multi", () => {
  const one = assess(input([xmrig("build-01")]));
  assert.equal(one.environment, "on-premise");
  assert.deepEqual(one.decision.path, ["Alert", "Env", "OnPrem", "Scope", "Single"]);
  const two = assess(input([xmrig("build-01"), xmrig("build-02")]));
  assert.deepEqual(two.decision.path, ["Alert", "Env", "OnPrem", "Scope", "Multi", "IAM"]);
});

test("decision: a hybrid incident takes the cloud branch; a given environment wins over the derived one", () => {
  const hybrid = input([guardDuty(), xmrig(ONPREM_HOST)]);
  assert.equal(environmentOf(hybrid.findings), "hybrid");
  assert.deepEqual(assess(hybrid).decision.path.slice(0, 3), ["Alert", "Env", "Cloud"]);
  const forced = assess(input([xmrig("build-01")], { environment: "cloud" }));
  assert.deepEqual(forced.decision.path.slice(0, 3), ["Alert", "Env", "Cloud"]);
});

test("environment: a host named in a cloud finding is not an on-premise host", () => {
  const gdWithHost = f({ trigger: "cloud-alert", entities: { hosts: ["ip-10-0-1-5.ec2.internal"], instances: ["i-1"], providers: ["aws"] } });
  assert.equal(environmentOf([gdWithHost]), "cloud");
  assert.equal(environmentOf([xmrig("build-01")]), "on-premise");
  assert.equal(environmentOf([f({ trigger: "billing", entities: { accounts: ["1"] } })]), "cloud");
});

// ---------------------------------------------------------------------------------------- escalations

const ids = (a: ReturnType<typeof assess>) => a.escalations.map((e) => e.id);

test("escalation: billing over the configured threshold → Finance + Cloud team", () => {
  assert.deepEqual(ids(assess(input([guardDuty()], { billingUsd: 1000 }))), [], "$1,000 is not over $1,000");
  const over = assess(input([guardDuty()], { billingUsd: 1000.01 }));
  assert.deepEqual(ids(over), ["billing-over-threshold"]);
  assert.equal(over.escalations[0]!.target.en, "Finance + Cloud team");
  assert.equal(over.escalations[0]!.reason.en, "Abnormal billing $1,000.01 is over the $1,000.00 threshold");
  assert.match(over.escalations[0]!.reason.th, /\$1,000\.01 เกินเกณฑ์ \$1,000\.00/);
  const config = DetectConfigSchema.parse({ billing: { escalateUsd: 5000 } });
  assert.deepEqual(ids(assess(input([guardDuty()], { billingUsd: 1500 }), config)), [], "threshold from DetectConfig");
  const fromFacts = assess(input([guardDuty(), f({ trigger: "billing", entities: { accounts: ["111122223333"] }, facts: { "billing.usd": 4210.5 } })]));
  assert.equal(fromFacts.billingUsd, 4210.5, "billing summed from the findings when not given");
  assert.ok(ids(fromFacts).includes("billing-over-threshold"));
});

test("escalation: several accounts → Major Incident, and severity critical", () => {
  const two = assess(input([guardDuty("i-1", "us-east-1", "111122223333"), guardDuty("i-2", "us-east-1", "444455556666")]));
  assert.ok(ids(two).includes("several-accounts"));
  assert.equal(two.escalations.find((e) => e.id === "several-accounts")!.target.en, "Major Incident");
  assert.equal(two.severity, "critical");
  const one = assess(input([guardDuty("i-1"), guardDuty("i-2")]));
  assert.ok(!ids(one).includes("several-accounts"));
  assert.equal(one.severity, "high");
});

test("escalation: a miner inside an image → PB-32; a public miner image deployed by an attacker is not supply chain", () => {
  const scanned = f({ trigger: "container", entities: { images: ["registry.corp.example/payments-api:2.4.1"] }, observables: [{ type: "image", value: "registry.corp.example/payments-api:2.4.1" }], tags: ["miner-in-image"] });
  const sc = assess(input([scanned]));
  const e = sc.escalations.find((x) => x.id === "supply-chain");
  assert.ok(e, "supply chain escalation");
  assert.equal(e.playbook, "PB-32");
  const falco = f({ trigger: "container", entities: { images: ["docker.io/xmrig/xmrig"], pods: ["miner-7d9"] }, observables: [{ type: "image", value: "docker.io/xmrig/xmrig" }], tags: ["falco"] });
  assert.ok(!ids(assess(input([falco]))).includes("supply-chain"));
});

test("escalation: insider only with launch + own network + console session and no sign of stolen credentials", () => {
  const insiderLaunch = (tags: string[]) => f({
    trigger: "cloud-activity", entities: { accounts: ["111122223333"], regions: ["us-east-1"], instances: ["i-9"], users: ["alice"], providers: ["aws"] },
    observables: [{ type: "instance-type", value: "g4dn.12xlarge" }], tags,
  });
  const yes = assess(input([insiderLaunch(["cloudtrail", "resource-acquisition", "org-network", "console-session"])]));
  const e = yes.escalations.find((x) => x.id === "insider");
  assert.ok(e, "insider escalation");
  assert.equal(e.target.en, "CISO + HR");
  assert.ok(!ids(yes).includes("stolen-credentials"));

  const noConsole = assess(input([insiderLaunch(["cloudtrail", "resource-acquisition", "org-network"])]));
  assert.ok(!ids(noConsole).includes("insider"), "an access key from the office network is not enough");

  const withStolenKeys = assess(input([
    insiderLaunch(["cloudtrail", "resource-acquisition", "org-network", "console-session"]),
    f({ trigger: "cloud-activity", entities: { accounts: ["111122223333"], users: ["alice"] }, tags: ["cloudtrail", "iam-persistence", "iam-credentials"], mitre: ["T1496", "T1098"] }),
  ]));
  assert.ok(!ids(withStolenKeys).includes("insider"), "stolen-credential evidence rules out insider");
  assert.ok(ids(withStolenKeys).includes("stolen-credentials"));
});

test("escalation: stolen IAM credentials → PB-16 on new keys/users, a key used outside, or several regions", () => {
  const iam = f({ trigger: "cloud-activity", entities: { accounts: ["1"], users: ["ci-deploy"] }, tags: ["cloudtrail", "iam-persistence", "iam-credentials"], mitre: ["T1496", "T1098", "T1136.003"] });
  const e = assess(input([guardDuty(), iam])).escalations.find((x) => x.id === "stolen-credentials");
  assert.ok(e);
  assert.equal(e.playbook, "PB-16");
  assert.equal(e.target.en, "PB-16 Cloud IAM");

  const exfil = f({ trigger: "cloud-alert", entities: { accounts: ["1"], accessKeys: ["ASIA..."] }, facts: { "alert.type": "UnauthorizedAccess:IAMUser/InstanceCredentialExfiltration.OutsideAWS", "alert.mining": false }, tags: ["provider-alert", "aws", "supporting"] });
  assert.ok(ids(assess(input([guardDuty(), exfil]))).includes("stolen-credentials"));

  const threeRegions = assess(input([guardDuty("i-1", "us-east-1"), guardDuty("i-2", "eu-west-1"), guardDuty("i-3", "ap-southeast-1")]));
  assert.ok(ids(threeRegions).includes("stolen-credentials"));
  assert.match(threeRegions.escalations.find((x) => x.id === "stolen-credentials")!.reason.en, /instances in 3 regions/);

  assert.deepEqual(ids(assess(input([guardDuty()]))), [], "one instance, one region, no IAM evidence");
  assert.deepEqual(ids(assess(input([xmrig("a"), xmrig("b"), xmrig("c")]))), [], "several on-premise hosts are not stolen cloud keys");
});

// ---------------------------------------------------------------------------------------- priority

test("priority: naming conventions give production P1, workstation P2, dev/test P3", () => {
  const cases: [string, string, string][] = [
    ["prod-db-01", "production", "P1"], ["api.prod.corp.example.com", "production", "P1"],
    ["ws-finance-07", "workstation", "P2"], ["LAPTOP-8F2K1QX", "workstation", "P2"], ["DESKTOP-4K2J9", "workstation", "P2"],
    ["dev-api-01", "dev-test", "P3"], ["billing-test", "dev-test", "P3"], ["qa02-runner", "dev-test", "P3"],
  ];
  for (const [host, type, priority] of cases) {
    const a = assess(input([xmrig(host)]));
    assert.equal(a.hostType, type, host);
    assert.equal(a.priority, priority, host);
    assert.equal(a.hosts[0]!.source, "name", host);
  }
});

test("priority: look-alike names are not matched inside words", () => {
  for (const host of ["product-catalog", "devops-runner", "latest-build", "wsus-01"]) {
    const a = assess(input([xmrig(host)]));
    assert.equal(a.hostType, "unknown", host);
  }
});

test("priority: an unclassified on-premise server is unknown but priced as production (P1), with the reason", () => {
  const a = assess(input([xmrig("build-01")]));
  assert.equal(a.hostType, "unknown");
  assert.equal(a.priority, "P1");
  assert.ok(a.notes.some((n) => /treated as a production server until an analyst classifies it/.test(n.en)));
  assert.ok(a.notes.some((n) => /production server จนกว่า analyst จะระบุ/.test(n.th)));
});

test("priority: cloud instances default to cloud-instance P1; an Environment tag says dev/test", () => {
  assert.equal(assess(input([guardDuty()])).hostType, "cloud-instance");
  assert.equal(assess(input([guardDuty()])).priority, "P1");
  const tagged = guardDuty("i-0dev");
  tagged.tags = [...(tagged.tags ?? []), "Environment=dev"];
  const a = assess(input([tagged]));
  assert.equal(a.hostType, "dev-test");
  assert.equal(a.priority, "P3");
  assert.deepEqual({ source: a.hosts[0]!.source, because: a.hosts[0]!.because }, { source: "tag", because: "Environment=dev" });
  const viaFacts = f({ trigger: "cloud-alert", entities: { instances: ["i-1"], providers: ["aws"] }, facts: { "tag.Environment": "Production" } });
  assert.equal(assess(input([viaFacts])).hostType, "production");
});

test("priority: config patterns beat names; known types beat everything; the costliest machine wins", () => {
  const config = DetectConfigSchema.parse({ hostTypes: [{ match: "build-*", type: "dev-test" }, { match: "*", type: "production" }] });
  const a = assess(input([xmrig("build-01")]), config);
  assert.deepEqual([a.hostType, a.priority, a.hosts[0]!.source, a.hosts[0]!.because], ["dev-test", "P3", "config", "build-*"]);
  const known = assess(input([xmrig("dev-api-01")], { hostTypes: { "dev-api-01": "production" } }));
  assert.deepEqual([known.hostType, known.priority, known.hosts[0]!.source], ["production", "P1", "known"]);
  const mixed = assess(input([xmrig("dev-api-01"), xmrig("ws-07")]));
  assert.deepEqual([mixed.hostType, mixed.priority], ["workstation", "P2"]);
});

test("priority: no machine named (billing only) in the cloud → cloud-instance P1", () => {
  const a = assess(input([f({ trigger: "billing", entities: { accounts: ["1"], providers: ["aws"] }, facts: { "billing.usd": 300 } })]));
  assert.deepEqual([a.hostType, a.priority], ["cloud-instance", "P1"]);
});

// ---------------------------------------------------------------------------------------- severity

test("severity: the playbook's high by default; provider samples only → informational", () => {
  assert.equal(assess(input([guardDuty()])).severity, "high");
  const s = guardDuty();
  s.sample = true;
  const sampleOnly = assess(input([s]));
  assert.equal(sampleOnly.severity, "informational");
  assert.equal(sampleOnly.sample, true);
  assert.ok(sampleOnly.notes.some((n) => /provider sample/.test(n.en)));
  const mixed = assess(input([s, xmrig("prod-web-01")]));
  assert.equal(mixed.severity, "high");
  assert.equal(mixed.sample, false);
});

// ---------------------------------------------------------------------------------------- checklist

test("checklist: the realistic incident ticks what its evidence answers, with the finding ids", () => {
  const findings = realisticFindings();
  const a = assess(input(findings));
  const state = new Map(a.checklist.map((c) => [c.id, c]));
  assert.equal(a.checklist.length, 8 + 5 + 5 + 5);
  const done = a.checklist.filter((c) => c.done).map((c) => c.id);
  assert.deepEqual(done, [
    "analysis.host-instance", "analysis.binary-hash", "analysis.pool", "analysis.entry-vector",
    "analysis.machine-count", "analysis.billing", "analysis.persistence",
  ]);
  const byRule = (rule: string) => findings.find((x) => x.rule.id === rule)!.id;
  assert.deepEqual(state.get("analysis.binary-hash")!.findings, [byRule("miner-process")]);
  assert.deepEqual(state.get("analysis.billing")!.findings, [byRule("billing-anomaly")]);
  assert.deepEqual(state.get("analysis.persistence")!.findings!.sort(), [byRule("iam-persistence"), byRule("cron-persistence")].sort());
  assert.equal(state.get("analysis.binary-hash")!.answeredBy, "evidence");
  assert.equal(state.get("analysis.lateral-movement")!.done, false, "no evidence of lateral movement is not a 'no'");
  assert.equal(state.get("analysis.lateral-movement")!.answeredBy, undefined);
  assert.ok(a.checklist.filter((c) => c.phase !== "analysis").every((c) => !c.done), "nothing contained yet");
});

test("checklist: a GuardDuty DNS alert alone does not answer 'mining binary and hash'", () => {
  const a = assess(input([guardDuty()]));
  const state = new Map(a.checklist.map((c) => [c.id, c]));
  assert.equal(state.get("analysis.binary-hash")!.done, false);
  assert.equal(state.get("analysis.pool")!.done, true);
  assert.equal(state.get("analysis.billing")!.done, false);
  assert.equal(state.get("analysis.entry-vector")!.done, false);
});

test("checklist: containment items tick when the response engine reports their actions", () => {
  const a = assess(input([guardDuty()], { actionsDone: ["kill-process", "terminate-instance", "remove-miner"] }));
  const done = new Set(a.checklist.filter((c) => c.done).map((c) => c.id));
  assert.ok(done.has("containment.kill"));
  assert.ok(done.has("containment.isolate"), "isolate OR terminate");
  assert.ok(!done.has("containment.block-pools"));
  assert.ok(!done.has("eradication.remove-persistence"), "needs both remove-miner and remove-persistence");
});

test("mergeChecklist keeps an analyst's answer that the evidence does not give", () => {
  const fresh = assess(input([guardDuty()])).checklist;
  const previous = [{ id: "analysis.lateral-movement", phase: "analysis" as const, done: true, answeredBy: "analyst" as const, answer: "no: checked SIEM", by: "somchai" }];
  const merged = mergeChecklist(previous, fresh);
  assert.deepEqual(merged.find((c) => c.id === "analysis.lateral-movement"), previous[0]);
  assert.equal(merged.length, fresh.length);
});

test("the realistic incident: hybrid, Multi → IAM, high, P1, billing and PB-16 escalations", () => {
  const inc = incidentFrom(realisticFindings());
  assert.equal(inc.environment, "hybrid");
  assert.deepEqual(inc.decision!.path, ["Alert", "Env", "Cloud", "Scope", "Multi", "IAM"]);
  assert.deepEqual(inc.escalations.map((e) => e.id), ["billing-over-threshold", "stolen-credentials"]);
  assert.equal(inc.severity, "high");
  assert.equal(inc.priority, "P1");
  assert.equal(inc.hostType, "cloud-instance");
  assert.equal(inc.billingUsd, 18342.55);
  assert.deepEqual(inc.scope, { hosts: 1, instances: 4, regions: 3, accounts: 1, clusters: 0 });
});

test("checklist: 'mining binary and hash' needs a hash; a miner process without one leaves it open", () => {
  const process = (observables: Finding["observables"]) => f({ entities: { hosts: ["db-prod-01"] }, observables });
  const noHash = assess(input([process([{ type: "process", value: "kswapd0" }, { type: "command-line", value: "./kswapd0 -o pool.supportxmr.com:443" }])]));
  assert.equal(noHash.checklist.find((c) => c.id === "analysis.binary-hash")!.done, false, "a process name is not a hash");
  const hashOnly = assess(input([process([{ type: "hash", value: "8c7e6a1f9d3b5e2c4a6f8d0b2e4c6a8f0d2b4e6c8a0f2d4b6e8c0a2f4d6b8e0a" }])]));
  assert.equal(hashOnly.checklist.find((c) => c.id === "analysis.binary-hash")!.done, false, "a hash of nothing named is not the binary");
  const both = process([{ type: "process", value: "kswapd0" }, { type: "hash", value: "8c7e6a1f9d3b5e2c4a6f8d0b2e4c6a8f0d2b4e6c8a0f2d4b6e8c0a2f4d6b8e0a" }]);
  const answered = assess(input([both])).checklist.find((c) => c.id === "analysis.binary-hash")!;
  assert.equal(answered.done, true);
  assert.deepEqual(answered.findings, [both.id]);
  const emptyHash = process([{ type: "process", value: "kswapd0" }, { type: "hash", value: " " }]);
  assert.equal(assess(input([emptyHash])).checklist.find((c) => c.id === "analysis.binary-hash")!.done, false, "an empty hash is no hash");
});
