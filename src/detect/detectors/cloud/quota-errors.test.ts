import { test } from "node:test";
import assert from "node:assert/strict";
import { WEAK_CONFIDENCE } from "../../../model/index.js";
import { runDetector } from "../../../test-helpers/index.js";
import { quotaErrors } from "./quota-errors.js";
import { runInstances, trail } from "./test-helpers/cloudtrail-events.js";

const VCPU_MESSAGE = "You have requested more vCPU capacity than your current vCPU limit of 0 allows for the instance bucket that the specified instance type belongs to. Please visit http://aws.amazon.com/contact-us/ec2-request to request an adjustment to this limit.";

const refused = (time: string, region: string, code: string, action = "RunInstances") =>
  action === "RunInstances"
    ? runInstances(time, region, "p3.16xlarge", [], { errorCode: code, errorMessage: VCPU_MESSAGE })
    : trail({ time, action, region, errorCode: code });

test("routes CloudTrail only", () => {
  assert.deepEqual(quotaErrors.routes, { datasets: ["aws.cloudtrail"] });
});

test("vCPU-limit and unauthorized errors in three regions: one weak supporting finding", () => {
  const findings = runDetector(quotaErrors, [
    refused("2026-11-20T03:12:10Z", "eu-west-1", "Client.UnauthorizedOperation"),
    refused("2026-11-20T03:10:02Z", "us-east-1", "Client.VcpuLimitExceeded"),
    refused("2026-11-20T03:11:30Z", "us-west-2", "VcpuLimitExceeded", "RequestSpotInstances"),
  ]);
  assert.equal(findings.length, 1);
  const f = findings[0]!;
  assert.ok(f.confidence < WEAK_CONFIDENCE, "supporting evidence never opens an incident alone");
  assert.equal(f.trigger, "cloud-activity");
  assert.equal(f.facts?.["regions.count"], 3);
  assert.equal(f.facts?.["launch_errors.codes"], "VcpuLimitExceeded, UnauthorizedOperation");
  assert.equal(f.firstSeen, "2026-11-20T03:10:02Z");
  assert.match(f.evidence[0]!.summary!, /RunInstances p3\.16xlarge in us-east-1 failed: Client\.VcpuLimitExceeded/);
});

test("five capacity errors in one region are a burst; two are not", () => {
  const five = ["03:10", "03:11", "03:12", "03:13", "03:14"].map((m) => refused(`2026-11-20T${m}:00Z`, "us-east-1", "InsufficientInstanceCapacity"));
  assert.equal(runDetector(quotaErrors, five).length, 1);
  assert.equal(runDetector(quotaErrors, five.slice(0, 2)).length, 0);
});

test("traps: other errors, other API calls, successes", () => {
  assert.equal(runDetector(quotaErrors, [
    refused("2026-11-20T03:10:00Z", "us-east-1", "InvalidParameterValue"),
    refused("2026-11-20T03:11:00Z", "eu-west-1", "InvalidAMIID.NotFound"),
  ]).length, 0);
  assert.equal(runDetector(quotaErrors, [
    trail({ time: "2026-11-20T03:10:00Z", action: "DescribeInstances", region: "us-east-1", errorCode: "Client.UnauthorizedOperation" }),
    trail({ time: "2026-11-20T03:11:00Z", action: "DescribeInstances", region: "eu-west-1", errorCode: "Client.UnauthorizedOperation" }),
  ]).length, 0, "recon errors are not launch errors");
  assert.equal(runDetector(quotaErrors, [
    runInstances("2026-11-20T03:10:00Z", "us-east-1", "t3.micro", ["i-01"]),
    runInstances("2026-11-20T03:11:00Z", "eu-west-1", "t3.micro", ["i-02"]),
  ]).length, 0);
});
