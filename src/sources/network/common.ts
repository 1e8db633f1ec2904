/**
 * Small helpers every network source shares: the fields each event starts with, time and name
 * normalisation, and typed reads from parsed JSON (which is `unknown` until checked).
 */
import type { Event, FieldValue } from "../../model/index.js";
export { isIpAddress } from "../../model/ip-text.js";
import type { ParseContext } from "../types.js";

/** ECS categories, shared frozen arrays: events only read them. */
export const CATEGORY_NETWORK: readonly string[] = Object.freeze(["network"]);
export const CATEGORY_DNS: readonly string[] = Object.freeze(["network", "dns"]);
export const CATEGORY_ALERT: readonly string[] = Object.freeze(["network", "intrusion_detection"]);
/**
 * ECS event types that tell a connection record (a flow: Zeek conn, Suricata flow, a capture's flow event)
 * from a protocol record about a connection that may have a connection record of its own (Zeek ssl and
 * http, Suricata tls and http, a capture's TLS, HTTP and Stratum events). Detectors that count
 * connections count the first kind, so one session is not counted once per log that describes it.
 */
export const TYPE_CONNECTION: readonly string[] = Object.freeze(["connection"]);
export const TYPE_PROTOCOL: readonly string[] = Object.freeze(["protocol"]);

export type EventKind = "event" | "alert" | "metric" | "state";

/** The fields every event carries: where it came from and what it is. */
export function baseEvent(
  path: string,
  format: string,
  dataset: string,
  category: readonly string[],
  kind: EventKind = "event",
): Event {
  return {
    "log.file.path": path,
    "minerhunt.format": format,
    "event.dataset": dataset,
    "event.category": category,
    "event.kind": kind,
  };
}

/** Set a field only when it has a value, so events carry no empty keys. */
export function put(event: Event, field: string, value: FieldValue | undefined): void {
  if (value === undefined || value === null || value === "") return;
  if (Array.isArray(value) && value.length === 0) return;
  if (typeof value === "number" && !Number.isFinite(value)) return;
  event[field] = value;
}

const MAX_DATE_MS = 8.64e15; // the largest time a JS Date can hold

/** Epoch seconds (fractions allowed) to ISO 8601 UTC; undefined when out of range. */
export function isoFromEpochSeconds(seconds: number): string | undefined {
  return isoFromEpochMs(seconds * 1000);
}

// Log records come in time order, many per second; Date#toISOString is slow enough to show in
// profiles, so the text of the last whole second is kept and only the milliseconds are added.
let cachedSecond = NaN;
let cachedPrefix = "";

/** Epoch milliseconds to ISO 8601 UTC ("2025-11-20T03:14:07.123Z"). */
export function isoFromEpochMs(ms: number): string | undefined {
  if (!Number.isFinite(ms) || Math.abs(ms) > MAX_DATE_MS) return undefined;
  const whole = Math.floor(ms);
  const second = Math.floor(whole / 1000);
  if (second !== cachedSecond || second < 0) {
    const iso = new Date(whole).toISOString();
    if (second < 0 || iso.length !== 24) return iso; // before 1970 or beyond year 9999: no shortcut
    cachedSecond = second;
    cachedPrefix = iso.slice(0, 20);
  }
  const millis = whole - second * 1000;
  return `${cachedPrefix}${millis < 10 ? "00" : millis < 100 ? "0" : ""}${millis}Z`;
}

/**
 * An ISO-like time text to ISO 8601 UTC. Suricata writes offsets without a colon
 * ("2009-11-24T21:27:09.534255+0100"), which Date.parse does not accept, so one is added.
 * Fractions beyond milliseconds are cut (Date keeps milliseconds only).
 */
export function isoFromText(text: string): string | undefined {
  if (text.length < 10 || text.length > 40) return undefined;
  let t = text.trim();
  const m = /^(\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2})(\.\d+)?(Z|[+-]\d{2}:?\d{2})?$/.exec(t);
  if (m) {
    const frac = m[2] ? m[2].slice(0, 4) : "";
    let zone = m[3] ?? "Z";
    if (zone.length === 5) zone = `${zone.slice(0, 3)}:${zone.slice(3)}`;
    t = `${m[1]!.replace(" ", "T")}${frac}${zone}`;
  }
  const ms = Date.parse(t);
  return Number.isNaN(ms) ? undefined : new Date(ms).toISOString();
}

