import { test } from "node:test";
import assert from "node:assert/strict";
import { runDetector } from "../../../test-helpers/index.js";
import { defenseEvasion, disablesDetector } from "./defense-evasion.js";
import { runInstances, trail } from "./test-helpers/cloudtrail-events.js";

const stopLogging = (time: string, errorCode?: string) => trail({
  time, action: "StopLogging", provider: "cloudtrail.amazonaws.com", region: "us-east-1",
  ...(errorCode ? { errorCode } : {}),
  extra: { "aws.cloudtrail.request_parameters": JSON.stringify({ name: "arn:aws:cloudtrail:us-east-1:111122223333:trail/management-events" }) },
});
const updateDetector = (time: string, params: object) => trail({
  time, action: "UpdateDetector", provider: "guardduty.amazonaws.com", region: "eu-west-1",
  extra: { "aws.cloudtrail.request_parameters": JSON.stringify(params) },
});

test("routes CloudTrail only", () => {
  assert.deepEqual(defenseEvasion.routes, { datasets: ["aws.cloudtrail"] });
});

test("StopLogging and GuardDuty disabled by the principal that launched instances", () => {
  const findings = runDetector(defenseEvasion, [
    stopLogging("2026-11-20T03:05:00Z"),
    updateDetector("2026-11-20T03:06:00Z", { detectorId: "12abc34d567e8fa901bc2d34e56789f0", enable: false }),
    runInstances("2026-11-20T03:14:07Z", "us-east-1", "p3.16xlarge", ["i-01"]),
  ]);
  assert.equal(findings.length, 1);
  const f = findings[0]!;
  assert.equal(f.confidence, 0.5);
  assert.equal(f.severity, "high");
  assert.match(f.title, /^StopLogging, UpdateDetector by arn:aws:iam::111122223333:user\/ci-deploy/);
  assert.equal(f.evidence.length, 2);
  assert.ok(f.mitre.includes("T1562.008"));
});

test("a refused StopLogging is an attempt, weaker", () => {
  const findings = runDetector(defenseEvasion, [
    stopLogging("2026-11-20T03:05:00Z", "AccessDenied"),
    runInstances("2026-11-20T03:14:07Z", "us-east-1", "t3.medium", ["i-01"]),
  ]);
  assert.equal(findings.length, 1);
  assert.equal(findings[0]!.confidence, 0.4);
  assert.match(findings[0]!.title, /attempted/);
});

test("traps: no launches, launches by someone else, launches days away, detector settings changed but left on", () => {
  assert.equal(runDetector(defenseEvasion, [stopLogging("2026-11-20T03:05:00Z")]).length, 0);
  assert.equal(runDetector(defenseEvasion, [
    stopLogging("2026-11-20T03:05:00Z"),
    runInstances("2026-11-20T03:14:07Z", "us-east-1", "t3.medium", ["i-01"], { key: "AKIAOTHEREXAMPLE0001", arn: "arn:aws:iam::111122223333:user/admin" }),
  ]).length, 0);
  assert.equal(runDetector(defenseEvasion, [
    stopLogging("2026-11-20T03:05:00Z"),
    runInstances("2026-11-25T03:14:07Z", "us-east-1", "t3.medium", ["i-01"]),
  ]).length, 0);
  assert.equal(runDetector(defenseEvasion, [
    updateDetector("2026-11-20T03:06:00Z", { detectorId: "12abc34d567e8fa901bc2d34e56789f0", enable: true, findingPublishingFrequency: "FIFTEEN_MINUTES" }),
    runInstances("2026-11-20T03:14:07Z", "us-east-1", "t3.medium", ["i-01"]),
  ]).length, 0);
  assert.ok(disablesDetector("{\"detectorId\": \"x\", \"enable\": false}"));
  assert.ok(!disablesDetector("{\"detectorId\": \"x\", \"findingPublishingFrequency\": \"SIX_HOURS\"}"));
});
