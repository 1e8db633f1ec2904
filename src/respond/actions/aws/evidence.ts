/**
 * Evidence first: snapshot every volume, tag the instance, turn on termination protection. Snapshots are
 * tagged with the step id, so a second run finds them instead of making more (idempotent after a crash).
 */
import { CreateSnapshotCommand, CreateTagsCommand, DeleteTagsCommand, DescribeSnapshotsCommand, ModifyInstanceAttributeCommand, type Snapshot } from "@aws-sdk/client-ec2";
import type { ActionDefinition } from "../../types.js";
import { AwsTargetParams, bi, describeInstance, needAws, terminationProtected } from "./common.js";
import { instanceOf, planPerInstance } from "./per-instance.js";

const STEP_TAG = "minerhunt:step";

async function snapshotsOf(aws: ReturnType<typeof needAws>, region: string, stepId: string): Promise<Snapshot[]> {
  const r = await aws.ec2(region).send(new DescribeSnapshotsCommand({ OwnerIds: ["self"], Filters: [{ Name: `tag:${STEP_TAG}`, Values: [stepId] }] }));
  return r.Snapshots ?? [];
}

export const snapshotVolumes: ActionDefinition<AwsTargetParams> = {
  name: "snapshot-volumes",
  title: bi("Snapshot the instance's volumes", "Snapshot volumes ของ instance"),
  provider: "aws",
  params: AwsTargetParams,
  permissions: ["ec2:DescribeInstances", "ec2:CreateSnapshot", "ec2:DescribeSnapshots", "ec2:CreateTags"],
  risk: "low",
  undoable: false,
  forensic: true,
  plan: (input, ctx) => planPerInstance("snapshot-volumes", input, ctx, (i, base) => ({
    ...base, params: {}, before: { volumes: i.volumes, snapshots: [] }, after: { snapshots: i.volumes.map((v) => `snapshot of ${v}`) },
    call: i.volumes.map((v) => `ec2:CreateSnapshot VolumeId=${v} Region=${i.region}`).join("; "), risk: "low", undoable: false, stopsUsdPerHour: 0,
    why: bi(`Keep the disks of ${i.id} as evidence before anything is stopped or terminated (snapshots are kept, not undone)`,
      `เก็บดิสก์ของ ${i.id} เป็นหลักฐานก่อนหยุดหรือลบ (snapshot จะถูกเก็บไว้ ไม่ย้อนกลับ)`),
  })),
  async precondition() { return undefined; },
  async execute(step, ctx) {
    const aws = needAws(ctx);
    const { id, region } = instanceOf(step);
    const inst = await describeInstance(aws, region, id);
    if (!inst) throw new Error(`instance ${id} is gone from ${region}: nothing left to snapshot`);
    const done = new Set((await snapshotsOf(aws, region, step.id)).filter((s) => s.State !== "error").map((s) => s.VolumeId));
    const made: string[] = [];
    for (const volume of inst.volumes) {
      if (done.has(volume)) continue;
      const r = await aws.ec2(region).send(new CreateSnapshotCommand({
        VolumeId: volume, Description: `minerhunt evidence of ${id} (${step.id})`,
        TagSpecifications: [{ ResourceType: "snapshot", Tags: [{ Key: STEP_TAG, Value: step.id }, { Key: "minerhunt:instance", Value: id }] }],
      }));
      if (r.SnapshotId) made.push(r.SnapshotId);
    }
    return { detail: { created: made } };
  },
  async verify(step, ctx) {
    const aws = needAws(ctx);
    const { id, region } = instanceOf(step);
    const volumes = (step.before.volumes as string[] | undefined) ?? [];
    const snaps = await snapshotsOf(aws, region, step.id);
    const byVolume = Object.fromEntries(snaps.map((s) => [s.VolumeId ?? "", { id: s.SnapshotId, state: s.State }]));
    const missing = volumes.filter((v) => byVolume[v]?.state !== "completed");
    return missing.length
      ? { ok: false, observed: { snapshots: byVolume }, reason: `no completed snapshot of ${missing.join(", ")} (instance ${id})` }
      : { ok: true, observed: { snapshots: byVolume } };
  },
};

const tagsFor = (incidentId: string) => ({ "minerhunt:incident": incidentId, "minerhunt:status": "compromised" });

