/**
 * Event: one flat record with ECS field names as keys ("host.name", "process.command_line", ...).
 *
 * Flat (dotted keys, not nested objects) because every consumer — detectors, the Sigma engine,
 * correlation — looks fields up by their full ECS name, and one hash lookup is cheaper than a walk.
 * What ECS has no name for lives under "minerhunt.*".
 *
 * Every event says where it came from, so a finding can point at its proof:
 *   "log.file.path"      the input file ("-" for stdin)
 *   "minerhunt.line"     1-based line number of the record in that file (text inputs)
 *   "minerhunt.offset"   byte offset (binary inputs) — for pcaps, see "minerhunt.packet"
 *   "minerhunt.packet"   1-based packet number in a capture
 *   "minerhunt.format"   the source module that parsed it ("zeek.dns", "aws.cloudtrail", ...)
 *   "event.dataset"      ECS dataset, e.g. "zeek.dns", "aws.guardduty", "falco.alerts"
 *   "event.category"     ECS categories as an array: ["process"], ["network"], ["network","dns"] ...
 *   "event.kind"         "event" | "alert" | "metric" | "state"
 *
 * Values are attacker-controlled text: never evaluate them, escape them when rendering.
 */
export type FieldValue = string | number | boolean | null | readonly string[] | readonly number[];

export interface Event {
  [field: string]: FieldValue | undefined;
}

/** Read a string field; arrays give their first element. */
export function str(event: Event, field: string): string | undefined {
  const v = event[field];
  if (typeof v === "string") return v;
  if (typeof v === "number" || typeof v === "boolean") return String(v);
  if (Array.isArray(v) && v.length > 0) return String(v[0]);
  return undefined;
}

/** Read a numeric field; numeric strings are accepted. */
export function num(event: Event, field: string): number | undefined {
  const v = event[field];
  if (typeof v === "number") return Number.isFinite(v) ? v : undefined;
  if (typeof v === "string" && v.trim() !== "") {
    const n = Number(v);
    return Number.isFinite(n) ? n : undefined;
  }
  return undefined;
}

/** Read a field as a list of strings (scalars become one-element lists). */
export function strs(event: Event, field: string): string[] {
  const v = event[field];
  if (v == null) return [];
  if (Array.isArray(v)) return v.map(String);
  return [String(v)];
}

/** Whether an ECS list field (one value or an array of them: event.category, event.type) holds `value`. */
function listHas(event: Event, field: string, value: string): boolean {
  const v = event[field];
  if (typeof v === "string") return v === value;
  if (Array.isArray(v)) return (v as readonly string[]).includes(value);
  return false;
}

/** Whether the event's "event.category" contains the given category. */
export function hasCategory(event: Event, category: string): boolean {
  return listHas(event, "event.category", category);
}

/**
 * A protocol record about a connection (ECS event.type "protocol": Zeek ssl/http, Suricata tls/http, a
 * capture's TLS, HTTP and Stratum events), as opposed to the connection record itself: the same session may
 * have both, so what counts sessions counts connection records first (docs/events.md).
 */
export function isProtocolRecord(event: Event): boolean {
  return listHas(event, "event.type", "protocol");
}

/** Where an event came from, for evidence. */
export function provenance(event: Event, summary?: string): Evidence {
  const file = str(event, "log.file.path") ?? "-";
  const line = num(event, "minerhunt.line");
  const offset = num(event, "minerhunt.offset");
  const packet = num(event, "minerhunt.packet");
  const t = event["@timestamp"];
  const time = typeof t === "string" && t !== "" ? t : undefined;
  const text = summary === undefined ? undefined : flat(summary);
  // The usual shapes (a text line; a packet) as whole literals, in the one fixed order below: such an object
  // holds its fields itself, while one grown field by field keeps them in a second array (a finding's
  // evidence sample lives for the whole scan).
  if (time !== undefined && offset === undefined && packet === undefined && line !== undefined) {
    return text === undefined ? { file, line, time } : { file, line, time, summary: text };
  }
  if (time !== undefined && line === undefined && offset !== undefined && packet !== undefined) {
    return text === undefined ? { file, offset, packet, time } : { file, offset, packet, time, summary: text };
  }
  // Built in one fixed order (never by spreading): objects of one shape share one hidden class.
  const ev: Evidence = { file };
  if (line !== undefined) ev.line = line;
  if (offset !== undefined) ev.offset = offset;
  if (packet !== undefined) ev.packet = packet;
  if (time !== undefined) ev.time = time;
  if (text !== undefined) ev.summary = text;
  return ev;
}

/**
 * The same string, stored flat. V8 keeps a string built by concatenation (a template literal) as a tree of
 * its parts, which costs several times its length while it lives; reading one character makes V8 flatten it
 * in place. For text kept for the whole scan (evidence summaries, finding titles), not for every record.
 */
export function flat(text: string): string {
  text.charCodeAt(0);
  return text;
}

/** A pointer at the record that proves something: file plus line (text) or offset/packet (binary). */
export interface Evidence {
  file: string;
  line?: number;
  offset?: number;
  packet?: number;
  /** When the record says it happened (ISO 8601), for ordering the sample. */
  time?: string;
  /** One short, human-readable line saying what this record shows (attacker text, escape when rendering). */
  summary?: string;
}
