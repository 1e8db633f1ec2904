/**
 * Suricata EVE JSON (eve.json): one record per line, `event_type` says which. Reads dns, flow,
 * netflow, tls, http and alert records; other types (stats, fileinfo, anomaly, ...) are valid
 * EVE but carry nothing for mining detection and are passed over quietly.
 *
 * Speed: with a prefilter, dns records are judged by their query names and flow/netflow records
 * by destination address and port on the raw bytes, and skipped without JSON.parse when they
 * cannot matter. Alerts are never skipped.
 */
import type { Event } from "../../../model/index.js";
import type { Input, ParseContext, Prefilter, Sample, Source } from "../../types.js";
import { has, key } from "../../cloud/sniff-json.js";
import { sampleJsonLine } from "../../sniff.js";
import { IssueReporter, asObject, getNumber, getString, parseJsonObject } from "../common.js";
import { JsonKey, peekAllStrings, peekString, peekUint } from "../json-peek.js";
import { contentStart, LineScanner, scanInput, type RawLine } from "../line-scanner.js";
import { firstSignificantByte, peekInput } from "../peek-input.js";
import { endpointMatters, nameMatters } from "../prefilter-rules.js";
import { firstDocumentRecord, parseEveArray } from "./eve-array.js";
import { FLOW_LACKS } from "../fields.js";
import { FORMAT, READ_EVENT_TYPES, dnsNames, eveEvent } from "./records.js";

const KEY_EVENT_TYPE = new JsonKey("event_type");
const KEY_RRNAME = new JsonKey("rrname");
const KEY_DEST_IP = new JsonKey("dest_ip");
const KEY_DEST_PORT = new JsonKey("dest_port");

/** Whether a parsed record could matter (the same rule the fast path applies to raw bytes). */
export function eveRecordMatters(rec: Record<string, unknown>, pf: Prefilter): boolean {
  const type = getString(rec, "event_type");
  const ip = getString(rec, "dest_ip");
  const port = getNumber(rec, "dest_port");
  switch (type) {
    case "dns": {
      const names = dnsNames(asObject(rec.dns));
      // Answers are not read here: with IP intel loaded every DNS record goes on to the detector.
      return names.length === 0 || pf.answer !== undefined || names.some((n) => nameMatters(pf, n));
    }
    case "flow":
    case "netflow":
      return endpointMatters(pf, ip, port);
    case "tls": {
      const sni = getString(asObject(rec.tls), "sni");
      return (sni !== undefined && nameMatters(pf, sni)) || endpointMatters(pf, ip, port);
    }
    case "http":
      // Never skipped: EVE http records may carry request/response header dumps (X-Mining-Extensions,
      // X-Stratum) that no cheap test on host, agent or URL can see, and they are few next to dns and flows.
      return true;
    default:
      return true;
  }
}

/** Skip from raw bytes when certain; otherwise the line is parsed. */
function fastSkip(line: RawLine, pf: Prefilter): boolean {
  const type = peekString(line, KEY_EVENT_TYPE);
  if (type === "dns") {
    if (pf.answer) return false; // answers decide too: the parsed record is judged
    const names = peekAllStrings(line, KEY_RRNAME);
    if (names === null || names.length === 0) return false;
    return !names.some((n) => nameMatters(pf, n));
  }
  if (type === "flow" || type === "netflow") {
    const ip = peekString(line, KEY_DEST_IP);
    const port = peekUint(line, KEY_DEST_PORT);
    if (typeof ip !== "string" || typeof port !== "number") return false;
    return !endpointMatters(pf, ip, port);
  }
  return false;
}

