/**
 * Containment of an instance: isolate it in a quarantine security group, stop it, or terminate it.
 * Stop and terminate are checked with a DryRun call just before they run (permissions, termination
 * protection) and verified by reading the instance back.
 */
import {
  CreateSecurityGroupCommand, CreateTagsCommand, DescribeSecurityGroupsCommand, ModifyInstanceAttributeCommand, RevokeSecurityGroupEgressCommand,
  StartInstancesCommand, StopInstancesCommand, TerminateInstancesCommand,
} from "@aws-sdk/client-ec2";
import type { Bilingual } from "../../../model/index.js";
import { awsErrorCode, awsErrorText } from "../../connectors/aws/clients.js";
import type { AwsClients } from "../../connectors/aws/types.js";
import type { ActionDefinition, PlanStep, ResponseContext } from "../../types.js";
import { AwsTargetParams, bi, describeInstance, needAws } from "./common.js";
import { instanceOf, planPerInstance } from "./per-instance.js";

const QUARANTINE = "minerhunt-quarantine";
/** Kept on the instance before its groups change, so undo works even after a crash between the two calls. */
const PREVIOUS_GROUPS_TAG = "minerhunt:previous-groups";

async function quarantineGroup(aws: AwsClients, region: string, vpcId: string): Promise<string> {
  const ec2 = aws.ec2(region);
  const found = await ec2.send(new DescribeSecurityGroupsCommand({ Filters: [{ Name: "group-name", Values: [QUARANTINE] }, { Name: "vpc-id", Values: [vpcId] }] }));
  let id = found.SecurityGroups?.[0]?.GroupId;
  if (!id) {
    const made = await ec2.send(new CreateSecurityGroupCommand({ GroupName: QUARANTINE, Description: "minerhunt quarantine: no inbound, no outbound", VpcId: vpcId }));
    id = made.GroupId!;
  }
  // A new group allows all egress; take that rule away (idempotent: the lab and AWS accept a second revoke of nothing).
  const g = (await ec2.send(new DescribeSecurityGroupsCommand({ GroupIds: [id] }))).SecurityGroups?.[0];
  if (g?.IpPermissionsEgress?.length) await ec2.send(new RevokeSecurityGroupEgressCommand({ GroupId: id, IpPermissions: g.IpPermissionsEgress }));
  return id;
}

