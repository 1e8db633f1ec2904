/**
 * `minerhunt sweep aws`: every enabled region in parallel (a few at a time), every instance in it (paginated),
 * its user data scanned for miner strings, who launched it (CloudTrail), and what it burns (price table).
 * An instance is a suspect when its user data names a miner, or when the principal that launched a miner
 * launched it too. A region that fails is reported with its error and the sweep goes on.
 * Also: IAM users and access keys created recently (an intruder's first move is often a new user or key).
 */
import { DescribeInstanceAttributeCommand, DescribeRegionsCommand, paginateDescribeInstances, type Instance } from "@aws-sdk/client-ec2";
import { paginateListAccessKeys, paginateListUsers } from "@aws-sdk/client-iam";
import type { Intel } from "../../../intel/index.js";
import type { PriceTable } from "../../types.js";
import { awsErrorText } from "./clients.js";
import { mapLimit } from "./limit.js";
import { launchesByInstance, principalName, type LaunchInfo } from "./trail.js";
import type { AwsClients } from "./types.js";
import { decodeUserData, scanUserData } from "./userdata.js";

export interface SweepOptions {
  /** Only these regions (default: every region DescribeRegions lists). */
  regions?: string[];
  /** DescribeInstances page size (5..1000, default 1000). */
  pageSize?: number;
  /** Regions swept at once (default 6). */
  regionConcurrency?: number;
  /** DescribeInstanceAttribute calls in flight per region (default 8). */
  userDataConcurrency?: number;
  /**
   * Read and scan every instance's user data (default true). It is one call per instance (EC2 has no batch
   * form) and most of a big sweep's time; without it, suspects come from CloudTrail alone.
   */
  userData?: boolean;
  /** IAM users and keys created within this many days are listed (default 7). */
  recentDays?: number;
  /** CloudTrail look-back in days (default and maximum 90). */
  trailDays?: number;
  now?: Date;
  signal?: AbortSignal;
}

export interface SweptInstance {
  id: string;
  region: string;
  type: string;
  state: string;
  launchTime?: string;
  keyName?: string;
  instanceProfile?: string;
  vpcId?: string;
  securityGroups: string[];
  volumes: string[];
  autoScalingGroup?: string;
  spotRequestId?: string;
  /** What in the user data marks a miner. */
  userDataHits: string[];
  launchedBy?: LaunchInfo;
  usdPerHour?: number;
  suspect: boolean;
  reasons: string[];
}

export interface RegionOutcome { region: string; instances: number; error?: string }

export interface RecentKey { userName: string; accessKeyId: string; status: string; created: string }

export interface SweepResult {
  account?: string;
  startedAt: string;
  finishedAt: string;
  regions: RegionOutcome[];
  /** Regions that could not be swept, with the provider's error. */
  failures: { region: string; error: string }[];
  instances: SweptInstance[];
  suspects: SweptInstance[];
  /** Principals that launched suspects (user names or ARNs), with their access keys. */
  principals: { name: string; accessKeyIds: string[]; instances: number }[];
  recentUsers: { userName: string; created: string }[];
  recentKeys: RecentKey[];
  /** Errors reading IAM (the sweep goes on without it). */
  iamError?: string;
  /** USD per hour the suspects burn, summed; instances of unknown price are counted in unpricedSuspects. */
  usdPerHour: number;
  unpricedSuspects: number;
}

const RUNNING_STATES = new Set(["pending", "running", "stopping"]);

export async function listRegions(clients: AwsClients, signal?: AbortSignal): Promise<string[]> {
  const r = await clients.ec2(clients.homeRegion).send(new DescribeRegionsCommand({ AllRegions: false }), { abortSignal: signal });
  return (r.Regions ?? []).filter((x) => x.OptInStatus !== "not-opted-in").map((x) => x.RegionName!).filter(Boolean).sort();
}

