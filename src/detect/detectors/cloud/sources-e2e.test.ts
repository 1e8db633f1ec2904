/**
 * End to end on real formats: the shared provider samples and hand-written CloudTrail records in the
 * exact shape CloudTrail delivers them, parsed by the project's own sources, then detected. This is
 * where a drift between the field contract as sources write it and as detectors read it shows.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import type { Event } from "../../../model/index.js";
import { defenderSource, guardDutySource, cloudTrailSource } from "../../../sources/cloud/index.js";
import { parseFileWith, parseWith, runDetector, sharedFixture } from "../../../test-helpers/index.js";
import { cloudAlert, defenseEvasion, iamPersistence, quotaErrors, runInstancesBurst } from "./index.js";

test("the real GuardDuty sample finding: one mining finding, marked sample", async (t) => {
  const path = sharedFixture(t, "cloud-findings/guardduty-sample-CryptoCurrency-Runtime-BitcoinTool.B.json");
  if (!path) return;
  const { events, issues } = await parseFileWith(guardDutySource, path);
  assert.deepEqual(issues, []);
  const findings = runDetector(cloudAlert, events);
  assert.equal(findings.length, 1);
  const f = findings[0]!;
  assert.equal(f.sample, true);
  assert.match(f.title, /CryptoCurrency:Runtime\/BitcoinTool\.B.*\(sample\)$/);
  assert.equal(f.severity, "high");
  assert.deepEqual(f.entities.instances, ["i-99999999"]);
  assert.deepEqual(f.entities.accounts, ["340485104650"]);
  assert.equal(f.evidence[0]!.file, path);
  assert.equal(typeof f.evidence[0]!.line, "number");
});

test("the real Defender SIMULATED_ alert: one mining finding on Sample-VM, marked sample", async (t) => {
  const path = sharedFixture(t, "cloud-findings/defender-for-cloud-SIMULATED_VM_DigitalCurrencyMining-sentinel-SecurityAlert.json");
  if (!path) return;
  const { events } = await parseFileWith(defenderSource, path);
  const findings = runDetector(cloudAlert, events);
  assert.equal(findings.length, 1);
  assert.equal(findings[0]!.sample, true);
  assert.equal(findings[0]!.facts?.["alert.type"], "VM_DigitalCurrencyMining");
  assert.ok(findings[0]!.entities.hosts?.includes("sample-vm"));
});

/** A CloudTrail record as delivered in a log file's "Records" array. */
function record(time: string, region: string, eventSource: string, eventName: string, request: object | null, response: object | null, error?: [string, string]): object {
  return {
    eventVersion: "1.09",
    userIdentity: {
      type: "IAMUser", principalId: "AIDAJ45Q7YFFAREXAMPLE", arn: "arn:aws:iam::111122223333:user/ci-deploy",
      accountId: "111122223333", accessKeyId: "AKIAIOSFODNN7EXAMPLE", userName: "ci-deploy",
    },
    eventTime: time, eventSource, eventName, awsRegion: region, sourceIPAddress: "203.0.113.77",
    userAgent: "aws-cli/2.15.30 Python/3.11.8 Linux/6.1.0 exe/x86_64.ubuntu.22 prompt/off command/ec2.run-instances",
    ...(error ? { errorCode: error[0], errorMessage: error[1] } : {}),
    requestParameters: request, responseElements: response,
    requestID: "8f5a0b1c-2d3e-4f50-8a6b-7c8d9e0f1a2b", eventID: `e${time}${eventName}`.replace(/[^a-zA-Z0-9]/g, ""),
    readOnly: false, eventType: "AwsApiCall", managementEvent: true, recipientAccountId: "111122223333",
  };
}

function runInstancesRecord(time: string, region: string, type: string, ids: string[]): object {
  return record(time, region, "ec2.amazonaws.com", "RunInstances",
    { instancesSet: { items: [{ imageId: "ami-0c7217cdde317cfec", minCount: ids.length, maxCount: ids.length }] }, instanceType: type, monitoring: { enabled: false } },
    { requestId: "8f5a0b1c", reservationId: "r-0a1b2c3d4e5f60718", ownerId: "111122223333", instancesSet: { items: ids.map((instanceId) => ({ instanceId, instanceType: type, currentState: { code: 0, name: "pending" } })) } });
}

