/**
 * Whitespace-separated columns where the last column is free text (ps COMMAND, a crontab command).
 * Scans with indexOf-style loops, no regex over the line.
 */

const SPACE = 0x20;
const TAB = 0x09;

function isBlank(code: number): boolean {
  return code === SPACE || code === TAB;
}

/**
 * Take up to `count` fields from the start of a line; `rest` is everything after them, starting at the
 * next non-blank character, verbatim (inner spacing kept), without trailing blanks.
 */
export function splitFields(line: string, count: number): { fields: string[]; rest: string } {
  const fields: string[] = [];
  let i = 0;
  const n = line.length;
  while (fields.length < count) {
    while (i < n && isBlank(line.charCodeAt(i))) i++;
    if (i >= n) break;
    const start = i;
    while (i < n && !isBlank(line.charCodeAt(i))) i++;
    fields.push(line.slice(start, i));
  }
  while (i < n && isBlank(line.charCodeAt(i))) i++;
  return { fields, rest: line.slice(i).trimEnd() };
}

/** All whitespace-separated words of a text, at most `max` of them. */
export function words(text: string, max: number): string[] {
  return splitFields(text, max).fields;
}
