/**
 * What every AWS action shares: finding the incident's instances (by id, in its regions or every enabled
 * one), protected-target checks, refused steps, and the parameters a sweep result seeds.
 */
import { DescribeInstanceAttributeCommand, DescribeInstancesCommand, type Instance } from "@aws-sdk/client-ec2";
import { z } from "zod";
import { globMatch } from "../../../detect/detectors/host/glob.js";
import type { Bilingual, Entities, Target } from "../../../model/index.js";
import { awsErrorText } from "../../connectors/aws/clients.js";
import { mapLimit } from "../../connectors/aws/limit.js";
import { listRegions, type SweepResult } from "../../connectors/aws/sweep.js";
import type { AwsClients } from "../../connectors/aws/types.js";
import type { PlanInput, PlannedStep, ResponseContext } from "../../types.js";

/** Targets a sweep (or a person) names directly; otherwise the incident's entities are used. */
export const AwsTargetParams = z.object({
  instances: z.array(z.object({ id: z.string().regex(/^i-[0-9a-f]{8,17}$/), region: z.string() })).optional(),
  accessKeys: z.array(z.string().regex(/^A[A-Z0-9]{15,127}$/)).optional(),
  users: z.array(z.string()).optional(),
  regions: z.array(z.string()).optional(),
});
export type AwsTargetParams = z.infer<typeof AwsTargetParams>;

export interface InstanceFacts {
  id: string;
  region: string;
  type: string;
  state: string;
  vpcId?: string;
  groups: string[];
  volumes: string[];
  autoScalingGroup?: string;
  spotRequestId?: string;
  tags: Record<string, string>;
}

export interface Resolved {
  instances: InstanceFacts[];
  /** Ids asked for but found in no reachable region. */
  missing: string[];
  unreachable: { region: string; error: string }[];
}

export const bi = (en: string, th: string): Bilingual => ({ en, th });

export function awsOf(ctx: ResponseContext): AwsClients | undefined {
  return ctx.clients.aws;
}

export function needAws(ctx: ResponseContext): AwsClients {
  const aws = ctx.clients.aws;
  if (!aws) throw new Error("aws: no AWS clients in this context");
  return aws;
}

/** A protected id: exact, or a glob with "*" (as in the allowlist). */
export function isProtected(ctx: ResponseContext, ...ids: (string | undefined)[]): string | undefined {
  for (const pattern of ctx.protect.ids) {
    for (const id of ids) if (id !== undefined && globMatch(pattern, id)) return id;
  }
  return undefined;
}

export function protectedReason(id: string): Bilingual {
  return bi(`${id} is protected (allowlist): minerhunt will not act on it`, `${id} ได้รับการป้องกัน (allowlist): minerhunt จะไม่ดำเนินการกับมัน`);
}

/** A step that will not run, kept in the plan so the person sees what was left and why. */
export function refusedStep(key: string, target: Target, call: string, reason: Bilingual, why: Bilingual, params: Record<string, unknown> = {}): PlannedStep {
  return { key, target, before: {}, after: {}, call, risk: "read", undoable: false, params, requires: [], refused: { reason }, why };
}

export function noClientStep(action: string): PlannedStep {
  return refusedStep(`${action}:no-client`, { kind: "account", id: "aws", provider: "aws" }, "-",
    bi("no AWS clients configured (credentials or --endpoint)", "ไม่ได้ตั้งค่า AWS clients (credentials หรือ --endpoint)"),
    bi(`${action} needs AWS access`, `${action} ต้องเข้าถึง AWS`));
}

function facts(i: Instance, region: string): InstanceFacts {
  const tags = Object.fromEntries((i.Tags ?? []).map((t) => [t.Key ?? "", t.Value ?? ""]));
  return {
    id: i.InstanceId ?? "", region, type: i.InstanceType ?? "", state: i.State?.Name ?? "unknown", vpcId: i.VpcId,
    groups: (i.SecurityGroups ?? []).map((g) => g.GroupId ?? "").filter(Boolean),
    volumes: (i.BlockDeviceMappings ?? []).map((b) => b.Ebs?.VolumeId ?? "").filter(Boolean),
    autoScalingGroup: tags["aws:autoscaling:groupName"], spotRequestId: i.SpotInstanceRequestId, tags,
  };
}

/** One instance as it is now (undefined when gone). */
export async function describeInstance(aws: AwsClients, region: string, id: string): Promise<InstanceFacts | undefined> {
  try {
    const r = await aws.ec2(region).send(new DescribeInstancesCommand({ InstanceIds: [id] }));
    const i = r.Reservations?.[0]?.Instances?.[0];
    return i ? facts(i, region) : undefined;
  } catch (err) {
    if ((err as { name?: string }).name === "InvalidInstanceID.NotFound") return undefined;
    throw err;
  }
}

export async function terminationProtected(aws: AwsClients, region: string, id: string): Promise<boolean> {
  const r = await aws.ec2(region).send(new DescribeInstanceAttributeCommand({ InstanceId: id, Attribute: "disableApiTermination" }));
  return r.DisableApiTermination?.Value === true;
}

