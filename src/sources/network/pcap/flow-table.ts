/**
 * The TCP and UDP flows of a capture: packets grouped by their 5-tuple, the client told from the
 * server, counters per direction and (TCP) the two byte streams.
 *
 * Bounded: at most `maxFlows` flows and `maxBufferedBytes` of stream data are held. When either
 * is exceeded the least recently active flow is finished early (handed to `onFinish`, which
 * emits its events); a later packet of it starts a new flow. A new SYN on a closed connection
 * (port reuse) also starts a new flow.
 */
import { TCP_ACK, TCP_FIN, TCP_RST, TCP_SYN, type DecodedPacket } from "./decode.js";
import { DirectionStream, type PacketRef } from "./tcp-stream.js";

export interface Endpoint {
  ip: string;
  port: number;
}

export interface Flow {
  transport: "tcp" | "udp";
  ipVersion: 4 | 6;
  client: Endpoint;
  server: Endpoint;
  first: PacketRef;
  lastTimeMs: number;
  /** [client→server, server→client]. */
  packets: [number, number];
  /** IP bytes, [client→server, server→client]. */
  bytes: [number, number];
  /** TCP only: [client→server, server→client]. */
  streams?: [DirectionStream, DirectionStream];
  closed: boolean;
  synSeq?: number;
}

export interface FlowLimits {
  maxFlows: number;
  maxBufferedBytes: number;
}

export const DEFAULT_FLOW_LIMITS: FlowLimits = { maxFlows: 10000, maxBufferedBytes: 64 * 1024 * 1024 };

function flowKey(p: DecodedPacket): string {
  const a = `${p.src}|${p.srcPort}`;
  const b = `${p.dst}|${p.dstPort}`;
  return a < b ? `${p.protocol}|${a}|${b}` : `${p.protocol}|${b}|${a}`;
}

/**
 * Who started it: the SYN sender (or the receiver of a SYN-ACK). Without a handshake (the
 * capture began mid-connection) the side on the lower port is taken as the server: services
 * listen on fixed low numbers (443, 3333, 14444) while clients get high ephemeral ports
 * (32768-60999 on Linux, 49152-65535 on Windows). Equal ports: the first sender is the client.
 */
function pickClient(p: DecodedPacket): "src" | "dst" {
  if (p.protocol === 6 && (p.flags & TCP_SYN) !== 0) return (p.flags & TCP_ACK) !== 0 ? "dst" : "src";
  return p.srcPort < p.dstPort ? "dst" : "src";
}

export class FlowTable {
  private readonly flows = new Map<string, Flow>();
  private buffered = 0;

  constructor(private readonly onFinish: (flow: Flow) => void, private readonly limits: FlowLimits = DEFAULT_FLOW_LIMITS) {}

  /** Account one packet; returns its flow and direction (0 client→server, 1 server→client). */
  add(p: DecodedPacket, ref: PacketRef): { flow: Flow; direction: 0 | 1 } {
    const key = flowKey(p);
    let flow = this.flows.get(key);
    const isSyn = p.protocol === 6 && (p.flags & TCP_SYN) !== 0 && (p.flags & TCP_ACK) === 0;
    if (flow && isSyn && (flow.closed || (flow.synSeq !== undefined && flow.synSeq !== p.seq))) {
      this.finish(key, flow);
      flow = undefined;
    }
    if (flow) {
      this.flows.delete(key); // re-insert: Map order is the least-recently-active order
    } else {
      flow = this.newFlow(p, ref);
    }
    this.flows.set(key, flow);
    const direction: 0 | 1 = p.src === flow.client.ip && p.srcPort === flow.client.port ? 0 : 1;
    flow.packets[direction]++;
    flow.bytes[direction] += p.ipLength;
    if (Number.isFinite(ref.timeMs)) flow.lastTimeMs = Number.isFinite(flow.lastTimeMs) ? Math.max(flow.lastTimeMs, ref.timeMs) : ref.timeMs;
    if (flow.streams) {
      const stream = flow.streams[direction];
      if ((p.flags & TCP_SYN) !== 0) {
        stream.onSyn(p.seq);
        if (isSyn) flow.synSeq = p.seq;
      }
      if ((p.flags & (TCP_FIN | TCP_RST)) !== 0) flow.closed = true;
      const seq = (p.flags & TCP_SYN) !== 0 ? (p.seq + 1) >>> 0 : p.seq;
      this.buffered += stream.onData(seq, p.payload, ref);
    }
    this.enforceLimits(key);
    return { flow, direction };
  }

  /** Finish every flow still open, in the order they started. */
  finishAll(): void {
    const rest = [...this.flows.entries()].sort((a, b) => a[1].first.packet - b[1].first.packet);
    for (const [key, flow] of rest) this.finish(key, flow);
  }

  get size(): number {
    return this.flows.size;
  }

  private newFlow(p: DecodedPacket, ref: PacketRef): Flow {
    const clientIsSrc = pickClient(p) === "src";
    const src = { ip: p.src, port: p.srcPort };
    const dst = { ip: p.dst, port: p.dstPort };
    const flow: Flow = {
      transport: p.protocol === 6 ? "tcp" : "udp",
      ipVersion: p.ipVersion,
      client: clientIsSrc ? src : dst,
      server: clientIsSrc ? dst : src,
      first: ref,
      lastTimeMs: ref.timeMs,
      packets: [0, 0],
      bytes: [0, 0],
      closed: false,
    };
    if (p.protocol === 6) flow.streams = [new DirectionStream(), new DirectionStream()];
    return flow;
  }

  private finish(key: string, flow: Flow): void {
    this.flows.delete(key);
    if (flow.streams) {
      this.buffered -= flow.streams[0].memory + flow.streams[1].memory;
      flow.streams[0].finish();
      flow.streams[1].finish();
    }
    this.onFinish(flow);
  }

  private enforceLimits(current: string): void {
    while (this.flows.size > this.limits.maxFlows || (this.buffered > this.limits.maxBufferedBytes && this.flows.size > 1)) {
      const oldest = this.flows.keys().next().value as string | undefined;
      if (oldest === undefined || oldest === current) break;
      this.finish(oldest, this.flows.get(oldest)!);
    }
  }
}