export const tagInstance: ActionDefinition<AwsTargetParams> = {
  name: "tag-instance",
  title: bi("Tag the instance as compromised", "ติด tag ว่า instance ถูกบุกรุก"),
  provider: "aws",
  params: AwsTargetParams,
  permissions: ["ec2:DescribeInstances", "ec2:CreateTags", "ec2:DeleteTags"],
  risk: "low",
  undoable: true,
  forensic: true,
  plan: (input, ctx) => planPerInstance("tag-instance", input, ctx, (i, base) => {
    const tags = tagsFor(input.incident.id);
    return {
      ...base, params: { tags }, before: { tags: Object.fromEntries(Object.keys(tags).map((k) => [k, i.tags[k] ?? null])) }, after: { tags },
      call: `ec2:CreateTags Resources=[${i.id}] Tags=${Object.entries(tags).map(([k, v]) => `${k}=${v}`).join(",")} Region=${i.region}`,
      risk: "low", undoable: true, stopsUsdPerHour: 0,
      why: bi("Mark the instance so everyone (and automation) sees it is under investigation", "ทำเครื่องหมายให้ทุกคน (และระบบอัตโนมัติ) เห็นว่ากำลังสอบสวน"),
    };
  }),
  async precondition() { return undefined; },
  async execute(step, ctx) {
    const { id, region } = instanceOf(step);
    const tags = step.params.tags as Record<string, string>;
    const inst = await describeInstance(needAws(ctx), region, id);
    const previous = Object.fromEntries(Object.keys(tags).map((k) => [k, inst?.tags[k] ?? null]));
    await needAws(ctx).ec2(region).send(new CreateTagsCommand({ Resources: [id], Tags: Object.entries(tags).map(([Key, Value]) => ({ Key, Value })) }));
    return { undo: { previous } };
  },
  async verify(step, ctx) {
    const { id, region } = instanceOf(step);
    const inst = await describeInstance(needAws(ctx), region, id);
    const want = step.params.tags as Record<string, string>;
    const observed = Object.fromEntries(Object.keys(want).map((k) => [k, inst?.tags[k] ?? null]));
    const ok = Object.entries(want).every(([k, v]) => observed[k] === v);
    return { ok, observed: { tags: observed }, reason: ok ? undefined : "tags not as intended" };
  },
  async undo(step, undo, ctx) {
    const { id, region } = instanceOf(step);
    const previous = (undo.previous ?? {}) as Record<string, string | null>;
    const restore = Object.entries(previous).filter(([, v]) => v !== null) as [string, string][];
    const remove = Object.keys(previous).filter((k) => previous[k] === null);
    const ec2 = needAws(ctx).ec2(region);
    if (remove.length) await ec2.send(new DeleteTagsCommand({ Resources: [id], Tags: remove.map((Key) => ({ Key })) }));
    if (restore.length) await ec2.send(new CreateTagsCommand({ Resources: [id], Tags: restore.map(([Key, Value]) => ({ Key, Value })) }));
  },
};

export const protectTermination: ActionDefinition<AwsTargetParams> = {
  name: "protect-termination",
  title: bi("Turn on termination protection", "เปิด termination protection"),
  provider: "aws",
  params: AwsTargetParams,
  permissions: ["ec2:DescribeInstanceAttribute", "ec2:ModifyInstanceAttribute"],
  risk: "low",
  undoable: true,
  forensic: true,
  plan: (input, ctx) => planPerInstance("protect-termination", input, ctx, (i, base) => ({
    ...base, params: {}, before: {}, after: { disableApiTermination: true },
    call: `ec2:ModifyInstanceAttribute InstanceId=${i.id} DisableApiTermination=true Region=${i.region}`, risk: "low", undoable: true, stopsUsdPerHour: 0,
    why: bi("Nobody (nor the attacker's automation) can terminate the evidence by mistake; terminate-instance needs it turned off first",
      "ไม่มีใคร (รวมถึงระบบของผู้โจมตี) ลบหลักฐานโดยไม่ตั้งใจได้; terminate-instance ต้องปิดก่อน"),
  })),
  async precondition() { return undefined; },
  async execute(step, ctx) {
    const { id, region } = instanceOf(step);
    const aws = needAws(ctx);
    const was = await terminationProtected(aws, region, id);
    if (!was) await aws.ec2(region).send(new ModifyInstanceAttributeCommand({ InstanceId: id, DisableApiTermination: { Value: true } }));
    return { undo: { disableApiTermination: was } };
  },
  async verify(step, ctx) {
    const { id, region } = instanceOf(step);
    const on = await terminationProtected(needAws(ctx), region, id);
    return { ok: on, observed: { disableApiTermination: on }, reason: on ? undefined : "termination protection is off" };
  },
  async undo(step, undo, ctx) {
    const { id, region } = instanceOf(step);
    if (undo.disableApiTermination === true) return;
    await needAws(ctx).ec2(region).send(new ModifyInstanceAttributeCommand({ InstanceId: id, DisableApiTermination: { Value: false } }));
  },
};
