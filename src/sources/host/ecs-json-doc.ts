/**
 * ECS documents packaged as ONE JSON document, as analysts export them from Elastic:
 * - a JSON array of ECS documents (Kibana/Discover and script exports; Filebeat module test "expected"
 *   files, which are arrays of flattened documents), compact or pretty-printed;
 * - an Elasticsearch search response (`curl es:9200/idx/_search`): `{"took":..,"hits":{"hits":[hit, ..]}}`,
 *   an EQL response (`hits.events`, `hits.sequences[].events`) or a multi-search one (`responses[]`);
 * - an array of search hits (`[{"_index":..,"_id":..,"_source":{..}}, ..]`);
 * - and, since the same reader takes them, one pretty-printed document or several one after another
 *   (`jq .` output).
 * A hit's document is its `_source`; a hit fetched with `_source: false` and the `fields` option gives
 * its `fields` instead (fieldsDocument).
 *
 * Each ECS document becomes exactly the event ecs-ndjson.ts makes of it (ecsEvent: same datasets and
 * categories, flattenEcs, `minerhunt.*` dropped, Auditbeat handling), and the source declares the same
 * datasets, so routing and the prefilter treat both alike. Only `minerhunt.format` differs: it names
 * the source that read the record.
 *
 * Windows events (Winlogbeat, Elastic Agent's Windows integration: a document whose flattened fields
 * have a `winlog.channel` string and a `winlog.event_id`, the test windows.winlogbeat sniffs by) are not
 * read as generic ECS: each goes through the Windows conversion windows.winlogbeat applies to the same
 * document on a line (winlogbeatEvent: WindowsRecord, then map.ts), so an Elasticsearch export of Sysmon
 * events gives the events its NDJSON export gives (Image, CommandLine, QueryName... mapped, the
 * windows.* datasets). This is done here, per document, rather than by teaching windows.winlogbeat to
 * read arrays: one reader and one sniffer for the packaging, and a mixed export (Windows and Linux
 * documents in one array, in any order) loses nothing, each document being read its own way. So this
 * source also declares the Windows datasets: the very WINDOWS_EMITS objects the Windows sources declare,
 * so every source declaring one of them declares it alike. Those declarations ask for no prefilter check,
 * so the raw-text check (built for the ECS datasets only) is never applied to a Windows document.
 * map.ts is loaded with the first Windows document only.
 *
 * Records are located by the whole-document JSON reader (cloud/json-doc.ts): the document is bounded
 * in size, each record keeps the line it starts on, and a broken record is reported with its line
 * while its neighbours are still read. Nothing in a record is evaluated; flattenEcs bounds its fields.
 */
import type { Event } from "../../model/index.js";
import type { DatasetDeclaration, Input, ParseContext, Prefilter, Sample, Source } from "../types.js";
import { nodeOfText, readJsonNodes, skipValue, type JsonNode } from "../cloud/json-doc.js";
import { parseObject, refOf } from "../cloud/records.js";
import { anyOf, jsonHead } from "../cloud/sniff-json.js";
import type { JsonObject } from "../cloud/values.js";
import { isJsonObject } from "../metrics/json-locate.js";
import { WINDOWS_EMITS } from "../windows/emits.js";
import { NOT_A_WINDOWS_EVENT, isWinlog, loadRecordToEvent, winlogbeatEvent, type RecordToEvent } from "../windows/winlogbeat-source.js";
import { flattenEcs } from "./flatten-ecs.js";
import { ECS_EMITS, ecsDocumentOf, ecsEvent, ecsScore, type EcsOrigin } from "./ecs-ndjson.js";

export const ECS_JSON_DOC_ID = "ecs.json";

/**
 * A search response whose hits are empty is an Elasticsearch export with nothing in it: claimed, so the
 * summary says it was read (no events) rather than "JSON of no known format", but below any score a
 * format of its own would give.
 */
const EMPTY_SEARCH_RESPONSE_SCORE = 0.5;

/**
 * Added to ecsScore for an array or a search response: such a file is never one document per line,
 * though ecs.ndjson's sniffer parses a line of it when the array holds one document per line (the last
 * has no trailing comma) and would score it alike, then fail on every other line.
 */
const DOCUMENT_MARGIN = 0.05;

/** How many records of the sample are scored: as many as ecs.ndjson scores lines. */
const SNIFF_RECORDS = 3;

/**
 * A record that is a Windows event: what windows.winlogbeat gives one of its lines (it sniffs above the
 * ECS sources), so an array of Winlogbeat documents is this source's whatever its ECS markers.
 */
const WINDOWS_RECORD_SCORE = 0.9;

const WHAT = "an ECS document or an Elasticsearch search hit";

