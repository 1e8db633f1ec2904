import { test } from "node:test";
import assert from "node:assert/strict";
import { makeFinding, type Entities, type EvidenceKind, type Finding, type Trigger } from "../model/index.js";
import { correlate, findCampaigns } from "./index.js";

let n = 0;
function finding(rule: string, confidence: number, entities: Entities, opts: { trigger?: Trigger; at?: string; usd?: number; sample?: boolean; kind?: EvidenceKind } = {}): Finding {
  n++;
  const at = opts.at ?? "2026-11-20T03:00:00.000Z";
  return makeFinding({
    rule: { id: rule, name: rule, kind: "detector" }, title: rule, trigger: opts.trigger ?? "host", severity: "high",
    confidence, firstSeen: at, lastSeen: at, entities, observables: [], evidence: [{ file: "x.log", line: n }],
    ...(opts.usd !== undefined ? { facts: { "billing.usd": opts.usd } } : {}),
    ...(opts.sample ? { sample: true } : {}),
    ...(opts.kind ? { kind: opts.kind } : {}),
  });
}
const opts = { accountWindowHours: 24 };

test("findings sharing a host join one incident; confidence grows with independent kinds of evidence", () => {
  const a = finding("miner-process", 0.8, { hosts: ["db01"], ips: ["10.0.0.5"] }, { kind: "process" });
  const b = finding("pool-dns", 0.7, { ips: ["10.0.0.5"] }, { trigger: "network", kind: "dns" });
  const c = finding("persistence", 0.5, { hosts: ["DB01"] }, { kind: "persistence" });
  const [inc, ...rest] = correlate([a, b, c], opts);
  assert.equal(rest.length, 0);
  assert.equal(inc!.findings.length, 3);
  assert.equal(inc!.environment, "on-premise");
  assert.ok(inc!.confidence > 0.95, String(inc!.confidence));
  assert.deepEqual(inc!.triggers.sort(), ["host", "network"]);
});

test("a weak signal alone never makes an incident, but joins one that shares its host", () => {
  const port = finding("pool-connection", 0.15, { ips: ["10.0.0.9"] }, { trigger: "network" });
  const cpu = finding("high-cpu", 0.3, { hosts: ["ml-train-01"] });
  assert.deepEqual(correlate([port, cpu], opts), []);
  const miner = finding("miner-process", 0.9, { hosts: ["ml-train-01"] });
  const incs = correlate([port, cpu, miner], opts);
  assert.equal(incs.length, 1);
  assert.deepEqual(incs[0]!.findings.map((f) => f.rule.id).sort(), ["high-cpu", "miner-process"]);
});

test("weak findings do not bridge two unrelated incidents", () => {
  const a = finding("miner-process", 0.9, { hosts: ["a"] });
  const b = finding("miner-process", 0.9, { hosts: ["b"] });
  const bridge = finding("pool-connection", 0.15, { hosts: ["a", "b"] }, { trigger: "network" });
  assert.equal(correlate([a, b, bridge], opts).length, 2);
});

test("cloud findings of one account join within the window; scope counts regions and instances", () => {
  const gd = finding("cloud-alert", 0.85, { accounts: ["111122223333"], regions: ["us-east-1"], instances: ["i-1"], providers: ["aws"] }, { trigger: "cloud-alert", at: "2026-11-20T03:00:00Z" });
  const burst = finding("run-instances-burst", 0.7, { accounts: ["111122223333"], regions: ["us-east-1", "eu-west-1", "ap-southeast-1"], instances: ["i-1", "i-2", "i-3"], accessKeys: ["AKIAEXAMPLE"], providers: ["aws"] }, { trigger: "cloud-activity", at: "2026-11-20T02:10:00Z" });
  const bill = finding("billing-anomaly", 0.35, { accounts: ["111122223333"], providers: ["aws"] }, { trigger: "billing", at: "2026-11-20T00:00:00Z", usd: 4210.5 });
  const later = finding("cloud-alert", 0.85, { accounts: ["111122223333"], instances: ["i-9"], providers: ["aws"] }, { trigger: "cloud-alert", at: "2026-12-10T00:00:00Z" });
  const incs = correlate([gd, burst, bill, later], opts);
  assert.equal(incs.length, 2);
  const main = incs[0]!;
  assert.equal(main.environment, "cloud");
  assert.equal(main.scope.regions, 3);
  assert.equal(main.scope.instances, 3);
  assert.equal(main.billingUsd, 4210.5);
  assert.match(main.title, /AWS account 111122223333: 3 instances in 3 regions/);
});

