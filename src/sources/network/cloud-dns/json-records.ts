/**
 * The JSON records of a cloud log, whatever way it was delivered, each with the line it starts on:
 *
 *  - one record per line (S3 delivery, Firehose with newlines, `.gz` or not), read line by line with
 *    the raw-bytes fast path so a prefilter can skip records before JSON.parse;
 *  - a CloudWatch Logs export to S3: `2021-02-04T17:51:55.000Z {...}` per line (the time prefix is dropped);
 *  - one document: a JSON array, pretty-printed objects, objects one after another on a line (Firehose),
 *    `{"records":[...]}` (Azure Monitor to Event Hub / storage), `aws logs filter-log-events` /
 *    `get-log-events` output (`{"events":[{"message":"{...}"}]}`) and CloudWatch Logs subscription
 *    payloads (`{"logEvents":[{"message":"{...}"}]}`), where each message is itself a JSON record.
 *
 * Bad records are reported with their line through ctx.issue (bounded) and skipped.
 */
import type { ParseContext, Input } from "../../types.js";
import { readJsonNodes, skipValue, skipWs, type JsonNode } from "../../cloud/json-doc.js";
import { IssueReporter, asObject, getString, parseJsonObject } from "../common.js";
import { contentStart, LineScanner, scanInput, type RawLine } from "../line-scanner.js";
import { firstSignificantByte, peekInput } from "../peek-input.js";

export interface LocatedRecord {
  rec: Record<string, unknown>;
  line: number;
}

export interface JsonRecordOptions {
  /** What a record is, for messages ("a Route 53 Resolver query log record"). */
  what: string;
  /** Keys whose array values hold records (wrappers): "records", "events", "logEvents". */
  wrappers: readonly string[];
  /** Line mode only: true when the raw line certainly need not be parsed (prefilter fast path). */
  fastSkip?: (line: RawLine) => boolean;
}

// CloudWatch Logs export tasks write "<ISO time> <message>" per line.
const EXPORT_PREFIX = /^\d{4}-\d{2}-\d{2}T[0-9:.]+Z $/;

/**
 * Whether the head reads as one JSON record per line (possibly with the export time prefix): its first
 * line holds a whole object. A pretty-printed document starts with a lone "{" or with "[". A first line
 * that is broken but shaped like a record ("{...}") still means lines, so one bad record does not turn
 * the file into one unreadable document.
 */
export function isLineDelimited(head: Buffer): boolean {
  const first = firstSignificantByte(head);
  if (first !== 0x7b && !(first >= 0x30 && first <= 0x39)) return false;
  const text = head.toString("utf8").replace(/^\uFEFF/, "").trimStart();
  const nl = text.indexOf("\n");
  if (nl === -1 && head.length >= 64 * 1024) return true; // a first line longer than the head: only lines are that long
  const line = (nl === -1 ? text : text.slice(0, nl)).trim();
  const body = stripExportPrefix(line);
  if (!body.startsWith("{")) return false;
  if (!("error" in parseJsonObject(body))) return true;
  if (body.endsWith("}")) return true;
  // A cut first record: lines if the next non-empty line is a whole record.
  const next = text.slice(nl + 1).split("\n", 4).map((l) => stripExportPrefix(l.trim())).find((l) => l !== "");
  return nl !== -1 && next !== undefined && next.startsWith("{") && !("error" in parseJsonObject(next));
}

/** Objects written one after another on one line (`{...}{...}`, Firehose without newlines), or undefined. */
function concatenated(body: string): Record<string, unknown>[] | undefined {
  const out: Record<string, unknown>[] = [];
  let i = skipWs(body, 0);
  while (i < body.length) {
    if (body.charCodeAt(i) !== 0x7b) return undefined;
    const end = skipValue(body, i);
    if (end === -1) return undefined;
    const parsed = parseJsonObject(body.slice(i, end));
    if ("error" in parsed) return undefined;
    out.push(parsed.value);
    i = skipWs(body, end);
  }
  return out.length > 1 ? out : undefined;
}

