/**
 * CSV reading shared by the metrics and billing sources: one streaming parser (csv-parse) so quoted
 * fields, embedded newlines and a UTF-8 BOM are handled the same everywhere, and memory stays bounded
 * however large the export (AWS CUR files run to gigabytes).
 */
import { Readable } from "node:stream";
import { parse as parseStream } from "csv-parse";
import { parse as parseSync } from "csv-parse/sync";
import type { Input, ParseContext, Sample } from "../types.js";
import { isNotAvailable, parseNumber, quoteForIssue } from "./numbers.js";

/** One CSV record: its cells and the 1-based line it starts on. */
export interface CsvRow {
  line: number;
  cells: string[];
}

/** A record larger than this is reported and skipped (no real export has megabyte rows). */
const MAX_RECORD_BYTES = 1 << 20;
/** Issue messages quote at most this much of the parser's complaint (it may contain attacker text). */
const MAX_ERROR_TEXT = 200;

interface RecordWithInfo {
  record: string[];
  info: { lines: number };
}

/**
 * How strictly a format's quoting is read. The defaults are lenient, for hand-made and tool CSVs; a
 * format written by a CSV library that quotes and doubles quotes properly (Kibana's CSV reports) reads
 * strictly, so a broken quote is reported with its line instead of being taken as text.
 */
export interface CsvReadOptions {
  /** Trim spaces around fields (default true: nvidia-smi separates with ", "). */
  trim?: boolean;
  /** A stray quote inside a field is literal text (default true); false: the record is reported and skipped. */
  relaxQuotes?: boolean;
}

/**
 * Stream the records of a CSV input. Records the parser cannot read (an opening quote in the middle
 * of a field, a record over the size limit) become issues with their line; reading goes on.
 * The first row is the header, as in the file: callers decide what it means.
 */
export async function* readCsvRows(input: Input, ctx: ParseContext, options: CsvReadOptions = {}): AsyncGenerator<CsvRow> {
  const trim = options.trim ?? true;
  const parser = parseStream({
    bom: true,
    // nvidia-smi separates with ", ". Only the left side is trimmed by csv-parse, the right side below: with
    // csv-parse's own right trim (6.2), a byte after a closing quote (`1,"x"y,3`) is an error after which it
    // reads nothing more of the input, so one bad record lost the rest of the file. Without it such a field is
    // literal text (relax_quotes), as a stray quote anywhere else is; a quoted field followed by spaces
    // (`"x" ,`) now keeps its quotes instead of ending the file.
    ltrim: trim,
    relax_column_count: true, // a short row is judged by the source, not thrown away here
    relax_quotes: options.relaxQuotes ?? true, // a stray quote inside an unquoted field is literal text
    skip_empty_lines: true,
    skip_records_with_error: true,
    max_record_size: MAX_RECORD_BYTES,
    info: true,
  });
  let lastIssueLine = -1;
  parser.on("skip", (err: Error & { lines?: unknown }) => {
    const line = typeof err.lines === "number" ? err.lines : undefined;
    if (line !== undefined && line === lastIssueLine) return; // csv-parse may complain twice about one record
    lastIssueLine = line ?? -1;
    const why = err.message.length > MAX_ERROR_TEXT ? `${err.message.slice(0, MAX_ERROR_TEXT)}…` : err.message;
    ctx.issue(line, `CSV record could not be read (${why}); expected comma-separated fields with balanced double quotes`);
  });
  const bytes = Readable.from(input.stream());
  bytes.on("error", (err) => parser.destroy(err));
  bytes.pipe(parser);
  try {
    for await (const item of parser as AsyncIterable<RecordWithInfo>) {
      yield { line: recordStartLine(item), cells: trim ? item.record.map(trimEnd) : item.record };
    }
  } finally {
    bytes.destroy();
    parser.destroy();
  }
}

const trimEnd = (cell: string): string => cell.trimEnd();

/** csv-parse counts lines up to the end of a record; a quoted field with newlines started earlier. */
function recordStartLine(item: RecordWithInfo): number {
  let newlines = 0;
  for (const cell of item.record) {
    for (let i = cell.indexOf("\n"); i !== -1; i = cell.indexOf("\n", i + 1)) newlines++;
  }
  return Math.max(1, item.info.lines - newlines);
}

/** One answer per sample: several sniffers ask, and csv-parse throws (costly) on most non-CSV first lines. */
const headerCache = new WeakMap<Sample, string[] | undefined>();

/** The header cells of a sample (its first line), or undefined. Never throws: sniffers use it. */
export function sampleHeader(sample: Sample): string[] | undefined {
  if (headerCache.has(sample)) return headerCache.get(sample);
  const header = readHeader(sample.lines[0]);
  headerCache.set(sample, header);
  return header;
}

function readHeader(first: string | undefined): string[] | undefined {
  if (first === undefined || first.length > 64 * 1024) return undefined;
  // A JSON record is not a CSV header; most logs in a folder are JSON, and a parse error costs a stack trace.
  const lead = first.trimStart()[0];
  if (lead === "{" || lead === "[") return undefined;
  try {
    const rows = parseSync(first, { bom: true, trim: true, relax_quotes: true, relax_column_count: true });
    const header = rows[0];
    return header && header.length >= 2 ? header : undefined;
  } catch {
    return undefined;
  }
}

/** Header names compared without case, BOM or surrounding space. */
export function normalizeHeader(name: string): string {
  return name.replace(/^\uFEFF/, "").trim().toLowerCase();
}

/**
 * Index of the column named by the first of `names` (lower case, in order of preference) that the
 * header has, or -1.
 */
export function findColumn(header: readonly string[], names: readonly string[]): number {
  const normalized = header.map(normalizeHeader);
  for (const name of names) {
    const i = normalized.indexOf(name);
    if (i !== -1) return i;
  }
  return -1;
}

/** The cell at a column index, trimmed; undefined for a missing column, a short row or an empty cell. */
export function cellAt(row: CsvRow, index: number): string | undefined {
  if (index < 0) return undefined;
  const v = row.cells[index];
  if (v === undefined) return undefined;
  const t = v.trim();
  return t === "" ? undefined : t;
}

/**
 * Read a numeric cell. Empty and "not available" cells are undefined without an issue; text that is not
 * a number is reported with its line and column name, and is undefined too.
 */
export function numberCell(row: CsvRow, index: number, column: string, ctx: ParseContext): number | undefined {
  const raw = cellAt(row, index);
  if (raw === undefined || isNotAvailable(raw)) return undefined;
  const n = parseNumber(raw);
  if (n === undefined) {
    ctx.issue(row.line, `line ${row.line}, column ${quoteForIssue(column)}: expected a number, got ${quoteForIssue(raw)}`);
  }
  return n;
}

/** Column indexes for a table of fields → accepted header names (lower case); -1 when absent. */
export function mapColumns<K extends string>(header: readonly string[], spec: Record<K, readonly string[]>): Record<K, number> {
  const out = {} as Record<K, number>;
  for (const key of Object.keys(spec) as K[]) out[key] = findColumn(header, spec[key]);
  return out;
}

/** Whether a sample's header names at least one column from each of the given groups. */
export function headerHasAll(header: readonly string[] | undefined, groups: readonly (readonly string[])[]): boolean {
  if (!header) return false;
  return groups.every((names) => findColumn(header, names) !== -1);
}
