/**
 * Suricata EVE JSON records (dns, flow, netflow, tls, http, alert) to ECS events.
 */
import type { Event } from "../../../model/index.js";
import {
  CATEGORY_ALERT, CATEGORY_DNS, CATEGORY_NETWORK, TYPE_CONNECTION, TYPE_PROTOCOL, asObject, baseEvent, getBoolean, getNumber,
  getString, getStrings, isIpAddress, isoFromText, normalizeDomain, put,
} from "../common.js";
import { commonName, urlFields } from "../fields.js";

export const FORMAT = "suricata.eve";
export const READ_EVENT_TYPES = new Set(["dns", "flow", "netflow", "tls", "http", "alert"]);

/** The flow tuple and common fields every EVE record has. */
function common(ev: Event, rec: Record<string, unknown>): void {
  const ts = getString(rec, "timestamp");
  if (ts !== undefined) put(ev, "@timestamp", isoFromText(ts));
  put(ev, "source.ip", getString(rec, "src_ip"));
  put(ev, "source.port", getNumber(rec, "src_port"));
  put(ev, "destination.ip", getString(rec, "dest_ip"));
  put(ev, "destination.port", getNumber(rec, "dest_port"));
  put(ev, "network.transport", getString(rec, "proto")?.toLowerCase());
  const app = getString(rec, "app_proto");
  if (app !== undefined && app !== "failed" && app !== "unknown") put(ev, "network.protocol", app);
  put(ev, "network.community_id", getString(rec, "community_id"));
  const flowId = rec.flow_id;
  if (typeof flowId === "number" || typeof flowId === "string") put(ev, "minerhunt.suricata.flow_id", String(flowId));
  put(ev, "observer.ingress.interface.name", getString(rec, "in_iface"));
  put(ev, "observer.name", getString(rec, "host"));
  put(ev, "minerhunt.suricata.event_type", getString(rec, "event_type"));
}

/** Every query name of a DNS object: v1/v2 `rrname`, v3 `queries[]`, and answer/authority owners. */
export function dnsNames(dns: Record<string, unknown> | undefined): string[] {
  if (!dns) return [];
  const names: string[] = [];
  const own = getString(dns, "rrname");
  if (own !== undefined) names.push(own);
  for (const listName of ["queries", "answers", "authorities", "additionals"]) {
    const list = dns[listName];
    if (!Array.isArray(list)) continue;
    for (const item of list) {
      const n = getString(asObject(item), "rrname");
      if (n !== undefined) names.push(n);
    }
  }
  return names;
}

/** The name asked about: v3 puts it in queries[0], v1/v2 in rrname. */
function questionName(dns: Record<string, unknown>): { name?: string; type?: string } {
  const queries = dns.queries;
  if (Array.isArray(queries) && queries.length > 0) {
    const q = asObject(queries[0]);
    return { name: getString(q, "rrname"), type: getString(q, "rrtype") };
  }
  return { name: getString(dns, "rrname"), type: getString(dns, "rrtype") };
}

/** Answer data from every layout: v1 `rdata`, v2/v3 `answers[].rdata`, and `grouped` by type. */
function answerData(dns: Record<string, unknown>): string[] {
  const data: string[] = [];
  const type = getString(dns, "type");
  const single = getString(dns, "rdata");
  if (single !== undefined && type === "answer") data.push(single);
  const answers = dns.answers;
  if (Array.isArray(answers)) {
    for (const a of answers) {
      const r = getString(asObject(a), "rdata");
      if (r !== undefined) data.push(r);
    }
  }
  const grouped = asObject(dns.grouped);
  if (grouped && !Array.isArray(answers)) {
    for (const key of Object.keys(grouped)) data.push(...getStrings(grouped, key));
  }
  return data;
}

function dnsFields(ev: Event, dns: Record<string, unknown>): void {
  const q = questionName(dns);
  if (q.name !== undefined) put(ev, "dns.question.name", normalizeDomain(q.name));
  put(ev, "dns.question.type", q.type);
  const type = getString(dns, "type");
  if (type !== undefined) ev["dns.type"] = type === "answer" || type === "response" ? "answer" : "query";
  put(ev, "dns.id", getNumber(dns, "id"));
  put(ev, "dns.response_code", getString(dns, "rcode"));
  const data = answerData(dns);
  put(ev, "dns.answers.data", data);
  put(ev, "dns.resolved_ip", data.filter(isIpAddress));
}

