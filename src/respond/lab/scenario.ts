/**
 * The lab's seeded account, from data/lab/<seed>.yaml: benign instances in every region, decoys that look a
 * little like miners, and the intrusion (a leaked key makes a user and key, that key launches miners in three
 * regions, one of them from an Auto Scaling group, plus resources minerhunt has no action for).
 */
import { readFileSync } from "node:fs";
import { parse } from "yaml";
import { z } from "zod";
import { dataPath } from "../../startup/paths.js";
import {
  emptyRegion, newId, type LabAutoScalingGroup, type LabInstance, type LabLaunchTemplate, type LabRegion,
  type LabTrailEvent, type LabUser, type LabWorld,
} from "./world.js";

const Text = z.string();
const LaunchSchema = z.object({
  region: Text, type: Text, count: z.number().int().positive().default(1), hoursAgo: z.number().default(24),
  keyName: Text.optional(), userData: Text.optional(), spot: z.enum(["one-time", "persistent"]).optional(),
});
export const ScenarioSchema = z.object({
  account: z.string().regex(/^\d{12}$/, "a 12-digit account id"),
  regions: z.array(Text).min(1),
  failing: z.array(z.object({ region: Text, code: Text, message: Text, status: z.number().int() })).default([]),
  benign: z.object({
    perRegion: z.number().int().nonnegative(), types: z.array(Text).min(1), keyName: Text.optional(),
    instanceProfile: Text.optional(), launchedDaysAgo: z.number(), userData: Text.optional(),
  }),
  decoys: z.array(z.object({
    region: Text, type: Text, name: Text, keyName: Text.optional(), launchedBy: Text, launchedDaysAgo: z.number(),
    userData: Text.optional(),
  })).default([]),
  users: z.array(z.object({
    name: Text, createdDaysAgo: z.number(),
    keys: z.array(z.object({ id: Text, createdDaysAgo: z.number(), lastUsedDaysAgo: z.number().optional() })),
  })),
  attacker: z.object({
    leakedKey: Text, leakedUser: Text, user: Text, key: Text, createdHoursAgo: z.number(), sourceIp: Text,
    userAgent: Text, launches: z.array(LaunchSchema),
    autoScalingGroup: z.object({
      region: Text, name: Text, launchTemplate: Text, type: Text, desired: z.number().int().positive(),
      hoursAgo: z.number(), userData: Text.optional(),
    }).optional(),
    otherResources: z.array(z.object({ region: Text, eventName: Text, source: Text, type: Text, name: Text })).default([]),
  }),
});
export type Scenario = z.infer<typeof ScenarioSchema>;

export function scenarioPath(seed: string): string {
  if (!/^[a-z0-9-]+$/.test(seed)) throw new Error(`lab: seed "${seed}": expected a name like "default" (data/lab/<seed>.yaml)`);
  return dataPath("lab", `${seed}.yaml`);
}

export function loadScenario(seed = "default"): Scenario {
  const file = scenarioPath(seed);
  let doc: unknown;
  try {
    doc = parse(readFileSync(file, "utf8"), { maxAliasCount: 50 });
  } catch (err) {
    throw new Error(`${file}: ${(err as Error).message}`);
  }
  const parsed = ScenarioSchema.safeParse(doc);
  if (!parsed.success) {
    const first = parsed.error.issues[0]!;
    throw new Error(`${file}: at ${first.path.join(".") || "(top)"}: ${first.message}`);
  }
  return parsed.data;
}

export interface BuildOptions {
  /** Override the benign instances per region (the bench uses 2,000). */
  benignPerRegion?: number;
  /** Extra failing regions (--fail-region). */
  failRegions?: string[];
  now?: () => Date;
}

const b64 = (s: string | undefined) => (s === undefined ? undefined : Buffer.from(s, "utf8").toString("base64"));

