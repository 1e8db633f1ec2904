/**
 * ECS documents as a Kibana Discover CSV report ("Share → CSV report" / "Generate CSV"), as analysts hand
 * Elastic data over. Each row is rebuilt as the ECS document it came from and goes through ecsEvent, the
 * conversion ecs-ndjson.ts applies to a line, and the source declares the same datasets (ECS_EMITS), so
 * datasets, categories, routing, the prefilter and detection treat a row as they treat the document.
 * Only `minerhunt.format` differs: it names this source.
 *
 * What the format is, as checked (public Kibana sources and issues, facts only):
 * - The header is the selected field names; with no field selected, the time field and `_source`, whose
 *   cell is the document as JSON (elastic/kibana#43123, "csv export of saved searches that have _source
 *   field"). Some versions label that column `Document`; both are read as the document.
 * - Cells go through the index pattern's field formatters, then Kibana's CSV escaping (createEscapeValue in
 *   the reporting / @kbn/generate-csv code): a value with a non-alphanumeric character is double-quoted
 *   with quotes doubled (csv:quoteValues), and a value starting with `=`, `+`, `-` or `@` gets a `'` in
 *   front (CSV_FORMULA_CHARS, csv:escapeFormulaValues, on by default). That `'` is taken off again here;
 *   a value that really began with `'` and one of those characters loses its `'` too (no way to tell).
 * - A field with no value is formatted as " - " (asPrettyString), a list in text context as JSON
 *   (`["a","b"]`, field_formats' text content type); later exports join list values with ", ".
 * - Dates use the `dateFormat` advanced setting, by default `MMM D, YYYY @ HH:mm:ss.SSS`
 *   ("Nov 20, 2026 @ 03:14:07.512": elastic/elasticsearch#55586 and #55609 taught the file-structure
 *   finder this "Kibana CSV export" format; elastic/kibana#180554 shows the same pattern), or ISO 8601
 *   when the setting (or a dashboard panel's download, elastic/kibana#56153) gives it.
 *   The zone is `dateFormat:tz`, by default the browser's, and the CSV does not say which: a time with no
 *   offset is read as UTC (as metrics/time.ts reads other zone-less CSV times), and a file whose times
 *   are in the display format gets one issue saying so. A time with an offset keeps it.
 * - Numbers use the number format, by default with thousands separators ("3,333" for port 3333): the
 *   ECS numeric fields below are read back as numbers, as the document had them.
 *
 * Reading: csv-parse through readCsvRows (metrics/csv.ts), strict quoting: Kibana quotes properly, so a
 * row with a broken quote is reported with its line and skipped, and the rows after it are read. Rows are
 * bounded by readCsvRows (1 MiB a record), the header by MAX_COLUMNS, lists by MAX_LIST_ITEMS and the
 * document by flattenEcs's limits. Nothing in a cell is evaluated; JSON cells are only JSON.parse'd.
 */
import { parse as parseCsvSync } from "csv-parse/sync";
import type { Event } from "../../model/index.js";
import type { Input, ParseContext, Sample, Source } from "../types.js";
import { readCsvRows, sampleHeader, type CsvRow } from "../metrics/csv.js";
import { toIsoUtc } from "../metrics/time.js";
import { utilizationColumn } from "../metrics/utilization-columns.js";
import { flattenEcs } from "./flatten-ecs.js";
import { ECS_EMITS, ecsDocumentOf, ecsEvent } from "./ecs-ndjson.js";
import { documentMatters, isEcsList, isMultiFieldCopy } from "./ecs-json-doc.js";

export const ECS_KIBANA_CSV_ID = "ecs.kibana-csv";

/**
 * A Discover CSV of ECS fields. No other CSV source reads such a header (metrics.csv, which also takes
 * `@timestamp`, is left its tables: see sniff), so any score above MIN_SNIFF_SCORE would do; this one is
 * ecs.ndjson's for a generic ECS record and more.
 */
const SNIFF_SCORE = 0.8;

/** ECS field sets whose dotted names mark a Discover export of ECS documents. */
const ECS_FIELD_SETS = [
  "process.", "host.", "user.", "source.", "destination.", "dns.", "event.", "file.", "network.", "url.", "agent.", "cloud.", "container.",
];
/** How many ECS-looking names (header or document) it takes. */
const MIN_ECS_FIELDS = 2;
/** Sample lines whose `_source` cell is looked at, after the header. */
const SNIFF_ROWS = 3;

