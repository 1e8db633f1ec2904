/**
 * Small, typed ways to read values out of parsed JSON (which is `unknown` until checked), and to
 * normalise what providers spell differently (key case, timestamps, severities).
 */
import { isIP } from "node:net";

export type JsonObject = Record<string, unknown>;

export function asObject(v: unknown): JsonObject | undefined {
  return v !== null && typeof v === "object" && !Array.isArray(v) ? (v as JsonObject) : undefined;
}

export function asArray(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}

/** A non-empty string; numbers are given as text. */
export function asString(v: unknown): string | undefined {
  if (typeof v === "string") return v === "" ? undefined : v;
  if (typeof v === "number" && Number.isFinite(v)) return String(v);
  return undefined;
}

/** A finite number; numeric strings (and hex such as "0x1640", which Defender uses for PIDs) are accepted. */
export function asNumber(v: unknown): number | undefined {
  if (typeof v === "number") return Number.isFinite(v) ? v : undefined;
  if (typeof v === "string") {
    const t = v.trim();
    if (t === "") return undefined;
    const n = /^0x[0-9a-f]+$/i.test(t) ? parseInt(t.slice(2), 16) : Number(t);
    return Number.isFinite(n) ? n : undefined;
  }
  return undefined;
}

export function asBoolean(v: unknown): boolean | undefined {
  if (typeof v === "boolean") return v;
  if (v === "true" || v === "True") return true;
  if (v === "false" || v === "False") return false;
  return undefined;
}

/** Walk object keys: dig(o, "a", "b") is o.a.b when every step is an object. */
export function dig(v: unknown, ...keys: string[]): unknown {
  let cur = v;
  for (const k of keys) {
    const o = asObject(cur);
    if (!o) return undefined;
    cur = o[k];
  }
  return cur;
}

/** A key of an object, ignoring case ("Suspicious Process" vs "suspicious process"). */
export function getCI(o: JsonObject | undefined, key: string): unknown {
  if (!o) return undefined;
  if (Object.hasOwn(o, key)) return o[key];
  const want = key.toLowerCase();
  for (const k of Object.keys(o)) if (k.toLowerCase() === want) return o[k];
  return undefined;
}

/** The first of several keys that is present (aliases across a provider's shapes). */
export function firstOf(o: JsonObject | undefined, ...keys: string[]): unknown {
  if (!o) return undefined;
  for (const k of keys) {
    const v = getCI(o, k);
    if (v !== undefined && v !== null && v !== "") return v;
  }
  return undefined;
}

/** How deep key normalisation goes; deeper values are kept as they are (attacker JSON can nest without end). */
const MAX_NORMALISE_DEPTH = 48;

/**
 * PascalCase keys to camelCase (first letter lower case), recursively: the GuardDuty API/console
 * export says `Service.Action`, EventBridge says `service.action`. One spelling after this.
 */
export function camelKeys(v: unknown, depth = 0): unknown {
  if (depth > MAX_NORMALISE_DEPTH) return v;
  if (Array.isArray(v)) return v.map((x) => camelKeys(x, depth + 1));
  const o = asObject(v);
  if (!o) return v;
  // No prototype: a "__proto__" key in the input stays a plain key.
  const out = Object.create(null) as JsonObject;
  for (const [k, val] of Object.entries(o)) {
    const key = k.length > 0 ? k[0]!.toLowerCase() + k.slice(1) : k;
    if (!Object.hasOwn(out, key)) out[key] = camelKeys(val, depth + 1);
  }
  return out;
}

/** JSON text of a value, cut to at most `max` characters (the cut is marked by the caller if it matters). */
export function boundedJson(v: unknown, max: number): { text: string; truncated: boolean } | undefined {
  if (v === undefined || v === null) return undefined;
  let text: string;
  try {
    text = JSON.stringify(v);
  } catch {
    return undefined;
  }
  if (text.length <= max) return { text, truncated: false };
  return { text: text.slice(0, max), truncated: true };
}

/** Parse a JSON string field (Sentinel ExtendedProperties, CloudTrailEvent) when it is small enough. */
export function parseJsonField(v: unknown, maxChars = 4 * 1024 * 1024): unknown {
  if (typeof v !== "string") return v;
  const t = v.trim();
  if (t.length > maxChars || (!t.startsWith("{") && !t.startsWith("["))) return undefined;
  try {
    return JSON.parse(t);
  } catch {
    return undefined;
  }
}

// Anchored, no nested quantifiers: linear on any input.
const ISO_LIKE = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,12}))?)?)?\s*(Z|z|[+-]\d{2}(?::?\d{2})?)?$/;

/**
 * ISO 8601 UTC text of a timestamp: ISO strings (any fraction length, `T` or space, with or
 * without zone: no zone means UTC, the convention of every log here) or epoch numbers (seconds,
 * milliseconds, micro- or nanoseconds, told apart by size). Undefined when it is not a time.
 */
export function toIso(v: unknown): string | undefined {
  if (typeof v === "number" || (typeof v === "string" && /^\d{9,19}(?:\.\d+)?$/.test(v.trim()))) {
    const n = Number(v);
    if (!Number.isFinite(n) || n <= 0) return undefined;
    const ms = n >= 1e17 ? n / 1e6 : n >= 1e14 ? n / 1e3 : n >= 1e11 ? n : n * 1000;
    const d = new Date(Math.floor(ms));
    return Number.isNaN(d.getTime()) ? undefined : d.toISOString();
  }
  if (typeof v !== "string") return undefined;
  const m = ISO_LIKE.exec(v.trim());
  if (!m) return undefined;
  const [, y, mo, d, h = "0", mi = "0", s = "0", frac = "", zone] = m;
  const ms = frac === "" ? 0 : Number(frac.slice(0, 3).padEnd(3, "0"));
  let t = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s), ms);
  if (zone && zone !== "Z" && zone !== "z") {
    const sign = zone[0] === "-" ? -1 : 1;
    const digits = zone.slice(1).replace(":", "");
    const offMin = Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2) || "0");
    t -= sign * offMin * 60_000;
  }
  const date = new Date(t);
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
}

export function isIpAddress(v: string): boolean {
  return isIP(v) !== 0;
}

/** Strings from a value that may be a string or a list of strings (deduplicated, order kept). */
export function stringList(...values: unknown[]): string[] {
  const out: string[] = [];
  for (const v of values) {
    for (const x of Array.isArray(v) ? v : [v]) {
      const s = asString(x);
      if (s !== undefined && !out.includes(s)) out.push(s);
    }
  }
  return out;
}

/** The last part of a path, for a process name from an executable path (`/tmp/xmrig`, `c:\temp\x.exe`). */
export function baseName(path: string): string {
  const i = Math.max(path.lastIndexOf("/"), path.lastIndexOf("\\"));
  return i === -1 ? path : path.slice(i + 1);
}