/** The JSON part of a line: without the CloudWatch export time prefix when there is one. */
function stripExportPrefix(line: string): string {
  if (line.startsWith("{")) return line;
  const brace = line.indexOf("{");
  if (brace > 0 && brace <= 40 && EXPORT_PREFIX.test(line.slice(0, brace))) return line.slice(brace);
  return line;
}

export async function* readJsonRecords(original: Input, ctx: ParseContext, opts: JsonRecordOptions): AsyncGenerator<LocatedRecord> {
  const { head, input } = await peekInput(original);
  if (isLineDelimited(head)) yield* fromLines(input, ctx, opts);
  else yield* fromDocument(input, ctx, opts);
}

async function* fromLines(input: Input, ctx: ParseContext, opts: JsonRecordOptions): AsyncGenerator<LocatedRecord> {
  const issues = new IssueReporter(ctx);
  const scanner = new LineScanner(ctx);
  const out: LocatedRecord[] = [];
  const visit = (raw: RawLine): void => {
    const s = contentStart(raw);
    if (s === raw.end) return;
    if (opts.fastSkip && opts.fastSkip(raw)) { ctx.skipped(); return; }
    const body = stripExportPrefix(scanner.decode(raw, s));
    const parsed = parseJsonObject(body);
    if ("error" in parsed) {
      const several = body.includes("}{") ? concatenated(body) : undefined;
      if (!several) { issues.report(raw.line, `${parsed.error}; expected ${opts.what} per line`, raw.offset); return; }
      for (const obj of several) for (const rec of unwrap(obj, opts, raw.line, issues)) out.push({ rec, line: raw.line });
      return;
    }
    for (const rec of unwrap(parsed.value, opts, raw.line, issues)) out.push({ rec, line: raw.line });
  };
  yield* scanInput(input, scanner, out, visit);
  issues.finish();
}

async function* fromDocument(input: Input, ctx: ParseContext, opts: JsonRecordOptions): AsyncGenerator<LocatedRecord> {
  const issues = new IssueReporter(ctx);
  for await (const top of readJsonNodes(input, ctx)) {
    for (const node of recordNodes(top, opts)) {
      let value: unknown;
      try {
        value = node.value();
      } catch (err) {
        issues.report(node.line, `${node.path || "record"}: ${(err as Error).message}; expected ${opts.what}`);
        continue;
      }
      const obj = asObject(value);
      if (!obj) { issues.report(node.line, `${node.path || "record"}: not a JSON object; expected ${opts.what}`); continue; }
      for (const rec of unwrap(obj, opts, node.line, issues)) yield { rec, line: node.line };
    }
  }
  issues.finish();
}

/** Array elements and wrapper members as separate nodes, so one bad record does not hide the others. */
function* recordNodes(node: JsonNode, opts: JsonRecordOptions): Generator<JsonNode> {
  if (node.isArray) { yield* node.elements(); return; }
  if (node.isObject) {
    for (const key of opts.wrappers) {
      const list = node.member(key);
      if (list?.isArray) { yield* list.elements(); return; }
    }
  }
  yield node;
}

/**
 * The records inside one parsed object: itself, the elements of a wrapper key, or a CloudWatch
 * event's `message` parsed as JSON. Bounded: wrappers are followed one level deep.
 */
function unwrap(obj: Record<string, unknown>, opts: JsonRecordOptions, line: number, issues: IssueReporter, depth = 0): Record<string, unknown>[] {
  if (depth < 2) {
    for (const key of opts.wrappers) {
      const list = obj[key];
      if (!Array.isArray(list)) continue;
      const out: Record<string, unknown>[] = [];
      for (const item of list) {
        const o = asObject(item);
        if (o) out.push(...unwrap(o, opts, line, issues, depth + 1));
      }
      return out;
    }
  }
  const message = getString(obj, "message");
  if (message !== undefined && message.trimStart().startsWith("{") && (typeof obj.timestamp === "number" || "ingestionTime" in obj || "logStreamName" in obj || "id" in obj)) {
    const parsed = parseJsonObject(message);
    if ("error" in parsed) { issues.report(line, `a log event whose message is ${parsed.error}; expected ${opts.what}`); return []; }
    return [parsed.value];
  }
  return [obj];
}