/** Columns after this many are not read (flattenEcs keeps no more fields than this either). */
const MAX_COLUMNS = 1000;
/** Values kept from one multi-valued cell. */
const MAX_LIST_ITEMS = 1000;
/** A numeric cell longer than this is not a number Kibana wrote. */
const MAX_NUMBER_TEXT = 32;

/** Columns holding the whole document as JSON (lower case). */
const DOCUMENT_COLUMNS = ["_source", "document"];

/** Kibana's CSV formula escaping: a `'` in front of a value starting with one of these. */
const FORMULA_CHARS = "=+-@";

/**
 * Last name parts of ECS fields that are numbers (ports, process ids, byte and packet counts...): Kibana
 * writes them with thousands separators, the document has numbers, and detectors compare numbers.
 */
const NUMERIC_FIELD_ENDINGS = new Set([
  "port", "pid", "ppid", "pgid", "bytes", "packets", "args_count", "exit_code", "sequence", "severity", "duration",
  "status_code", "ttl", "uptime",
]);
const NUMBER_TEXT = /^-?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?$/;

/** Kibana's default dateFormat (and dateFormat:nanos, up to 9 digits), with an offset if a custom format adds one. */
const KIBANA_DATE = /^(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) (\d{1,2}), (\d{4}) @ (\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(?: ?(Z|[+-]\d{2}:?\d{2}))?$/;
const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

export const ecsKibanaCsvSource: Source = {
  id: ECS_KIBANA_CSV_ID,
  title: "ECS documents as a Kibana Discover CSV report (selected fields, or the _source column)",
  emits: ECS_EMITS,
  // chooseSource (sources/sniff.ts) takes a sniffer that throws as one that does not claim the file.
  sniff: (sample) => sniffKibanaCsv(sample),
  parse: (input, ctx) => parseKibanaCsv(input, ctx),
};

// ---- columns ---------------------------------------------------------------------------------

/** A header cell as the field name it stands for: no BOM, no spaces, no formula-escape `'` ("'@timestamp"). */
function columnName(cell: string): string {
  return unescapeFormula(cell.replace(/^\uFEFF/, "").trim());
}

function unescapeFormula(text: string): string {
  return text.length >= 2 && text[0] === "'" && FORMULA_CHARS.includes(text[1]!) ? text.slice(1) : text;
}

function isEcsLooking(name: string): boolean {
  return ECS_FIELD_SETS.some((set) => name.startsWith(set) && name.length > set.length);
}

function isDocumentColumn(name: string): boolean {
  return DOCUMENT_COLUMNS.includes(name.toLowerCase());
}

interface Layout {
  /** Column index → field name, for the columns read as fields. */
  fields: { index: number; name: string }[];
  /** The `_source` / `Document` column, or -1. */
  document: number;
  width: number;
}

/**
 * Which columns are read. Left out: Elasticsearch's metadata (`_id`, `_index`, `_score`...: not document
 * fields), `__proto__`, and a multi-field copy whose field is a column too.
 */
function layoutOf(header: readonly string[]): Layout {
  const names = header.map(columnName);
  const present = new Set(names);
  const layout: Layout = { fields: [], document: -1, width: header.length };
  names.forEach((name, index) => {
    if (index >= MAX_COLUMNS) return;
    if (isDocumentColumn(name)) {
      if (layout.document === -1) layout.document = index;
      return;
    }
    if (name === "" || name.startsWith("_")) return;
    if (isMultiFieldCopy(name, (field) => present.has(field))) return;
    layout.fields.push({ index, name });
  });
  return layout;
}

// ---- sniffing --------------------------------------------------------------------------------

/**
 * A header with `@timestamp` (or a document column) and at least two ECS-looking names, or a document
 * column whose first documents have them. A header with a CPU/GPU utilisation column is a metrics table
 * (a Metricbeat export's `host.cpu.usage`): metrics.csv reads it as samples over time, so it is left alone.
 */
function sniffKibanaCsv(sample: Sample): number {
  const header = sampleHeader(sample);
  if (!header) return 0;
  const names = header.map(columnName);
  if (names.some((n) => utilizationColumn(n) !== undefined)) return 0;
  const hasTime = names.includes("@timestamp");
  const document = names.findIndex(isDocumentColumn);
  if (!hasTime && document === -1) return 0;
  if (names.filter(isEcsLooking).length >= MIN_ECS_FIELDS) return SNIFF_SCORE;
  if (document !== -1 && sampleDocumentsLookEcs(sample, document, hasTime)) return SNIFF_SCORE;
  return 0;
}

/** Whether one of the first sample rows has an ECS document (a time, two ECS-looking fields) in its document cell. */
function sampleDocumentsLookEcs(sample: Sample, column: number, headerHasTime: boolean): boolean {
  for (const line of sample.lines.slice(1, 1 + SNIFF_ROWS)) {
    const cell = sampleCell(line, column);
    const doc = cell === undefined ? undefined : documentOfCell(cell);
    if (!doc) continue;
    const keys = Object.keys(flattenEcs(doc));
    if ((headerHasTime || keys.includes("@timestamp")) && keys.filter(isEcsLooking).length >= MIN_ECS_FIELDS) return true;
  }
  return false;
}

/** One cell of a sample line; undefined when the line (perhaps cut by the sample's end) is not one CSV record. */
function sampleCell(line: string, column: number): string | undefined {
  try {
    const rows = parseCsvSync(line, { relax_column_count: true }) as string[][];
    return rows[0]?.[column];
  } catch {
    return undefined;
  }
}

// ---- reading ---------------------------------------------------------------------------------

/** What is reported once per file rather than on every row. */
interface FileState {
  displayTimeLine: number | undefined;
  badDocumentReported: boolean;
}

async function* parseKibanaCsv(input: Input, ctx: ParseContext): AsyncGenerator<Event> {
  let layout: Layout | undefined;
  const state: FileState = { displayTimeLine: undefined, badDocumentReported: false };
  for await (const row of readCsvRows(input, ctx, { trim: false, relaxQuotes: false })) {
    if (!layout) {
      layout = headerLayout(row, ctx);
      if (!layout) return;
      continue;
    }
    if (row.cells.length !== layout.width) {
      // Kibana writes every column on every row: another count means the row was cut or broken, and its cells would be misplaced.
      ctx.issue(row.line, `CSV row has ${row.cells.length} fields, the header ${layout.width}; the row is skipped`);
      continue;
    }
    const doc = rowDocument(layout, row, ctx, state);
    // The prefilter's raw-text check on the rebuilt document, numbers as numbers: a rule's "3333" is not
    // in the cell's "3,333".
    if (ctx.prefilter && !documentMatters(doc, ctx.prefilter)) {
      ctx.skipped();
      continue;
    }
    yield ecsEvent(doc, { path: input.path, line: row.line, format: ECS_KIBANA_CSV_ID }, ctx);
  }
}

function headerLayout(row: CsvRow, ctx: ParseContext): Layout | undefined {
  const layout = layoutOf(row.cells);
  if (layout.fields.length === 0 && layout.document === -1) {
    ctx.issue(row.line, "the header names no field (expected Kibana's CSV report header: \"@timestamp\",\"host.name\",...); nothing read");
    return undefined;
  }
  if (row.cells.length > MAX_COLUMNS) ctx.issue(row.line, `the header has ${row.cells.length} columns; only the first ${MAX_COLUMNS} are read`);
  return layout;
}

/**
 * The ECS document of a row: the document cell's JSON, then each field column on top of it (a selected
 * column is what Discover showed, so it wins). A column's key is moved last, so flattenEcs, which lets a
 * later key win, keeps the column's value over a nested one from the document.
 */
function rowDocument(layout: Layout, row: CsvRow, ctx: ParseContext, state: FileState): Record<string, unknown> {
  const doc: Record<string, unknown> = documentCell(layout, row, ctx, state) ?? {};
  for (const { index, name } of layout.fields) {
    const text = cellText(row.cells[index]);
    if (text === undefined) continue;
    const value = fieldValue(name, text, () => reportDisplayTime(row.line, ctx, state));
    delete doc[name];
    doc[name] = value;
  }
  return doc;
}

/** Once per file: the zone of display-format times is unknown, and UTC is assumed. */
function reportDisplayTime(line: number, ctx: ParseContext, state: FileState): void {
  if (state.displayTimeLine !== undefined) return;
  state.displayTimeLine = line;
  ctx.issue(line, "times are in Kibana's display format, which carries no time zone (Kibana writes them in the browser's zone, dateFormat:tz); read as UTC");
}

/** The document column's JSON object, or undefined (empty, or not JSON: reported once per file). */
function documentCell(layout: Layout, row: CsvRow, ctx: ParseContext, state: FileState): Record<string, unknown> | undefined {
  if (layout.document === -1) return undefined;
  const text = cellText(row.cells[layout.document]);
  if (text === undefined) return undefined;
  const doc = documentOfCell(text);
  if (!doc && !state.badDocumentReported) {
    state.badDocumentReported = true;
    ctx.issue(row.line, "the _source/Document cell is not a JSON object; only the other columns are read (reported once per file)");
  }
  return doc;
}

/** A document cell as an object: its JSON (a search hit's `_source` if it is one), or undefined. */
function documentOfCell(text: string): Record<string, unknown> | undefined {
  if (!text.startsWith("{")) return undefined;
  try {
    return ecsDocumentOf(JSON.parse(text));
  } catch {
    return undefined;
  }
}

/** A cell's value, or undefined for Kibana's empty (" - ", or "" when nothing was there). */
function cellText(raw: string | undefined): string | undefined {
  if (raw === undefined) return undefined;
  const text = unescapeFormula(raw.trim());
  return text === "" || text === "-" ? undefined : text;
}

/**
 * A field's value as the document had it: a list, a number, an ISO time, or the text. `zoneless` is
 * called for a time in the display format without an offset.
 */
function fieldValue(name: string, text: string, zoneless: () => void): unknown {
  if (isEcsList(name)) return listValue(text);
  if (isNumericField(name)) return numberValue(text) ?? text;
  const m = KIBANA_DATE.exec(text);
  if (!m) return text;
  if (m[8] === undefined) zoneless();
  return displayTimeToIso(m) ?? text;
}

/**
 * A multi-valued cell: a JSON list (field formatters' text form), or values joined with ", " (or ","
 * when no ", " is there). A value holding ", " itself (an argument with a comma and space) cannot be
 * told from two values in the joined form; the JSON form keeps it.
 */
function listValue(text: string): unknown[] {
  if (text.startsWith("[") && text.endsWith("]")) {
    try {
      const parsed: unknown = JSON.parse(text);
      if (Array.isArray(parsed)) return parsed.slice(0, MAX_LIST_ITEMS);
    } catch {
      // not JSON: a joined list that happens to start with "["
    }
  }
  const separator = text.includes(", ") ? ", " : ",";
  const items: string[] = [];
  for (const part of text.split(separator, MAX_LIST_ITEMS)) {
    const item = part.trim();
    if (item !== "") items.push(item);
  }
  return items;
}

function isNumericField(name: string): boolean {
  return NUMERIC_FIELD_ENDINGS.has(name.slice(name.lastIndexOf(".") + 1));
}

/** "3,333" or "3333" or "0.5" as a number; undefined for anything else. */
function numberValue(text: string): number | undefined {
  if (text.length > MAX_NUMBER_TEXT || !NUMBER_TEXT.test(text)) return undefined;
  const n = Number(text.replaceAll(",", ""));
  return Number.isFinite(n) ? n : undefined;
}

/** A time in Kibana's display format as ISO 8601 UTC (UTC when it has no offset), or undefined. */
export function kibanaTimeToIso(text: string): string | undefined {
  const m = KIBANA_DATE.exec(text);
  return m ? displayTimeToIso(m) : undefined;
}

function displayTimeToIso(m: RegExpExecArray): string | undefined {
  const month = String(MONTHS.indexOf(m[1]!) + 1).padStart(2, "0");
  const day = m[2]!.padStart(2, "0");
  const fraction = m[7] === undefined ? "" : `.${m[7]}`;
  // toIsoUtc checks the ranges (no 31 Nov, no hour 25) and applies the offset.
  return toIsoUtc(`${m[3]}-${month}-${day}T${m[4]}:${m[5]}:${m[6]}${fraction}${m[8] ?? "Z"}`);
}

