/**
 * What brings a miner back: its Auto Scaling group (contained: processes suspended, sizes set to 0, undo
 * restores both) and its persistent spot request (cancelled). What minerhunt has no action for (launch
 * templates, Lambda, ECS, Batch, SageMaker made by the same key) is planned as a refused step saying what to
 * do by hand, never dropped.
 */
import { DescribeAutoScalingGroupsCommand, ResumeProcessesCommand, SuspendProcessesCommand, UpdateAutoScalingGroupCommand } from "@aws-sdk/client-auto-scaling";
import { CancelSpotInstanceRequestsCommand, DescribeSpotInstanceRequestsCommand } from "@aws-sdk/client-ec2";
import type { TargetKind } from "../../../model/index.js";
import type { ActionDefinition, PlannedStep } from "../../types.js";
import { AwsTargetParams, bi, isProtected, live, needAws, noClientStep, protectedReason, refusedStep, resolveInstances } from "./common.js";
import { principalResources } from "./principal.js";

function regionAndName(key: string): { region: string; name: string } {
  const at = key.indexOf("/");
  if (at < 1) throw new Error(`step target ${key}: expected region/name`);
  return { region: key.slice(0, at), name: key.slice(at + 1) };
}

async function describeGroup(ctx: Parameters<ActionDefinition["verify"]>[1], region: string, name: string) {
  const r = await needAws(ctx).autoScaling(region).send(new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: [name] }));
  return r.AutoScalingGroups?.[0];
}

export const containAutoScalingGroup: ActionDefinition<AwsTargetParams> = {
  name: "contain-auto-scaling-group",
  title: bi("Stop the Auto Scaling group from relaunching miners", "หยุด Auto Scaling group ไม่ให้สร้าง miner ใหม่"),
  provider: "aws",
  params: AwsTargetParams,
  permissions: ["autoscaling:DescribeAutoScalingGroups", "autoscaling:SuspendProcesses", "autoscaling:ResumeProcesses", "autoscaling:UpdateAutoScalingGroup", "cloudtrail:LookupEvents"],
  risk: "high",
  undoable: true,
  async plan(input, ctx) {
    if (!ctx.clients.aws) return [noClientStep("contain-auto-scaling-group")];
    const groups = new Map<string, string>();
    for (const i of (await resolveInstances(input, ctx)).instances) if (i.autoScalingGroup && live(i)) groups.set(`${i.region}/${i.autoScalingGroup}`, `member ${i.id}`);
    for (const r of (await principalResources(input, ctx)).resources) if (r.kind === "auto-scaling-group") groups.set(`${r.region}/${r.id}`, `made by ${r.by} (${r.eventName} ${r.eventTime})`);
    const steps: PlannedStep[] = [];
    for (const [key, because] of [...groups].sort()) {
      const { region, name } = regionAndName(key);
      const target = { kind: "auto-scaling-group" as const, id: name, provider: "aws" as const, region, label: `${name} (${region})` };
      const why = bi(`The group (${because}) relaunches any miner that is terminated; suspend it and set it to 0 first`, `group นี้ (${because}) จะสร้าง miner ใหม่เมื่อถูก terminate; ต้องหยุดและตั้งเป็น 0 ก่อน`);
      if (isProtected(ctx, name)) { steps.push(refusedStep(key, target, "-", protectedReason(name), why)); continue; }
      const g = await describeGroup(ctx, region, name);
      if (!g) { steps.push(refusedStep(key, target, "-", bi(`group ${name} no longer exists in ${region}`, `ไม่มี group ${name} ใน ${region} แล้ว`), why)); continue; }
      const price = (g.Instances ?? []).reduce((sum, i) => sum + (ctx.prices.instanceUsdPerHour("aws", i.InstanceType ?? "", region) ?? 0), 0);
      steps.push({
        key, target, params: {}, risk: "high", undoable: true, why, usdPerHour: price, stopsUsdPerHour: 0,
        before: { min: g.MinSize, max: g.MaxSize, desired: g.DesiredCapacity, suspended: (g.SuspendedProcesses ?? []).map((p) => p.ProcessName), instances: (g.Instances ?? []).map((i) => i.InstanceId) },
        after: { min: 0, max: 0, desired: 0, suspended: "all processes (Launch, Terminate, ...)" },
        call: `autoscaling:SuspendProcesses AutoScalingGroupName=${name}; autoscaling:UpdateAutoScalingGroup MinSize=0 MaxSize=0 DesiredCapacity=0 Region=${region}`,
      });
    }
    return steps;
  },
  async precondition() { return undefined; },
  async execute(step, ctx) {
    const { region, name } = regionAndName(`${step.target.region}/${step.target.id}`);
    const g = await describeGroup(ctx, region, name);
    if (!g) throw new Error(`group ${name} not found in ${region}`);
    const asg = needAws(ctx).autoScaling(region);
    const suspendedBefore = (g.SuspendedProcesses ?? []).map((p) => p.ProcessName ?? "");
    // Suspend first (Terminate too): scaling to 0 must not terminate the members, which are evidence.
    await asg.send(new SuspendProcessesCommand({ AutoScalingGroupName: name }));
    if (g.MinSize !== 0 || g.MaxSize !== 0 || g.DesiredCapacity !== 0) {
      await asg.send(new UpdateAutoScalingGroupCommand({ AutoScalingGroupName: name, MinSize: 0, MaxSize: 0, DesiredCapacity: 0 }));
    }
    const already = g.MinSize === 0 && g.MaxSize === 0 && g.DesiredCapacity === 0;
    return { undo: already ? { ...(step.before as object), suspendedBefore } : { min: g.MinSize, max: g.MaxSize, desired: g.DesiredCapacity, suspendedBefore } };
  },
  async verify(step, ctx) {
    const g = await describeGroup(ctx, step.target.region!, step.target.id);
    if (!g) return { ok: true, observed: { exists: false } };
    const suspended = (g.SuspendedProcesses ?? []).map((p) => p.ProcessName);
    const ok = g.MaxSize === 0 && g.DesiredCapacity === 0 && suspended.includes("Launch");
    return { ok, observed: { min: g.MinSize, max: g.MaxSize, desired: g.DesiredCapacity, suspended }, reason: ok ? undefined : "group can still launch instances" };
  },
  async undo(step, undo, ctx) {
    const asg = needAws(ctx).autoScaling(step.target.region!);
    const name = step.target.id;
    await asg.send(new UpdateAutoScalingGroupCommand({ AutoScalingGroupName: name, MinSize: Number(undo.min), MaxSize: Number(undo.max), DesiredCapacity: Number(undo.desired) }));
    const keep = new Set((undo.suspendedBefore as string[] | undefined) ?? []);
    const g = await describeGroup(ctx, step.target.region!, name);
    const resume = (g?.SuspendedProcesses ?? []).map((p) => p.ProcessName ?? "").filter((p) => p && !keep.has(p));
    if (resume.length) await asg.send(new ResumeProcessesCommand({ AutoScalingGroupName: name, ScalingProcesses: resume }));
  },
};

