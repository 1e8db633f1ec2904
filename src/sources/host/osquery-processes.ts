/**
 * osquery `processes` results, in the three shapes they come in:
 * - osqueryi `--json`: a JSON array of rows (`[{"pid":"1","name":"systemd",...},...]`, values as text);
 * - osqueryd result log, event format: one line per row change, `{"name":"pack_..._processes",
 *   "hostIdentifier":..,"unixTime":..,"columns":{..},"action":"added"|"removed"}`;
 * - osqueryd result log, snapshot (`"snapshot":[rows]`) and batch (`"diffResults":{"added":[..],"removed":[..]}`).
 * Result-log lines of other queries (the log holds every scheduled query) are counted as skipped.
 *
 * Row columns: pid, parent, name, path, cmdline, cwd, uid, on_disk, start_time, plus sha256 or username
 * when the query joined them in. A kernel thread has an empty path and cmdline: kernel_thread true,
 * executable "". on_disk 0 (the binary was deleted after start) is kept as `minerhunt.process.on_disk`.
 */
import type { Event } from "../../model/index.js";
import { DEFAULT_LIMITS } from "../input.js";
import type { Input, ParseContext, Sample, Source } from "../types.js";
import { has, key } from "../cloud/sniff-json.js";
import { baseEvent } from "../metrics/event-base.js";
import { isJsonObject, objectStartLines, parseJsonDocument } from "../metrics/json-locate.js";
import { parseNumber } from "../metrics/numbers.js";
import { epochToIso } from "../metrics/time.js";
import { addCommandLine } from "./process-fields.js";

const ID = "osquery.processes";
const DATASET = "osquery.processes";
const PROCESS_COLUMNS = ["cmdline", "path", "parent", "on_disk"];

function isProcessRow(row: Record<string, unknown>): boolean {
  return "pid" in row && PROCESS_COLUMNS.some((c) => c in row);
}

/** Whether a result-log line belongs to a processes query: by its name, or by its rows' columns. */
function isProcessResult(line: Record<string, unknown>, rows: Record<string, unknown>[]): boolean {
  if (typeof line.name === "string" && line.name.toLowerCase().includes("process")) return true;
  return rows.length > 0 && rows.every(isProcessRow);
}

interface Context {
  host?: string;
  timestamp?: string;
  action?: string;
}

export const osqueryProcessesSource: Source = {
  id: ID,
  title: "osquery processes results (osqueryi --json, osqueryd result log: event, snapshot, batch)",
  emits: [{ dataset: DATASET, categories: ["process"], sigma: ["process_creation"] }],

  sniff(sample: Sample): number {
    const t = sample.text.trimStart();
    // Searched for only once the sample's shape asks: most files sniffed are neither shape.
    const hasRowColumns = (): boolean => t.includes('"pid"') && (t.includes('"cmdline"') || t.includes('"on_disk"') || t.includes('"parent"'));
    if (t.startsWith("[")) return hasRowColumns() ? 0.85 : 0;
    if (!t.startsWith("{") || !has(t, key("hostIdentifier"))) return 0;
    if (!(t.includes('"columns"') || t.includes('"snapshot"') || t.includes('"diffResults"'))) return 0;
    return hasRowColumns() || /"name"\s*:\s*"[^"]{0,200}process/i.test(sample.lines[0] ?? "") ? 0.9 : 0.3;
  },

  async *parse(input: Input, ctx: ParseContext): AsyncIterable<Event> {
    // One pass over the lines (stdin can be read once): a leading "[" means an osqueryi array, gathered
    // into one document; otherwise each line is a result-log record.
    let arrayText: string[] | undefined;
    let arrayBytes = 0;
    for await (const { text, line } of input.lines()) {
      if (arrayText) {
        arrayBytes += text.length + 1;
        if (arrayBytes > DEFAULT_LIMITS.maxDocumentBytes) {
          ctx.issue(line, `osqueryi JSON array larger than ${DEFAULT_LIMITS.maxDocumentBytes} bytes; split it or use the result log`);
          return;
        }
        arrayText.push(text);
        continue;
      }
      const trimmed = text.trim();
      if (trimmed === "") continue;
      if (trimmed.startsWith("[")) {
        arrayText = Array.from({ length: line - 1 }, () => ""); // keep line numbers true
        arrayText.push(text);
        arrayBytes = text.length;
        continue;
      }
      yield* resultLogLine(input.path, line, trimmed, ctx);
    }
    if (arrayText) yield* osqueryiArray(input.path, arrayText.join("\n"), ctx);
  },
};

function* osqueryiArray(path: string, text: string, ctx: ParseContext): Generator<Event> {
  const doc = parseJsonDocument(text, (l, m) => ctx.issue(l, m), "osqueryi --json output: an array of row objects");
  if (doc === undefined) return;
  if (!Array.isArray(doc)) {
    ctx.issue(1, "expected an array of row objects");
    return;
  }
  const lines = objectStartLines(text, 1);
  for (let i = 0; i < doc.length; i++) {
    const row: unknown = doc[i];
    const line = lines.get(String(i));
    if (!isJsonObject(row) || !isProcessRow(row)) {
      ctx.issue(line, `row ${i}: expected a processes row with pid and cmdline/path/parent`);
      continue;
    }
    yield rowToEvent(path, line, row, {}, ctx);
  }
}