export const isolateInstance: ActionDefinition<AwsTargetParams> = {
  name: "isolate-instance",
  title: bi("Isolate the instance in a quarantine security group", "แยก instance ไว้ใน quarantine security group"),
  provider: "aws",
  params: AwsTargetParams,
  permissions: ["ec2:DescribeInstances", "ec2:DescribeSecurityGroups", "ec2:CreateSecurityGroup", "ec2:RevokeSecurityGroupEgress", "ec2:ModifyInstanceAttribute", "ec2:CreateTags"],
  risk: "medium",
  undoable: true,
  plan: (input, ctx) => planPerInstance("isolate-instance", input, ctx, (i, base) => ({
    ...base, params: {}, before: { groups: i.groups }, after: { groups: [QUARANTINE] },
    call: `ec2:ModifyInstanceAttribute InstanceId=${i.id} Groups=[${QUARANTINE} of ${i.vpcId ?? "?"}] Region=${i.region}`, risk: "medium", undoable: true, stopsUsdPerHour: 0,
    requires: input.mode === "preserve-evidence" ? [`snapshot-volumes:${i.id}`] : [],
    why: bi(
      "Cut the instance off new connections in and out (no rules in the quarantine group). Connections already open are NOT cut: security groups are stateful and tracked flows (a miner's pool connection) go on until they close; stop the instance or add a network ACL deny to end them. The instance keeps burning money until stopped.",
      "ตัด connection ใหม่เข้าและออกจาก instance (quarantine group ไม่มี rule) แต่ connection ที่เปิดอยู่แล้วจะไม่ถูกตัด: security group เป็น stateful, flow ที่ติดตามอยู่ (เช่น connection ไป pool) จะยังอยู่จนกว่าจะปิด; ให้หยุด instance หรือเพิ่ม network ACL deny เพื่อตัด และ instance ยังเสียเงินจนกว่าจะหยุด"),
  })),
  async precondition() { return undefined; },
  async execute(step, ctx) {
    const aws = needAws(ctx);
    const { id, region } = instanceOf(step);
    const inst = await describeInstance(aws, region, id);
    if (!inst?.vpcId) throw new Error(`instance ${id} not found in ${region}, or not in a VPC`);
    const sg = await quarantineGroup(aws, region, inst.vpcId);
    const previous = inst.tags[PREVIOUS_GROUPS_TAG]?.split(",").filter(Boolean) ?? inst.groups;
    if (inst.groups.length === 1 && inst.groups[0] === sg) return { undo: { groups: previous }, detail: { quarantineGroup: sg } };
    await aws.ec2(region).send(new CreateTagsCommand({ Resources: [id], Tags: [{ Key: PREVIOUS_GROUPS_TAG, Value: previous.join(",") }] }));
    await aws.ec2(region).send(new ModifyInstanceAttributeCommand({ InstanceId: id, Groups: [sg] }));
    return { undo: { groups: previous }, detail: { quarantineGroup: sg } };
  },
  async verify(step, ctx) {
    const aws = needAws(ctx);
    const { id, region } = instanceOf(step);
    const inst = await describeInstance(aws, region, id);
    if (!inst) return { ok: false, observed: {}, reason: `instance ${id} not found` };
    const groups = await aws.ec2(region).send(new DescribeSecurityGroupsCommand({ GroupIds: inst.groups }));
    const names = (groups.SecurityGroups ?? []).map((g) => g.GroupName ?? "");
    const open = (groups.SecurityGroups ?? []).some((g) => (g.IpPermissions?.length ?? 0) + (g.IpPermissionsEgress?.length ?? 0) > 0);
    const ok = names.length === 1 && names[0] === QUARANTINE && !open;
    return { ok, observed: { groups: inst.groups, names, rules: open ? "some" : "none" }, reason: ok ? undefined : `groups are ${names.join(", ")}` };
  },
  async undo(step, undo, ctx) {
    const { id, region } = instanceOf(step);
    const groups = undo.groups as string[];
    if (!groups?.length) throw new Error(`no previous groups kept for ${id}`);
    await needAws(ctx).ec2(region).send(new ModifyInstanceAttributeCommand({ InstanceId: id, Groups: groups }));
  },
};

/** DryRun the call: DryRunOperation means it would succeed; anything else is the reason it would not. */
async function dryRun(send: () => Promise<unknown>, what: string): Promise<Bilingual | undefined> {
  try {
    await send();
    return undefined;
  } catch (err) {
    if (awsErrorCode(err) === "DryRunOperation") return undefined;
    const text = awsErrorText(err);
    return bi(`DryRun of ${what} refused: ${text}`, `DryRun ของ ${what} ถูกปฏิเสธ: ${text}`);
  }
}

async function waitForState(ctx: ResponseContext, step: PlanStep, want: string[]): Promise<{ state: string }> {
  const { id, region } = instanceOf(step);
  let state = "gone";
  for (let attempt = 0; attempt < 10; attempt++) {
    state = (await describeInstance(needAws(ctx), region, id))?.state ?? "gone";
    if (want.includes(state)) break;
    await new Promise((r) => setTimeout(r, 300 * (attempt + 1)));
  }
  return { state };
}