/** The instance ids and regions a plan is about: the params' (from a sweep), else the incident's entities. */
function wanted(input: PlanInput<AwsTargetParams>): { ids: Map<string, string | undefined>; regions?: string[] } {
  const ids = new Map<string, string | undefined>();
  for (const i of input.params.instances ?? []) ids.set(i.id, i.region);
  if (!ids.size) for (const id of input.incident.entities.instances ?? []) if (/^i-[0-9a-f]{8,17}$/.test(id)) ids.set(id, undefined);
  const regions = input.params.regions ?? input.incident.entities.regions;
  return { ids, regions: regions?.length ? regions : undefined };
}

/**
 * A read shared by the actions planned together (one DescribeInstances per region, not one per action), kept
 * for a short while only: a long-lived context (the server's) must see the world as it is at the next plan.
 */
export const PLAN_READ_TTL_MS = 30_000;
const cache = new WeakMap<ResponseContext, Map<string, { at: number; value: Promise<unknown> }>>();

export function cachedRead<T>(ctx: ResponseContext, key: string, read: () => Promise<T>): Promise<T> {
  let byKey = cache.get(ctx);
  if (!byKey) cache.set(ctx, (byKey = new Map()));
  const now = Date.now();
  const hit = byKey.get(key);
  if (hit && now - hit.at < PLAN_READ_TTL_MS) return hit.value as Promise<T>;
  for (const [k, v] of byKey) if (now - v.at >= PLAN_READ_TTL_MS) byKey.delete(k);
  const value = read();
  byKey.set(key, { at: now, value });
  // A failed read is not kept: the next plan tries again.
  value.catch(() => byKey.delete(key));
  return value;
}

/** The incident's instances with their current state, read once for the actions planned together. */
export function resolveInstances(input: PlanInput<AwsTargetParams>, ctx: ResponseContext): Promise<Resolved> {
  const { ids, regions } = wanted(input);
  return cachedRead(ctx, JSON.stringify(["instances", input.incident.id, [...ids], regions]), () => readInstances(needAws(ctx), ids, regions));
}

async function readInstances(aws: AwsClients, ids: Map<string, string | undefined>, regions?: string[]): Promise<Resolved> {
  const out: Resolved = { instances: [], missing: [], unreachable: [] };
  if (!ids.size) return out;
  const known = [...ids.values()].filter((r): r is string => !!r);
  const where = [...new Set([...known, ...(regions ?? (known.length === ids.size ? [] : await listRegions(aws)))])];
  const idList = [...ids.keys()];
  await mapLimit(where, 6, async (region) => {
    const here = idList.filter((id) => ids.get(id) === undefined || ids.get(id) === region);
    if (!here.length) return;
    try {
      const r = await aws.ec2(region).send(new DescribeInstancesCommand({ Filters: [{ Name: "instance-id", Values: here }] }));
      for (const res of r.Reservations ?? []) for (const i of res.Instances ?? []) out.instances.push(facts(i, region));
    } catch (err) {
      out.unreachable.push({ region, error: awsErrorText(err) });
    }
  });
  const seen = new Set(out.instances.map((i) => i.id));
  out.missing = idList.filter((id) => !seen.has(id));
  out.instances.sort((a, b) => a.region.localeCompare(b.region) || a.id.localeCompare(b.id));
  return out;
}

export function instanceTarget(i: { id: string; region: string; type?: string }, account?: string): Target {
  return { kind: "instance", id: i.id, provider: "aws", region: i.region, account, label: `${i.id} (${i.type ?? "?"}, ${i.region})` };
}

/** Refused steps for instances the plan could not find or whose region could not be read. */
export function unresolvedSteps(action: string, r: Resolved): PlannedStep[] {
  const why = bi(`${action}: the incident names this instance`, `${action}: เหตุการณ์นี้ระบุ instance นี้`);
  const where = r.unreachable.map((u) => `${u.region} (${u.error})`).join("; ");
  return r.missing.map((id) => refusedStep(id, { kind: "instance", id, provider: "aws" }, "-",
    bi(`instance ${id} not found in any region that answered${where ? `; unreachable: ${where}` : ""}`,
      `ไม่พบ instance ${id} ใน region ที่ตอบ${where ? `; เข้าถึงไม่ได้: ${where}` : ""}`), why));
}

export function live(i: InstanceFacts): boolean {
  return i.state !== "terminated" && i.state !== "shutting-down";
}

/** What a sweep seeds: the suspects, their principals' keys and users, as action params and incident entities. */
export function sweepTargets(r: SweepResult): AwsTargetParams {
  const keys = new Set<string>();
  const users = new Set<string>();
  for (const p of r.principals) { for (const k of p.accessKeyIds) keys.add(k); users.add(p.name); }
  return {
    instances: r.suspects.map((s) => ({ id: s.id, region: s.region })),
    accessKeys: [...keys], users: [...users].filter((u) => !u.startsWith("arn:")),
    regions: [...new Set(r.suspects.map((s) => s.region))].sort(),
  };
}

export function sweepEntities(r: SweepResult): Entities {
  const t = sweepTargets(r);
  return {
    instances: t.instances!.map((i) => i.id), regions: t.regions, accessKeys: t.accessKeys, users: t.users,
    accounts: r.account ? [r.account] : undefined, providers: ["aws"],
  };
}
