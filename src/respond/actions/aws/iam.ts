/**
 * The attacker's credentials: deactivate the access key (undo: reactivate), attach AWS's deny-all managed
 * policy to the user (undo: detach), revoke sessions already issued (a deny for tokens issued before now,
 * condition aws:TokenIssueTime; undo: remove it), and delete the deactivated key (rotate: a new key for a
 * legitimate owner is issued by a person, never by minerhunt, which handles no secrets).
 */
import {
  AttachUserPolicyCommand, DeleteAccessKeyCommand, DeleteUserPolicyCommand, DetachUserPolicyCommand, GetAccessKeyLastUsedCommand,
  GetUserCommand, GetUserPolicyCommand, ListAccessKeysCommand, ListAttachedUserPoliciesCommand, PutUserPolicyCommand, UpdateAccessKeyCommand,
} from "@aws-sdk/client-iam";
import type { Target } from "../../../model/index.js";
import { awsErrorCode } from "../../connectors/aws/clients.js";
import type { AwsClients } from "../../connectors/aws/types.js";
import type { ActionDefinition, PlannedStep, ResponseContext, PlanInput } from "../../types.js";
import { AwsTargetParams, bi, isProtected, needAws, noClientStep, protectedReason, refusedStep } from "./common.js";
import { accessKeysOf } from "./principal.js";

export const DENY_ALL_ARN = "arn:aws:iam::aws:policy/AWSDenyAll";
export const REVOKE_POLICY = "minerhunt-revoke-older-sessions";

async function keyState(aws: AwsClients, keyId: string): Promise<{ user?: string; status?: string }> {
  try {
    const user = (await aws.iam().send(new GetAccessKeyLastUsedCommand({ AccessKeyId: keyId }))).UserName;
    if (!user) return {};
    const keys = (await aws.iam().send(new ListAccessKeysCommand({ UserName: user }))).AccessKeyMetadata ?? [];
    return { user, status: keys.find((k) => k.AccessKeyId === keyId)?.Status };
  } catch (err) {
    if (awsErrorCode(err) === "NoSuchEntity" || awsErrorCode(err) === "NoSuchEntityException") return {};
    throw err;
  }
}

/** Users behind the incident's keys, and the users it names that exist in IAM. */
async function usersOf(input: PlanInput<AwsTargetParams>, aws: AwsClients): Promise<string[]> {
  const users = new Set<string>();
  for (const key of accessKeysOf(input)) { const s = await keyState(aws, key); if (s.user) users.add(s.user); }
  for (const name of input.params.users ?? input.incident.entities.users ?? []) {
    try { await aws.iam().send(new GetUserCommand({ UserName: name })); users.add(name); } catch { /* not an IAM user (a host account, a role session) */ }
  }
  return [...users].sort();
}

const keyTarget = (id: string, user?: string): Target => ({ kind: "access-key", id, provider: "aws", label: user ? `${id} (${user})` : id });
const userTarget = (name: string): Target => ({ kind: "iam-user", id: name, provider: "aws" });

async function planKeys(action: string, input: PlanInput<AwsTargetParams>, ctx: ResponseContext, build: (key: string, user: string, status: string) => PlannedStep | undefined): Promise<PlannedStep[]> {
  const aws = ctx.clients.aws;
  if (!aws) return [noClientStep(action)];
  const steps: PlannedStep[] = [];
  for (const key of accessKeysOf(input)) {
    const why = bi(`${action}: the key launched or made the miners`, `${action}: key นี้สร้าง miner`);
    const s = await keyState(aws, key);
    const hit = isProtected(ctx, key, s.user);
    if (hit) { steps.push(refusedStep(key, keyTarget(key, s.user), "-", protectedReason(hit), why)); continue; }
    if (!s.user || !s.status) { steps.push(refusedStep(key, keyTarget(key), "-", bi(`access key ${key} not found in this account`, `ไม่พบ access key ${key} ในบัญชีนี้`), why)); continue; }
    const step = build(key, s.user, s.status);
    if (step) steps.push(step);
  }
  return steps;
}

