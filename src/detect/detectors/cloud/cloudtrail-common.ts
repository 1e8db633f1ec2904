import type { Entities, Event, Evidence } from "../../../model/index.js";
import { num, provenance, str } from "../../../model/index.js";
import { clip, entitiesOf } from "../common.js";

/**
 * Shared pieces of the CloudTrail detectors: who acted (the principal), when, whether the call
 * succeeded, a bounded per-principal buffer (CloudTrail files arrive unordered, one per region and
 * five-minute slice, so every detector buffers and decides at finish()), and a burst finder.
 */

/** Who made a call. Keyed by access key first: a stolen key and its owner's own keys share an ARN. */
export interface Principal {
  key: string;
  accessKey?: string;
  arn?: string;
  user?: string;
}

export function principalOf(event: Event): Principal | undefined {
  const accessKey = nonEmpty(str(event, "aws.cloudtrail.user_identity.access_key_id"));
  const arn = nonEmpty(str(event, "aws.cloudtrail.user_identity.arn"));
  const user = nonEmpty(str(event, "user.name"));
  const key = accessKey ?? arn ?? user;
  if (key === undefined) return undefined;
  const p: Principal = { key };
  if (accessKey) p.accessKey = accessKey;
  if (arn) p.arn = arn;
  if (user) p.user = user;
  return p;
}

function nonEmpty(v: string | undefined): string | undefined {
  return v === undefined || v === "" || v === "-" ? undefined : v;
}

/** How a person would name the principal in a title: the ARN says the most, the key the least. */
export function principalLabel(p: Principal): string {
  return p.arn ?? p.user ?? p.accessKey ?? p.key;
}

/**
 * Calls an AWS service makes on someone's behalf (autoscaling, spot fleet) carry identity type
 * "AWSService"; the request that caused them is logged under the real principal.
 */
export function isServiceCall(event: Event): boolean {
  return str(event, "aws.cloudtrail.user_identity.type") === "AWSService";
}

export function timeMs(event: Event): number | undefined {
  const t = str(event, "@timestamp");
  if (t === undefined) return undefined;
  const ms = Date.parse(t);
  return Number.isFinite(ms) ? ms : undefined;
}

export function succeeded(event: Event): boolean {
  if (str(event, "aws.cloudtrail.error_code")) return false;
  return str(event, "event.outcome") !== "failure";
}

/** "Client.VcpuLimitExceeded" and "VcpuLimitExceeded" are the same error; so are Server.* forms. */
export function normalisedErrorCode(event: Event): string | undefined {
  const code = str(event, "aws.cloudtrail.error_code");
  if (!code) return undefined;
  for (const prefix of ["Client.", "Server."]) if (code.startsWith(prefix)) return code.slice(prefix.length);
  return code;
}

/** Instances a RunInstances call launched: the source's count, else the ids it returned, else one. */
export function instanceCount(event: Event): number {
  const n = num(event, "minerhunt.aws.instance_count");
  if (n !== undefined && n >= 0) return Math.floor(n);
  const ids = event["cloud.instance.id"];
  if (Array.isArray(ids)) return ids.length;
  return 1;
}

/** What every buffered CloudTrail record keeps: a few fields, not the whole event. */
export interface TrailRecord {
  timeMs: number;
  /** The @timestamp text, reported as firstSeen/lastSeen unchanged. */
  time: string;
  region: string;
  evidence: Evidence;
  entities: Entities;
}

export function trailRecord(event: Event, ms: number, summary: string): TrailRecord {
  return {
    timeMs: ms,
    time: str(event, "@timestamp") ?? new Date(ms).toISOString(),
    region: str(event, "cloud.region") ?? "",
    evidence: provenance(event, clip(summary, 240)),
    entities: entitiesOf(event),
  };
}

/** Caps per detector run. Beyond them records are dropped (see BoundedGroups). */
export const MAX_PRINCIPALS = 10_000;
export const MAX_RECORDS_PER_PRINCIPAL = 5_000;
/** Only the calls a detector cares about are kept, so this is far above real use; it bounds memory (~100 MB). */
export const MAX_RECORDS_TOTAL = 100_000;

/**
 * Records grouped by a key, with the number of groups, the records per group and all records
 * capped. When the group cap is reached, records of keys not yet seen are dropped; when a group is
 * full, its later records are dropped; when the total is reached, every later record is dropped.
 * `dropped` counts them. Memory stays bounded whatever the input holds, and an attacker flooding
 * one principal cannot crowd out the others before the total cap.
 */
export class BoundedGroups<T> {
  readonly groups = new Map<string, { principal: Principal; items: T[] }>();
  dropped = 0;
  private total = 0;

  constructor(
    private readonly maxGroups = MAX_PRINCIPALS,
    private readonly maxPerGroup = MAX_RECORDS_PER_PRINCIPAL,
    private readonly maxTotal = MAX_RECORDS_TOTAL,
  ) {}