test("a stolen-key campaign in CloudTrail: burst, IAM persistence, launch errors, logging stopped", async () => {
  const records = [
    record("2026-11-20T03:02:11Z", "us-east-1", "cloudtrail.amazonaws.com", "StopLogging", { name: "arn:aws:cloudtrail:us-east-1:111122223333:trail/management-events" }, null),
    record("2026-11-20T03:05:01Z", "us-east-1", "iam.amazonaws.com", "CreateUser", { userName: "backup-svc" },
      { user: { path: "/", userName: "backup-svc", userId: "AIDAJQABLZS4A3QDU576Q", arn: "arn:aws:iam::111122223333:user/backup-svc", createDate: "Nov 20, 2026 3:05:01 AM" } }),
    record("2026-11-20T03:05:20Z", "us-east-1", "iam.amazonaws.com", "CreateAccessKey", { userName: "backup-svc" },
      { accessKey: { userName: "backup-svc", accessKeyId: "AKIAZ7EXAMPLENEWKEY1", status: "Active", createDate: "Nov 20, 2026 3:05:20 AM" } }),
    record("2026-11-20T03:05:40Z", "us-east-1", "iam.amazonaws.com", "AttachUserPolicy", { userName: "backup-svc", policyArn: "arn:aws:iam::aws:policy/AdministratorAccess" }, null),
    record("2026-11-20T03:10:02Z", "ap-northeast-1", "ec2.amazonaws.com", "RunInstances",
      { instancesSet: { items: [{ imageId: "ami-0d52744d6551d851e", minCount: 8, maxCount: 8 }] }, instanceType: "p3.16xlarge" }, null,
      ["Client.VcpuLimitExceeded", "You have requested more vCPU capacity than your current vCPU limit of 0 allows for the instance bucket that the specified instance type belongs to."]),
    record("2026-11-20T03:10:40Z", "sa-east-1", "ec2.amazonaws.com", "RunInstances",
      { instancesSet: { items: [{ imageId: "ami-0b6c2d49148000cd5", minCount: 8, maxCount: 8 }] }, instanceType: "p3.16xlarge" }, null,
      ["Client.UnauthorizedOperation", "You are not authorized to perform this operation."]),
    runInstancesRecord("2026-11-20T03:14:07Z", "us-east-1", "p3.16xlarge", ["i-0a1b2c3d4e5f60718", "i-0a1b2c3d4e5f60719"]),
    runInstancesRecord("2026-11-20T03:17:55Z", "eu-west-1", "g4dn.12xlarge", ["i-0b1c2d3e4f5a6b7c8"]),
  ];
  const text = JSON.stringify({ Records: records });
  const { events, issues } = await parseWith(cloudTrailSource, text, "111122223333_CloudTrail_us-east-1_20261120T0315Z_a1b2c3d4.json");
  assert.deepEqual(issues, []);
  assert.equal(events.length, records.length);

  const one = (name: string, list: ReturnType<typeof runDetector>) => { assert.equal(list.length, 1, name); return list[0]!; };
  const burst = one("burst", runDetector(runInstancesBurst, events));
  assert.equal(burst.facts?.["instances.launched"], 3);
  assert.equal(burst.facts?.["regions.count"], 2);
  assert.equal(burst.confidence, 0.7);
  assert.deepEqual([...burst.entities.instances!].sort(), ["i-0a1b2c3d4e5f60718", "i-0a1b2c3d4e5f60719", "i-0b1c2d3e4f5a6b7c8"]);

  const iam = one("iam", runDetector(iamPersistence, events));
  assert.equal(iam.facts?.["iam.new_users"], "backup-svc");
  assert.equal(iam.facts?.["iam.new_access_keys"], "AKIAZ7EXAMPLENEWKEY1");
  assert.equal(iam.facts?.["iam.admin_policy"], true);

  const errors = one("errors", runDetector(quotaErrors, events));
  assert.equal(errors.facts?.["regions.count"], 2);

  const evasion = one("evasion", runDetector(defenseEvasion, events));
  assert.match(evasion.title, /^StopLogging by /);

  // All four join on the stolen key.
  for (const f of [burst, iam, errors, evasion]) assert.ok(f.entities.accessKeys?.includes("AKIAIOSFODNN7EXAMPLE"), f.rule.id);
});

test("ordinary CloudTrail activity: nothing", async () => {
  const records = [
    record("2026-11-20T09:00:00Z", "us-east-1", "ec2.amazonaws.com", "DescribeInstances", { instancesSet: {}, filterSet: {} }, null),
    runInstancesRecord("2026-11-20T09:05:00Z", "us-east-1", "t3.medium", ["i-0123456789abcdef0"]),
    record("2026-11-20T09:06:00Z", "us-east-1", "iam.amazonaws.com", "CreateAccessKey", {},
      { accessKey: { userName: "ci-deploy", accessKeyId: "AKIAROTATEDKEYEXAMPL", status: "Active", createDate: "Nov 20, 2026 9:06:00 AM" } }),
  ];
  const { events } = await parseWith(cloudTrailSource, JSON.stringify({ Records: records }), "ct.json");
  const all: Event[] = events;
  for (const d of [runInstancesBurst, iamPersistence, quotaErrors, defenseEvasion]) assert.deepEqual(runDetector(d, all).map((f) => f.title), [], d.id);
});