export const disableAccessKey: ActionDefinition<AwsTargetParams> = {
  name: "disable-access-key",
  title: bi("Deactivate the access key", "ปิดการใช้งาน access key"),
  provider: "aws",
  params: AwsTargetParams,
  permissions: ["iam:GetAccessKeyLastUsed", "iam:ListAccessKeys", "iam:UpdateAccessKey"],
  risk: "high",
  undoable: true,
  plan: (input, ctx) => planKeys("disable-access-key", input, ctx, (key, user, status) => ({
    key, target: keyTarget(key, user), params: { userName: user }, before: { status }, after: { status: "Inactive" },
    call: `iam:UpdateAccessKey UserName=${user} AccessKeyId=${key} Status=Inactive`, risk: "high", undoable: true,
    why: bi("The key launched the miners; inactive, it can launch no more (sessions it already made are revoked by revoke-sessions)",
      "key นี้สร้าง miner; เมื่อปิดแล้วจะสร้างเพิ่มไม่ได้ (session ที่ออกไปแล้วต้อง revoke-sessions)"),
  })),
  async precondition() { return undefined; },
  async execute(step, ctx) {
    const aws = needAws(ctx);
    const s = await keyState(aws, step.target.id);
    if (s.status === "Inactive") return { undo: { status: step.before.status ?? "Active" } };
    await aws.iam().send(new UpdateAccessKeyCommand({ UserName: String(step.params.userName), AccessKeyId: step.target.id, Status: "Inactive" }));
    return { undo: { status: s.status ?? "Active" } };
  },
  async verify(step, ctx) {
    const s = await keyState(needAws(ctx), step.target.id);
    return { ok: s.status === "Inactive", observed: { status: s.status ?? "gone" }, reason: s.status === "Inactive" ? undefined : `key is ${s.status ?? "gone"}` };
  },
  async undo(step, undo, ctx) {
    if (undo.status !== "Active") return;
    await needAws(ctx).iam().send(new UpdateAccessKeyCommand({ UserName: String(step.params.userName), AccessKeyId: step.target.id, Status: "Active" }));
  },
};

export const rotateAccessKey: ActionDefinition<AwsTargetParams> = {
  name: "rotate-access-key",
  title: bi("Delete the compromised access key", "ลบ access key ที่รั่วไหล"),
  provider: "aws",
  params: AwsTargetParams,
  permissions: ["iam:GetAccessKeyLastUsed", "iam:ListAccessKeys", "iam:DeleteAccessKey"],
  risk: "destructive",
  undoable: false,
  plan: (input, ctx) => planKeys("rotate-access-key", input, ctx, (key, user, status) => ({
    key, target: keyTarget(key, user), params: { userName: user }, before: { status }, after: { status: "deleted" },
    call: `iam:DeleteAccessKey UserName=${user} AccessKeyId=${key}`, risk: "destructive", undoable: false, requires: [`disable-access-key:${key}`],
    why: bi(`Delete the key once it is inactive. If ${user} is a legitimate identity, its owner issues a new key by hand (minerhunt never creates secrets).`,
      `ลบ key เมื่อปิดแล้ว ถ้า ${user} เป็นตัวตนที่ถูกต้อง เจ้าของต้องออก key ใหม่เอง (minerhunt ไม่สร้าง secret)`),
  })),
  async precondition(step, ctx) {
    const s = await keyState(needAws(ctx), step.target.id);
    return s.status === "Active" ? bi("the key is still active: deactivate it first", "key ยังใช้งานอยู่: ต้องปิดก่อน") : undefined;
  },
  async execute(step, ctx) {
    const s = await keyState(needAws(ctx), step.target.id);
    if (s.status) await needAws(ctx).iam().send(new DeleteAccessKeyCommand({ UserName: String(step.params.userName), AccessKeyId: step.target.id }));
    return {};
  },
  async verify(step, ctx) {
    const s = await keyState(needAws(ctx), step.target.id);
    return { ok: !s.status, observed: { status: s.status ?? "deleted" }, reason: s.status ? `key is ${s.status}` : undefined };
  },
};

async function planUsers(action: string, input: PlanInput<AwsTargetParams>, ctx: ResponseContext, build: (user: string) => Promise<PlannedStep>): Promise<PlannedStep[]> {
  const aws = ctx.clients.aws;
  if (!aws) return [noClientStep(action)];
  const steps: PlannedStep[] = [];
  for (const user of await usersOf(input, aws)) {
    if (isProtected(ctx, user)) { steps.push(refusedStep(user, userTarget(user), "-", protectedReason(user), bi(`${action} on ${user}`, `${action} กับ ${user}`))); continue; }
    steps.push(await build(user));
  }
  return steps;
}

async function attached(aws: AwsClients, user: string): Promise<string[]> {
  return ((await aws.iam().send(new ListAttachedUserPoliciesCommand({ UserName: user }))).AttachedPolicies ?? []).map((p) => p.PolicyArn ?? "");
}