/**
 * ECS needs "@timestamp"; a search response has "hits" even when empty; a Windows event has "winlog"
 * (nested, or flattened keys). A sample with none of them is not parsed.
 */
const MAY_BE_ECS_DOCUMENT = anyOf('"@timestamp"', '"hits"', '"winlog');

export const ecsJsonDocSource: Source = {
  id: ECS_JSON_DOC_ID,
  title: "ECS documents in one JSON document: an array, an Elasticsearch search, EQL or multi-search response, or an array of search hits (Winlogbeat documents read as Windows events)",
  emits: [...ECS_EMITS, ...(WINDOWS_EMITS as readonly DatasetDeclaration[])],
  // chooseSource (sources/sniff.ts) takes a sniffer that throws as one that does not claim the file.
  sniff: (sample) => sniffEcsJsonDocument(sample),
  parse: (input, ctx) => parseEcsJsonDocument(input, ctx),
};

async function* parseEcsJsonDocument(input: Input, ctx: ParseContext): AsyncGenerator<Event> {
  // The Windows conversion is loaded with the first document that may be a Windows event: never for an export without one.
  let toEvent: RecordToEvent | undefined;
  for await (const top of readJsonNodes(input, ctx)) {
    for (const node of recordNodes(top)) {
      const ref = refOf(node);
      const record = parseObject(ref, ctx, WHAT);
      if (!record) continue;
      const doc = documentOfRecord(record);
      if (toEvent === undefined && mentionsWinlog(doc)) toEvent = await loadRecordToEvent();
      const event = recordEvent(record, doc, { path: input.path, line: ref.line, format: ECS_JSON_DOC_ID }, ctx, toEvent);
      if (event) yield event;
    }
  }
}

/**
 * Whether a document has a `winlog` field, nested or flattened: only those can be Windows events, so
 * only those are flattened for the exact test (isWinlog) ahead of the prefilter and ecsEvent.
 */
function mentionsWinlog(doc: Record<string, unknown>): boolean {
  for (const key of Object.keys(doc)) if (key === "winlog" || key.startsWith("winlog.")) return true;
  return false;
}

/** The records of a top-level value: the elements of an array, the hits of a search response, or the value itself. */
function recordNodes(top: JsonNode): JsonNode[] {
  if (top.isArray) return top.elements();
  return responseRecords(top) ?? [top];
}

/**
 * The hits of an Elasticsearch response, or undefined when the value is not one:
 * - a search, scroll or point-in-time response: `hits.hits`;
 * - an EQL response (Elastic Security's event queries): `hits.events`, or the events of each of
 *   `hits.sequences`, in order;
 * - a multi-search (`_msearch`) response: the hits of each of `responses` (an entry that failed is passed over).
 */
function responseRecords(node: JsonNode): JsonNode[] | undefined {
  if (!node.isObject) return undefined;
  const responses = node.member("responses");
  if (responses?.isArray) {
    const each = responses.elements().map(responseRecords);
    return each.some((r) => r !== undefined) ? each.flatMap((r) => r ?? []) : undefined;
  }
  const hits = node.member("hits");
  if (!hits?.isObject) return undefined;
  let isResponse = false;
  const records: JsonNode[] = [];
  for (const key of ["hits", "events"]) {
    const list = hits.member(key);
    if (list?.isArray) { isResponse = true; records.push(...list.elements()); }
  }
  const sequences = hits.member("sequences");
  if (sequences?.isArray) {
    isResponse = true;
    for (const sequence of sequences.elements()) {
      const events = sequence.isObject ? sequence.member("events") : undefined;
      if (events?.isArray) records.push(...events.elements());
    }
  }
  return isResponse ? records : undefined;
}

/** A record's event: a Windows event through the Windows conversion, any other document through ecsEvent. */
function recordEvent(record: JsonObject, doc: Record<string, unknown>, origin: EcsOrigin, ctx: ParseContext,
  toEvent: RecordToEvent | undefined): Event | undefined {
  if (toEvent !== undefined && mentionsWinlog(doc)) {
    // Ahead of the prefilter: its raw-text check was built for the ECS datasets' rules, not the Windows ones.
    const event = winlogbeatEvent(doc, origin, ctx, toEvent, { onlyWindowsEvents: true });
    if (event !== NOT_A_WINDOWS_EVENT) return event;
  }
  if (ctx.prefilter && !documentMatters(record, ctx.prefilter)) {
    ctx.skipped();
    return undefined;
  }
  return ecsEvent(doc, origin, ctx);
}

/**
 * The prefilter's raw-text check, on the record as JSON text: what ecs-ndjson.ts tests on its line. The
 * record is already parsed (its span is not exposed by the reader), so this saves building the event,
 * not the parse.
 */