/** Suricata writes "TLS 1.2", "TLSv1", "SSLv3"; ECS wants protocol "tls" and version "1.2". */
function tlsVersion(ev: Event, version: string | undefined): void {
  if (!version) return;
  const m = /^(TLS|SSL|DTLS) ?v?(\d(?:\.\d)?)$/.exec(version);
  if (!m) { put(ev, "tls.version", version); return; }
  ev["tls.version_protocol"] = m[1]!.toLowerCase();
  ev["tls.version"] = m[2]!.includes(".") ? m[2]! : `${m[2]}.0`;
}

function tlsFields(ev: Event, tls: Record<string, unknown>): void {
  const sni = getString(tls, "sni");
  if (sni !== undefined) {
    const name = normalizeDomain(sni);
    put(ev, "tls.client.server_name", name);
    put(ev, "destination.domain", name);
  }
  const subject = getString(tls, "subject");
  put(ev, "tls.server.subject", subject);
  put(ev, "tls.server.x509.subject.common_name", commonName(subject));
  put(ev, "tls.server.issuer", getString(tls, "issuerdn"));
  tlsVersion(ev, getString(tls, "version"));
  const fp = getString(tls, "fingerprint");
  if (fp !== undefined) put(ev, "tls.server.hash.sha1", fp.replace(/:/g, "").toUpperCase());
  put(ev, "tls.client.ja3", getString(asObject(tls.ja3), "hash"));
  put(ev, "tls.server.ja3s", getString(asObject(tls.ja3s), "hash"));
  put(ev, "tls.server.not_before", getString(tls, "notbefore"));
  put(ev, "tls.server.not_after", getString(tls, "notafter"));
}

const MAX_HEADERS = 32;
const MAX_HEADER_VALUE = 256;

/**
 * Non-standard ("X-") headers as `Name: value`, from dump-all-headers output: that is where the
 * mining extensions live (X-Mining-Extensions on requests, X-Stratum on responses). Bounded.
 */
function extraHeaders(http: Record<string, unknown>): string[] {
  const out: string[] = [];
  for (const listName of ["request_headers", "response_headers"]) {
    const list = http[listName];
    if (!Array.isArray(list)) continue;
    for (const h of list) {
      const o = asObject(h);
      const name = getString(o, "name");
      const value = getString(o, "value");
      if (name === undefined || value === undefined || !/^x-/i.test(name)) continue;
      if (out.length >= MAX_HEADERS) return out;
      out.push(`${name}: ${value.slice(0, MAX_HEADER_VALUE)}`);
    }
  }
  return out;
}

/** The User-Agent from the header dump when the plain field is missing. */
function headerValue(http: Record<string, unknown>, wanted: string): string | undefined {
  const list = http.request_headers;
  if (!Array.isArray(list)) return undefined;
  for (const h of list) {
    const o = asObject(h);
    if (getString(o, "name")?.toLowerCase() === wanted) return getString(o, "value");
  }
  return undefined;
}

function httpFields(ev: Event, http: Record<string, unknown>): void {
  urlFields(ev, getString(http, "hostname"), getString(http, "url"));
  put(ev, "url.port", getNumber(http, "http_port"));
  put(ev, "http.request.method", getString(http, "http_method"));
  put(ev, "user_agent.original", getString(http, "http_user_agent") ?? headerValue(http, "user-agent"));
  const protocol = getString(http, "protocol");
  if (protocol !== undefined) put(ev, "http.version", protocol.startsWith("HTTP/") ? protocol.slice(5) : protocol);
  put(ev, "http.response.status_code", getNumber(http, "status"));
  put(ev, "http.response.body.bytes", getNumber(http, "length"));
  put(ev, "http.request.referrer", getString(http, "http_refer"));
  put(ev, "http.response.mime_type", getString(http, "http_content_type"));
  put(ev, "minerhunt.http.headers", extraHeaders(http));
}

function flowFields(ev: Event, flow: Record<string, unknown>): void {
  put(ev, "source.packets", getNumber(flow, "pkts_toserver"));
  put(ev, "destination.packets", getNumber(flow, "pkts_toclient"));
  put(ev, "source.bytes", getNumber(flow, "bytes_toserver"));
  put(ev, "destination.bytes", getNumber(flow, "bytes_toclient"));
  timeSpan(ev, flow);
  put(ev, "minerhunt.suricata.flow_state", getString(flow, "state"));
  put(ev, "minerhunt.suricata.flow_reason", getString(flow, "reason"));
  put(ev, "minerhunt.suricata.alerted", getBoolean(flow, "alerted"));
}

/** event.start/end/duration from a flow or netflow object's start and end. */
function timeSpan(ev: Event, obj: Record<string, unknown>): void {
  const startText = getString(obj, "start");
  const endText = getString(obj, "end");
  const start = startText !== undefined ? isoFromText(startText) : undefined;
  const end = endText !== undefined ? isoFromText(endText) : undefined;
  put(ev, "event.start", start);
  put(ev, "event.end", end);
  if (start !== undefined && end !== undefined) {
    put(ev, "event.duration", (Date.parse(end) - Date.parse(start)) * 1e6);
  } else {
    const age = getNumber(obj, "age");
    if (age !== undefined) put(ev, "event.duration", age * 1e9);
  }
}

