/**
 * Windows events shipped as JSON by Winlogbeat or Elastic Agent (the Windows integration), one document
 * per line, as written to a file output or exported from Elasticsearch (`_source` of each hit, or NDJSON
 * from Discover / elasticdump). The record's `winlog.*` part (channel, provider_name, event_id,
 * computer_name, record_id, user.identifier, process.pid, event_data) is read into the same WindowsRecord
 * the EVTX reader makes, so both give the same ECS events (map.ts).
 *
 * Sniffed above the generic ECS NDJSON source (0.9 against its 0.6/0.85): a record with `winlog.channel`
 * and `winlog.event_id` is a Windows event, whatever else it carries.
 *
 * The same documents packaged as ONE JSON document (an array, an Elasticsearch search response) are read
 * by ecs.json (host/ecs-json-doc.ts), which hands each Windows event to winlogbeatEvent below: one
 * conversion, whichever way the export was packaged.
 */
import type { Event } from "../../model/index.js";
import { flattenEcs } from "../host/flatten-ecs.js";
import { isJsonObject } from "../metrics/json-locate.js";
import type { DatasetDeclaration, Input, ParseContext, Sample, Source } from "../types.js";
import { sampleJsonLineAsIs } from "../sniff.js";
import { WINDOWS_EMITS } from "./emits.js";
import type { RecordOrigin } from "./map.js";
import { MAX_DATA_FIELDS, type DataValue, type WindowsRecord } from "./record.js";

export const WINLOGBEAT_ID = "windows.winlogbeat";
const EVENT_DATA = "winlog.event_data.";
const USER_DATA = "winlog.user_data.";

/** The document of a line: the object itself, or the `_source` of a search hit. */
function documentOf(parsed: unknown): Record<string, unknown> | undefined {
  if (!isJsonObject(parsed)) return undefined;
  if (isJsonObject(parsed._source) && typeof parsed._index === "string") return parsed._source;
  return parsed;
}

function text(v: unknown): string | undefined {
  if (typeof v === "string") return v;
  if (typeof v === "number") return String(v);
  return undefined;
}

function int(v: unknown): number | undefined {
  const t = text(v);
  if (t === undefined || t.trim() === "") return undefined;
  const n = Number(t);
  return Number.isSafeInteger(n) ? n : undefined;
}

/** A flattened Winlogbeat document as a WindowsRecord, or a reason it is not one. */
export function recordFromWinlogbeat(flat: Record<string, unknown>): WindowsRecord | string {
  const eventId = int(flat["winlog.event_id"] ?? flat["event.code"]);
  if (eventId === undefined) return "no winlog.event_id";
  const rec: WindowsRecord = {
    provider: text(flat["winlog.provider_name"] ?? flat["event.provider"]) ?? "",
    eventId,
    channel: text(flat["winlog.channel"]) ?? "",
    computer: text(flat["winlog.computer_name"] ?? flat["host.name"]) ?? "",
    data: new Map<string, DataValue>(),
  };
  const time = text(flat["@timestamp"]);
  if (time !== undefined) rec.time = time;
  const optional: [keyof WindowsRecord, unknown][] = [
    ["recordId", flat["winlog.record_id"]], ["processId", flat["winlog.process.pid"]], ["threadId", flat["winlog.process.thread.id"]],
    ["version", flat["winlog.version"]],
  ];
  for (const [key, v] of optional) {
    const n = int(v);
    if (n !== undefined) (rec as unknown as Record<string, number>)[key] = n;
  }
  const sid = text(flat["winlog.user.identifier"]);
  if (sid) rec.userSid = sid;
  let prefix = EVENT_DATA;
  if (!Object.keys(flat).some((k) => k.startsWith(EVENT_DATA))) prefix = USER_DATA;
  for (const [k, v] of Object.entries(flat)) {
    if (!k.startsWith(prefix) || rec.data.size >= MAX_DATA_FIELDS) continue;
    const value = Array.isArray(v) ? v.map(String) : text(v) ?? (typeof v === "boolean" ? String(v) : undefined);
    if (value !== undefined) rec.data.set(k.slice(prefix.length), value);
  }
  return rec;
}

/** Whether a flattened document is a Windows event: what sniffing (here and in ecs.json) goes by. */
export function isWinlog(flat: Record<string, unknown>): boolean {
  return typeof flat["winlog.channel"] === "string" && flat["winlog.event_id"] !== undefined;
}