/** The world the scenario describes, ids stable for the seed. */
export function buildWorld(sc: Scenario, opts: BuildOptions = {}): LabWorld {
  const now = opts.now ?? (() => new Date());
  const start = now().getTime();
  const ago = (hours: number) => new Date(start - hours * 3600_000).toISOString();
  const world: LabWorld = {
    account: sc.account, regions: new Map(), users: new Map(), budgets: new Map(), policies: new Map(),
    rootId: "r-lab1", faults: [], calls: new Map(), counters: new Map(), now,
  };
  for (const name of sc.regions) world.regions.set(name, emptyRegion(name));
  for (const f of sc.failing) region(world, f.region).failure = { code: f.code, message: f.message, status: f.status };
  for (const name of opts.failRegions ?? []) {
    region(world, name).failure = { code: "Unavailable", message: `The service is unavailable in ${name} (lab --fail-region)`, status: 403 };
  }

  const perRegion = opts.benignPerRegion ?? sc.benign.perRegion;
  for (const r of world.regions.values()) {
    for (let i = 0; i < perRegion; i++) {
      addInstance(world, r, {
        type: sc.benign.types[i % sc.benign.types.length]!, launchTime: ago(sc.benign.launchedDaysAgo * 24 + i / 60),
        keyName: sc.benign.keyName, userData: b64(sc.benign.userData), tags: [{ key: "Name", value: `app-${i}` }],
        instanceProfileArn: sc.benign.instanceProfile ? `arn:aws:iam::${sc.account}:instance-profile/${sc.benign.instanceProfile}` : undefined,
      });
    }
  }
  for (const d of sc.decoys) {
    const r = region(world, d.region);
    const inst = addInstance(world, r, {
      type: d.type, launchTime: ago(d.launchedDaysAgo * 24), keyName: d.keyName, userData: b64(d.userData),
      tags: [{ key: "Name", value: d.name }],
    });
    const key = sc.users.find((u) => u.name === d.launchedBy)?.keys[0]?.id;
    trail(world, r, "RunInstances", "ec2.amazonaws.com", inst.launchTime, d.launchedBy, key, [{ type: "AWS::EC2::Instance", name: inst.id }],
      iamUser(sc.account, d.launchedBy, key), "10.0.0.5", "aws-cli/2.13.0", { instancesSet: { items: [{ instanceId: inst.id, instanceType: d.type }] } });
  }

  for (const u of sc.users) addUser(world, u.name, ago(u.createdDaysAgo * 24), u.keys.map((k) => ({
    id: k.id, status: "Active" as const, created: ago(k.createdDaysAgo * 24),
    lastUsed: k.lastUsedDaysAgo === undefined ? undefined : { date: ago(k.lastUsedDaysAgo * 24), service: "ec2", region: "us-east-1" },
  })));
  seedAttacker(world, sc, ago);
  return world;
}

function region(world: LabWorld, name: string): LabRegion {
  const r = world.regions.get(name);
  if (!r) throw new Error(`lab scenario: region ${name} is not in regions`);
  return r;
}

function iamUser(account: string, name: string, key?: string): Record<string, unknown> {
  return { type: "IAMUser", principalId: `AIDA${name.toUpperCase().replace(/[^A-Z0-9]/g, "").slice(0, 12)}`, arn: `arn:aws:iam::${account}:user/${name}`, accountId: account, accessKeyId: key, userName: name };
}

function addUser(world: LabWorld, name: string, created: string, keys: LabUser["keys"]): LabUser {
  const user: LabUser = { name, id: newId(world, "AIDA", 17).replace("-", "").toUpperCase(), created, keys, attachedPolicies: [], inlinePolicies: {} };
  world.users.set(name, user);
  return user;
}

export interface NewInstance {
  type: string; launchTime: string; keyName?: string; userData?: string; tags?: LabInstance["tags"];
  instanceProfileArn?: string; spotRequestId?: string; autoScalingGroup?: string; launchTemplateId?: string;
}