function toSwept(i: Instance, region: string): SweptInstance {
  const tags = new Map((i.Tags ?? []).map((t) => [t.Key ?? "", t.Value ?? ""]));
  return {
    id: i.InstanceId ?? "", region, type: i.InstanceType ?? "", state: i.State?.Name ?? "unknown", launchTime: i.LaunchTime?.toISOString(),
    keyName: i.KeyName, instanceProfile: i.IamInstanceProfile?.Arn, vpcId: i.VpcId,
    securityGroups: (i.SecurityGroups ?? []).map((g) => g.GroupId ?? "").filter(Boolean),
    volumes: (i.BlockDeviceMappings ?? []).map((b) => b.Ebs?.VolumeId ?? "").filter(Boolean),
    autoScalingGroup: tags.get("aws:autoscaling:groupName"), spotRequestId: i.SpotInstanceRequestId,
    userDataHits: [], suspect: false, reasons: [],
  };
}

async function sweepRegion(clients: AwsClients, region: string, intel: Intel, prices: PriceTable, opts: SweepOptions): Promise<SweptInstance[]> {
  const ec2 = clients.ec2(region);
  const instances: SweptInstance[] = [];
  const pages = paginateDescribeInstances({ client: ec2, pageSize: opts.pageSize ?? 1000 }, {
    Filters: [{ Name: "instance-state-name", Values: ["pending", "running", "stopping", "stopped"] }],
  });
  for await (const page of pages) {
    opts.signal?.throwIfAborted();
    for (const r of page.Reservations ?? []) for (const i of r.Instances ?? []) instances.push(toSwept(i, region));
  }
  const launches = launchesByInstance(clients, region, opts.trailDays, opts.now, opts.signal);
  await mapLimit(opts.userData === false ? [] : instances, opts.userDataConcurrency ?? 8, async (inst) => {
    const attr = await ec2.send(new DescribeInstanceAttributeCommand({ InstanceId: inst.id, Attribute: "userData" }), { abortSignal: opts.signal });
    const text = decodeUserData(attr.UserData?.Value);
    if (text) inst.userDataHits = scanUserData(text, intel);
  }, opts.signal);
  const byInstance = await launches;
  for (const inst of instances) {
    inst.launchedBy = byInstance.get(inst.id);
    inst.usdPerHour = prices.instanceUsdPerHour("aws", inst.type, region);
  }
  return instances;
}

export interface JudgeSignals {
  /** Access keys created within the recent window (an intruder's new key). */
  recentKeyIds?: ReadonlySet<string>;
  /** "gpu" or "compute" for the families miners favour (intel.classifyInstanceType). */
  classify?: (type: string) => "gpu" | "compute" | undefined;
}

/**
 * Suspects: miner strings in user data, or a GPU or large instance launched with an access key created
 * recently; then everything the same (non-service) principal launched.
 */
export function judge(instances: SweptInstance[], signals: JudgeSignals = {}): SweptInstance[] {
  const bad = new Set<string>();
  for (const i of instances) {
    const key = i.launchedBy?.accessKeyId;
    const family = signals.classify?.(i.type);
    const newKey = key !== undefined && family !== undefined && signals.recentKeyIds?.has(key);
    if (!i.userDataHits.length && !newKey) continue;
    i.suspect = true;
    if (i.userDataHits.length) i.reasons.push(`user data: ${i.userDataHits.join(", ")}`);
    if (newKey) i.reasons.push(`${family} instance launched with access key ${key}, created recently`);
    if (i.launchedBy && !i.launchedBy.invokedBy) bad.add(principalName(i.launchedBy));
  }
  for (const i of instances) {
    if (!i.launchedBy || i.launchedBy.invokedBy) continue;
    const who = principalName(i.launchedBy);
    if (!bad.has(who) || i.reasons.some((r) => r.startsWith("launched by"))) continue;
    i.reasons.push(`launched by ${who}${i.launchedBy.accessKeyId ? ` (${i.launchedBy.accessKeyId})` : ""}, who launched miners`);
    i.suspect = true;
  }
  for (const i of instances) if (i.suspect && i.autoScalingGroup) i.reasons.push(`in Auto Scaling group ${i.autoScalingGroup}: it relaunches a terminated member`);
  return instances.filter((i) => i.suspect);
}