/** map.ts's recordToEvent, handed in by a caller that loaded it with loadRecordToEvent. */
export type RecordToEvent = (rec: WindowsRecord, origin: RecordOrigin) => Event;

/**
 * Loads the Windows mapping with the first Windows input, not with this module: map.ts brings the
 * mapping table's YAML parser and zod, which are not a cost of every scan (nor of every ECS export).
 */
export async function loadRecordToEvent(): Promise<RecordToEvent> {
  const { recordToEvent } = await import("./map.js");
  return recordToEvent;
}

/** What winlogbeatEvent returns, with `onlyWindowsEvents`, for a document that is no Windows event. */
export const NOT_A_WINDOWS_EVENT: unique symbol = Symbol("not a Windows event");

export interface WinlogbeatOrigin {
  path: string;
  /** Line the document starts on. */
  line: number;
  /** Id of the source that read it (`minerhunt.format`). */
  format: string;
}

export interface WinlogbeatEventOptions {
  /**
   * Read only documents that are Windows events (isWinlog); for any other, return NOT_A_WINDOWS_EVENT
   * and report nothing, so the caller can read it its own way (ecs.json: as generic ECS).
   */
  onlyWindowsEvents?: boolean;
}

/**
 * One Winlogbeat document (a hit already unwrapped to its `_source`) as its Windows event: flattened,
 * read into a WindowsRecord, mapped by map.ts, with the agent's `host.ip` kept. Undefined after an issue
 * at the document's line. Shared by this source (one document per line) and ecs.json (one JSON
 * document), so both packagings of an export give the same events.
 */
export function winlogbeatEvent(doc: Record<string, unknown>, origin: WinlogbeatOrigin, ctx: ParseContext, toEvent: RecordToEvent,
  options: WinlogbeatEventOptions = {}): Event | undefined | typeof NOT_A_WINDOWS_EVENT {
  let cut: string | undefined;
  const flat = flattenEcs(doc, { onTruncate: (what) => { cut = what; } });
  if (options.onlyWindowsEvents && !isWinlog(flat)) return NOT_A_WINDOWS_EVENT;
  if (cut !== undefined) ctx.issue(origin.line, `record cut to fit limits (${cut}); the rest of it was read`);
  const rec = recordFromWinlogbeat(flat);
  if (typeof rec === "string") {
    ctx.issue(origin.line, `${rec}; expected a Winlogbeat Windows event (winlog.channel, winlog.event_id)`);
    return undefined;
  }
  const event = toEvent(rec, origin);
  const ip = flat["host.ip"];
  if (ip !== undefined && (typeof ip === "string" || Array.isArray(ip))) event["host.ip"] = ip as string | string[];
  return event;
}

export const winlogbeatSource: Source = {
  id: WINLOGBEAT_ID,
  title: "Windows events as Winlogbeat / Elastic Agent JSON (winlog.event_data.*): Sysmon, Security, System",
  emits: WINDOWS_EMITS as readonly DatasetDeclaration[],

  sniff(sample: Sample): number {
    for (let i = 0; i < Math.min(3, sample.lines.length); i++) {
      if (!sample.lines[i]!.includes("winlog")) continue;
      // Parsed once for all the JSON-lines sniffers; a cut line is passed over.
      const record = sampleJsonLineAsIs(sample, i);
      if (typeof record === "string") continue;
      const doc = documentOf(record);
      if (doc && isWinlog(flattenEcs(doc))) return 0.9;
    }
    return 0;
  },

  async *parse(input: Input, ctx: ParseContext): AsyncIterable<Event> {
    const toEvent = await loadRecordToEvent();
    for await (const l of input.lines()) {
      const t = l.text.trim();
      if (t === "") continue;
      let parsed: unknown;
      try {
        parsed = JSON.parse(t);
      } catch (err) {
        ctx.issue(l.line, `not valid JSON (${(err as Error).message.slice(0, 120)}); expected one Winlogbeat JSON document per line`);
        continue;
      }
      const doc = documentOf(parsed);
      if (!doc) { ctx.issue(l.line, "expected a JSON object (one Winlogbeat document per line)"); continue; }
      // Every line is read as a Windows event (one without winlog.channel but with event.code still maps).
      const event = winlogbeatEvent(doc, { path: input.path, line: l.line, format: WINLOGBEAT_ID }, ctx, toEvent);
      if (event !== undefined && event !== NOT_A_WINDOWS_EVENT) yield event;
    }
  },
};