function* resultLogLine(path: string, line: number, text: string, ctx: ParseContext): Generator<Event> {
  let record: unknown;
  try {
    record = JSON.parse(text);
  } catch (err) {
    ctx.issue(line, `not valid JSON (${(err as Error).message.slice(0, 120)}); expected one osqueryd result record per line`);
    return;
  }
  if (!isJsonObject(record)) {
    ctx.issue(line, "expected an osqueryd result record (a JSON object)");
    return;
  }
  const groups: { action: string; rows: unknown[] }[] = [];
  if (isJsonObject(record.columns)) groups.push({ action: typeof record.action === "string" ? record.action : "added", rows: [record.columns] });
  if (Array.isArray(record.snapshot)) groups.push({ action: "snapshot", rows: record.snapshot });
  if (isJsonObject(record.diffResults)) {
    for (const action of ["added", "removed"]) {
      const rows = record.diffResults[action];
      if (Array.isArray(rows)) groups.push({ action, rows });
    }
  }
  if (groups.length === 0) {
    ctx.issue(line, 'expected "columns", "snapshot" or "diffResults" in an osqueryd result record');
    return;
  }
  const allRows = groups.flatMap((g) => g.rows.filter(isJsonObject));
  if (!isProcessResult(record, allRows)) {
    ctx.skipped(); // another scheduled query's result
    return;
  }
  const decorations = isJsonObject(record.decorations) ? record.decorations : {};
  const host = typeof record.hostIdentifier === "string" ? record.hostIdentifier
    : typeof decorations.hostname === "string" ? decorations.hostname : undefined;
  const unixTime = typeof record.unixTime === "number" ? record.unixTime
    : typeof record.unixTime === "string" ? parseNumber(record.unixTime) : undefined;
  const timestamp = unixTime !== undefined ? epochToIso(unixTime) : undefined;
  for (const group of groups) {
    for (const row of group.rows) {
      if (!isJsonObject(row) || !isProcessRow(row)) {
        ctx.issue(line, "a row without pid and cmdline/path/parent; expected a processes row");
        continue;
      }
      yield rowToEvent(path, line, row, { host, timestamp, action: group.action }, ctx);
    }
  }
}

/** osquery writes every column as text (numbers too, unless numerics=true); read either. */
function text(row: Record<string, unknown>, column: string): string | undefined {
  const v = row[column];
  if (typeof v === "string") return v;
  if (typeof v === "number") return String(v);
  return undefined;
}

function integer(row: Record<string, unknown>, column: string): number | undefined {
  const v = text(row, column);
  if (v === undefined || v === "") return undefined;
  const n = parseNumber(v);
  return n !== undefined && Number.isInteger(n) ? n : undefined;
}

function rowToEvent(path: string, line: number | undefined, row: Record<string, unknown>, context: Context, ctx: ParseContext): Event {
  const differential = context.action === "added" || context.action === "removed";
  const event = baseEvent({ path, line, format: ID, dataset: DATASET, category: ["process"], kind: differential ? "event" : "state" });
  if (context.timestamp !== undefined) event["@timestamp"] = context.timestamp;
  if (context.host !== undefined) event["host.name"] = context.host;
  if (context.action !== undefined) event["event.action"] = context.action;

  const pid = integer(row, "pid");
  if (pid !== undefined) event["process.pid"] = pid;
  else ctx.issue(line, `pid ${JSON.stringify(text(row, "pid") ?? null)} is not a number`);
  const parent = integer(row, "parent");
  if (parent !== undefined) event["process.parent.pid"] = parent;

  const name = text(row, "name");
  const executable = text(row, "path") ?? "";
  const cmdline = text(row, "cmdline") ?? "";
  const kernelThread = executable === "" && cmdline === "" && "path" in row && "cmdline" in row;
  if (cmdline !== "") addCommandLine(event, cmdline, name || undefined);
  else if (name) event["process.name"] = name;
  if (executable !== "" || kernelThread) event["process.executable"] = executable;
  if ("path" in row && "cmdline" in row) event["minerhunt.process.kernel_thread"] = kernelThread;

  const cwd = text(row, "cwd");
  if (cwd) event["process.working_directory"] = cwd;
  const uid = text(row, "uid");
  if (uid !== undefined && uid !== "") event["user.id"] = uid;
  const username = text(row, "username");
  if (username) event["user.name"] = username;
  const sha256 = text(row, "sha256");
  if (sha256) event["process.hash.sha256"] = sha256.toLowerCase();
  const start = integer(row, "start_time");
  const started = start !== undefined ? epochToIso(start) : undefined;
  if (started !== undefined) event["process.start"] = started;
  const onDisk = integer(row, "on_disk");
  if (onDisk !== undefined) event["minerhunt.process.on_disk"] = onDisk;
  return event;
}