async function recentIam(clients: AwsClients, days: number, now: Date, signal?: AbortSignal) {
  const since = now.getTime() - days * 86_400_000;
  const iam = clients.iam();
  const recentUsers: SweepResult["recentUsers"] = [];
  const recentKeys: RecentKey[] = [];
  const users: string[] = [];
  for await (const page of paginateListUsers({ client: iam }, {})) {
    signal?.throwIfAborted();
    for (const u of page.Users ?? []) {
      if (!u.UserName) continue;
      users.push(u.UserName);
      if (u.CreateDate && u.CreateDate.getTime() >= since) recentUsers.push({ userName: u.UserName, created: u.CreateDate.toISOString() });
    }
  }
  await mapLimit(users, 4, async (UserName) => {
    for await (const page of paginateListAccessKeys({ client: iam }, { UserName })) {
      for (const k of page.AccessKeyMetadata ?? []) {
        if (k.CreateDate && k.CreateDate.getTime() >= since) {
          recentKeys.push({ userName: UserName, accessKeyId: k.AccessKeyId ?? "", status: k.Status ?? "", created: k.CreateDate.toISOString() });
        }
      }
    }
  }, signal);
  return { recentUsers, recentKeys };
}

export async function sweepAws(clients: AwsClients, intel: Intel, prices: PriceTable, opts: SweepOptions = {}): Promise<SweepResult> {
  const now = opts.now ?? new Date();
  const startedAt = new Date().toISOString();
  const regions = opts.regions?.length ? opts.regions : await listRegions(clients, opts.signal);
  const outcomes: RegionOutcome[] = [];
  const instances: SweptInstance[] = [];
  const iamWork = recentIam(clients, opts.recentDays ?? 7, now, opts.signal).then((v) => ({ ...v, iamError: undefined as string | undefined }),
    (err: unknown) => ({ recentUsers: [], recentKeys: [], iamError: awsErrorText(err) }));
  await mapLimit(regions, opts.regionConcurrency ?? 6, async (region) => {
    try {
      const found = await sweepRegion(clients, region, intel, prices, { ...opts, now });
      instances.push(...found);
      outcomes.push({ region, instances: found.length });
    } catch (err) {
      if (opts.signal?.aborted) throw err;
      outcomes.push({ region, instances: 0, error: awsErrorText(err) });
    }
  }, opts.signal);
  instances.sort((a, b) => a.region.localeCompare(b.region) || a.id.localeCompare(b.id));
  outcomes.sort((a, b) => a.region.localeCompare(b.region));
  const iam = await iamWork;
  const suspects = judge(instances, { recentKeyIds: new Set(iam.recentKeys.map((k) => k.accessKeyId)), classify: (t) => intel.classifyInstanceType(t) });
  const principals = new Map<string, { name: string; accessKeyIds: string[]; instances: number }>();
  for (const i of suspects) {
    if (!i.launchedBy || i.launchedBy.invokedBy) continue;
    const name = principalName(i.launchedBy);
    const p = principals.get(name) ?? { name, accessKeyIds: [], instances: 0 };
    p.instances += 1;
    if (i.launchedBy.accessKeyId && !p.accessKeyIds.includes(i.launchedBy.accessKeyId)) p.accessKeyIds.push(i.launchedBy.accessKeyId);
    principals.set(name, p);
  }
  const running = suspects.filter((i) => RUNNING_STATES.has(i.state));
  let account: string | undefined;
  try { account = await clients.accountId(); } catch { account = undefined; }
  return {
    account, startedAt, finishedAt: new Date().toISOString(), regions: outcomes,
    failures: outcomes.filter((o) => o.error).map((o) => ({ region: o.region, error: o.error! })),
    instances, suspects, principals: [...principals.values()], ...iam,
    usdPerHour: Math.round(running.reduce((sum, i) => sum + (i.usdPerHour ?? 0), 0) * 10_000) / 10_000,
    unpricedSuspects: running.filter((i) => i.usdPerHour === undefined).length,
  };
}
