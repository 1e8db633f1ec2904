/**
 * Numbers as metrics and billing exports print them: "95.2", "95.2 %", "97 %", "38012 MiB", "312.45 W",
 * "-0.0123", "1.5E-7". Units after the number are dropped (the column says which unit it is).
 * Text is capped and the pattern is anchored, so a hostile cell cannot make it slow.
 */

const MAX_NUMBER_TEXT = 48;
const PLAIN_NUMBER = /^[+-]?(?:\d{1,30}(?:\.\d{0,20})?|\.\d{1,20})(?:[eE][+-]?\d{1,3})?$/;
/** Unit suffixes nvidia-smi and CSV exports append to values. */
const UNIT_SUFFIXES = ["%", "MiB", "GiB", "KiB", "MB", "GB", "W", "MHz", "C"];

/** Values that mean "no reading" rather than a broken record (nvidia-smi prints these). */
const NOT_AVAILABLE = new Set(["", "-", "n/a", "[n/a]", "[not supported]", "not supported", "[unknown error]", "null", "none"]);

export function isNotAvailable(raw: string | undefined): boolean {
  return raw === undefined || NOT_AVAILABLE.has(raw.trim().toLowerCase());
}

/** Parse a number, allowing a trailing unit; undefined when the text is not a number. */
export function parseNumber(raw: string): number | undefined {
  let text = raw.trim();
  if (text.length === 0 || text.length > MAX_NUMBER_TEXT) return undefined;
  for (const unit of UNIT_SUFFIXES) {
    if (text.endsWith(unit)) {
      text = text.slice(0, text.length - unit.length).trimEnd();
      break;
    }
  }
  if (!PLAIN_NUMBER.test(text)) return undefined;
  const n = Number(text);
  return Number.isFinite(n) ? n : undefined;
}

/** Quote attacker text for an issue message: escaped and bounded. */
export function quoteForIssue(raw: string, max = 80): string {
  const cut = raw.length > max ? `${raw.slice(0, max)}…` : raw;
  return JSON.stringify(cut);
}
