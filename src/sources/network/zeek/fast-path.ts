/**
 * The Zeek prefilter rules, in two forms that must agree: on parsed records (recordMatters) and
 * on the raw text of a line (the fast paths), which let a DNS or conn record be skipped without
 * JSON.parse or splitting its columns when the prefilter says it cannot matter.
 */
import type { Prefilter } from "../../types.js";
import { getNumber, getString } from "../common.js";
import { ABSENT, COMPLEX, ByteKey, JsonKey, hasKey, peekString, peekStringArrayBytes, peekStringSpan, peekUint, type ByteSpan } from "../json-peek.js";
import { isAscii, type RawLine } from "../line-scanner.js";
import { answersMatter, endpointMatters, nameBytesMatter, nameMatters } from "../prefilter-rules.js";
import { classifyRecord, isZeekLog, type ZeekLog } from "./records.js";
import { tsvColumnSpan, type ZeekTsvHeader } from "./tsv.js";

const KEY_QUERY = new ByteKey("query");
const KEY_ANSWERS = new ByteKey("answers");
const KEY_CONN_STATE = new JsonKey("conn_state");
const KEY_HISTORY = new JsonKey("history");
const KEY_RESP_H = new JsonKey("id.resp_h");
const KEY_RESP_P = new JsonKey("id.resp_p");

/** Whether a parsed record could matter to detection (same rule as the fast paths). */
export function recordMatters(log: ZeekLog, record: Record<string, unknown>, pf: Prefilter): boolean {
  const respH = getString(record, "id.resp_h");
  const respP = getNumber(record, "id.resp_p");
  switch (log) {
    case "dns": {
      const query = getString(record, "query");
      if (query === undefined || nameMatters(pf, query)) return true;
      const answers = record["answers"];
      return Array.isArray(answers) && answersMatter(pf, answers.filter((a): a is string => typeof a === "string"));
    }
    case "conn":
      return endpointMatters(pf, respH, respP);
    case "ssl": {
      const sni = getString(record, "server_name");
      return (sni !== undefined && nameMatters(pf, sni)) || endpointMatters(pf, respH, respP);
    }
    case "http": {
      const host = getString(record, "host");
      const ua = getString(record, "user_agent");
      const uri = getString(record, "uri");
      return (host !== undefined && nameMatters(pf, host.split(":")[0]!)) || endpointMatters(pf, respH, respP)
        || (ua !== undefined && pf.text(ua)) || (uri !== undefined && pf.text(uri));
    }
  }
}

export type FastDecision = "skip" | "parse";

/** Scratch span of the query name (lines are judged one at a time, synchronously). */
const querySpan: ByteSpan = { start: 0, end: 0 };

/**
 * The fast path for one JSON line: skip it from its raw text, or say it needs parsing. A `query`
 * key means DNS (no other of the four logs has one, see classifyRecord); `conn_state` or
 * `history` means conn.
 */
export function jsonFastDecision(line: RawLine, pf: Prefilter): FastDecision {
  // DNS, the bulk of a network's logs, is judged on the line's bytes: no latin1 text of the chunk,
  // and no string for a name that does not matter.
  const query = peekStringSpan(line, KEY_QUERY, querySpan);
  if (query !== ABSENT) {
    if (query === COMPLEX) return "parse"; // escaped or non-ASCII value: the parser decides
    if (nameBytesMatter(pf, line.buf, querySpan.start, querySpan.end)) return "parse";
    // With IP intel loaded the answers decide too, read from the raw bytes like the name.
    if (!pf.answer) return "skip";
    const answers = peekStringArrayBytes(line, KEY_ANSWERS);
    if (answers === ABSENT) return "skip";
    if (answers === COMPLEX) return "parse";
    return answersMatter(pf, answers) ? "parse" : "skip";
  }
  if (hasKey(line, KEY_CONN_STATE) || hasKey(line, KEY_HISTORY)) {
    const ip = peekString(line, KEY_RESP_H);
    const port = peekUint(line, KEY_RESP_P);
    if (typeof ip !== "string" || typeof port !== "number") return "parse";
    return endpointMatters(pf, ip, port) ? "parse" : "skip";
  }
  return "parse";
}

/** Column positions the TSV fast path reads, worked out once per header. */
export interface TsvFastColumns {
  log: ZeekLog | undefined;
  /** The separator when it is one character (the fast path needs that), else "". */
  separator: string;
  query: number;
  answers: number;
  respH: number;
  respP: number;
}

export function tsvFastColumns(header: ZeekTsvHeader): TsvFastColumns {
  const fields = header.fields ?? [];
  const guessed = header.path ?? classifyRecord(Object.fromEntries(fields.map((f) => [f, true])));
  return {
    log: isZeekLog(guessed) ? guessed : undefined,
    separator: header.separator.length === 1 ? header.separator : "",
    query: header.index.get("query") ?? -1,
    answers: header.index.get("answers") ?? -1,
    respH: header.index.get("id.resp_h") ?? -1,
    respP: header.index.get("id.resp_p") ?? -1,
  };
}

/** Scratch span for the TSV fast path (parsing is synchronous per line). */
const span = { start: 0, end: 0 };

function column(line: RawLine, index: number, cols: TsvFastColumns, header: ZeekTsvHeader): string | undefined {
  if (!tsvColumnSpan(line, index, cols.separator, span)) return undefined;
  const value = line.text.slice(span.start, span.end);
  return value === "" || value === header.unsetField || value === header.emptyField ? undefined : value;
}

export function tsvFastDecision(line: RawLine, cols: TsvFastColumns, header: ZeekTsvHeader, pf: Prefilter): FastDecision {
  if (cols.separator === "") return "parse";
  if (cols.log === "dns" && cols.query !== -1) {
    const query = column(line, cols.query, cols, header);
    if (query === undefined) return "parse";
    if (nameMatters(pf, query)) return "parse";
    if (!pf.answer) return "skip";
    if (cols.answers === -1) return "parse";
    const answers = column(line, cols.answers, cols, header);
    if (answers === undefined) return "skip";
    // Escaped separators or bytes need the real reader; plain addresses do not.
    if (answers.includes("\\") || !isAscii(answers, 0, answers.length)) return "parse";
    return answersMatter(pf, answers.split(header.setSeparator)) ? "parse" : "skip";
  }
  if (cols.log === "conn" && cols.respH !== -1 && cols.respP !== -1) {
    const ip = column(line, cols.respH, cols, header);
    const port = Number(column(line, cols.respP, cols, header));
    if (ip === undefined || !Number.isInteger(port)) return "parse";
    return endpointMatters(pf, ip, port) ? "parse" : "skip";
  }
  return "parse";
}
