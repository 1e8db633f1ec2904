/**
 * The events a capture yields, built from finished flows (pcap.flow, pcap.stratum, pcap.http,
 * pcap.tls) and from single DNS packets (pcap.dns). Each carries the packet that proves it:
 * `minerhunt.packet` and `minerhunt.offset`.
 */
import type { Event } from "../../../model/index.js";
import type { ParseContext } from "../../types.js";
import { CATEGORY_DNS, CATEGORY_NETWORK, IssueReporter, TYPE_CONNECTION, TYPE_PROTOCOL, baseEvent, isIpAddress, isoFromEpochMs, put } from "../common.js";
import { urlFields } from "../fields.js";
import { endpointMatters, nameMatters } from "../prefilter-rules.js";
import type { DecodedPacket } from "./decode.js";
import { DnsFormatError, parseDnsMessage } from "./dns-wire.js";
import type { Flow } from "./flow-table.js";
import { BODY_KEEP_BYTES, header, looksLikeHttpRequest, parseHttpMessages, type HttpMessage } from "./http-messages.js";
import { jsonLines, parseObject, summariseStratum, type JsonMessage, type StratumSummary } from "./stratum.js";
import type { PacketRef } from "./tcp-stream.js";
import { looksLikeTlsHandshake, parseClientHello } from "./tls-hello.js";

export const FORMAT = "pcap";
export const DNS_PORT = 53;
const MAX_X_HEADERS = 32;
const MAX_HEADER_VALUE = 256;

/** Evidence and time of a packet. */
function stamp(ev: Event, ref: PacketRef | undefined): void {
  if (ref) stampAt(ev, ref.packet, ref.offset, ref.timeMs);
}

function stampAt(ev: Event, packet: number, offset: number, timeMs: number): void {
  ev["minerhunt.packet"] = packet;
  ev["minerhunt.offset"] = offset;
  put(ev, "@timestamp", isoFromEpochMs(timeMs));
}

function flowTuple(ev: Event, flow: Flow): void {
  ev["source.ip"] = flow.clientIp;
  ev["source.port"] = flow.clientPort;
  ev["destination.ip"] = flow.serverIp;
  ev["destination.port"] = flow.serverPort;
  ev["network.transport"] = flow.transport;
  ev["network.type"] = flow.ipVersion === 4 ? "ipv4" : "ipv6";
}

/** Counters and times of the whole flow (on flow and stratum events); `start`: the text of its first packet's time, when made already. */
function flowCounters(ev: Event, flow: Flow, start = isoFromEpochMs(flow.firstTimeMs)): void {
  ev["source.packets"] = flow.packets0;
  ev["destination.packets"] = flow.packets1;
  ev["source.bytes"] = flow.bytes0;
  ev["destination.bytes"] = flow.bytes1;
  put(ev, "event.start", start);
  put(ev, "event.end", isoFromEpochMs(flow.lastTimeMs));
  const duration = flow.lastTimeMs - flow.firstTimeMs;
  if (Number.isFinite(duration)) ev["event.duration"] = Math.round(duration * 1e6);
}

function eventFor(path: string, dataset: string, flow: Flow): Event {
  const ev = baseEvent(path, FORMAT, dataset, CATEGORY_NETWORK);
  // The flow event is the connection record; Stratum, HTTP and TLS events describe the same flow.
  ev["event.type"] = dataset === "pcap.flow" ? TYPE_CONNECTION : TYPE_PROTOCOL;
  flowTuple(ev, flow);
  return ev;
}

/** X- headers (where the mining extensions live) as "Name: value", bounded. */
function xHeaders(messages: (HttpMessage | undefined)[]): string[] {
  const out: string[] = [];
  for (const m of messages) {
    if (!m) continue;
    for (const h of m.headers) {
      if (out.length >= MAX_X_HEADERS) return out;
      if (/^x-/i.test(h.name)) out.push(`${h.name}: ${h.value.slice(0, MAX_HEADER_VALUE)}`);
    }
  }
  return out;
}