test("provider samples never open, join or bridge an incident", () => {
  const s = finding("cloud-alert", 0.85, { accounts: ["123456789012"], providers: ["aws"], instances: ["i-1"] }, { trigger: "cloud-alert", sample: true });
  assert.deepEqual(correlate([s], opts), []);
  const real = finding("cloud-alert", 0.85, { accounts: ["123456789012"], providers: ["aws"], instances: ["i-1"] }, { trigger: "cloud-alert" });
  const [inc, ...rest] = correlate([s, real], opts);
  assert.equal(rest.length, 0);
  assert.deepEqual(inc!.findings.map((f) => f.id), [real.id], "the sample does not join the real incident it shares an instance with");
});

test("the same input gives the same incident ids", () => {
  const mk = () => [finding("miner-process", 0.9, { hosts: ["x"] }, { at: "2026-01-01T00:00:00Z" })];
  n = 100;
  const a = correlate(mk(), opts)[0]!.id;
  n = 100;
  const b = correlate(mk(), opts)[0]!.id;
  assert.equal(a, b);
});

test("one image under different registry spellings joins Kubernetes audit and Falco findings", () => {
  const audit = finding("k8s-workload", 0.9, { images: ["metal3d/xmrig:latest"], namespaces: ["kube-system"] }, { trigger: "container" });
  const falco = finding("falco-miner", 0.85, { images: ["docker.io/metal3d/xmrig"], pods: ["kube-metrics-sync-1-x"] }, { trigger: "container" });
  const other = finding("falco-miner", 0.85, { images: ["ghcr.io/other/miner:1"] }, { trigger: "container" });
  assert.equal(correlate([audit, falco, other], opts).length, 2);
});

test("a shared public pool does not join a cloud account and an on-premise host", () => {
  const onprem = finding("pool-dns", 0.85, { ips: ["10.20.1.15"], pools: ["pool.supportxmr.com"] }, { trigger: "network" });
  const cloud = finding("cloud-alert", 0.85, { accounts: ["111122223333"], instances: ["i-1"], providers: ["aws"], pools: ["pool.supportxmr.com"] }, { trigger: "cloud-alert" });
  const incs = correlate([onprem, cloud], opts);
  assert.deepEqual(incs.map((i) => i.environment).sort(), ["cloud", "on-premise"]);
});

test("an EKS node seen only by its EC2 host name counts as cloud", () => {
  const [inc] = correlate([finding("falco-miner", 0.85, { hosts: ["ip-172-31-40-12.ec2.internal"] }, { trigger: "container" })], opts);
  assert.equal(inc!.environment, "cloud");
  assert.deepEqual(inc!.entities.providers, ["aws"]);
});

