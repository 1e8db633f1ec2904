/**
 * Suricata EVE saved as one JSON array (`[ {...}, {...} ]`, compact or pretty-printed) or as
 * pretty-printed objects one after another: what people get when they export alerts from a SIEM or
 * a web UI, or run `jq -s .` / `jq .` over eve.json, and paste into a ticket. Suricata itself never
 * writes these; eve.json is one record per line.
 *
 * The array is read as a document (bounded by the input's document limit) by the JSON scanner the
 * cloud sources use, so each element keeps the line it starts on and a broken element is reported
 * with its line while its neighbours are still read.
 */
import type { Event } from "../../../model/index.js";
import type { Input, ParseContext } from "../../types.js";
import { readJsonNodes, skipValue, skipWs, type JsonNode } from "../../cloud/json-doc.js";
import { IssueReporter, asObject, getString } from "../common.js";
import { READ_EVENT_TYPES, eveEvent } from "./records.js";

/** Whether an EVE record passes the prefilter (the same judgement the line reader applies). */
export type EveRecordFilter = (rec: Record<string, unknown>) => boolean;

export async function* parseEveArray(input: Input, ctx: ParseContext, keep: EveRecordFilter | undefined): AsyncGenerator<Event> {
  const issues = new IssueReporter(ctx);
  for await (const top of readJsonNodes(input, ctx)) {
    const elements = top.isArray ? top.elements() : [top];
    for (const el of elements) {
      const ev = elementEvent(el, input.path, issues, ctx, keep);
      if (ev) yield ev;
    }
  }
  issues.finish();
}

function elementEvent(el: JsonNode, path: string, issues: IssueReporter, ctx: ParseContext, keep: EveRecordFilter | undefined): Event | undefined {
  const label = el.path === "" ? "record" : el.path;
  let value: unknown;
  try {
    value = el.value();
  } catch (err) {
    issues.report(el.line, `${label}: ${(err as Error).message}; expected a Suricata EVE record`);
    return undefined;
  }
  const rec = asObject(value);
  const type = getString(rec, "event_type");
  if (!rec || type === undefined) {
    issues.report(el.line, `${label}: not a Suricata EVE record (a JSON object with event_type)`);
    return undefined;
  }
  if (!READ_EVENT_TYPES.has(type)) return undefined;
  if (keep && !keep(rec)) { ctx.skipped(); return undefined; }
  return eveEvent(rec, { path, line: el.line });
}

/**
 * The first record of a document at the start of a text (the first element of an array, or the
 * first object), parsed, or undefined. For sniffing: the sample may end inside a later record, so
 * only the first is looked at.
 */
export function firstDocumentRecord(text: string): Record<string, unknown> | undefined {
  let i = skipWs(text, text.charCodeAt(0) === 0xfeff ? 1 : 0);
  if (text.charCodeAt(i) === 0x5b) i = skipWs(text, i + 1);
  if (text.charCodeAt(i) !== 0x7b) return undefined;
  const end = skipValue(text, i);
  if (end === -1) return undefined;
  try {
    return asObject(JSON.parse(text.slice(i, end)));
  } catch {
    return undefined;
  }
}
