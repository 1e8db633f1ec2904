/**
 * Packet captures (pcap, pcapng) to events:
 *   pcap.flow     one per TCP/UDP flow: tuple, packets, bytes, first/last time, duration
 *   pcap.stratum  one per TCP flow carrying mining JSON-RPC (Stratum and kin)
 *   pcap.http     one per HTTP request (method, host, target, User-Agent, X- headers, body start)
 *   pcap.tls      one per TLS flow whose ClientHello was seen (SNI)
 *   pcap.dns      one per DNS message over UDP port 53 (question; answers for responses)
 * Evidence is `minerhunt.packet` (first packet of the message or flow) and `minerhunt.offset`
 * (byte offset of that packet's record in the file).
 *
 * Flow events come out when a flow is finished: at the end of the capture, or earlier when the
 * flow table's bounds make it give up the least recently active flow (see flow-table.ts).
 */
import type { Event } from "../../../model/index.js";
import type { Input, ParseContext, Sample, Source } from "../../types.js";
import { IssueReporter } from "../common.js";
import { FLOW_LACKS } from "../fields.js";
import { captureKind, readCapture } from "./capture-reader.js";
import { decodeFrame } from "./decode.js";
import { DNS_PORT, FORMAT, dnsEvent, flowEvents } from "./events.js";
import { FlowTable, type FlowLimits } from "./flow-table.js";
import type { PacketRef } from "./tcp-stream.js";

export async function* parsePcap(input: Input, ctx: ParseContext, limits?: FlowLimits): AsyncGenerator<Event> {
  const path = input.path;
  const issues = new IssueReporter(ctx);
  const out: Event[] = [];
  const table = new FlowTable((flow) => flowEvents(path, flow, ctx, out), limits);
  for await (const packet of readCapture(input, (message, offset) => issues.report(undefined, message, offset))) {
    const decoded = decodeFrame(packet.linkType, packet.data);
    if (!decoded) continue;
    const ref: PacketRef = { packet: packet.number, offset: packet.offset, timeMs: packet.timeMs };
    table.add(decoded, ref);
    if (decoded.protocol === 17 && (decoded.srcPort === DNS_PORT || decoded.dstPort === DNS_PORT)) {
      const ev = dnsEvent(path, decoded, ref, ctx, issues);
      if (ev) out.push(ev);
    }
    if (out.length > 0) for (const ev of out.splice(0, out.length)) yield ev;
  }
  table.finishAll();
  for (const ev of out.splice(0, out.length)) yield ev;
  issues.finish();
}

export const pcapSource: Source = {
  id: FORMAT,
  title: "Packet captures (pcap, pcapng): flows, Stratum, HTTP, TLS SNI and DNS",
  emits: [
    { dataset: "pcap.flow", categories: ["network"], sigma: ["network_connection", "firewall"], prefilter: ["ip", "port"], lacks: FLOW_LACKS },
    { dataset: "pcap.dns", categories: ["network", "dns"], sigma: ["dns_query", "dns"], prefilter: ["domain"] },
    { dataset: "pcap.tls", categories: ["network"], sigma: ["tls"] },
    { dataset: "pcap.http", categories: ["network"], sigma: ["proxy", "webserver"] },
    { dataset: "pcap.stratum", categories: ["network"], sigma: ["stratum"] },
  ],
  sniff: (sample: Sample) => (captureKind(sample.bytes) ? 0.99 : 0),
  parse: (input, ctx) => parsePcap(input, ctx),
};