export const cancelSpotRequests: ActionDefinition<AwsTargetParams> = {
  name: "cancel-spot-requests",
  title: bi("Cancel the spot requests behind the miners", "ยกเลิก spot requests ที่อยู่เบื้องหลัง miner"),
  provider: "aws",
  params: AwsTargetParams,
  permissions: ["ec2:DescribeSpotInstanceRequests", "ec2:CancelSpotInstanceRequests", "cloudtrail:LookupEvents"],
  risk: "medium",
  undoable: false,
  async plan(input, ctx) {
    if (!ctx.clients.aws) return [noClientStep("cancel-spot-requests")];
    const wanted = new Map<string, string>();
    for (const i of (await resolveInstances(input, ctx)).instances) if (i.spotRequestId) wanted.set(`${i.region}/${i.spotRequestId}`, i.id);
    for (const r of (await principalResources(input, ctx)).resources) if (r.kind === "spot-request" && r.id.startsWith("sir-")) wanted.set(`${r.region}/${r.id}`, r.by);
    const steps: PlannedStep[] = [];
    for (const [key, why] of [...wanted].sort()) {
      const { region, name: id } = regionAndName(key);
      const r = (await needAws(ctx).ec2(region).send(new DescribeSpotInstanceRequestsCommand({ SpotInstanceRequestIds: [id] }))).SpotInstanceRequests?.[0];
      steps.push({
        key, target: { kind: "spot-request", id, provider: "aws", region, label: `${id} (${r?.Type ?? "?"}, ${region})` }, params: {},
        before: { state: r?.State, type: r?.Type, instance: r?.InstanceId }, after: { state: "cancelled" },
        call: `ec2:CancelSpotInstanceRequests SpotInstanceRequestIds=[${id}] Region=${region}`, risk: "medium", undoable: false, stopsUsdPerHour: 0,
        why: bi(`A ${r?.Type ?? ""} spot request (for ${why}) launches a new instance when its instance goes; cancelling does not terminate the instance`,
          `spot request แบบ ${r?.Type ?? ""} (ของ ${why}) จะสร้าง instance ใหม่เมื่อ instance หายไป; การยกเลิกไม่ได้ terminate instance`),
      });
    }
    return steps;
  },
  async precondition() { return undefined; },
  async execute(step, ctx) {
    await needAws(ctx).ec2(step.target.region!).send(new CancelSpotInstanceRequestsCommand({ SpotInstanceRequestIds: [step.target.id] }));
    return {};
  },
  async verify(step, ctx) {
    const r = (await needAws(ctx).ec2(step.target.region!).send(new DescribeSpotInstanceRequestsCommand({ SpotInstanceRequestIds: [step.target.id] }))).SpotInstanceRequests?.[0];
    const ok = r?.State === "cancelled" || r?.State === "closed";
    return { ok, observed: { state: r?.State }, reason: ok ? undefined : `request is ${r?.State}` };
  },
};

