import { test } from "node:test";
import assert from "node:assert/strict";
import { runDetector, testIntel } from "../../../test-helpers/index.js";
import { defaultConfig } from "../../config.js";
import { DetectionEngine } from "../../engine.js";
import { runInstancesBurst } from "./run-instances-burst.js";
import { ATTACKER_KEY, runInstances, trail } from "./test-helpers/cloudtrail-events.js";

test("routes CloudTrail only", () => {
  assert.deepEqual(runInstancesBurst.routes, { datasets: ["aws.cloudtrail"] });
});

test("GPU instances in three regions within minutes: one finding, unordered input", () => {
  const events = [
    runInstances("2026-11-20T03:21:40Z", "ap-southeast-1", "p3.16xlarge", ["i-0c1d2e3f4a5b6c7d8", "i-0c1d2e3f4a5b6c7d9"]),
    runInstances("2026-11-20T03:14:07Z", "us-east-1", "p3.16xlarge", ["i-0a1b2c3d4e5f60718", "i-0a1b2c3d4e5f60719", "i-0a1b2c3d4e5f6071a", "i-0a1b2c3d4e5f6071b"]),
    runInstances("2026-11-20T03:17:55Z", "eu-west-1", "g4dn.12xlarge", ["i-0b1c2d3e4f5a6b7c8"]),
  ];
  const findings = runDetector(runInstancesBurst, events);
  assert.equal(findings.length, 1);
  const f = findings[0]!;
  assert.equal(f.trigger, "cloud-activity");
  assert.equal(f.confidence, 0.7);
  assert.equal(f.severity, "high");
  assert.equal(f.facts?.["instances.launched"], 7);
  assert.equal(f.facts?.["regions.count"], 3);
  assert.equal(f.facts?.["instances.gpu"], 7);
  assert.match(String(f.facts?.["instance.types"]), /p3\.16xlarge x6/);
  assert.equal(f.firstSeen, "2026-11-20T03:14:07Z");
  assert.equal(f.lastSeen, "2026-11-20T03:21:40Z");
  assert.deepEqual([...f.entities.regions!].sort(), ["ap-southeast-1", "eu-west-1", "us-east-1"]);
  assert.equal(f.entities.instances?.length, 7);
  assert.deepEqual(f.entities.accessKeys, [ATTACKER_KEY]);
  assert.deepEqual(f.entities.accounts, ["111122223333"]);
  assert.ok(f.observables.some((o) => o.type === "access-key" && o.value === ATTACKER_KEY));
  assert.ok(f.observables.some((o) => o.type === "instance-type" && o.value === "g4dn.12xlarge"));
  assert.ok(f.observables.some((o) => o.type === "ip" && o.value === "203.0.113.77"));
  // Evidence points at each record, earliest first.
  assert.equal(f.evidence.length, 3);
  assert.match(f.evidence[0]!.file, /us-east-1/);
  assert.equal(typeof f.evidence[0]!.line, "number");
  assert.match(f.evidence[0]!.summary!, /RunInstances 4 x p3\.16xlarge in us-east-1/);
});

test("ordinary types in two regions: a burst at 0.6", () => {
  const findings = runDetector(runInstancesBurst, [
    runInstances("2026-11-20T03:14:07Z", "us-east-1", "t3.medium", ["i-01"]),
    runInstances("2026-11-20T03:44:07Z", "us-west-2", "t3.medium", ["i-02"]),
  ]);
  assert.equal(findings.length, 1);
  assert.equal(findings[0]!.confidence, 0.6);
  assert.equal(findings[0]!.severity, "medium");
});

test("one large-compute launch in one region: 0.5; one small launch: nothing", () => {
  const big = runDetector(runInstancesBurst, [runInstances("2026-11-20T03:14:07Z", "us-east-1", "c5.24xlarge", ["i-01"])]);
  assert.equal(big.length, 1);
  assert.equal(big[0]!.confidence, 0.5);
  assert.equal(runDetector(runInstancesBurst, [runInstances("2026-11-20T03:14:07Z", "us-east-1", "t3.micro", ["i-01"])]).length, 0);
});

