/**
 * JSON as miners accept it: XMRig reads its config with comments and trailing commas allowed, and
 * xmr-stak's pools.txt / config.txt are bare `"key" : value,` lists with C comments and no outer braces.
 *
 * relaxedJsonToStrict() rewrites such text into strict JSON of the same length per line: comments and
 * trailing commas become spaces, newlines stay, so a JSON.parse error position still points at the
 * right line. Two linear passes, string-aware.
 */

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const SLASH = 0x2f;
const STAR = 0x2a;
const NEWLINE = 0x0a;
const COMMA = 0x2c;

/** Comments out, trailing commas out, and braces around a bare key list. */
export function relaxedJsonToStrict(text: string): string {
  const chars = text.split("");
  blankComments(text, chars);
  blankTrailingCommas(chars);
  const body = chars.join("");
  const first = body.trimStart().charAt(0);
  // xmr-stak files are a list of members with no braces: wrap without adding a line.
  return first === "{" || first === "[" || first === "" ? body : `{${body}}`;
}

function blankComments(text: string, out: string[]): void {
  let i = 0;
  while (i < text.length) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) {
      i = endOfString(text, i);
    } else if (c === SLASH && text.charCodeAt(i + 1) === SLASH) {
      while (i < text.length && text.charCodeAt(i) !== NEWLINE) out[i++] = " ";
    } else if (c === SLASH && text.charCodeAt(i + 1) === STAR) {
      const end = text.indexOf("*/", i + 2);
      const stop = end === -1 ? text.length : end + 2;
      for (; i < stop; i++) if (text.charCodeAt(i) !== NEWLINE) out[i] = " ";
    } else {
      i++;
    }
  }
}

function blankTrailingCommas(chars: string[]): void {
  let lastComma = -1; // a comma not yet followed by anything but white space
  let i = 0;
  while (i < chars.length) {
    const ch = chars[i] ?? "";
    if (ch === '"') {
      lastComma = -1;
      i++;
      while (i < chars.length && chars[i] !== '"') i += chars[i] === "\\" ? 2 : 1;
      i++;
      continue;
    }
    if (ch.charCodeAt(0) === COMMA) lastComma = i;
    else if ((ch === "}" || ch === "]") && lastComma !== -1) {
      chars[lastComma] = " ";
      lastComma = -1;
    } else if (ch.trim() !== "") lastComma = -1;
    i++;
  }
  if (lastComma !== -1) chars[lastComma] = " "; // xmr-stak files end with "...,"
}

/** Index just past the closing quote of the string starting at `start`. */
function endOfString(text: string, start: number): number {
  let i = start + 1;
  while (i < text.length) {
    const c = text.charCodeAt(i);
    if (c === BACKSLASH) i += 2;
    else if (c === QUOTE) return i + 1;
    else i++;
  }
  return i;
}
