/**
 * The lab's in-memory account: what `minerhunt lab` serves and its handlers change. Plain records with the
 * fields the AWS APIs return, so a handler only has to write them out as XML or JSON.
 */
import { createHash } from "node:crypto";

export interface LabTag { key: string; value: string }

export interface LabVolume {
  id: string;
  sizeGiB: number;
  device: string;
  instanceId?: string;
  az: string;
}

export interface LabSnapshot {
  id: string;
  volumeId: string;
  description: string;
  startTime: string;
  state: "pending" | "completed" | "error";
  tags: LabTag[];
  sizeGiB: number;
}

export interface LabSecurityGroup {
  id: string;
  name: string;
  description: string;
  vpcId: string;
  /** Whether the default allow-all egress rule is still there. */
  egressOpen: boolean;
  tags: LabTag[];
}

export type InstanceStateName = "pending" | "running" | "stopping" | "stopped" | "shutting-down" | "terminated";

export const STATE_CODES: Record<InstanceStateName, number> = {
  pending: 0, running: 16, "shutting-down": 32, terminated: 48, stopping: 64, stopped: 80,
};

export interface LabInstance {
  id: string;
  region: string;
  az: string;
  type: string;
  imageId: string;
  state: InstanceStateName;
  launchTime: string;
  keyName?: string;
  instanceProfileArn?: string;
  vpcId: string;
  subnetId: string;
  privateIp: string;
  groupIds: string[];
  /** Base64, as EC2 keeps it. */
  userData?: string;
  disableApiTermination: boolean;
  volumeIds: string[];
  tags: LabTag[];
  spotRequestId?: string;
  autoScalingGroup?: string;
  launchTemplateId?: string;
}

export interface LabSpotRequest {
  id: string;
  region: string;
  state: "open" | "active" | "cancelled" | "closed";
  type: "one-time" | "persistent";
  instanceId?: string;
  instanceType: string;
  createTime: string;
}

export interface LabLaunchTemplate {
  id: string;
  name: string;
  region: string;
  createdBy: string;
  createTime: string;
  instanceType: string;
  userData?: string;
  keyName?: string;
}

export interface LabAutoScalingGroup {
  name: string;
  region: string;
  launchTemplateId: string;
  min: number;
  max: number;
  desired: number;
  az: string;
  suspended: string[];
  createdTime: string;
}

export interface LabAccessKey { id: string; status: "Active" | "Inactive"; created: string; lastUsed?: { date: string; service: string; region: string } }

export interface LabUser {
  name: string;
  id: string;
  created: string;
  keys: LabAccessKey[];
  attachedPolicies: string[];
  inlinePolicies: Record<string, string>;
}

/** A CloudTrail management event as LookupEvents returns it (CloudTrailEvent is the JSON record). */
export interface LabTrailEvent {
  id: string;
  region: string;
  name: string;
  source: string;
  time: string;
  username: string;
  accessKeyId?: string;
  resources: { type: string; name: string }[];
  record: Record<string, unknown>;
}

export interface LabDetector { id: string; status: "ENABLED" | "DISABLED"; createdAt: string }
export interface LabBudget { name: string; amount: string; unit: string; timeUnit: string; budgetType: string; notifications: unknown[] }
export interface LabPolicy { id: string; name: string; description: string; content: string; type: string; targets: string[] }

export interface LabRegion {
  name: string;
  /** An error every call in this region answers with (a region an SCP denies, an outage). */
  failure?: { code: string; message: string; status: number };
  instances: Map<string, LabInstance>;
  volumes: Map<string, LabVolume>;
  snapshots: Map<string, LabSnapshot>;
  securityGroups: Map<string, LabSecurityGroup>;
  spotRequests: Map<string, LabSpotRequest>;
  launchTemplates: Map<string, LabLaunchTemplate>;
  autoScalingGroups: Map<string, LabAutoScalingGroup>;
  trail: LabTrailEvent[];
  detectors: Map<string, LabDetector>;
  /** Instance ids in the order they were made (pagination walks this). */
  order: string[];
}

/** Injected misbehaviour: the first `times` matching calls answer with the error (forever when times is absent). */
export interface LabFault {
  service?: string;
  operation: string;
  region?: string;
  /** Only calls whose parameters mention this value (a volume id...). */
  match?: string;
  code: string;
  message?: string;
  status?: number;
  times?: number;
}

export interface LabWorld {
  account: string;
  regions: Map<string, LabRegion>;
  users: Map<string, LabUser>;
  budgets: Map<string, LabBudget>;
  policies: Map<string, LabPolicy>;
  rootId: string;
  faults: LabFault[];
  /** API calls answered, by "service:Operation". */
  calls: Map<string, number>;
  /** Next id per prefix, so ids are stable for a seed. */
  counters: Map<string, number>;
  now: () => Date;
}

export function emptyRegion(name: string): LabRegion {
  return {
    name, instances: new Map(), volumes: new Map(), snapshots: new Map(), securityGroups: new Map(),
    spotRequests: new Map(), launchTemplates: new Map(), autoScalingGroups: new Map(), trail: [],
    detectors: new Map(), order: [],
  };
}

/** A new id of the provider's shape ("i-" + 17 hex digits), stable for the order ids are made in. */
export function newId(world: LabWorld, prefix: string, hexDigits = 17): string {
  const n = (world.counters.get(prefix) ?? 0) + 1;
  world.counters.set(prefix, n);
  return `${prefix}-${createHash("sha1").update(`${world.account}:${prefix}:${n}`).digest("hex").slice(0, hexDigits)}`;
}

export function countCall(world: LabWorld, service: string, operation: string): void {
  const key = `${service}:${operation}`;
  world.calls.set(key, (world.calls.get(key) ?? 0) + 1);
}

/** The fault a call hits, consuming one of its `times`. */
export function takeFault(world: LabWorld, service: string, operation: string, region: string, params: string): LabFault | undefined {
  for (const f of world.faults) {
    if (f.operation !== operation && f.operation !== "*") continue;
    if (f.service !== undefined && f.service !== service) continue;
    if (f.region !== undefined && f.region !== region) continue;
    if (f.match !== undefined && !params.includes(f.match)) continue;
    if (f.times !== undefined) {
      if (f.times <= 0) continue;
      f.times -= 1;
    }
    return f;
  }
  return undefined;
}

/**
 * What an Auto Scaling group does between calls: launch replacements up to the desired capacity unless
 * "Launch" is suspended, and forget members that are gone. This is why terminating a miner in a group
 * alone achieves nothing.
 */
export function reconcileGroups(world: LabWorld, region: LabRegion, launch: (group: LabAutoScalingGroup) => void): void {
  for (const group of region.autoScalingGroups.values()) {
    if (group.suspended.includes("Launch")) continue;
    const members = groupMembers(region, group.name);
    for (let i = members.length; i < group.desired; i++) launch(group);
  }
  void world;
}

export function groupMembers(region: LabRegion, group: string): LabInstance[] {
  const out: LabInstance[] = [];
  for (const inst of region.instances.values()) {
    if (inst.autoScalingGroup === group && inst.state !== "terminated" && inst.state !== "shutting-down") out.push(inst);
  }
  return out;
}
