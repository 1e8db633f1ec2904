/**
 * Who did what, from CloudTrail LookupEvents (management events, 90 days, per region). LookupEvents allows
 * about 2 calls a second per region, so the sweep asks once per region for RunInstances events and reads the
 * instance ids out of each record, instead of asking per instance.
 */
import { LookupEventsCommand, type LookupAttribute } from "@aws-sdk/client-cloudtrail";
import type { AwsClients } from "./types.js";

export interface Principal {
  /** The ARN of the caller (user, assumed role), or the service that acted for it. */
  arn?: string;
  userName?: string;
  accessKeyId?: string;
  /** Set when an AWS service acted (autoscaling.amazonaws.com, spot.amazonaws.com). */
  invokedBy?: string;
  sourceIp?: string;
  userAgent?: string;
}

export interface LaunchInfo extends Principal {
  eventTime: string;
  eventName: string;
}

export interface TrailEvent {
  eventName: string;
  eventSource: string;
  eventTime: string;
  region: string;
  resources: { type?: string; name?: string }[];
  principal: Principal;
  record: Record<string, unknown>;
}

const MAX_DAYS = 90;
const s = (v: unknown): string | undefined => (typeof v === "string" && v.length <= 2048 ? v : undefined);

function parseRecord(text: string | undefined): Record<string, unknown> {
  if (!text || text.length > 1 << 20) return {};
  try {
    return obj(JSON.parse(text));
  } catch {
    return {};
  }
}

/** A field of a parsed record that should be an object; anything else (null, a string, an array) reads as empty. */
function obj(v: unknown): Record<string, unknown> {
  return v !== null && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
}

/** The instance ids a RunInstances record's response lists (the record is the caller's to shape: checked). */
function instanceIdsOf(record: Record<string, unknown>): string[] {
  const items = obj(obj(record.responseElements).instancesSet).items;
  if (!Array.isArray(items)) return [];
  return items.slice(0, 10_000).map((i) => s(obj(i).instanceId)).filter((x): x is string => !!x);
}

export function principalOf(record: Record<string, unknown>, fallback: { username?: string; accessKeyId?: string } = {}): Principal {
  const id = obj(record.userIdentity);
  return {
    arn: s(id.arn), userName: s(id.userName) ?? fallback.username, accessKeyId: s(id.accessKeyId) ?? fallback.accessKeyId,
    invokedBy: s(id.invokedBy), sourceIp: s(record.sourceIPAddress), userAgent: s(record.userAgent),
  };
}

/** Every event matching one lookup attribute in a region, newest first, over the last `days` days. */
export async function lookupEvents(clients: AwsClients, region: string, attribute: LookupAttribute, days = MAX_DAYS, now = new Date(), signal?: AbortSignal): Promise<TrailEvent[]> {
  const out: TrailEvent[] = [];
  const client = clients.cloudTrail(region);
  const StartTime = new Date(now.getTime() - Math.min(days, MAX_DAYS) * 86_400_000);
  let NextToken: string | undefined;
  do {
    const page = await client.send(new LookupEventsCommand({ LookupAttributes: [attribute], StartTime, EndTime: now, MaxResults: 50, NextToken }), { abortSignal: signal });
    for (const e of page.Events ?? []) {
      const record = parseRecord(e.CloudTrailEvent);
      out.push({
        eventName: e.EventName ?? "", eventSource: e.EventSource ?? "", eventTime: (e.EventTime ?? now).toISOString(), region,
        resources: (e.Resources ?? []).map((r) => ({ type: r.ResourceType, name: r.ResourceName })),
        principal: principalOf(record, { username: e.Username, accessKeyId: e.AccessKeyId }), record,
      });
    }
    NextToken = page.NextToken;
  } while (NextToken);
  return out;
}

/** Instance id → who launched it, from the region's RunInstances events. */
export async function launchesByInstance(clients: AwsClients, region: string, days?: number, now?: Date, signal?: AbortSignal): Promise<Map<string, LaunchInfo>> {
  const map = new Map<string, LaunchInfo>();
  for (const e of await lookupEvents(clients, region, { AttributeKey: "EventName", AttributeValue: "RunInstances" }, days, now, signal)) {
    const ids = instanceIdsOf(e.record);
    for (const r of e.resources) if (r.type === "AWS::EC2::Instance" && r.name && !ids.includes(r.name)) ids.push(r.name);
    for (const id of ids) if (!map.has(id)) map.set(id, { ...e.principal, eventTime: e.eventTime, eventName: e.eventName });
  }
  return map;
}

/** A principal as one word for display and grouping: the user name, else the ARN, else the service. */
export function principalName(p: Principal): string {
  return p.userName ?? p.arn ?? p.invokedBy ?? "unknown";
}
