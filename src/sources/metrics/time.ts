/**
 * Timestamps as the formats in host, metrics and billing exports write them, turned into ISO 8601 UTC.
 *
 * Rules (documented because a wrong guess moves evidence in time):
 * - Numbers and digit strings: 8 digits are a date YYYYMMDD (Azure UsageDate); otherwise Unix epoch,
 *   in milliseconds when the value is 1e11 or more, else in seconds (fractions allowed: Prometheus);
 *   values before 1973 are refused.
 * - `YYYY-MM-DD[( |T)hh:mm[:ss[.fff]]][Z|UTC|GMT|±hh:mm|±hhmm]` (ISO, CUR, GCP "... UTC").
 * - `YYYY/MM/DD hh:mm:ss[.fff]` (nvidia-smi).
 * - `MM/DD/YYYY[ hh:mm[:ss][ AM|PM]]` (Azure cost exports write US order).
 * - A time without a zone is taken as UTC: nvidia-smi and many CSV exports print local time with no
 *   offset, and guessing the collector's zone would be worse than a documented rule.
 * Anything else is undefined, and the caller reports it as a parse issue.
 * All patterns are anchored with bounded repetition and the text is capped, so attacker text cannot
 * make them slow.
 */

const MAX_TIME_TEXT = 64;

const ISO_LIKE = /^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ](\d{1,2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?)?\s?(Z|UTC|GMT|[+-]\d{2}:?\d{2})?$/i;
const SLASH_YMD = /^(\d{4})\/(\d{1,2})\/(\d{1,2})(?:[T ](\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?$/;
const SLASH_MDY = /^(\d{1,2})\/(\d{1,2})\/(\d{4})(?:[T ](\d{1,2}):(\d{2})(?::(\d{2}))?(?: ?(AM|PM))?)?$/i;
const DIGITS = /^\d{1,16}(?:\.\d{1,9})?$/;

/** Convert a timestamp (text or number) to ISO 8601 UTC, or undefined when it is not one. */
export function toIsoUtc(raw: string | number | null | undefined): string | undefined {
  if (raw == null) return undefined;
  if (typeof raw === "number") return epochToIso(raw);
  const text = raw.trim();
  if (text === "" || text.length > MAX_TIME_TEXT) return undefined;

  if (DIGITS.test(text)) {
    if (text.length === 8 && !text.includes(".")) {
      return fromParts(Number(text.slice(0, 4)), Number(text.slice(4, 6)), Number(text.slice(6, 8)), 0, 0, 0, 0, 0);
    }
    return epochToIso(Number(text));
  }

  let m = ISO_LIKE.exec(text);
  if (m) {
    return fromParts(Number(m[1]), Number(m[2]), Number(m[3]), Number(m[4] ?? 0), Number(m[5] ?? 0), Number(m[6] ?? 0),
      fractionToMs(m[7]), zoneOffsetMinutes(m[8]));
  }
  m = SLASH_YMD.exec(text);
  if (m) {
    return fromParts(Number(m[1]), Number(m[2]), Number(m[3]), Number(m[4] ?? 0), Number(m[5] ?? 0), Number(m[6] ?? 0),
      fractionToMs(m[7]), 0);
  }
  m = SLASH_MDY.exec(text);
  if (m) {
    let hour = Number(m[4] ?? 0);
    const meridiem = m[7]?.toUpperCase();
    if (meridiem !== undefined) {
      if (hour < 1 || hour > 12) return undefined;
      if (meridiem === "AM" && hour === 12) hour = 0;
      else if (meridiem === "PM" && hour !== 12) hour += 12;
    }
    return fromParts(Number(m[3]), Number(m[1]), Number(m[2]), hour, Number(m[5] ?? 0), Number(m[6] ?? 0), 0, 0);
  }
  return undefined;
}

/**
 * Epoch seconds (or milliseconds from 1e11 up) to ISO. Values before 1973 (1e8 s) are refused: in
 * these formats a small number in a time column is a counter or a mistake, not a date.
 */
export function epochToIso(value: number): string | undefined {
  if (!Number.isFinite(value)) return undefined;
  const ms = value >= 1e11 ? value : value * 1000;
  if (ms < 1e11 || ms > 253402300799999) return undefined; // before 1973 or after 9999-12-31
  return new Date(Math.round(ms)).toISOString();
}

function fractionToMs(fraction: string | undefined): number {
  if (!fraction) return 0;
  return Number(fraction.slice(0, 3).padEnd(3, "0"));
}

function zoneOffsetMinutes(zone: string | undefined): number {
  if (!zone) return 0;
  const z = zone.toUpperCase();
  if (z === "Z" || z === "UTC" || z === "GMT") return 0;
  const sign = z.startsWith("-") ? -1 : 1;
  const digits = z.slice(1).replace(":", "");
  return sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2, 4)));
}

function fromParts(year: number, month: number, day: number, hour: number, minute: number, second: number, ms: number, offsetMinutes: number): string | undefined {
  if (year < 1970 || month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 60) return undefined;
  const local = Date.UTC(year, month - 1, day, hour, minute, Math.min(second, 59), ms);
  const check = new Date(local);
  // Date.UTC rolls 31 February over into March; a date that does not exist is not a timestamp.
  if (check.getUTCFullYear() !== year || check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day) return undefined;
  return new Date(local - offsetMinutes * 60_000).toISOString();
}