test("a high instance count of ordinary types in one region", () => {
  const ids = Array.from({ length: 25 }, (_, i) => `i-0${String(i).padStart(16, "0")}`);
  const findings = runDetector(runInstancesBurst, [runInstances("2026-11-20T03:14:07Z", "eu-central-1", "m5.large", ids)]);
  assert.equal(findings.length, 1);
  assert.equal(findings[0]!.facts?.["instances.launched"], 25);
  assert.equal(findings[0]!.confidence, 0.5);
  assert.equal(runDetector(runInstancesBurst, [runInstances("2026-11-20T03:14:07Z", "eu-central-1", "m5.large", ids.slice(0, 5))]).length, 0);
});

test("traps: regions hours apart, failed calls, AWS service calls, different principals, other API calls", () => {
  const apart = [
    runInstances("2026-11-20T01:00:00Z", "us-east-1", "t3.medium", ["i-01"]),
    runInstances("2026-11-20T04:00:00Z", "us-west-2", "t3.medium", ["i-02"]),
  ];
  assert.equal(runDetector(runInstancesBurst, apart).length, 0, "3 h apart is not a 60 min burst");

  const failed = [
    runInstances("2026-11-20T03:14:07Z", "us-east-1", "p3.16xlarge", [], { errorCode: "Client.VcpuLimitExceeded", errorMessage: "You have requested more vCPU capacity than your current vCPU limit of 0 allows" }),
    runInstances("2026-11-20T03:15:07Z", "eu-west-1", "p3.16xlarge", [], { errorCode: "Client.UnauthorizedOperation" }),
  ];
  assert.equal(runDetector(runInstancesBurst, failed).length, 0, "failed launches launch nothing (quota-errors handles them)");

  const autoscaling = [
    runInstances("2026-11-20T03:14:07Z", "us-east-1", "g5.xlarge", ["i-01"], {
      identityType: "AWSService", key: "", arn: "", userName: "autoscaling.amazonaws.com",
    }),
  ];
  assert.equal(runDetector(runInstancesBurst, autoscaling).length, 0);

  const twoPeople = [
    runInstances("2026-11-20T03:14:07Z", "us-east-1", "t3.medium", ["i-01"], { key: "AKIAI44QH8DHBEXAMPLE", arn: "arn:aws:iam::111122223333:user/alice", userName: "alice" }),
    runInstances("2026-11-20T03:15:07Z", "us-west-2", "t3.medium", ["i-02"], { key: "AKIAJ55RI9EICFEXAMPLE", arn: "arn:aws:iam::111122223333:user/bob", userName: "bob" }),
  ];
  assert.equal(runDetector(runInstancesBurst, twoPeople).length, 0);

  const describe = [
    trail({ time: "2026-11-20T03:14:07Z", action: "DescribeInstances", region: "us-east-1" }),
    trail({ time: "2026-11-20T03:14:08Z", action: "DescribeInstances", region: "eu-west-1" }),
  ];
  assert.equal(runDetector(runInstancesBurst, describe).length, 0);
});

test("a campaign that goes on is one burst; a later separate one is another", () => {
  const events = [
    runInstances("2026-11-20T01:00:00Z", "us-east-1", "t3.medium", ["i-01"]),
    runInstances("2026-11-20T01:20:00Z", "us-west-2", "t3.medium", ["i-02"]),
    runInstances("2026-11-20T02:10:00Z", "eu-west-1", "t3.medium", ["i-03"]),
    runInstances("2026-11-20T03:00:00Z", "eu-north-1", "t3.medium", ["i-04"]),
    runInstances("2026-11-21T09:00:00Z", "sa-east-1", "t3.medium", ["i-05"]),
    runInstances("2026-11-21T09:05:00Z", "ap-south-1", "t3.medium", ["i-06"]),
  ];
  const findings = runDetector(runInstancesBurst, events);
  assert.equal(findings.length, 2);
  assert.equal(findings[0]!.facts?.["regions.count"], 4);
  assert.equal(findings[1]!.facts?.["regions.count"], 2);
  assert.notEqual(findings[0]!.id, findings[1]!.id);
});

