/**
 * The project's PB-31 rule pack (rules/): every rule is complete and tested, every indicator of the
 * seed playbook is covered, and matches come out of sigmaDetector as valid Findings.
 */
import { before, describe, it } from "node:test";
import assert from "node:assert/strict";
import type { Event, FindingDraft } from "../../model/index.js";
import { makeFinding, WEAK_CONFIDENCE } from "../../model/index.js";
import { FindingSchema } from "../../model/schemas.js";
import { defaultConfig } from "../config.js";
import type { Intel } from "../../intel/types.js";
import { DetectionEngine } from "../engine.js";
import { defaultRuleDirs, loadRules, runRuleTests, sigmaDetector } from "./index.js";
import type { CompiledRule, LoadResult } from "./types.js";

let pack: LoadResult;
before(async () => { pack = await loadRules(defaultRuleDirs()); });

/** Run the pack over events and return the finding drafts. The Sigma detector reads no intel. */
function detect(rules: readonly CompiledRule[], events: Event[], config = defaultConfig()): FindingDraft[] {
  const drafts: FindingDraft[] = [];
  const run = sigmaDetector(rules).start({ intel: {} as Intel, config, emit: (d) => drafts.push(d) });
  for (const e of events) run.onEvent(e);
  run.finish();
  return drafts;
}