/** A time that is either epoch seconds (number or numeric text) or ISO text. */
export function isoFromEpochOrText(value: unknown): string | undefined {
  if (typeof value === "number") return isoFromEpochSeconds(value);
  if (typeof value === "string") {
    if (/^\d+(\.\d+)?$/.test(value)) return isoFromEpochSeconds(Number(value));
    return isoFromText(value);
  }
  return undefined;
}

/** DNS names as docs/events.md wants them: lower case, no trailing dot. */
export function normalizeDomain(name: string): string {
  // Most names are already lower case; toLowerCase would copy them anyway (it is the hot spot
  // of the DNS fast path), so it runs only when an upper-case letter is there.
  let lower = name;
  for (let i = 0; i < name.length; i++) {
    const c = name.charCodeAt(i);
    if ((c >= 0x41 && c <= 0x5a) || c > 0x7f) { lower = name.toLowerCase(); break; }
  }
  return lower.charCodeAt(lower.length - 1) === 0x2e ? lower.slice(0, -1) : lower;
}

/** IANA protocol numbers to ECS network.transport names. */
export function transportName(protocolNumber: number): string {
  switch (protocolNumber) {
    case 1: return "icmp";
    case 6: return "tcp";
    case 17: return "udp";
    case 47: return "gre";
    case 50: return "esp";
    case 58: return "ipv6-icmp";
    case 132: return "sctp";
    default: return String(protocolNumber);
  }
}

/** A JSON object (not an array, not null) or undefined. */
export function asObject(value: unknown): Record<string, unknown> | undefined {
  return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

/** A string field, or undefined when missing or of another type. */
export function getString(obj: Record<string, unknown> | undefined, key: string): string | undefined {
  const v = obj?.[key];
  return typeof v === "string" ? v : undefined;
}

/** A numeric field; numeric strings are accepted (Suricata writes some counters as text). */
export function getNumber(obj: Record<string, unknown> | undefined, key: string): number | undefined {
  const v = obj?.[key];
  if (typeof v === "number") return Number.isFinite(v) ? v : undefined;
  if (typeof v === "string" && v.trim() !== "") {
    const n = Number(v);
    return Number.isFinite(n) ? n : undefined;
  }
  return undefined;
}

export function getBoolean(obj: Record<string, unknown> | undefined, key: string): boolean | undefined {
  const v = obj?.[key];
  return typeof v === "boolean" ? v : undefined;
}

/** The strings of an array field (non-strings dropped); a lone string becomes a one-element list. */
export function getStrings(obj: Record<string, unknown> | undefined, key: string): string[] {
  const v = obj?.[key];
  if (typeof v === "string") return [v];
  if (!Array.isArray(v)) return [];
  const out: string[] = [];
  for (const x of v) if (typeof x === "string") out.push(x);
  return out;
}

/** Parse one JSON line into an object, or say why not. */
export function parseJsonObject(text: string): { value: Record<string, unknown> } | { error: string } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    return { error: `not valid JSON (${(err as Error).message})` };
  }
  const obj = asObject(parsed);
  return obj ? { value: obj } : { error: "a JSON value that is not an object" };
}

/**
 * Report issues through the context, but stop after a limit so a file of a million bad lines does
 * not build a million-entry issue list; the last report says how many more there were.
 */
export class IssueReporter {
  private count = 0;
  private suppressed = 0;
  constructor(private readonly ctx: ParseContext, private readonly limit = 200) {}

  report(line: number | undefined, message: string, offset?: number): void {
    this.count++;
    if (this.count <= this.limit) this.ctx.issue(line, message, offset);
    else this.suppressed++;
  }

  /** Call once at the end of a file. */
  finish(): void {
    if (this.suppressed > 0) this.ctx.issue(undefined, `${this.suppressed} further issues in this file were not reported one by one`);
  }
}