test("burstRegions from config", () => {
  const events = [
    runInstances("2026-11-20T03:14:07Z", "us-east-1", "t3.medium", ["i-01"]),
    runInstances("2026-11-20T03:15:07Z", "us-west-2", "t3.medium", ["i-02"]),
  ];
  assert.equal(runDetector(runInstancesBurst, events, { config: { cloudtrail: { burstRegions: 3, burstWindowMinutes: 60 } } }).length, 0);
});

test("launches by a person at the console from the organisation's network are tagged for PB-31's insider rule", async () => {
  const { assess, loadPlaybook } = await import("../../../playbook/index.js");
  const { defaultConfig } = await import("../../config.js");
  const inside = { "source.ip": "10.20.5.12", "user_agent.original": "console.ec2.amazonaws.com" };
  const events = [
    runInstances("2026-11-20T03:14:07Z", "us-east-1", "p3.16xlarge", ["i-0a1b2c3d4e5f60718"], { arn: "arn:aws:sts::111122223333:assumed-role/Research/dave", extra: inside }),
    runInstances("2026-11-20T03:19:07Z", "eu-west-1", "p3.16xlarge", ["i-0b1b2c3d4e5f60718"], { arn: "arn:aws:sts::111122223333:assumed-role/Research/dave", extra: inside }),
  ];
  const config = { ...defaultConfig(), orgNetworks: ["10.20.0.0/16"] };
  const [f] = runDetector(runInstancesBurst, events, { config });
  assert.ok(f!.tags?.includes("org-network") && f!.tags?.includes("console-session"), String(f!.tags));
  const a = assess({ entities: f!.entities, scope: { hosts: 0, instances: 2, regions: 2, accounts: 1, clusters: 0 }, findings: [f!] }, config, loadPlaybook("PB-31"));
  assert.ok(a.escalations.some((e) => e.id === "insider"), a.escalations.map((e) => e.id).join(","));
  // Without the organisation's ranges configured, or from a script with a key, nothing says insider.
  const [g] = runDetector(runInstancesBurst, events);
  assert.ok(!g!.tags?.includes("org-network"));
  const scripted = runDetector(runInstancesBurst, events.map((e) => ({ ...e, "user_agent.original": "aws-cli/2.15.30" })), { config });
  assert.ok(!scripted[0]!.tags?.includes("console-session"));
});

test("on a stream a burst comes out once event time has passed it, the same finding a batch gives; the held records are let go", () => {
  const monday = [
    runInstances("2026-11-16T03:14:07Z", "us-east-1", "p3.16xlarge", ["i-0a1b2c3d4e5f60718", "i-0a1b2c3d4e5f60719"]),
    runInstances("2026-11-16T03:17:55Z", "eu-west-1", "g4dn.12xlarge", ["i-0b1c2d3e4f5a6b7c8"]),
  ];
  // The same key launching again two days later: a second burst, and the watermark passes Monday's.
  const wednesday = [
    runInstances("2026-11-18T09:02:11Z", "ap-southeast-1", "p3.16xlarge", ["i-0c1d2e3f4a5b6c7d8"]),
    runInstances("2026-11-18T09:05:40Z", "us-west-2", "p3.16xlarge", ["i-0d1e2f3a4b5c6d7e8"]),
  ];
  const engine = new DetectionEngine([runInstancesBurst], testIntel(), defaultConfig());
  for (const e of monday) engine.onEvent(e);
  engine.advance();
  assert.equal(engine.takeChanged().length, 0, "Monday's burst may still grow");
  engine.onEvent(wednesday[0]!);
  engine.advance();
  const early = engine.takeChanged();
  assert.equal(early.length, 1, "Monday's burst is out before the stream ends");
  assert.equal(early[0]!.firstSeen, "2026-11-16T03:14:07Z");
  engine.onEvent(wednesday[1]!);
  const streamed = engine.finish();
  const batch = runDetector(runInstancesBurst, [...monday, ...wednesday]);
  assert.equal(streamed.length, 2);
  const byId = (a: { id: string }, b: { id: string }) => a.id.localeCompare(b.id);
  assert.deepEqual(streamed.sort(byId).map((f) => [f.id, f.facts, f.evidenceCount]), batch.sort(byId).map((f) => [f.id, f.facts, f.evidenceCount]));
});