test("campaigns: incidents kept apart are grouped by a shared wallet, attacker address or pool, never merged", () => {
  const wallet = "4" + "A".repeat(94);
  const a = finding("miner-process", 0.9, { hosts: ["db01"], pools: ["pool.supportxmr.com"] });
  a.observables.push({ type: "wallet", value: wallet });
  const b = finding("k8s-workload", 0.9, { images: ["metal3d/xmrig"] }, { trigger: "container" });
  b.observables.push({ type: "wallet", value: wallet });
  const c = finding("cloud-alert", 0.85, { accounts: ["1"], providers: ["aws"], pools: ["pool.supportxmr.com"] }, { trigger: "cloud-alert" });
  const d = finding("miner-process", 0.9, { hosts: ["other"] });
  const drafts = correlate([a, b, c, d], opts);
  assert.equal(drafts.length, 4, "nothing merged");
  const campaigns = findCampaigns(drafts, { windowHours: 24 });
  const idOf = (f: Finding) => drafts.find((x) => x.findings.includes(f))!.id;
  assert.equal(campaigns.length, 1);
  assert.deepEqual(campaigns[0]!.incidentIds, [idOf(a), idOf(b), idOf(c)].sort());
  assert.deepEqual(campaigns[0]!.links.map((l) => l.kind), ["wallet", "pool"]);
  assert.deepEqual(campaigns[0]!.environments.sort(), ["cloud", "on-premise"]);
  // A private address (the victims' own network) links nothing; a public address of an actor does.
  const p1 = finding("k8s-workload", 0.9, { images: ["x/a"] }, { trigger: "container" });
  p1.observables.push({ type: "ip", value: "10.0.0.5" }, { type: "ip", value: "45.137.21.9" });
  const p2 = finding("run-instances-burst", 0.7, { accounts: ["2"], providers: ["aws"] }, { trigger: "cloud-activity" });
  p2.observables.push({ type: "ip", value: "10.0.0.5" }, { type: "ip", value: "45.137.21.9" });
  const two = findCampaigns(correlate([p1, p2], opts), { windowHours: 24 });
  assert.deepEqual(two[0]!.links.map((l) => `${l.kind} ${l.value}`), ["attacker-ip 45.137.21.9"]);
});

test("campaigns: a public pool links machines only within the window; a private pool (a proxy) links at any time", () => {
  const at = (day: number) => `2026-11-${String(day).padStart(2, "0")}T03:00:00Z`;
  const host = (name: string, day: number, pool: string) =>
    finding("pool-connection", 0.8, { hosts: [name], pools: [pool] }, { trigger: "network", at: at(day) });
  const near = [host("h1", 1, "pool.supportxmr.com:443"), host("h2", 1, "pool.supportxmr.com:443")];
  const far = [host("h3", 20, "pool.supportxmr.com:443")];
  const proxy = [host("h4", 1, "10.9.9.9:3333"), host("h5", 25, "10.9.9.9:3333")];
  const campaigns = findCampaigns(correlate([...near, ...far, ...proxy], opts), { windowHours: 24 });
  const sizes = campaigns.map((c) => [c.links[0]!.kind, c.incidentIds.length]);
  assert.deepEqual(sizes.sort(), [["pool", 2], ["private-pool", 2]]);
});

test("campaigns are linear: an outbreak of 3,000 hosts to one pool is one campaign", () => {
  const findings: Finding[] = [];
  for (let i = 0; i < 3000; i++) {
    findings.push(finding("pool-connection", 0.8, { hosts: [`ws-${i}`], ips: [`10.1.${i >> 8}.${i & 255}`], pools: ["xmr-eu1.nanopool.org:14444"] }, { trigger: "network" }));
  }
  const drafts = correlate(findings, opts);
  assert.equal(drafts.length, 3000);
  const started = process.cpuUsage();
  const campaigns = findCampaigns(drafts, { windowHours: 24 });
  const cpuMs = (process.cpuUsage(started).user + process.cpuUsage(started).system) / 1000;
  assert.equal(campaigns.length, 1);
  assert.equal(campaigns[0]!.scope.machines, 3000);
  assert.equal(campaigns[0]!.links.length, 1);
  assert.ok(cpuMs < 5000, `grouping took ${cpuMs} ms of CPU`);
});

test("a machine seen only in network logs is named and counted by its address", () => {
  const [one] = correlate([finding("stratum", 0.95, { ips: ["147.229.13.222"] }, { trigger: "network" })], opts);
  assert.equal(one!.scope.hosts, 1);
  assert.match(one!.title, /host 147\.229\.13\.222/);
  const [two] = correlate([
    finding("stratum", 0.95, { ips: ["10.0.0.1"], pools: ["p:1"] }, { trigger: "network" }),
    finding("pool-dns", 0.9, { ips: ["10.0.0.1", "10.0.0.2"] }, { trigger: "network" }),
  ], opts);
  assert.equal(two!.scope.hosts, 2);
});
