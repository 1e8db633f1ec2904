import { test } from "node:test";
import assert from "node:assert/strict";
import type { Event } from "../../../model/index.js";
import { runDetector } from "../../../test-helpers/index.js";
import { grantsEverything, iamPersistence } from "./iam-persistence.js";
import { ATTACKER_KEY, trail } from "./test-helpers/cloudtrail-events.js";

const IAM = "iam.amazonaws.com";

function iam(time: string, action: string, extra: Event, errorCode?: string): Event {
  const o = { time, action, provider: IAM, region: "us-east-1", extra };
  return trail(errorCode ? { ...o, errorCode } : o);
}

const createUser = (t: string) => iam(t, "CreateUser", {
  "minerhunt.aws.target_user": "backup-svc",
  "aws.cloudtrail.request_parameters": JSON.stringify({ userName: "backup-svc" }),
  "aws.cloudtrail.response_elements": JSON.stringify({ user: { path: "/", userName: "backup-svc", userId: "AIDAJQABLZS4A3QDU576Q", arn: "arn:aws:iam::111122223333:user/backup-svc", createDate: "Nov 20, 2026 3:16:01 AM" } }),
});
const createKey = (t: string, user = "backup-svc") => iam(t, "CreateAccessKey", {
  "minerhunt.aws.target_user": user,
  "minerhunt.aws.created_access_key": "AKIAZ7EXAMPLENEWKEY1",
  "aws.cloudtrail.request_parameters": JSON.stringify({ userName: user }),
  "aws.cloudtrail.response_elements": JSON.stringify({ accessKey: { userName: user, accessKeyId: "AKIAZ7EXAMPLENEWKEY1", status: "Active", createDate: "Nov 20, 2026 3:16:30 AM" } }),
});
const attachAdmin = (t: string, policyArn = "arn:aws:iam::aws:policy/AdministratorAccess") => iam(t, "AttachUserPolicy", {
  "minerhunt.aws.target_user": "backup-svc",
  "minerhunt.aws.policy_arn": policyArn,
  "aws.cloudtrail.request_parameters": JSON.stringify({ userName: "backup-svc", policyArn }),
});

test("routes CloudTrail only", () => {
  assert.deepEqual(iamPersistence.routes, { datasets: ["aws.cloudtrail"] });
});

test("new user + key + AdministratorAccess by one principal: one finding naming all three", () => {
  const findings = runDetector(iamPersistence, [
    attachAdmin("2026-11-20T03:17:10Z"),
    createUser("2026-11-20T03:16:01Z"),
    createKey("2026-11-20T03:16:30Z"),
  ]);
  assert.equal(findings.length, 1);
  const f = findings[0]!;
  assert.equal(f.trigger, "cloud-activity");
  assert.equal(f.confidence, 0.55);
  assert.equal(f.severity, "high");
  assert.match(f.title, /created user, created access key, attached AdministratorAccess \(backup-svc\)/);
  assert.equal(f.facts?.["iam.admin_policy"], true);
  assert.equal(f.facts?.["iam.new_users"], "backup-svc");
  assert.equal(f.facts?.["iam.new_access_keys"], "AKIAZ7EXAMPLENEWKEY1");
  assert.ok(f.entities.accessKeys?.includes(ATTACKER_KEY));
  assert.ok(f.entities.accessKeys?.includes("AKIAZ7EXAMPLENEWKEY1"));
  assert.ok(f.entities.users?.includes("backup-svc"));
  assert.ok(f.tags?.includes("iam-credentials"));
  assert.ok(f.tags?.includes("new-iam-user") && f.tags?.includes("new-access-key"), "PB-16 reads these tags");
  assert.equal(f.evidence.length, 3);
  assert.match(f.evidence[0]!.summary!, /^CreateUser for backup-svc by arn:aws:iam::111122223333:user\/ci-deploy/);
});

test("user + key without admin: 0.5", () => {
  const findings = runDetector(iamPersistence, [createUser("2026-11-20T03:16:01Z"), createKey("2026-11-20T03:16:30Z")]);
  assert.equal(findings.length, 1);
  assert.equal(findings[0]!.confidence, 0.5);
  assert.equal(findings[0]!.severity, "medium");
});

test("inline policy granting everything counts as admin", () => {
  const doc = "{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [{\"Effect\": \"Allow\", \"Action\": \"*\", \"Resource\": \"*\"}]\n}";
  assert.ok(grantsEverything(JSON.stringify({ userName: "backup-svc", policyName: "ops", policyDocument: doc })));
  assert.ok(!grantsEverything(JSON.stringify({ userName: "x", policyName: "s3", policyDocument: "{\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"s3:GetObject\",\"Resource\":\"*\"}]}" })));
  const put = iam("2026-11-20T03:17:00Z", "PutUserPolicy", {
    "minerhunt.aws.target_user": "backup-svc",
    "aws.cloudtrail.request_parameters": JSON.stringify({ userName: "backup-svc", policyName: "ops", policyDocument: doc }),
  });
  const findings = runDetector(iamPersistence, [createUser("2026-11-20T03:16:01Z"), put]);
  assert.equal(findings[0]?.facts?.["iam.admin_policy"], true);
});

test("traps: key rotation alone, a read-only policy, failed calls, steps hours apart, different principals", () => {
  assert.equal(runDetector(iamPersistence, [createKey("2026-11-20T03:16:30Z", "ci-deploy")]).length, 0, "key rotation");
  assert.equal(runDetector(iamPersistence, [
    createUser("2026-11-20T03:16:01Z"),
    attachAdmin("2026-11-20T03:16:30Z", "arn:aws:iam::aws:policy/ReadOnlyAccess"),
  ]).length, 0, "CreateUser + a read-only policy is one persistence step");
  assert.equal(runDetector(iamPersistence, [
    iam("2026-11-20T03:16:01Z", "CreateUser", { "minerhunt.aws.target_user": "backup-svc" }, "AccessDenied"),
    iam("2026-11-20T03:16:02Z", "CreateAccessKey", { "minerhunt.aws.target_user": "backup-svc" }, "AccessDenied"),
  ]).length, 0, "denied calls created nothing");
  assert.equal(runDetector(iamPersistence, [createUser("2026-11-20T01:00:00Z"), createKey("2026-11-20T05:00:00Z")]).length, 0);
  const other = trail({ time: "2026-11-20T03:16:30Z", action: "CreateAccessKey", provider: IAM, key: "AKIAOTHEREXAMPLE0001", arn: "arn:aws:iam::111122223333:user/admin", userName: "admin", extra: { "minerhunt.aws.target_user": "backup-svc" } });
  assert.equal(runDetector(iamPersistence, [createUser("2026-11-20T03:16:01Z"), other]).length, 0);
});
