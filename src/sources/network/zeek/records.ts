/**
 * Zeek conn, dns, ssl and http records (from TSV or JSON, same field names) to ECS events.
 */
import type { Event } from "../../../model/index.js";
import {
  CATEGORY_DNS, CATEGORY_NETWORK, TYPE_CONNECTION, TYPE_PROTOCOL, baseEvent, getBoolean, getNumber, getString, getStrings,
  isIpAddress, isoFromEpochOrText, normalizeDomain, put,
} from "../common.js";
import { commonName, urlFields } from "../fields.js";

export const ZEEK_LOGS = ["conn", "dns", "ssl", "http"] as const;
export type ZeekLog = (typeof ZEEK_LOGS)[number];

export function isZeekLog(name: string | undefined): name is ZeekLog {
  return name === "conn" || name === "dns" || name === "ssl" || name === "http";
}

/**
 * Which log a record is. `_path` says it when present (json-streaming-logs and most shippers
 * add it); otherwise fields that only one of the four logs has decide. Zeek's JSON writer omits
 * unset fields, so each test accepts several keys (a rejected DNS query has no `query`).
 * DNS is tested first because no other of the four logs has `query`, which is what lets the
 * fast path (source.ts) call a line with a `"query":` key a DNS record without parsing it.
 */
export function classifyRecord(record: Record<string, unknown>): ZeekLog | string | undefined {
  const path = getString(record, "_path");
  if (path !== undefined) return path;
  if ("query" in record || "qtype_name" in record || "trans_id" in record || "rcode_name" in record) return "dns";
  if ("conn_state" in record || "history" in record) return "conn";
  if ("method" in record || "trans_depth" in record || "status_code" in record || "user_agent" in record) return "http";
  if ("server_name" in record || "cipher" in record || "ssl_history" in record || ("version" in record && "established" in record)) return "ssl";
  return undefined;
}

/** Whether a record looks like Zeek at all: every Zeek log has ts and a connection id. */
export function looksLikeZeek(record: Record<string, unknown>): boolean {
  return "ts" in record && ("id.orig_h" in record || "uid" in record);
}

export interface RecordOrigin {
  path: string;
  line: number;
}

function connectionFields(event: Event, record: Record<string, unknown>): void {
  put(event, "@timestamp", isoFromEpochOrText(record.ts));
  put(event, "event.id", getString(record, "uid"));
  put(event, "source.ip", getString(record, "id.orig_h"));
  put(event, "source.port", getNumber(record, "id.orig_p"));
  put(event, "destination.ip", getString(record, "id.resp_h"));
  put(event, "destination.port", getNumber(record, "id.resp_p"));
  put(event, "network.transport", getString(record, "proto")?.toLowerCase());
}

function start(origin: RecordOrigin, log: ZeekLog, category: readonly string[]): Event {
  const ev = baseEvent(origin.path, `zeek.${log}`, `zeek.${log}`, category);
  ev["minerhunt.line"] = origin.line;
  return ev;
}

export function connEvent(record: Record<string, unknown>, origin: RecordOrigin): Event {
  const ev = start(origin, "conn", CATEGORY_NETWORK);
  ev["event.type"] = TYPE_CONNECTION;
  connectionFields(ev, record);
  put(ev, "network.protocol", getString(record, "service"));
  const duration = getNumber(record, "duration");
  if (duration !== undefined) put(ev, "event.duration", Math.round(duration * 1e9));
  // ECS counts bytes on the wire (IP bytes), as Filebeat's Zeek module does; payload bytes
  // are the fallback when the IP counters are missing.
  put(ev, "source.bytes", getNumber(record, "orig_ip_bytes") ?? getNumber(record, "orig_bytes"));
  put(ev, "destination.bytes", getNumber(record, "resp_ip_bytes") ?? getNumber(record, "resp_bytes"));
  put(ev, "source.packets", getNumber(record, "orig_pkts"));
  put(ev, "destination.packets", getNumber(record, "resp_pkts"));
  put(ev, "minerhunt.zeek.conn_state", getString(record, "conn_state"));
  put(ev, "minerhunt.zeek.history", getString(record, "history"));
  return ev;
}