export const denyAllPolicy: ActionDefinition<AwsTargetParams> = {
  name: "deny-all-policy",
  title: bi("Attach a deny-all policy to the user", "แนบ policy deny-all กับ user"),
  provider: "aws",
  params: AwsTargetParams,
  permissions: ["iam:GetAccessKeyLastUsed", "iam:GetUser", "iam:ListAttachedUserPolicies", "iam:AttachUserPolicy", "iam:DetachUserPolicy"],
  risk: "high",
  undoable: true,
  plan: (input, ctx) => planUsers("deny-all-policy", input, ctx, async (user) => ({
    key: user, target: userTarget(user), params: {}, before: { attached: await attached(needAws(ctx), user) }, after: { attached: [DENY_ALL_ARN] },
    call: `iam:AttachUserPolicy UserName=${user} PolicyArn=${DENY_ALL_ARN}`, risk: "high", undoable: true,
    why: bi("Every key and session of the user is denied everything, including keys the attacker may have made that we have not found",
      "ทุก key และ session ของ user ถูกปฏิเสธทั้งหมด รวมถึง key ที่ผู้โจมตีอาจสร้างไว้แต่เรายังไม่พบ"),
  })),
  async precondition() { return undefined; },
  async execute(step, ctx) {
    const aws = needAws(ctx);
    const was = (await attached(aws, step.target.id)).includes(DENY_ALL_ARN);
    if (!was) await aws.iam().send(new AttachUserPolicyCommand({ UserName: step.target.id, PolicyArn: DENY_ALL_ARN }));
    return { undo: { wasAttached: was } };
  },
  async verify(step, ctx) {
    const now = await attached(needAws(ctx), step.target.id);
    return { ok: now.includes(DENY_ALL_ARN), observed: { attached: now }, reason: now.includes(DENY_ALL_ARN) ? undefined : "deny-all is not attached" };
  },
  async undo(step, undo, ctx) {
    if (undo.wasAttached === true) return;
    await needAws(ctx).iam().send(new DetachUserPolicyCommand({ UserName: step.target.id, PolicyArn: DENY_ALL_ARN }));
  },
};

/** The inline policy that revokes sessions issued before `at` (the IAM console's "revoke active sessions" does the same for roles). */
export function revokeSessionsPolicy(at: Date): string {
  return JSON.stringify({
    Version: "2012-10-17",
    Statement: [{ Sid: "MinerhuntRevokeOlderSessions", Effect: "Deny", Action: "*", Resource: "*", Condition: { DateLessThan: { "aws:TokenIssueTime": at.toISOString() } } }],
  });
}

export const revokeSessions: ActionDefinition<AwsTargetParams> = {
  name: "revoke-sessions",
  title: bi("Revoke the user's sessions issued until now", "ยกเลิก session ของ user ที่ออกก่อนหน้านี้"),
  provider: "aws",
  params: AwsTargetParams,
  permissions: ["iam:GetAccessKeyLastUsed", "iam:GetUser", "iam:PutUserPolicy", "iam:GetUserPolicy", "iam:DeleteUserPolicy"],
  risk: "high",
  undoable: true,
  plan: (input, ctx) => planUsers("revoke-sessions", input, ctx, async (user) => ({
    key: user, target: userTarget(user), params: {}, before: {}, after: { inlinePolicy: REVOKE_POLICY, denyTokensIssuedBefore: "execution time" },
    call: `iam:PutUserPolicy UserName=${user} PolicyName=${REVOKE_POLICY} (Deny * when aws:TokenIssueTime < now)`, risk: "high", undoable: true,
    why: bi("Temporary credentials already issued (GetSessionToken, federation) outlive a deactivated key; this denies every token issued before now",
      "credentials ชั่วคราวที่ออกไปแล้วยังใช้ได้แม้ปิด key; policy นี้ปฏิเสธทุก token ที่ออกก่อนเวลานี้"),
  })),
  async precondition() { return undefined; },
  async execute(step, ctx) {
    const at = ctx.now();
    await needAws(ctx).iam().send(new PutUserPolicyCommand({ UserName: step.target.id, PolicyName: REVOKE_POLICY, PolicyDocument: revokeSessionsPolicy(at) }));
    return { detail: { revokedBefore: at.toISOString() } };
  },
  async verify(step, ctx) {
    try {
      const r = await needAws(ctx).iam().send(new GetUserPolicyCommand({ UserName: step.target.id, PolicyName: REVOKE_POLICY }));
      const doc = decodeURIComponent(r.PolicyDocument ?? "");
      const ok = doc.includes("aws:TokenIssueTime") && doc.includes("\"Deny\"");
      return { ok, observed: { policy: REVOKE_POLICY }, reason: ok ? undefined : "policy has no TokenIssueTime deny" };
    } catch (err) {
      return { ok: false, observed: {}, reason: `policy not found (${awsErrorCode(err)})` };
    }
  },
  async undo(step, _undo, ctx) {
    try {
      await needAws(ctx).iam().send(new DeleteUserPolicyCommand({ UserName: step.target.id, PolicyName: REVOKE_POLICY }));
    } catch (err) {
      if (awsErrorCode(err) !== "NoSuchEntity" && awsErrorCode(err) !== "NoSuchEntityException") throw err;
    }
  },
};