  add(principal: Principal, item: T): void {
    if (this.total >= this.maxTotal) { this.dropped++; return; }
    let group = this.groups.get(principal.key);
    if (!group) {
      if (this.groups.size >= this.maxGroups) { this.dropped++; return; }
      group = { principal: { ...principal }, items: [] };
      this.groups.set(principal.key, group);
    } else {
      // Later records may know more about the principal (an ARN where the first had only a key).
      group.principal.arn ??= principal.arn;
      group.principal.user ??= principal.user;
      group.principal.accessKey ??= principal.accessKey;
    }
    if (group.items.length >= this.maxPerGroup) { this.dropped++; return; }
    group.items.push(item);
    this.total++;
  }

  /**
   * On a stream: hand each principal's records that no later record can join to `visit` (time-sorted), and
   * forget them, so the caps bound what is held at once, not what a long-running stream may see. Which
   * records are closed: `closedBefore`.
   */
  takeClosed(this: BoundedGroups<T & { timeMs: number }>, windowMs: number, watermarkMs: number, visit: (principal: Principal, items: T[]) => void): void {
    for (const [key, group] of this.groups) {
      group.items.sort(byTime);
      const n = closedBefore(group.items, windowMs, watermarkMs);
      if (n === 0) continue;
      const closed = group.items.slice(0, n);
      group.items = group.items.slice(n);
      this.total -= n;
      if (group.items.length === 0) this.groups.delete(key);
      visit(group.principal, closed);
    }
  }

  /** Forget a principal's records (a stream's window closed without them being needed). */
  forget(key: string): void {
    const group = this.groups.get(key);
    if (!group) return;
    this.total -= group.items.length;
    this.groups.delete(key);
  }
}

/**
 * How many of time-sorted records no later record can join: those up to the last gap longer than `windowMs`
 * that ended more than `windowMs` before the watermark (all of them when the newest did). Records arriving
 * from now on are at the watermark or later, and a burst (findBursts) or a pairing within `windowMs` never
 * spans such a gap, so judging these now gives what judging everything at the end of input would.
 */
export function closedBefore(sorted: readonly { timeMs: number }[], windowMs: number, watermarkMs: number): number {
  let cut = 0;
  for (let i = 0; i < sorted.length; i++) {
    const t = sorted[i]!.timeMs;
    if (t + windowMs >= watermarkMs) break;
    const next = sorted[i + 1];
    if (next === undefined || next.timeMs - t > windowMs) cut = i + 1;
  }
  return cut;
}

/**
 * The two ends of a detector that reports bursts per principal: on a stream (`flush`) the records no later
 * record can join, at the end of input (`finish`) the rest; either way each principal's records are sorted by
 * time and every burst `findBursts` finds goes to `report`.
 */
export function burstEnds<T extends { timeMs: number }>(
  groups: BoundedGroups<T>,
  windowMs: number,
  qualifies: (window: readonly T[]) => boolean,
  report: (principal: Principal, burst: T[]) => void,
): { flush(watermarkMs: number): void; finish(): void } {
  const judge = (principal: Principal, items: T[]): void => {
    items.sort(byTime);
    for (const burst of findBursts(items, windowMs, qualifies)) report(principal, burst);
  };
  return {
    flush: (watermarkMs) => groups.takeClosed(windowMs, watermarkMs, judge),
    finish: () => { for (const { principal, items } of groups.groups.values()) judge(principal, items); },
  };
}

/**
 * Bursts in time-sorted records: a window of `windowMs` from some record that `qualifies`, then
 * every following record no further than `windowMs` from the previous one (a campaign that goes on
 * is one burst, not one per hour). Records outside any qualifying window are not returned.
 */
export function findBursts<T extends { timeMs: number }>(
  sorted: readonly T[],
  windowMs: number,
  qualifies: (window: readonly T[]) => boolean,
): T[][] {
  const bursts: T[][] = [];
  let i = 0;
  while (i < sorted.length) {
    const start = sorted[i]!.timeMs;
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1]!.timeMs - start <= windowMs) j++;
    const window = sorted.slice(i, j + 1);
    if (!qualifies(window)) { i++; continue; }
    let k = j + 1;
    while (k < sorted.length && sorted[k]!.timeMs - sorted[k - 1]!.timeMs <= windowMs) window.push(sorted[k++]!);
    bursts.push(window);
    i = k;
  }
  return bursts;
}

export function byTime<T extends { timeMs: number }>(a: T, b: T): number {
  return a.timeMs - b.timeMs;
}

/** Distinct non-empty values in first-seen order. */
export function distinct(values: Iterable<string | undefined>): string[] {
  const out: string[] = [];
  const seen = new Set<string>();
  for (const v of values) {
    if (v === undefined || v === "" || seen.has(v)) continue;
    seen.add(v);
    out.push(v);
  }
  return out;
}
