/**
 * Zeek conn, dns, ssl and http logs, TSV or JSON, as four sources (one id per log, so
 * `--input-format zeek.dns` works) sharing one reader. Each reader accepts all four logs:
 * JSON exports often mix them in one file (json-streaming-logs writes `_path` on every line).
 *
 * Speed: with a prefilter, DNS and conn records are judged on their raw text (the query name,
 * or the responder address and port) and skipped without JSON.parse or column splitting when
 * they cannot matter (fast-path.ts). Everything else takes the ordinary path: parse, map, then
 * the same prefilter rule on the parsed values.
 */
import type { Event } from "../../../model/index.js";
import type { DatasetDeclaration, Input, ParseContext, Sample, Source } from "../../types.js";
import { anyOf } from "../../cloud/sniff-json.js";
import { sampleJsonLine } from "../../sniff.js";
import { IssueReporter, parseJsonObject } from "../common.js";
import { contentStart, LineScanner, scanInput, type RawLine } from "../line-scanner.js";
import { jsonFastDecision, recordMatters, tsvFastColumns, tsvFastDecision } from "./fast-path.js";
import { classifyRecord, isZeekLog, looksLikeZeek, zeekEvent, type ZeekLog } from "./records.js";
import { newTsvHeader, readHeaderLine, tsvRecord } from "./tsv.js";
import { FLOW_LACKS } from "../fields.js";

const TITLES: Record<ZeekLog, string> = {
  conn: "Zeek conn.log (TSV or JSON): connections",
  dns: "Zeek dns.log (TSV or JSON): DNS queries and answers",
  ssl: "Zeek ssl.log (TSV or JSON): TLS handshakes with SNI",
  http: "Zeek http.log (TSV or JSON): HTTP requests",
};

const OPEN_BRACE = 0x7b;
const HASH = 0x23;

/** Read one Zeek file, any of the four logs, TSV or JSON. */
export async function* parseZeek(input: Input, ctx: ParseContext): AsyncGenerator<Event> {
  const path = input.path;
  const pf = ctx.prefilter;
  const issues = new IssueReporter(ctx);
  const scanner = new LineScanner(ctx);
  const out: Event[] = [];
  let header = newTsvHeader();
  let fastColumns = tsvFastColumns(header);
  let headerEnded = false;
  const reportedKinds = new Set<string>();

  const accept = (record: Record<string, unknown>, line: number): void => {
    const kind = classifyRecord(record);
    if (!isZeekLog(kind)) {
      const key = kind ?? "(unknown)";
      if (!reportedKinds.has(key)) {
        reportedKinds.add(key);
        issues.report(line, kind === undefined
          ? "a JSON object that is none of Zeek's conn, dns, ssl or http records (expected keys such as query, conn_state, server_name or method); such lines are skipped"
          : `Zeek "${kind}" records are not read (minerhunt reads conn, dns, ssl and http); such lines are skipped`);
      }
      return;
    }
    if (pf && !recordMatters(kind, record, pf)) {
      ctx.skipped();
      return;
    }
    out.push(zeekEvent(kind, record, { path, line }));
  };

  const visit = (raw: RawLine): void => {
    // Bytes, not raw.text: a JSON line the fast path skips never needs its chunk as text.
    const buf = raw.buf;
    const s = contentStart(raw);
    if (s === raw.end) return; // blank line
    if (buf[raw.start] === HASH) {
      if (headerEnded) {
        // A header after data: a rotated or concatenated log starts a new layout.
        header = newTsvHeader();
        headerEnded = false;
      }
      const problem = readHeaderLine(header, scanner.decode(raw));
      if (problem) issues.report(raw.line, problem, raw.offset);
      fastColumns = tsvFastColumns(header);
      return;
    }
    headerEnded = true;
    if (buf[s] === OPEN_BRACE) {
      if (pf && jsonFastDecision(raw, pf) === "skip") { ctx.skipped(); return; }
      const parsed = parseJsonObject(scanner.decode(raw, s));
      if ("error" in parsed) { issues.report(raw.line, `${parsed.error}; expected one Zeek JSON record per line`, raw.offset); return; }
      if (!looksLikeZeek(parsed.value)) {
        issues.report(raw.line, "a JSON object without Zeek's ts and uid/id.orig_h fields; expected a Zeek JSON log record", raw.offset);
        return;
      }
      accept(parsed.value, raw.line);
      return;
    }
    if (pf && header.fields && tsvFastDecision(raw, fastColumns, header, pf) === "skip") { ctx.skipped(); return; }
    const rec = tsvRecord(scanner.decode(raw), header);
    if ("error" in rec) { issues.report(raw.line, `${rec.error}; expected a Zeek TSV record matching the #fields header`, raw.offset); return; }
    accept(rec.record, raw.line);
  };

  yield* scanInput(input, scanner, out, visit);
  issues.finish();
}