function netflowFields(ev: Event, netflow: Record<string, unknown>): void {
  // A netflow record is one direction: what the source sent.
  put(ev, "source.packets", getNumber(netflow, "pkts"));
  put(ev, "source.bytes", getNumber(netflow, "bytes"));
  timeSpan(ev, netflow);
}

/** Suricata severity 1 is the most severe (ET uses 1-3); ECS-style words for the detectors. */
function alertSeverityWord(severity: number | undefined): string | undefined {
  if (severity === undefined) return undefined;
  if (severity <= 1) return "high";
  if (severity === 2) return "medium";
  return "low";
}

function alertFields(ev: Event, alert: Record<string, unknown>): void {
  const signature = getString(alert, "signature");
  put(ev, "rule.name", signature);
  put(ev, "message", signature);
  const sid = getNumber(alert, "signature_id");
  if (sid !== undefined) ev["rule.id"] = String(sid);
  put(ev, "rule.category", getString(alert, "category"));
  const rev = getNumber(alert, "rev");
  if (rev !== undefined) ev["rule.version"] = String(rev);
  const severity = getNumber(alert, "severity");
  put(ev, "event.severity", severity);
  put(ev, "minerhunt.alert.severity", alertSeverityWord(severity));
  put(ev, "event.action", getString(alert, "action"));
}

export interface EveOrigin {
  path: string;
  line: number;
}

/** One EVE record to an event; undefined for event types minerhunt does not read (stats, ...). */
export function eveEvent(rec: Record<string, unknown>, origin: EveOrigin): Event | undefined {
  const type = getString(rec, "event_type");
  if (type === undefined || !READ_EVENT_TYPES.has(type)) return undefined;
  const dataset = type === "netflow" ? "suricata.flow" : `suricata.${type}`;
  const category = type === "alert" ? CATEGORY_ALERT : type === "dns" ? CATEGORY_DNS : CATEGORY_NETWORK;
  const ev = baseEvent(origin.path, FORMAT, dataset, category, type === "alert" ? "alert" : "event");
  if (type === "flow" || type === "netflow") ev["event.type"] = TYPE_CONNECTION;
  else if (type === "tls" || type === "http") ev["event.type"] = TYPE_PROTOCOL;
  ev["minerhunt.line"] = origin.line;
  common(ev, rec);
  // Alerts carry the app-layer metadata of their flow too (dns, tls, http objects).
  const dns = asObject(rec.dns);
  if (dns) dnsFields(ev, dns);
  const tls = asObject(rec.tls);
  if (tls) tlsFields(ev, tls);
  const http = asObject(rec.http);
  if (http) httpFields(ev, http);
  if (type === "flow" || type === "alert") {
    const flow = asObject(rec.flow);
    if (flow) flowFields(ev, flow);
  }
  if (type === "netflow") {
    const netflow = asObject(rec.netflow);
    if (netflow) netflowFields(ev, netflow);
  }
  if (type === "alert") {
    const alert = asObject(rec.alert);
    if (alert) alertFields(ev, alert);
    put(ev, "minerhunt.payload.printable", alertPayload(rec));
  }
  return ev;
}

/** Payload text kept from an alert: enough for a Stratum login or subscribe, bounded against hostile records. */
export const MAX_PAYLOAD_CHARS = 4096;

/**
 * The packet payload an alert carries (suricata.yaml eve-log alert `payload-printable: yes` writes
 * `payload_printable`; `payload: yes` writes base64 `payload`), as printable text: the printable form when
 * present, else the decoded base64 with non-printable bytes as ".", as Suricata prints them.
 */
export function alertPayload(rec: Record<string, unknown>): string | undefined {
  const printable = getString(rec, "payload_printable");
  if (printable !== undefined && printable !== "") return printable.slice(0, MAX_PAYLOAD_CHARS);
  const b64 = getString(rec, "payload");
  if (b64 === undefined || b64 === "") return undefined;
  // Four base64 characters make three bytes: decode only what the cap can keep.
  const bytes = Buffer.from(b64.slice(0, Math.ceil(MAX_PAYLOAD_CHARS / 3) * 4), "base64");
  let out = "";
  for (const b of bytes.subarray(0, MAX_PAYLOAD_CHARS)) out += b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : b === 0x0a ? "\n" : ".";
  return out === "" ? undefined : out;
}