const proc = (cmd: string, exe: string, extra: Event = {}): Event => ({
  "@timestamp": "2026-11-20T03:14:07.000Z", "event.dataset": "auditd", "event.category": ["process"],
  "host.name": "web-01", "user.name": "www-data", "process.command_line": cmd, "process.executable": exe,
  "process.name": exe.replace(/^.*\//, ""), "log.file.path": "/var/log/audit/audit.log", "minerhunt.line": 42, ...extra,
});
const dns = (name: string): Event => ({
  "@timestamp": "2026-11-20T03:14:09.000Z", "event.dataset": "zeek.dns", "event.category": ["network", "dns"],
  "host.name": "web-01", "source.ip": "10.0.3.7", "dns.question.name": name, "log.file.path": "dns.log", "minerhunt.line": 7,
});
const flow = (port: number, ip = "51.15.67.17"): Event => ({
  "@timestamp": "2026-11-20T03:14:10.000Z", "event.dataset": "zeek.conn", "event.category": ["network"],
  "source.ip": "10.0.3.7", "destination.ip": ip, "destination.port": port, "log.file.path": "conn.log", "minerhunt.line": 9,
});

describe("PB-31 rule pack", () => {
  it("loads without refusals or warnings, and every rule routes", () => {
    assert.deepEqual(pack.refused, []);
    assert.deepEqual(pack.warnings.map((w) => `${w.file}:${w.line} ${w.message}`), []);
    assert.equal(pack.stats.notRouted, 0);
    assert.ok(pack.rules.length >= 20, `${pack.rules.length} rules`);
  });

  it("every rule has id, title, status, level, ATT&CK tags, references, false positives and tests both ways", () => {
    for (const r of pack.rules) {
      const where = `${r.meta.file}: ${r.meta.title}`;
      assert.match(r.meta.id ?? "", /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/, `${where}: UUID v4 id`);
      assert.ok(r.meta.status && r.meta.level, `${where}: status and level`);
      assert.ok(r.meta.tags.some((t) => /^attack\.t\d{4}/.test(t)), `${where}: an ATT&CK technique tag`);
      assert.ok(r.meta.references.length > 0, `${where}: references`);
      assert.ok(r.meta.falsepositives.length > 0, `${where}: falsepositives`);
      assert.ok(r.tests.some((t) => t.match) && r.tests.some((t) => !t.match), `${where}: tests that must and must not match`);
    }
  });

  it("all embedded tests pass", () => {
    const report = runRuleTests(pack.rules);
    assert.deepEqual(report.results.filter((x) => !x.passed).map((x) => `${x.rule.meta.title}: ${x.message}`), []);
    assert.deepEqual(report.untested, []);
  });

  it("covers every miner binary of PB-31 1.1 by name and by renamed command line", () => {
    for (const name of ["xmrig", "ccminer", "ethminer", "t-rex", "PhoenixMiner", "nbminer", "lolMiner", "gminer", "teamredminer", "cpuminer", "minerd", "SRBMiner-MULTI", "xmr-stak", "nanominer", "cgminer"]) {
      const hits = detect(pack.rules, [proc(`./${name} -c cfg.txt`, `/opt/m/${name}`)]);
      assert.ok(hits.some((h) => h.title === "Known Cryptocurrency Miner Binary Executed"), name);
    }
    const renamed = detect(pack.rules, [proc("/tmp/.X11-unix/kswapd0 -o 1.2.3.4:443 -u 4Ab --donate-level 1", "/tmp/.X11-unix/kswapd0")]);
    assert.ok(renamed.some((h) => h.title === "Cryptocurrency Miner Command-Line Options"));
  });

  it("covers every PB-31 1.2 pool indicator: ports, stratum scheme, DNS prefixes", () => {
    // 8333 is Bitcoin's peer-to-peer port: the built-in flow detector reports nodes as policy observations.
    assert.equal(detect(pack.rules, [flow(8333)]).length, 0);
    for (const port of [3333, 4444, 5555, 14444]) {
      const hits = detect(pack.rules, [flow(port)]);
      assert.equal(hits.length, 1, `port ${port}`);
      assert.equal(hits[0]!.severity, "low");
      assert.ok(hits[0]!.confidence < WEAK_CONFIDENCE, "a port alone is a weak signal");
    }
    assert.equal(detect(pack.rules, [flow(443)]).length, 0);
    assert.ok(detect(pack.rules, [proc("./x -o stratum+tcp://1.2.3.4:3333", "/tmp/x")]).some((h) => h.severity === "critical"));
    for (const name of ["pool.example-coin.net", "mining.example.org", "xmr.example.com", "f2pool.example.com", "nanopool.example.net"]) {
      assert.ok(detect(pack.rules, [dns(name)]).length > 0, name);
    }
    assert.equal(detect(pack.rules, [dns("pool.ntp.org")]).length, 0, "the NTP pool is a look-alike");
    assert.ok(detect(pack.rules, [dns("xmr-eu1.nanopool.org")]).some((h) => h.severity === "high"));
    assert.ok(detect(pack.rules, [dns("donate.v2.xmrig.com")]).some((h) => h.title === "DNS Lookup of XMRig Donation Servers"));
  });

  it("turns a match into a valid Finding: trigger, severity, confidence, entities, observables, evidence, MITRE", () => {
    const [draft] = detect(pack.rules, [proc("./xmrig -o stratum+tcp://pool.minexmr.com:4444 -u 44x", "/tmp/xmrig", { "cloud.instance.id": "i-0abc", "cloud.region": "eu-west-1", "cloud.account.id": "111122223333" })])
      .filter((d) => d.title === "Stratum Mining Pool URL in Command Line");
    assert.ok(draft);
    assert.deepEqual(draft.rule, { id: "cbbcef56-0b77-4637-8247-6e72341603d5", name: "Stratum Mining Pool URL in Command Line", kind: "sigma" });
    assert.equal(draft.trigger, "host");
    assert.equal(draft.severity, "critical");
    assert.ok(draft.confidence > 0.7);
    assert.deepEqual(draft.entities.hosts, ["web-01"]);
    assert.deepEqual(draft.entities.users, ["www-data"]);
    assert.deepEqual(draft.entities.instances, ["i-0abc"]);
    assert.deepEqual(draft.entities.regions, ["eu-west-1"]);
    assert.deepEqual(draft.entities.accounts, ["111122223333"]);
    assert.ok(draft.observables.some((o) => o.type === "command-line" && o.value.includes("stratum+tcp://")));
    assert.ok(draft.observables.some((o) => o.type === "process" && o.value === "xmrig"));
    assert.deepEqual(draft.evidence[0] && { file: draft.evidence[0].file, line: draft.evidence[0].line }, { file: "/var/log/audit/audit.log", line: 42 });
    assert.deepEqual(draft.mitre, ["T1496"]);
    assert.equal(draft.firstSeen, "2026-11-20T03:14:07.000Z");
    FindingSchema.parse(makeFinding(draft));
  });

  it("routes triggers from the logsource: network, cloud-activity, container", () => {
    const net = detect(pack.rules, [dns("pool.supportxmr.com")])[0]!;
    assert.equal(net.trigger, "network");
    assert.deepEqual(net.entities.ips, ["10.0.3.7"], "the local side of a network record stands for the host");
    assert.deepEqual(net.entities.pools, ["pool.supportxmr.com"]);
    const port = detect(pack.rules, [flow(14444)])[0]!;
    assert.deepEqual([port.entities.ips, port.entities.pools], [["10.0.3.7"], ["51.15.67.17:14444"]]);
    const ct: Event = { "event.dataset": "aws.cloudtrail", "event.category": ["configuration"], "event.action": "RunInstances", "event.provider": "ec2.amazonaws.com", "cloud.machine.type": "p3.8xlarge", "cloud.region": "us-east-1", "cloud.account.id": "111122223333", "cloud.provider": "aws" };
    const cloud = detect(pack.rules, [ct]);
    assert.equal(cloud[0]!.trigger, "cloud-activity");
    assert.deepEqual(cloud[0]!.entities.providers, ["aws"]);
    assert.ok(cloud[0]!.observables.some((o) => o.type === "instance-type" && o.value === "p3.8xlarge"));
    const k8s: Event = { "event.dataset": "kubernetes.audit", "event.category": ["configuration"], "event.action": "create", "orchestrator.resource.type": "daemonsets", "orchestrator.namespace": "kube-system", "orchestrator.cluster.name": "prod", "container.image.name": ["docker.io/metal3d/xmrig:latest"] };
    const pod = detect(pack.rules, [k8s]);
    assert.equal(pod[0]!.trigger, "container");
    assert.deepEqual(pod[0]!.entities.clusters, ["prod"]);
    assert.deepEqual(pod[0]!.entities.images, ["docker.io/metal3d/xmrig:latest"]);
  });

  it("the engine's site allowlist silences Sigma findings as it does built-ins: domains (with subdomains), IPs/CIDRs, process globs", () => {
    const config = defaultConfig();
    config.allowlist = { domains: ["nanopool.org"], ips: ["51.15.0.0/16"], processes: ["xmr*"], hosts: [], images: [] };
    const viaEngine = (events: Event[]) => {
      const engine = new DetectionEngine([sigmaDetector(pack.rules)], {} as Intel, config);
      for (const e of events) engine.onEvent(e);
      return engine.finish();
    };
    assert.ok(detect(pack.rules, [dns("xmr-eu1.nanopool.org")], config).length > 0, "the rule itself still matches");
    assert.equal(viaEngine([dns("xmr-eu1.nanopool.org")]).length, 0);
    assert.ok(viaEngine([dns("pool.supportxmr.com")]).length > 0);
    assert.equal(viaEngine([flow(3333, "51.15.67.17")]).length, 0);
    assert.equal(viaEngine([flow(3333, "52.15.67.17")]).length, 1);
    assert.equal(viaEngine([proc("./xmrig --donate-level 1", "/opt/lab/xmrig")]).length, 0);
  });

  it("reports the multi-region GPU correlation and keeps the single launches (generate: true)", () => {
    const launch = (region: string, minute: number): Event => ({
      "@timestamp": `2026-11-20T03:${String(minute).padStart(2, "0")}:00.000Z`, "event.dataset": "aws.cloudtrail", "event.category": ["configuration"],
      "event.action": "RunInstances", "event.provider": "ec2.amazonaws.com", "cloud.machine.type": "g5.12xlarge", "cloud.region": region,
      "aws.cloudtrail.user_identity.arn": "arn:aws:iam::111122223333:user/stolen", "log.file.path": "ct.json", "minerhunt.line": minute,
    });
    const drafts = detect(pack.rules, [launch("us-east-1", 1), launch("eu-west-1", 5), launch("ap-south-1", 9)]);
    const corr = drafts.filter((d) => d.rule.kind === "sigma-correlation");
    assert.equal(corr.length, 1);
    assert.equal(corr[0]!.severity, "high");
    assert.equal(corr[0]!.evidence.length, 2);
    assert.deepEqual(corr[0]!.entities.regions, ["us-east-1", "eu-west-1"]);
    assert.equal(corr[0]!.facts?.["sigma.group.userIdentity.arn"], "arn:aws:iam::111122223333:user/stolen");
    assert.equal(drafts.filter((d) => d.rule.kind === "sigma").length, 3);
    FindingSchema.parse(makeFinding(corr[0]!));
  });
});