export function dnsEvent(record: Record<string, unknown>, origin: RecordOrigin): Event {
  const ev = start(origin, "dns", CATEGORY_DNS);
  connectionFields(ev, record);
  const query = getString(record, "query");
  if (query !== undefined) put(ev, "dns.question.name", normalizeDomain(query));
  put(ev, "dns.question.type", getString(record, "qtype_name"));
  put(ev, "dns.question.class", getString(record, "qclass_name"));
  put(ev, "dns.id", getNumber(record, "trans_id"));
  const rcode = getString(record, "rcode_name");
  put(ev, "dns.response_code", rcode);
  ev["dns.type"] = rcode !== undefined ? "answer" : "query";
  const answers = getStrings(record, "answers");
  put(ev, "dns.answers.data", answers);
  put(ev, "dns.resolved_ip", answers.filter(isIpAddress));
  return ev;
}

/** Zeek writes "TLSv12", "TLSv13", "SSLv3", "DTLSv12"; ECS wants protocol "tls" and version "1.2". */
export function tlsVersionFields(event: Event, zeekVersion: string | undefined): void {
  if (!zeekVersion) return;
  const m = /^(TLS|SSL|DTLS)v(\d)(\d)?$/.exec(zeekVersion);
  if (!m) {
    put(event, "tls.version", zeekVersion);
    return;
  }
  event["tls.version_protocol"] = m[1]!.toLowerCase();
  event["tls.version"] = m[3] !== undefined ? `${m[2]}.${m[3]}` : `${m[2]}.0`;
}

export function sslEvent(record: Record<string, unknown>, origin: RecordOrigin): Event {
  const ev = start(origin, "ssl", CATEGORY_NETWORK);
  ev["event.type"] = TYPE_PROTOCOL;
  connectionFields(ev, record);
  ev["network.protocol"] = "tls";
  const sni = getString(record, "server_name");
  if (sni !== undefined) {
    const name = normalizeDomain(sni);
    put(ev, "tls.client.server_name", name);
    put(ev, "destination.domain", name);
  }
  tlsVersionFields(ev, getString(record, "version"));
  put(ev, "tls.cipher", getString(record, "cipher"));
  put(ev, "tls.curve", getString(record, "curve"));
  put(ev, "tls.established", getBoolean(record, "established"));
  put(ev, "tls.resumed", getBoolean(record, "resumed"));
  put(ev, "tls.next_protocol", getString(record, "next_protocol"));
  put(ev, "tls.client.ja3", getString(record, "ja3"));
  put(ev, "tls.server.ja3s", getString(record, "ja3s"));
  const subject = getString(record, "subject");
  put(ev, "tls.server.subject", subject);
  put(ev, "tls.server.issuer", getString(record, "issuer"));
  put(ev, "tls.server.x509.subject.common_name", commonName(subject));
  return ev;
}

export function httpEvent(record: Record<string, unknown>, origin: RecordOrigin): Event {
  const ev = start(origin, "http", CATEGORY_NETWORK);
  ev["event.type"] = TYPE_PROTOCOL;
  connectionFields(ev, record);
  ev["network.protocol"] = "http";
  put(ev, "http.request.method", getString(record, "method"));
  urlFields(ev, getString(record, "host"), getString(record, "uri"));
  put(ev, "user_agent.original", getString(record, "user_agent"));
  put(ev, "http.version", getString(record, "version"));
  put(ev, "http.response.status_code", getNumber(record, "status_code"));
  put(ev, "http.request.body.bytes", getNumber(record, "request_body_len"));
  put(ev, "http.response.body.bytes", getNumber(record, "response_body_len"));
  put(ev, "http.request.referrer", getString(record, "referrer"));
  return ev;
}

export function zeekEvent(log: ZeekLog, record: Record<string, unknown>, origin: RecordOrigin): Event {
  switch (log) {
    case "conn": return connEvent(record, origin);
    case "dns": return dnsEvent(record, origin);
    case "ssl": return sslEvent(record, origin);
    case "http": return httpEvent(record, origin);
  }
}
