/**
 * Zeek's ASCII (TSV) log layout: a header of `#` lines, then one record per line.
 *
 *   #separator \x09          field separator, written as an escape
 *   #set_separator	,         separator inside set[...] and vector[...] values
 *   #empty_field	(empty)     an empty string or an empty set
 *   #unset_field	-           no value
 *   #path	dns                 which log this is
 *   #fields	ts	uid	...     column names (the same names the JSON writer uses as keys)
 *   #types	time	string	...   column types
 *   #close	...               end of the file (a rotated log may start a new header after it)
 *
 * Values that contain the separator or bytes that are not printable are written as `\xHH`.
 */
import type { RawLine } from "../line-scanner.js";

export interface ZeekTsvHeader {
  separator: string;
  setSeparator: string;
  emptyField: string;
  unsetField: string;
  path?: string;
  fields?: string[];
  types?: string[];
  /** Column index by field name, built when #fields is read. */
  index: Map<string, number>;
}

export function newTsvHeader(): ZeekTsvHeader {
  return { separator: "\t", setSeparator: ",", emptyField: "(empty)", unsetField: "-", index: new Map() };
}

/**
 * Apply one `#` line to the header. Returns an error text for a directive that cannot be used
 * (a #types line whose length differs from #fields), otherwise undefined.
 */
export function readHeaderLine(header: ZeekTsvHeader, line: string): string | undefined {
  if (line.startsWith("#separator")) {
    // The separator line itself is separated by a space: "#separator \x09".
    const raw = line.slice("#separator".length).trim();
    header.separator = unescapeZeek(raw) || "\t";
    return undefined;
  }
  const sep = header.separator;
  const cut = line.indexOf(sep);
  const name = cut === -1 ? line : line.slice(0, cut);
  const rest = cut === -1 ? "" : line.slice(cut + sep.length);
  switch (name) {
    case "#set_separator": header.setSeparator = unescapeZeek(rest) || ","; break;
    case "#empty_field": header.emptyField = rest; break;
    case "#unset_field": header.unsetField = rest; break;
    case "#path": header.path = rest; break;
    case "#fields":
      header.fields = rest.split(sep);
      header.index = new Map(header.fields.map((f, i) => [f, i]));
      header.types = undefined;
      break;
    case "#types":
      header.types = rest.split(sep);
      if (header.fields && header.types.length !== header.fields.length) {
        return `#types names ${header.types.length} columns but #fields names ${header.fields.length}`;
      }
      break;
    default: break; // #open, #close and comments carry nothing a record needs
  }
  return undefined;
}

/** Decode Zeek's `\xHH` escapes (and `\\`) to the original bytes, read as UTF-8. */
export function unescapeZeek(text: string): string {
  if (text.indexOf("\\") === -1) return text;
  const parts: Buffer[] = [];
  let plainFrom = 0;
  for (let i = 0; i < text.length; i++) {
    if (text.charCodeAt(i) !== 0x5c) continue;
    let decoded: number | undefined;
    let width = 0;
    if (text[i + 1] === "x" && isHex(text[i + 2]) && isHex(text[i + 3])) {
      decoded = parseInt(text.slice(i + 2, i + 4), 16);
      width = 4;
    } else if (text[i + 1] === "\\") {
      decoded = 0x5c;
      width = 2;
    }
    if (decoded === undefined) continue;
    parts.push(Buffer.from(text.slice(plainFrom, i), "utf8"), Buffer.of(decoded));
    i += width - 1;
    plainFrom = i + 1;
  }
  parts.push(Buffer.from(text.slice(plainFrom), "utf8"));
  return Buffer.concat(parts).toString("utf8");
}

function isHex(c: string | undefined): boolean {
  if (c === undefined || c.length !== 1) return false;
  const x = c.charCodeAt(0);
  return (x >= 0x30 && x <= 0x39) || (x >= 0x41 && x <= 0x46) || (x >= 0x61 && x <= 0x66);
}

const NUMERIC_TYPES = new Set(["time", "interval", "double", "count", "int", "port"]);

/**
 * One TSV value as the JSON writer would have written it: numbers for numeric types, booleans
 * for bool, arrays for set/vector, undefined for unset. An unreadable number is an error text.
 */
export function convertValue(raw: string, type: string | undefined, header: ZeekTsvHeader): { value: unknown } | { error: string } {
  if (raw === header.unsetField) return { value: undefined };
  const t = type ?? "string";
  if (t.startsWith("set[") || t.startsWith("vector[") || t.startsWith("table[")) {
    if (raw === header.emptyField) return { value: [] };
    const inner = t.slice(t.indexOf("[") + 1, -1);
    const parts = raw.split(header.setSeparator).map(unescapeZeek);
    if (NUMERIC_TYPES.has(inner)) return { value: parts.map(Number) };
    return { value: parts };
  }
  if (NUMERIC_TYPES.has(t)) {
    const n = Number(raw);
    if (raw === "" || !Number.isFinite(n)) return { error: `expected a number (${t}), got ${JSON.stringify(raw.slice(0, 40))}` };
    return { value: n };
  }
  if (t === "bool") {
    if (raw === "T") return { value: true };
    if (raw === "F") return { value: false };
    return { error: `expected T or F (bool), got ${JSON.stringify(raw.slice(0, 40))}` };
  }
  if (raw === header.emptyField) return { value: "" };
  return { value: unescapeZeek(raw) };
}

/** A TSV data line as a record keyed by field name, or the reason it cannot be read. */
export function tsvRecord(line: string, header: ZeekTsvHeader): { record: Record<string, unknown> } | { error: string } {
  const fields = header.fields;
  if (!fields) return { error: "a data line before any #fields header line; expected Zeek's #fields line first" };
  const values = line.split(header.separator);
  if (values.length !== fields.length) {
    return { error: `${values.length} columns but #fields names ${fields.length}` };
  }
  const record: Record<string, unknown> = {};
  if (header.path) record._path = header.path;
  for (let i = 0; i < fields.length; i++) {
    const converted = convertValue(values[i]!, header.types?.[i], header);
    if ("error" in converted) return { error: `column ${fields[i]}: ${converted.error}` };
    if (converted.value !== undefined) record[fields[i]!] = converted.value;
  }
  return { record };
}

/**
 * The position of column `index` of a raw TSV line, for the fast path (one-char separators):
 * fills `span` and answers true, or false when the line is shorter or the value holds an escape
 * or non-ASCII (the slow path decodes those).
 */
export function tsvColumnSpan(line: RawLine, index: number, separator: string, span: { start: number; end: number }): boolean {
  const text = line.text;
  let start = line.start;
  for (let i = 0; i < index; i++) {
    const tab = text.indexOf(separator, start);
    if (tab === -1 || tab >= line.end) return false;
    start = tab + 1;
  }
  let end = text.indexOf(separator, start);
  if (end === -1 || end > line.end) end = line.end;
  for (let i = start; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x5c || c > 0x7f) return false;
  }
  span.start = start;
  span.end = end;
  return true;
}