export function documentMatters(record: Record<string, unknown>, prefilter: Prefilter): boolean {
  let text: string;
  try {
    text = JSON.stringify(record);
  } catch {
    return true; // nested too deep to write back (JSON.stringify recurses): let flattenEcs bound it
  }
  return prefilter.text(text);
}

/** The ECS document of a record: a hit's `_source` (as in NDJSON), a hit's `fields`, or the record itself. */
function documentOfRecord(record: JsonObject): Record<string, unknown> {
  const doc = ecsDocumentOf(record) ?? record;
  if (doc !== record) return doc;
  if (typeof record._index === "string" && record._source === undefined && isJsonObject(record.fields)) return fieldsDocument(record.fields);
  return record;
}

/**
 * ECS fields that are lists whatever their length (ECS marks them "array"): a one-value list from
 * `fields` stays a list, as it is in `_source`.
 */
const ECS_LIST_FIELDS = new Set([
  "event.category", "event.type", "process.args", "process.parent.args", "process.env_vars", "process.Ext.ancestry",
  "tags", "host.ip", "host.mac", "dns.resolved_ip", "dns.header_flags", "user.roles", "file.attributes",
]);
const ECS_LIST_PREFIXES = ["related."];

/** Sub-fields Elastic's mappings add under a field (`process.command_line.text`): the same value again. */
const MULTI_FIELD_SUFFIXES = [".text", ".caseless", ".keyword"];

export function isEcsList(key: string): boolean {
  return ECS_LIST_FIELDS.has(key) || ECS_LIST_PREFIXES.some((p) => key.startsWith(p));
}

/** A sub-field Elastic's mapping adds under a field (`process.command_line.text`) when that field is there too. */
export function isMultiFieldCopy(key: string, isField: (name: string) => boolean): boolean {
  const suffix = MULTI_FIELD_SUFFIXES.find((s) => key.endsWith(s));
  return suffix !== undefined && isField(key.slice(0, -suffix.length));
}

/**
 * A hit's `fields` (flat dotted keys, every value a list, because Elasticsearch has no single-value
 * type) as the document `_source` would have been: one-value lists become their value, except for
 * ECS's list fields; multi-field copies are left out. Only this simple mapping: runtime fields or
 * nested objects come through as Elasticsearch gives them.
 */
function fieldsDocument(fields: Record<string, unknown>): Record<string, unknown> {
  const doc: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(fields)) {
    // A "__proto__" key would set the object's prototype, not a field (flattenEcs skips it too).
    if (key === "__proto__" || isMultiFieldCopy(key, (name) => Object.hasOwn(fields, name))) continue;
    doc[key] = Array.isArray(value) && value.length === 1 && !isEcsList(key) ? value[0] : value;
  }
  return doc;
}

// ---- sniffing --------------------------------------------------------------------------------

/**
 * Scores the first records of the sample with ecs-ndjson.ts's ecsScore: the first elements of an
 * array, the first hits of a search response, or a pretty-printed first object. A first object that
 * ends on its first line is one document per line, ecs.ndjson's (0 here), unless it is a search response.
 */
function sniffEcsJsonDocument(sample: Sample): number {
  const head = jsonHead(sample);
  if (head === undefined || !MAY_BE_ECS_DOCUMENT(head)) return 0;
  const end = skipValue(head, 0);
  const complete = end !== -1;
  // The sample may end inside the first value: read what it holds, records cut short fail to parse.
  const top = nodeOfText(complete ? head.slice(0, end) : head, 1, "");
  if (!top) return 0;
  if (top.isArray) return documentScore(top.elements());
  const records = responseRecords(top);
  if (records) {
    if (records.length > 0) return documentScore(records);
    return complete ? EMPTY_SEARCH_RESPONSE_SCORE : 0;
  }
  if (complete && !head.slice(0, end).includes("\n")) return 0;
  return recordScore(top);
}

/** The best score of the first records of an array or of a response's hits, with the document margin. */
function documentScore(records: readonly JsonNode[]): number {
  let best = 0;
  for (const node of records.slice(0, SNIFF_RECORDS)) best = Math.max(best, recordScore(node));
  return best === 0 ? 0 : Math.min(1, best + DOCUMENT_MARGIN);
}

function recordScore(node: JsonNode): number {
  if (!node.isObject) return 0;
  let value: unknown;
  try {
    value = node.value();
  } catch {
    return 0; // cut by the end of the sample, or broken
  }
  if (!isJsonObject(value)) return 0;
  const flat = flattenEcs(documentOfRecord(value));
  return isWinlog(flat) ? WINDOWS_RECORD_SCORE : ecsScore(flat);
}