function httpEvent(path: string, flow: Flow, req: HttpMessage, resp: HttpMessage | undefined): Event {
  const ev = eventFor(path, "pcap.http", flow);
  stamp(ev, flow.streams![0].refAt(req.at));
  ev["network.protocol"] = "http";
  put(ev, "http.request.method", req.method);
  urlFields(ev, header(req, "host"), req.target);
  put(ev, "user_agent.original", header(req, "user-agent"));
  put(ev, "http.version", req.version);
  put(ev, "minerhunt.http.headers", xHeaders([req, resp]));
  // Only JSON bodies are kept as text: that is where getwork/getblocktemplate JSON-RPC rides;
  // uploads and forms are not evidence and binary would only turn into replacement characters.
  const bodyText = req.body.subarray(0, BODY_KEEP_BYTES).toString("utf8");
  if (/^\s*[[{]/.test(bodyText)) put(ev, "http.request.body.content", bodyText);
  put(ev, "http.request.body.bytes", req.contentLength ?? (req.body.length > 0 ? req.body.length : undefined));
  put(ev, "http.response.status_code", resp?.status);
  return ev;
}

function stratumEvent(path: string, flow: Flow, s: StratumSummary): Event {
  const ev = eventFor(path, "pcap.stratum", flow);
  flowCounters(ev, flow);
  if (s.first) stamp(ev, s.first);
  else stampAt(ev, flow.firstPacket, flow.firstOffset, flow.firstTimeMs);
  ev["network.protocol"] = "stratum";
  ev["minerhunt.stratum.methods"] = s.methods;
  ev["minerhunt.stratum.dialect"] = s.dialect;
  put(ev, "minerhunt.stratum.login", s.login);
  put(ev, "minerhunt.stratum.agent", s.agent);
  ev["minerhunt.stratum.messages"] = s.messages;
  return ev;
}

/** JSON-RPC bodies of HTTP messages (getwork rides on HTTP POST), added to `into` as messages for the Stratum summary. */
function httpJsonMessages(flow: Flow, messages: HttpMessage[], direction: 0 | 1, into: JsonMessage[]): void {
  for (const m of messages) {
    const text = m.body.toString("utf8").trim();
    if (!text.startsWith("{")) continue;
    const obj = parseObject(text);
    if (obj) into.push({ obj, direction, ref: flow.streams![direction].refAt(m.at), at: m.at });
  }
}

/**
 * Read the first bytes of a TCP flow: a TLS ClientHello, HTTP messages or mining JSON-RPC.
 * The HTTP and TLS events go to `out` now (they stand for a moment of the flow, not its whole);
 * the protocol and the Stratum summary stay on the flow (protocol, stratum) for its finish, whose events
 * carry the whole flow's counters. Called once per flow: when a direction's kept bytes are full,
 * when the flow table needs the memory back, or at the flow's finish.
 */
export function inspectFlow(path: string, flow: Flow, out: Event[]): void {
  if (!flow.streams) return;
  const [c2s, s2c] = flow.streams;
  const clientBytes = c2s.bytes();
  const messages: JsonMessage[] = [];
  let protocol: string | undefined;
  if (looksLikeTlsHandshake(clientBytes)) {
    protocol = "tls";
    const hello = parseClientHello(clientBytes);
    if (hello) {
      const ev = eventFor(path, "pcap.tls", flow);
      stamp(ev, c2s.firstData);
      ev["network.protocol"] = "tls";
      if (hello.serverName) {
        ev["tls.client.server_name"] = hello.serverName;
        if (!isIpAddress(hello.serverName)) ev["destination.domain"] = hello.serverName;
      }
      put(ev, "minerhunt.tls.alpn", hello.alpn);
      put(ev, "minerhunt.tls.client_max_version", hello.version);
      out.push(ev);
    }
  } else if (looksLikeHttpRequest(clientBytes)) {
    protocol = "http";
    const requests = parseHttpMessages(clientBytes, "request");
    const responses = parseHttpMessages(s2c.bytes(), "response", requests.map((r) => r.method ?? ""));
    requests.forEach((req, i) => out.push(httpEvent(path, flow, req, responses[i])));
    httpJsonMessages(flow, requests, 0, messages);
    httpJsonMessages(flow, responses, 1, messages);
  } else {
    jsonLines(c2s, 0, messages);
    jsonLines(s2c, 1, messages);
  }
  const stratum = summariseStratum(messages);
  if (stratum) {
    flow.stratum = stratum;
    protocol ??= "stratum";
  }
  if (protocol) flow.protocol = protocol;
}

/** The events of a finished flow: its Stratum event (if any) and its one flow event. */
export function flowEvents(path: string, flow: Flow, ctx: ParseContext, out: Event[]): void {
  if (flow.streams && !flow.inspected) inspectFlow(path, flow, out);
  else if (flow.transport === "udp" && (flow.clientPort === DNS_PORT || flow.serverPort === DNS_PORT)) flow.protocol = "dns";
  const stratum = flow.stratum;
  if (stratum) out.push(stratumEvent(path, flow, stratum));
  const pf = ctx.prefilter;
  if (pf && !stratum && !endpointMatters(pf, flow.serverIp, flow.serverPort)) {
    ctx.skipped();
    return;
  }
  const ev = eventFor(path, "pcap.flow", flow);
  // One string for @timestamp and event.start (the same instant): events may be kept a while.
  const start = isoFromEpochMs(flow.firstTimeMs);
  ev["minerhunt.packet"] = flow.firstPacket;
  ev["minerhunt.offset"] = flow.firstOffset;
  put(ev, "@timestamp", start);
  flowCounters(ev, flow, start);
  put(ev, "network.protocol", flow.protocol);
  out.push(ev);
}

/** A pcap.dns event for a DNS message in a UDP packet; issues for malformed ones. */
export function dnsEvent(path: string, p: DecodedPacket, ref: PacketRef, ctx: ParseContext, issues: IssueReporter): Event | undefined {
  let msg;
  try {
    msg = parseDnsMessage(p.payload);
  } catch (err) {
    if (!(err instanceof DnsFormatError)) throw err;
    issues.report(undefined, `packet ${ref.packet}: malformed DNS message on port 53 (${err.message}); skipped`, ref.offset);
    return undefined;
  }
  const question = msg.questions[0];
  if (ctx.prefilter && question && !nameMatters(ctx.prefilter, question.name)) {
    ctx.skipped();
    return undefined;
  }
  const ev = baseEvent(path, FORMAT, "pcap.dns", CATEGORY_DNS);
  stamp(ev, ref);
  ev["source.ip"] = p.src;
  ev["source.port"] = p.srcPort;
  ev["destination.ip"] = p.dst;
  ev["destination.port"] = p.dstPort;
  ev["network.transport"] = "udp";
  ev["network.protocol"] = "dns";
  ev["dns.id"] = msg.id;
  ev["dns.type"] = msg.response ? "answer" : "query";
  if (question) {
    put(ev, "dns.question.name", question.name);
    put(ev, "dns.question.type", question.type);
  }
  if (msg.response) {
    ev["dns.response_code"] = msg.rcode;
    const data = msg.answers.map((a) => a.data).filter((d) => d !== "");
    put(ev, "dns.answers.data", data);
    put(ev, "dns.resolved_ip", msg.answers.filter((a) => a.type === "A" || a.type === "AAAA").map((a) => a.data));
  }
  return ev;
}
