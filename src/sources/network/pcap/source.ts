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
 * A flow's events come out when it ends (FIN/RST, idle timeout, port reuse, the end of the
 * capture, or the flow table's bounds; see flow-table.ts); HTTP and TLS events as soon as the
 * flow's first bytes were read. One flow event per flow, whatever its length.
 *
 * The file is streamed: chunks of the input are walked in place (capture-reader.ts), each packet
 * decoded into one reused view (decode.ts) and accounted to its flow without allocating; events
 * are handed on in small batches (BATCH_EVENTS), the reader pausing mid-chunk for them.
 */
import type { Event } from "../../../model/index.js";
import type { Input, ParseContext, Sample, Source } from "../../types.js";
import { CATEGORY_DNS, CATEGORY_NETWORK, IssueReporter } from "../common.js";
import { CaptureParser, captureKind } from "./capture-reader.js";
import { PacketView, decodeInto } from "./decode.js";
import { DNS_PORT, FORMAT, dnsEvent, flowEvents, inspectFlow } from "./events.js";
import { FLOW_LACKS } from "../fields.js";
import { FlowTable, type FlowLimits } from "./flow-table.js";

/**
 * Events are handed on once this many are ready (or at the end of a chunk). Small batches let them
 * die young: a whole chunk's events (thousands, tens of thousands where an idle timeout ends a
 * round of flows) outlived young-generation collections while detection worked through them, and
 * were promoted to the old generation as garbage, which drives its size (peak RSS).
 */
const BATCH_EVENTS = 256;

export async function* parsePcap(input: Input, ctx: ParseContext, limits?: FlowLimits): AsyncGenerator<Event> {
  const path = input.path;
  const issues = new IssueReporter(ctx);
  const out: Event[] = [];
  // Events copy what they need from a flow, so finished flows (and their stream stores) are reused.
  const table = new FlowTable((flow) => flowEvents(path, flow, ctx, out), limits, (flow) => inspectFlow(path, flow, out), true);
  const view = new PacketView();
  const parser = new CaptureParser((r) => {
    if (!decodeInto(view, r.linkType, r.buf, r.start, r.end)) return;
    table.addView(view, r.number, r.offset, r.timeMs);
    // DNS is decoded only on its port; everything else is counted by the flow table alone.
    if (view.protocol === 17 && (view.srcPort === DNS_PORT || view.dstPort === DNS_PORT)) {
      const ev = dnsEvent(path, view, { packet: r.number, offset: r.offset, timeMs: r.timeMs }, ctx, issues);
      if (ev) out.push(ev);
    }
    if (out.length >= BATCH_EVENTS) parser.pause();
  }, (message, offset) => issues.report(undefined, message, offset));
  // A lent chunk is enough: the reader copies what it keeps of a chunk (a record cut by its end,
  // stream bytes) and events hold text, never views of the bytes read.
  for await (const chunk of input.lentStream ? input.lentStream() : input.stream()) {
    const buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    for (let at = 0; at < buf.length && !parser.done;) {
      at = parser.push(buf, at);
      // The same array is filled again: no array per batch.
      for (const ev of out) yield ev;
      out.length = 0;
    }
    if (parser.done) break;
  }
  parser.end();
  for (const _ of table.finishEach()) {
    if (out.length < BATCH_EVENTS) continue;
    for (const ev of out) yield ev;
    out.length = 0;
  }
  for (const ev of out) yield ev;
  out.length = 0;
  issues.finish();
}

export const pcapSource: Source = {
  id: FORMAT,
  title: "Packet captures (pcap, pcapng): flows, Stratum, HTTP, TLS SNI and DNS",
  // Prefilter: flows without Stratum are skipped unless their server's address or port could matter
  // (events.ts flowEvents); DNS messages unless their question name could (events.ts dnsEvent).
  // Stratum, HTTP and TLS events are always built.
  emits: [
    { dataset: "pcap.flow", categories: CATEGORY_NETWORK, sigma: ["network_connection", "firewall"], prefilter: ["ip", "port"], lacks: FLOW_LACKS },
    { dataset: "pcap.stratum", categories: CATEGORY_NETWORK, sigma: ["stratum"] },
    { dataset: "pcap.http", categories: CATEGORY_NETWORK, sigma: ["proxy", "webserver"] },
    { dataset: "pcap.tls", categories: CATEGORY_NETWORK, sigma: ["tls"] },
    { dataset: "pcap.dns", categories: CATEGORY_DNS, sigma: ["dns_query", "dns"], prefilter: ["domain"] },
  ],
  sniff: (sample: Sample) => (captureKind(sample.bytes) ? 0.99 : 0),
  parse: (input, ctx) => parsePcap(input, ctx),
};
