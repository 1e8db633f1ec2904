/**
 * A WindowsRecord (from EVTX or Winlogbeat JSON) → one flat ECS Event (docs/events.md, "Windows").
 *
 * Always: @timestamp (TimeCreated), host.name (Computer), host.os.type "windows", event.code (the event
 * id), event.provider, winlog.channel / provider_name / event_id / record_id / computer_name /
 * user.identifier / process.pid, and every EventData value as winlog.event_data.<Name> (what Sigma's
 * Windows rules read). Events listed in data/sources/windows-events.yaml also get their ECS fields, dataset, categories
 * and action; others keep their channel's dataset (windows.sysmon, windows.security, windows.system)
 * or "windows.eventlog", with no category.
 */
import type { Event } from "../../model/index.js";
import { toIsoUtc } from "../metrics/time.js";
import { eventTable, type EventRule, type EventTable } from "./event-table.js";
import type { WindowsRecord } from "./record.js";
import { TRANSFORMS } from "./transforms.js";

export const OTHER_DATASET = "windows.eventlog";

export interface RecordOrigin {
  path: string;
  format: string;
  /** Byte offset of the record (EVTX). */
  offset?: number;
  /** Line of the record (NDJSON). */
  line?: number;
}

/** EventData names longer than this are not kept as fields (Windows' own are short). */
const MAX_NAME = 128;

/** The table rule for a record: by provider, then by channel. */
export function ruleFor(rec: WindowsRecord, table: EventTable = eventTable()): { dataset: string; rule?: EventRule } {
  const channel = table.byProvider.get(rec.provider.toLowerCase()) ?? table.byChannel.get(rec.channel.toLowerCase());
  if (!channel) return { dataset: OTHER_DATASET };
  const rule = channel.events.get(rec.eventId);
  return rule ? { dataset: rule.dataset, rule } : { dataset: channel.dataset };
}

/** Field names of EventData values, built once per name (a log repeats the same few dozen names). */
const dataKeys = new Map<string, string>();
const MAX_CACHED_KEYS = 4096;
function dataKey(name: string): string {
  let key = dataKeys.get(name);
  if (key === undefined) {
    key = `winlog.event_data.${name}`;
    if (dataKeys.size < MAX_CACHED_KEYS) dataKeys.set(name, key);
  }
  return key;
}

/** The EVTX reader writes TimeCreated as ISO with 7 fractional digits: cut to milliseconds without re-parsing. */
const WINDOWS_ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{7}Z$/;
function timestamp(text: string): string | undefined {
  return WINDOWS_ISO.test(text) ? `${text.slice(0, 23)}Z` : toIsoUtc(text);
}

/** Sysmon and Windows write "-" for a value they do not have. */
function isMissing(text: string): boolean {
  return text === "" || text === "-";
}

export function recordToEvent(rec: WindowsRecord, origin: RecordOrigin, table: EventTable = eventTable()): Event {
  const { dataset, rule } = ruleFor(rec, table);
  const event: Event = {
    "event.dataset": dataset,
    "event.category": rule?.category ?? [],
    "event.kind": "event",
    "event.code": String(rec.eventId),
    "event.provider": rec.provider,
    "log.file.path": origin.path,
    "minerhunt.format": origin.format,
    "host.os.type": "windows",
    "host.os.family": "windows",
    "winlog.event_id": rec.eventId,
    "winlog.channel": rec.channel,
    "winlog.provider_name": rec.provider,
  };
  if (origin.offset !== undefined) event["minerhunt.offset"] = origin.offset;
  if (origin.line !== undefined) event["minerhunt.line"] = origin.line;
  if (rule) {
    event["event.action"] = rule.action;
    if (rule.type.length > 0) event["event.type"] = rule.type;
  }
  const time = rec.time !== undefined ? timestamp(rec.time) : undefined;
  if (time !== undefined) event["@timestamp"] = time;
  if (rec.computer) { event["host.name"] = rec.computer; event["winlog.computer_name"] = rec.computer; }
  if (rec.recordId !== undefined) event["winlog.record_id"] = rec.recordId;
  if (rec.userSid) event["winlog.user.identifier"] = rec.userSid;
  if (rec.processId !== undefined) event["winlog.process.pid"] = rec.processId;
  if (rec.threadId !== undefined) event["winlog.process.thread.id"] = rec.threadId;
  if (rec.level !== undefined) event["winlog.level"] = rec.level;
  if (rec.task !== undefined) event["winlog.task"] = rec.task;
  if (rec.opcode !== undefined) event["winlog.opcode"] = rec.opcode;
  if (rec.keywords !== undefined) event["winlog.keywords"] = rec.keywords;
  if (rec.version !== undefined) event["winlog.version"] = rec.version;

  for (const [name, value] of rec.data) {
    if (name.length > MAX_NAME) continue;
    event[dataKey(name)] = value;
    const spec = rule?.fields.get(name);
    if (!spec) continue;
    const text = typeof value === "string" ? value : value.join(",");
    if (isMissing(text) && spec.transform !== "dns_status") continue;
    const transform = spec.transform !== undefined ? TRANSFORMS[spec.transform] : undefined;
    if (transform) transform(event, spec.target, text);
    else event[spec.target] = value;
  }
  return event;
}