/** An instance with its root volume and the region's default security group, as RunInstances leaves it. */
export function addInstance(world: LabWorld, r: LabRegion, spec: NewInstance): LabInstance {
  const vpcId = defaultVpc(world, r);
  const az = `${r.name}a`;
  const id = newId(world, "i");
  const volume = { id: newId(world, "vol"), sizeGiB: 8, device: "/dev/xvda", instanceId: id, az };
  r.volumes.set(volume.id, volume);
  const n = r.order.length;
  const inst: LabInstance = {
    id, region: r.name, az, type: spec.type, imageId: "ami-0abcdef1234567890", state: "running", launchTime: spec.launchTime,
    keyName: spec.keyName, instanceProfileArn: spec.instanceProfileArn, vpcId, subnetId: `subnet-${vpcId.slice(4, 12)}a`,
    privateIp: `10.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}`, groupIds: [defaultGroup(world, r, vpcId)],
    userData: spec.userData, disableApiTermination: false, volumeIds: [volume.id], tags: spec.tags ?? [],
    spotRequestId: spec.spotRequestId, autoScalingGroup: spec.autoScalingGroup, launchTemplateId: spec.launchTemplateId,
  };
  if (spec.autoScalingGroup) inst.tags = [...inst.tags, { key: "aws:autoscaling:groupName", value: spec.autoScalingGroup }];
  r.instances.set(id, inst);
  r.order.push(id);
  return inst;
}

function defaultVpc(world: LabWorld, r: LabRegion): string {
  return `vpc-${createStable(world.account + r.name)}`;
}

function defaultGroup(world: LabWorld, r: LabRegion, vpcId: string): string {
  for (const g of r.securityGroups.values()) if (g.name === "default" && g.vpcId === vpcId) return g.id;
  const id = newId(world, "sg");
  r.securityGroups.set(id, { id, name: "default", description: "default VPC security group", vpcId, egressOpen: true, tags: [] });
  return id;
}

function createStable(text: string): string {
  let h = 2166136261;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619) >>> 0;
  return h.toString(16).padStart(8, "0");
}

export function trail(
  world: LabWorld, r: LabRegion, name: string, source: string, time: string, username: string, accessKeyId: string | undefined,
  resources: LabTrailEvent["resources"], userIdentity: Record<string, unknown>, sourceIp: string, userAgent: string,
  responseElements: Record<string, unknown> | null, requestParameters: Record<string, unknown> = {},
): LabTrailEvent {
  const id = newId(world, "ev", 32).slice(3);
  const event: LabTrailEvent = {
    id, region: r.name, name, source, time, username, accessKeyId, resources,
    record: {
      eventVersion: "1.09", userIdentity, eventTime: time, eventSource: source, eventName: name, awsRegion: r.name,
      sourceIPAddress: sourceIp, userAgent, requestParameters, responseElements, eventID: id, readOnly: false,
      eventType: "AwsApiCall", managementEvent: true, recipientAccountId: world.account, eventCategory: "Management",
    },
  };
  r.trail.push(event);
  return event;
}