export const stopInstance: ActionDefinition<AwsTargetParams> = {
  name: "stop-instance",
  title: bi("Stop the instance (keeps its disks)", "หยุด instance (เก็บดิสก์ไว้)"),
  provider: "aws",
  params: AwsTargetParams,
  permissions: ["ec2:DescribeInstances", "ec2:StopInstances", "ec2:StartInstances"],
  risk: "high",
  undoable: true,
  plan: (input, ctx) => planPerInstance("stop-instance", input, ctx, (i, base) => i.state === "stopped" ? undefined : ({
    ...base, params: {}, before: { state: i.state }, after: { state: "stopped" },
    call: `ec2:StopInstances InstanceIds=[${i.id}] Region=${i.region} (DryRun first)`, risk: "high", undoable: true, stopsUsdPerHour: base.usdPerHour,
    requires: [...(input.mode === "preserve-evidence" ? [`snapshot-volumes:${i.id}`] : []), ...(i.autoScalingGroup ? [`contain-auto-scaling-group:${i.region}/${i.autoScalingGroup}`] : [])],
    why: bi("Stop the burn and cut open connections while keeping the disks (memory is lost)", "หยุดการเสียเงินและตัด connection โดยเก็บดิสก์ไว้ (memory จะหายไป)"),
  })),
  precondition: async (step, ctx) => {
    const { id, region } = instanceOf(step);
    return dryRun(() => needAws(ctx).ec2(region).send(new StopInstancesCommand({ InstanceIds: [id], DryRun: true })), `ec2:StopInstances ${id}`);
  },
  async execute(step, ctx) {
    const { id, region } = instanceOf(step);
    const inst = await describeInstance(needAws(ctx), region, id);
    if (inst?.state === "stopped" || inst?.state === "stopping") return {};
    await needAws(ctx).ec2(region).send(new StopInstancesCommand({ InstanceIds: [id] }));
    return { undo: { state: inst?.state ?? "running" } };
  },
  async verify(step, ctx) {
    const observed = await waitForState(ctx, step, ["stopped"]);
    return { ok: observed.state === "stopped", observed, reason: observed.state === "stopped" ? undefined : `instance is ${observed.state}` };
  },
  async undo(step, undo, ctx) {
    if (undo.state !== "running") return;
    const { id, region } = instanceOf(step);
    await needAws(ctx).ec2(region).send(new StartInstancesCommand({ InstanceIds: [id] }));
  },
};

export const terminateInstance: ActionDefinition<AwsTargetParams> = {
  name: "terminate-instance",
  title: bi("Terminate the instance", "Terminate instance"),
  provider: "aws",
  params: AwsTargetParams,
  permissions: ["ec2:DescribeInstances", "ec2:TerminateInstances"],
  risk: "destructive",
  undoable: false,
  plan: (input, ctx) => planPerInstance("terminate-instance", input, ctx, (i, base) => ({
    ...base, params: {}, before: { state: i.state }, after: { state: "terminated" },
    call: `ec2:TerminateInstances InstanceIds=[${i.id}] Region=${i.region} (DryRun first)`, risk: "destructive", undoable: false, stopsUsdPerHour: base.usdPerHour,
    // Forensics gate destruction; a group or a persistent spot request would bring the miner back.
    requires: [
      ...(input.mode === "preserve-evidence" ? [`snapshot-volumes:${i.id}`] : []),
      ...(i.autoScalingGroup ? [`contain-auto-scaling-group:${i.region}/${i.autoScalingGroup}`] : []),
      ...(i.spotRequestId ? [`cancel-spot-requests:${i.region}/${i.spotRequestId}`] : []),
    ],
    why: bi(
      `Stop the burn for good${input.mode === "preserve-evidence" ? " once the volumes are snapshotted" : " (terminate now: no evidence kept)"}; cannot be undone${i.autoScalingGroup ? `; its Auto Scaling group ${i.autoScalingGroup} is contained first so it does not relaunch it` : ""}`,
      `หยุดการเสียเงินถาวร${input.mode === "preserve-evidence" ? " หลัง snapshot volumes แล้ว" : " (terminate ทันที: ไม่เก็บหลักฐาน)"}; ย้อนกลับไม่ได้${i.autoScalingGroup ? `; ควบคุม Auto Scaling group ${i.autoScalingGroup} ก่อนเพื่อไม่ให้สร้างใหม่` : ""}`),
  })),
  precondition: async (step, ctx) => {
    const { id, region } = instanceOf(step);
    return dryRun(() => needAws(ctx).ec2(region).send(new TerminateInstancesCommand({ InstanceIds: [id], DryRun: true })), `ec2:TerminateInstances ${id}`);
  },
  async execute(step, ctx) {
    const { id, region } = instanceOf(step);
    const inst = await describeInstance(needAws(ctx), region, id);
    if (!inst || inst.state === "terminated" || inst.state === "shutting-down") return {};
    await needAws(ctx).ec2(region).send(new TerminateInstancesCommand({ InstanceIds: [id] }));
    return {};
  },
  async verify(step, ctx) {
    const observed = await waitForState(ctx, step, ["terminated", "shutting-down", "gone"]);
    const ok = ["terminated", "shutting-down", "gone"].includes(observed.state);
    return { ok, observed, reason: ok ? undefined : `instance is ${observed.state}` };
  },
};