const BY_HAND: Partial<Record<TargetKind, (id: string, region: string) => string>> = {
  "launch-template": (id, r) => `aws ec2 delete-launch-template --launch-template-id ${id} --region ${r}`,
  "lambda-function": (id, r) => `aws lambda delete-function --function-name ${id} --region ${r}`,
  "ecs-service": (id, r) => `aws ecs update-service --service ${id} --desired-count 0 --region ${r} (then delete-service)`,
  "batch-job": (id, r) => `aws batch terminate-job --job-id ${id} --reason minerhunt --region ${r}`,
  "sagemaker-resource": (id, r) => `stop or delete ${id} in SageMaker (${r})`,
};

/** Everything else the key made: listed for a person, since minerhunt has no client action for it. */
export const attackerResources: ActionDefinition<AwsTargetParams> = {
  name: "attacker-resources",
  title: bi("Other resources the attacker's key made", "ทรัพยากรอื่นที่ key ของผู้โจมตีสร้าง"),
  provider: "aws",
  params: AwsTargetParams,
  permissions: ["cloudtrail:LookupEvents"],
  risk: "read",
  undoable: false,
  async plan(input, ctx) {
    if (!ctx.clients.aws) return [noClientStep("attacker-resources")];
    const work = await principalResources(input, ctx);
    const steps: PlannedStep[] = [];
    for (const r of work.resources) {
      const hand = BY_HAND[r.kind];
      if (!hand) continue;
      steps.push(refusedStep(`${r.region}/${r.id}`, { kind: r.kind, id: r.id, provider: "aws", region: r.region }, hand(r.id, r.region),
        bi(`manual: minerhunt has no action for a ${r.kind}; do it by hand: ${hand(r.id, r.region)}`, `ทำด้วยมือ: minerhunt ไม่มี action สำหรับ ${r.kind}; ให้ทำ: ${hand(r.id, r.region)}`),
        bi(`${r.eventName} by ${r.by} at ${r.eventTime}`, `${r.eventName} โดย ${r.by} เมื่อ ${r.eventTime}`)));
    }
    for (const u of work.unreachable) {
      steps.push(refusedStep(`unreachable:${u.region}`, { kind: "region", id: u.region, provider: "aws", region: u.region }, "-",
        bi(`CloudTrail in ${u.region} could not be read: ${u.error}; check it by hand`, `อ่าน CloudTrail ใน ${u.region} ไม่ได้: ${u.error}; ต้องตรวจด้วยมือ`),
        bi("what the attacker's key made there is unknown", "ไม่ทราบว่า key ของผู้โจมตีสร้างอะไรไว้ที่นั่น")));
    }
    return steps;
  },
  async precondition() { return bi("manual step", "ขั้นตอนที่ต้องทำด้วยมือ"); },
  async execute() { throw new Error("attacker-resources is carried out by a person"); },
  async verify() { return { ok: false, observed: {}, reason: "manual" }; },
};