/** The keys looksLikeZeek needs one of, as a JSON line spells them (unless with an escape). */
const MAY_BE_ZEEK_RECORD = anyOf('"uid"', '"id.orig_h"');

/** Count the Zeek logs in a sample; TSV by its header, JSON by each line's keys. */
export function sniffZeekLogs(sample: Sample): Map<string, number> {
  const counts = new Map<string, number>();
  const add = (k: string): void => { counts.set(k, (counts.get(k) ?? 0) + 1); };
  const header = newTsvHeader();
  let sawHeader = false;
  for (let i = 0; i < sample.lines.length; i++) {
    const line = sample.lines[i]!;
    if (line.startsWith("#")) {
      if (line.startsWith("#separator") || line.startsWith("#path") || line.startsWith("#fields") || line.startsWith("#types")) sawHeader = true;
      readHeaderLine(header, line);
      continue;
    }
    // looksLikeZeek needs a uid or id.orig_h key: a line without either (nor a backslash, which could
    // spell one with an escape) is not a Zeek record, and is not parsed for it.
    if (!line.includes("\\") && !MAY_BE_ZEEK_RECORD(line)) continue;
    // Parsed once for all the JSON-lines sniffers (Suricata's, ECS's... ask for the same lines).
    const record = sampleJsonLine(sample, i);
    if (typeof record === "string" || !looksLikeZeek(record)) continue;
    const kind = classifyRecord(record);
    if (kind) add(kind);
  }
  if (sawHeader && header.fields) {
    const kind = header.path ?? classifyRecord(Object.fromEntries(header.fields.map((f) => [f, true])));
    if (kind) add(kind);
  }
  return counts;
}

/** The four Zeek sources sniff the same sample: its lines are classified once. */
const sniffed = new WeakMap<Sample, Map<string, number>>();

function sniffScore(sample: Sample, log: ZeekLog): number {
  try {
    let counts = sniffed.get(sample);
    if (!counts) { counts = sniffZeekLogs(sample); sniffed.set(sample, counts); }
    const mine = counts.get(log) ?? 0;
    if (mine === 0) return 0;
    let total = 0;
    for (const n of counts.values()) total += n;
    // Specific and certain; in a mixed file the log with the most lines wins.
    return 0.9 + 0.09 * (mine / total);
  } catch {
    return 0;
  }
}

/** What each log becomes. The DNS, conn, ssl and http records are judged by the prefilter on these fields. */
const DECLARATIONS: Record<ZeekLog, DatasetDeclaration> = {
  dns: { dataset: "zeek.dns", categories: ["network", "dns"], sigma: ["dns_query", "dns", "zeek/dns"], prefilter: ["domain", "answer"] },
  conn: { dataset: "zeek.conn", categories: ["network"], sigma: ["network_connection", "firewall", "zeek/conn"], prefilter: ["ip", "port"], lacks: FLOW_LACKS },
  ssl: { dataset: "zeek.ssl", categories: ["network"], sigma: ["tls", "zeek/ssl"], prefilter: ["domain", "ip", "port"] },
  http: {
    dataset: "zeek.http", categories: ["network"], sigma: ["proxy", "webserver", "zeek/http"], prefilter: ["domain", "ip", "port", "text"],
    // The user agent and URL are tested as text; Zeek's http.log carries no header values.
    prefilterFields: { domain: ["url.domain", "destination.domain"], text: ["user_agent.original", "url.original", "url.path", "url.query"] },
    lacks: ["minerhunt.http.headers"],
  },
};

export function zeekSource(log: ZeekLog): Source {
  return {
    id: `zeek.${log}`,
    title: TITLES[log],
    // One reader for the four logs: a JSON export that mixes them (json-streaming-logs) yields all four
    // from a file sniffed as any one, so each source declares all four, its own first.
    emits: [DECLARATIONS[log], ...(Object.keys(DECLARATIONS) as ZeekLog[]).filter((l) => l !== log).map((l) => DECLARATIONS[l])],
    sniff: (sample) => sniffScore(sample, log),
    parse: (input, ctx) => parseZeek(input, ctx),
  };
}

export const zeekConnSource = zeekSource("conn");
export const zeekDnsSource = zeekSource("dns");
export const zeekSslSource = zeekSource("ssl");
export const zeekHttpSource = zeekSource("http");