function seedAttacker(world: LabWorld, sc: Scenario, ago: (hours: number) => string): void {
  const a = sc.attacker;
  const home = region(world, sc.regions.includes("us-east-1") ? "us-east-1" : sc.regions[0]!);
  const leaked = iamUser(sc.account, a.leakedUser, a.leakedKey);
  const made = ago(a.createdHoursAgo);
  addUser(world, a.user, made, [{ id: a.key, status: "Active", created: made, lastUsed: { date: ago(1), service: "ec2", region: "us-east-1" } }]);
  trail(world, home, "CreateUser", "iam.amazonaws.com", made, a.leakedUser, a.leakedKey, [{ type: "AWS::IAM::User", name: a.user }], leaked, a.sourceIp, a.userAgent, { user: { userName: a.user } }, { userName: a.user });
  trail(world, home, "CreateAccessKey", "iam.amazonaws.com", made, a.leakedUser, a.leakedKey, [{ type: "AWS::IAM::AccessKey", name: a.key }], leaked, a.sourceIp, a.userAgent, { accessKey: { accessKeyId: a.key, userName: a.user, status: "Active" } }, { userName: a.user });

  const me = iamUser(sc.account, a.user, a.key);
  for (const l of a.launches) {
    const r = region(world, l.region);
    const ids: string[] = [];
    for (let i = 0; i < l.count; i++) {
      let spotRequestId: string | undefined;
      if (l.spot) {
        spotRequestId = newId(world, "sir", 8);
        r.spotRequests.set(spotRequestId, { id: spotRequestId, region: r.name, state: "active", type: l.spot, instanceType: l.type, createTime: ago(l.hoursAgo) });
      }
      const inst = addInstance(world, r, { type: l.type, launchTime: ago(l.hoursAgo), keyName: l.keyName, userData: b64(l.userData), spotRequestId });
      if (spotRequestId) r.spotRequests.get(spotRequestId)!.instanceId = inst.id;
      ids.push(inst.id);
    }
    trail(world, r, "RunInstances", "ec2.amazonaws.com", ago(l.hoursAgo), a.user, a.key,
      ids.map((id) => ({ type: "AWS::EC2::Instance", name: id })), me, a.sourceIp, a.userAgent,
      { instancesSet: { items: ids.map((instanceId) => ({ instanceId, instanceType: l.type })) } }, { instanceType: l.type, minCount: l.count, maxCount: l.count, ...(l.spot ? { instanceMarketOptions: { marketType: "spot", spotOptions: { spotInstanceType: l.spot } } } : {}) });
  }

  const g = a.autoScalingGroup;
  if (g) {
    const r = region(world, g.region);
    const lt: LabLaunchTemplate = {
      id: newId(world, "lt"), name: g.launchTemplate, region: r.name, createdBy: `arn:aws:iam::${sc.account}:user/${a.user}`,
      createTime: ago(g.hoursAgo), instanceType: g.type, userData: b64(g.userData),
    };
    r.launchTemplates.set(lt.id, lt);
    trail(world, r, "CreateLaunchTemplate", "ec2.amazonaws.com", ago(g.hoursAgo), a.user, a.key, [{ type: "AWS::EC2::LaunchTemplate", name: lt.id }], me, a.sourceIp, a.userAgent,
      { CreateLaunchTemplateResponse: { launchTemplate: { launchTemplateId: lt.id, launchTemplateName: lt.name } } });
    const group: LabAutoScalingGroup = { name: g.name, region: r.name, launchTemplateId: lt.id, min: g.desired, max: g.desired, desired: g.desired, az: `${r.name}a`, suspended: [], createdTime: ago(g.hoursAgo) };
    r.autoScalingGroups.set(g.name, group);
    trail(world, r, "CreateAutoScalingGroup", "autoscaling.amazonaws.com", ago(g.hoursAgo), a.user, a.key, [{ type: "AWS::AutoScaling::AutoScalingGroup", name: g.name }], me, a.sourceIp, a.userAgent, null, { autoScalingGroupName: g.name });
    for (let i = 0; i < g.desired; i++) launchFromGroup(world, r, group, ago(g.hoursAgo - 0.1));
  }
  for (const o of a.otherResources) {
    trail(world, region(world, o.region), o.eventName, o.source, ago(a.createdHoursAgo - 2), a.user, a.key, [{ type: o.type, name: o.name }], me, a.sourceIp, a.userAgent, null);
  }
}

/** The group launches an instance from its template; CloudTrail shows the Auto Scaling service as the caller. */
export function launchFromGroup(world: LabWorld, r: LabRegion, group: LabAutoScalingGroup, time = world.now().toISOString()): LabInstance {
  const lt = r.launchTemplates.get(group.launchTemplateId);
  const inst = addInstance(world, r, {
    type: lt?.instanceType ?? "t3.micro", launchTime: time, keyName: lt?.keyName, userData: lt?.userData,
    autoScalingGroup: group.name, launchTemplateId: group.launchTemplateId,
  });
  const role = { type: "AssumedRole", arn: `arn:aws:sts::${world.account}:assumed-role/AWSServiceRoleForAutoScaling/AutoScaling`, accountId: world.account, invokedBy: "autoscaling.amazonaws.com" };
  trail(world, r, "RunInstances", "ec2.amazonaws.com", time, "AutoScaling", undefined, [{ type: "AWS::EC2::Instance", name: inst.id }], role,
    "autoscaling.amazonaws.com", "autoscaling.amazonaws.com", { instancesSet: { items: [{ instanceId: inst.id, instanceType: inst.type }] } });
  return inst;
}
