/**
 * The time modifiers of Sigma 2.1 (minute, hour, day, week, month, year) take one part out of a date
 * field as a number. The spec does no timezone or format conversion; we read ISO 8601 text (the
 * `@timestamp` every source writes) and epoch numbers (seconds, or milliseconds when large), and
 * take the part in UTC. A value that is not a date has no part, so it never matches.
 */

export const TIME_PARTS = ["minute", "hour", "day", "week", "month", "year"] as const;
export type TimePart = (typeof TIME_PARTS)[number];

/** Epoch values above this are milliseconds (1e11 s is the year 5138). */
const MS_THRESHOLD = 1e11;

function toDate(text: string): Date | undefined {
  const t = text.trim();
  if (t === "") return undefined;
  if (/^-?\d+(\.\d+)?$/.test(t)) {
    const n = Number(t);
    if (!Number.isFinite(n)) return undefined;
    return new Date(Math.abs(n) >= MS_THRESHOLD ? n : n * 1000);
  }
  // Date-looking text only: Date.parse is lenient with free text.
  if (!/^\d{4}-\d{2}-\d{2}/.test(t)) return undefined;
  // A date-time without a zone is read as UTC (JavaScript would read it as local time).
  let iso = t.length > 10 && t[10] === " " ? `${t.slice(0, 10)}T${t.slice(11)}` : t;
  if (/T\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/.test(iso)) iso += "Z";
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? undefined : new Date(ms);
}

/** ISO 8601 week number (1..53), Monday-based, week 1 holds the year's first Thursday. */
function isoWeek(d: Date): number {
  const day = (d.getUTCDay() + 6) % 7;
  const thursday = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate() - day + 3));
  const firstThursday = new Date(Date.UTC(thursday.getUTCFullYear(), 0, 4));
  const firstDay = (firstThursday.getUTCDay() + 6) % 7;
  firstThursday.setUTCDate(firstThursday.getUTCDate() - firstDay + 3);
  return 1 + Math.round((thursday.getTime() - firstThursday.getTime()) / (7 * 86400000));
}

export function timePart(text: string, part: TimePart): number | undefined {
  const d = toDate(text);
  if (!d || Number.isNaN(d.getTime())) return undefined;
  switch (part) {
    case "minute": return d.getUTCMinutes();
    case "hour": return d.getUTCHours();
    case "day": return d.getUTCDate();
    case "week": return isoWeek(d);
    case "month": return d.getUTCMonth() + 1;
    case "year": return d.getUTCFullYear();
  }
}