export async function* parseEve(original: Input, ctx: ParseContext): AsyncGenerator<Event> {
  const pf = ctx.prefilter;
  // EVE saved as one JSON array (an export, `jq -s`) or pretty-printed (`jq .`): read as a document,
  // records keep the lines they start on.
  const { head, input } = await peekInput(original);
  if (isDocument(head)) {
    yield* parseEveArray(input, ctx, pf ? (rec) => eveRecordMatters(rec, pf) : undefined);
    return;
  }
  const path = input.path;
  const issues = new IssueReporter(ctx);
  const scanner = new LineScanner(ctx);
  const out: Event[] = [];

  const visit = (raw: RawLine): void => {
    const s = contentStart(raw);
    if (s === raw.end) return;
    if (pf && fastSkip(raw, pf)) { ctx.skipped(); return; }
    const parsed = parseJsonObject(scanner.decode(raw, s));
    if ("error" in parsed) { issues.report(raw.line, `${parsed.error}; expected one Suricata EVE JSON record per line`, raw.offset); return; }
    const rec = parsed.value;
    const type = getString(rec, "event_type");
    if (type === undefined) {
      issues.report(raw.line, "a JSON object without event_type; expected a Suricata EVE record", raw.offset);
      return;
    }
    if (!READ_EVENT_TYPES.has(type)) return;
    if (pf && !eveRecordMatters(rec, pf)) { ctx.skipped(); return; }
    const ev = eveEvent(rec, { path, line: raw.line });
    if (ev) out.push(ev);
  };

  yield* scanInput(input, scanner, out, visit);
  issues.finish();
}

/** A JSON array, or objects pretty-printed over several lines (the first line is a lone "{"). */
function isDocument(head: Buffer): boolean {
  const first = firstSignificantByte(head);
  if (first === 0x5b) return true;
  if (first !== 0x7b) return false;
  const start = head.indexOf(0x7b);
  const nl = head.indexOf(0x0a, start);
  return nl !== -1 && head.subarray(start + 1, nl).toString("latin1").trim() === "";
}

/** EVE records have event_type and timestamp; most also the flow tuple or flow_id. */
export function looksLikeEve(obj: Record<string, unknown>): boolean {
  return typeof obj.event_type === "string" && typeof obj.timestamp === "string"
    && ("src_ip" in obj || "flow_id" in obj || obj.event_type === "stats" || "alert" in obj);
}

function sniff(sample: Sample): number {
  const t = sample.text.trimStart();
  if (t.startsWith("[") || /^\{[ \t\r]*\n/.test(t)) {
    const first = firstDocumentRecord(t);
    return first && looksLikeEve(first) ? 0.95 : 0;
  }
  // looksLikeEve needs an event_type key: a sample without one (nor a backslash, which could spell it with
  // an escape) has no EVE line, and its lines are not parsed for nothing.
  if (!has(sample.text, key("event_type")) && !sample.text.includes("\\")) return 0;
  let eve = 0;
  let other = 0;
  for (let i = 0; i < sample.lines.length; i++) {
    // Parsed once for all the JSON-lines sniffers (Zeek's, ECS's... ask for the same lines).
    const record = sampleJsonLine(sample, i);
    if (record === "unparsable") continue; // the sample's last line may be cut
    if (record !== "not-an-object" && looksLikeEve(record)) eve++;
    else other++;
  }
  if (eve === 0) return 0;
  return other === 0 ? 0.95 : 0.6;
}

export const suricataEveSource: Source = {
  id: FORMAT,
  title: "Suricata EVE JSON: dns, flow, netflow, tls, http and alert records (one per line, or one JSON array)",
  emits: [
    { dataset: "suricata.dns", categories: ["network", "dns"], sigma: ["dns_query", "dns", "suricata/dns"], prefilter: ["domain", "answer"] },
    { dataset: "suricata.flow", categories: ["network"], sigma: ["network_connection", "firewall", "suricata/flow"], prefilter: ["ip", "port"], lacks: FLOW_LACKS },
    { dataset: "suricata.tls", categories: ["network"], sigma: ["tls", "suricata/tls"], prefilter: ["domain", "ip", "port"] },
    // http records are never skipped (header dumps no cheap test can see), alerts neither.
    { dataset: "suricata.http", categories: ["network"], sigma: ["proxy", "webserver", "suricata/http"] },
    { dataset: "suricata.alert", categories: ["network", "intrusion_detection"], sigma: ["suricata/alert"] },
  ],
  sniff: (sample) => { try { return sniff(sample); } catch { return 0; } },
  parse: (input, ctx) => parseEve(input, ctx),
};
