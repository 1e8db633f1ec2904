/**
 * The TCP and UDP flows of a capture: packets grouped by their 5-tuple, the client told from the
 * server, counters per direction and (TCP) the two byte streams.
 *
 * A flow is finished (handed to `onFinish`, which emits its one flow event) when it ends:
 *   - idle: no packet for `idleMs` (TCP) or `udpIdleMs` (UDP) of capture time;
 *   - closed: `closedMs` after a RST or after both sides sent FIN (stragglers still count);
 *   - a new SYN on a closed connection (port reuse) starts a new flow;
 *   - at the end of the capture, for every flow still open.
 *
 * Bounded: at most `maxFlows` flows are held (beyond, the least recently active one is finished
 * early) and at most `maxBufferedBytes` of stream data. With an `onInspect` callback, a flow's
 * stream bytes are read and dropped as soon as one direction reached its keep limit, and, over the
 * byte budget, those of the least recently active flows first; the flow itself goes on counting.
 * Without one (tests reading streams whole), the byte budget finishes flows early instead.
 *
 * Speed: flows are found by a seeded hash of the address words and ports in a fixed bucket array and
 * kept in intrusive least-recently-active lists (one per timeout), so a packet costs no
 * allocation and no string: address text is made when a flow's events are (IPv4 from a cache).
 * Memory: with `reuse` (the source), finished flows and their stream stores serve the next ones,
 * so a long capture leaves almost no old-generation garbage behind its flows.
 */
import { randomInt } from "node:crypto";
import { TCP_ACK, TCP_FIN, TCP_RST, TCP_SYN, addressText, viewOf, type DecodedPacket, type PacketView } from "./decode.js";
import type { StratumSummary } from "./stratum.js";
import { DirectionStream, StorePool, type PacketRef } from "./tcp-stream.js";

export interface Endpoint {
  ip: string;
  port: number;
}

export interface FlowLimits {
  maxFlows: number;
  maxBufferedBytes: number;
  /** TCP flows without a packet for this long (capture time) are finished. */
  idleMs?: number;
  udpIdleMs?: number;
  /** Closed TCP flows (RST, or FIN both ways) are finished this long after their last packet. */
  closedMs?: number;
}

export const DEFAULT_FLOW_LIMITS: Required<FlowLimits> = {
  maxFlows: 50_000,
  maxBufferedBytes: 64 * 1024 * 1024,
  // Zeek's inactivity timeouts (tcp_inactivity_timeout 5 min, udp_inactivity_timeout 1 min).
  idleMs: 5 * 60_000,
  udpIdleMs: 60_000,
  closedMs: 10_000,
};

const LIST_TCP = 0;
const LIST_UDP = 1;
const LIST_CLOSED = 2;

/**
 * One flow. Its numbers are plain fields (no array or object per flow): a busy capture starts and
 * ends tens of thousands of flows a minute, each living long enough to be promoted to the old
 * generation, so every object a flow owns is garbage the major collector must find later.
 * Address text is made when asked for (clientIp, serverIp), from a small cache (decode.ts).
 */
export class Flow {
  transport: "tcp" | "udp" = "tcp";
  ipVersion: 4 | 6 = 4;
  clientPort = 0;
  serverPort = 0;
  /** The flow's first packet: number, file offset of its record, capture time. */
  firstPacket = 0;
  firstOffset = 0;
  firstTimeMs = 0;
  lastTimeMs = 0;
  /** Packets and IP bytes, client→server (0) and server→client (1). */
  packets0 = 0;
  packets1 = 0;
  bytes0 = 0;
  bytes1 = 0;
  /** TCP only, from the first payload on: [client→server, server→client]. */
  streams: [DirectionStream, DirectionStream] | undefined = undefined;
  /** A FIN or RST was seen. */
  closed = false;
  /** Sequence number of the client's SYN (NaN: none seen). */
  synSeq = NaN;
  /** The streams were read (onInspect) and their bytes dropped. */
  inspected = false;
  /** What reading the flow's first bytes found (events.ts fills it; the flow event reports it). */
  protocol: string | undefined = undefined;
  stratum: StratumSummary | undefined = undefined;

  // Table bookkeeping: the client's and server's address words, the hash bucket chain, the list
  // the flow is in and its neighbours there.
  /** @internal */ c0 = 0; /** @internal */ c1 = 0; /** @internal */ c2 = 0; /** @internal */ c3 = 0;
  /** @internal */ v0 = 0; /** @internal */ v1 = 0; /** @internal */ v2 = 0; /** @internal */ v3 = 0;
  /** @internal */ hash = 0;
  /** @internal */ bucketNext: Flow | undefined = undefined;
  /** @internal */ list = LIST_TCP;
  /** @internal */ prev: Flow | undefined = undefined;
  /** @internal */ next: Flow | undefined = undefined;
  /** @internal */ lastPacket = 0;
  /** @internal */ finSeen = 0;
  /** @internal Sequence numbers of SYNs seen before the streams exist, per direction (NaN: none). */
  isn0 = NaN;
  /** @internal */ isn1 = NaN;

  constructor(p: PacketView, clientIsSrc: boolean, hash: number, packet: number, offset: number, timeMs: number) {
    this.start(p, clientIsSrc, hash, packet, offset, timeMs);
  }

  /** (Re)start as a new flow at packet `p`: every field is set, so a finished flow can be reused. */
  start(p: PacketView, clientIsSrc: boolean, hash: number, packet: number, offset: number, timeMs: number): void {
    this.transport = p.protocol === 6 ? "tcp" : "udp";
    this.ipVersion = p.ipVersion;
    if (clientIsSrc) {
      this.clientPort = p.srcPort; this.serverPort = p.dstPort;
      this.c0 = p.s0; this.c1 = p.s1; this.c2 = p.s2; this.c3 = p.s3;
      this.v0 = p.d0; this.v1 = p.d1; this.v2 = p.d2; this.v3 = p.d3;
    } else {
      this.clientPort = p.dstPort; this.serverPort = p.srcPort;
      this.c0 = p.d0; this.c1 = p.d1; this.c2 = p.d2; this.c3 = p.d3;
      this.v0 = p.s0; this.v1 = p.s1; this.v2 = p.s2; this.v3 = p.s3;
    }
    this.firstPacket = packet;
    this.firstOffset = offset;
    this.firstTimeMs = timeMs;
    this.lastTimeMs = timeMs;
    this.packets0 = this.packets1 = this.bytes0 = this.bytes1 = 0;
    this.streams = undefined;
    this.closed = false;
    this.synSeq = NaN;
    this.inspected = false;
    this.protocol = undefined;
    this.stratum = undefined;
    this.hash = hash;
    this.bucketNext = this.prev = this.next = undefined;
    this.list = p.protocol === 6 ? LIST_TCP : LIST_UDP;
    this.lastPacket = packet;
    this.finSeen = 0;
    this.isn0 = this.isn1 = NaN;
  }

  get clientIp(): string {
    return addressText(this.ipVersion, this.c0, this.c1, this.c2, this.c3);
  }
  get serverIp(): string {
    return addressText(this.ipVersion, this.v0, this.v1, this.v2, this.v3);
  }

  // Object views of the fields above, made when asked for (tests and tools).
  get client(): Endpoint {
    return { ip: this.clientIp, port: this.clientPort };
  }
  get server(): Endpoint {
    return { ip: this.serverIp, port: this.serverPort };
  }
  get first(): PacketRef {
    return { packet: this.firstPacket, offset: this.firstOffset, timeMs: this.firstTimeMs };
  }
  /** [client→server, server→client]. */
  get packets(): [number, number] {
    return [this.packets0, this.packets1];
  }
  /** IP bytes, [client→server, server→client]. */
  get bytes(): [number, number] {
    return [this.bytes0, this.bytes1];
  }
}

/** One murmur3 (32-bit) round: mix word `k` into hash `h`. */
function mixWord(h: number, k: number): number {
  k = Math.imul(k, 0xcc9e2d51);
  k = (k << 15) | (k >>> 17);
  h ^= Math.imul(k, 0x1b873593);
  h = (h << 13) | (h >>> 19);
  return (Math.imul(h, 5) + 0xe6546b64) | 0;
}

/** murmur3's finaliser: every input bit moves every output bit. */
function finalMix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return h ^ (h >>> 16);
}

/**
 * Order-independent hash of a packet's two endpoints and protocol, seeded per table: addresses
 * and ports in a capture are chosen by whoever sent the packets, and a fixed hash would let them
 * pile every flow into one bucket (each packet then walks the whole chain).
 */
function tupleHash(p: PacketView, seed: number): number {
  const a = finalMix(mixWord(mixWord(mixWord(mixWord(mixWord(seed, p.s0), p.s1), p.s2), p.s3), p.srcPort));
  const b = finalMix(mixWord(mixWord(mixWord(mixWord(mixWord(seed, p.d0), p.d1), p.d2), p.d3), p.dstPort));
  return finalMix((a + b + p.protocol) | 0);
}

function srcIsClient(f: Flow, p: PacketView): boolean {
  return p.srcPort === f.clientPort && p.s3 === f.c3 && p.s2 === f.c2 && p.s1 === f.c1 && p.s0 === f.c0;
}

function sameFlow(f: Flow, p: PacketView, hash: number): boolean {
  if (f.hash !== hash || (f.transport === "tcp") !== (p.protocol === 6)) return false;
  if (srcIsClient(f, p)) {
    return p.dstPort === f.serverPort && p.d3 === f.v3 && p.d2 === f.v2 && p.d1 === f.v1 && p.d0 === f.v0;
  }
  return p.dstPort === f.clientPort && p.d3 === f.c3 && p.d2 === f.c2 && p.d1 === f.c1 && p.d0 === f.c0
    && p.srcPort === f.serverPort && p.s3 === f.v3 && p.s2 === f.v2 && p.s1 === f.v1 && p.s0 === f.v0;
}

/**
 * Who started it: the SYN sender (or the receiver of a SYN-ACK). Without a handshake (the
 * capture began mid-connection) the side on the lower port is taken as the server: services
 * listen on fixed low numbers (443, 3333, 14444) while clients get high ephemeral ports
 * (32768-60999 on Linux, 49152-65535 on Windows). Equal ports: the first sender is the client.
 */
function clientIsSource(p: PacketView): boolean {
  if (p.protocol === 6 && (p.flags & TCP_SYN) !== 0) return (p.flags & TCP_ACK) === 0;
  return p.srcPort >= p.dstPort;
}

function newStreams(flow: Flow, pool: StorePool | undefined): [DirectionStream, DirectionStream] {
  const streams: [DirectionStream, DirectionStream] = [new DirectionStream(pool), new DirectionStream(pool)];
  if (!Number.isNaN(flow.isn0)) streams[0].onSyn(flow.isn0);
  if (!Number.isNaN(flow.isn1)) streams[1].onSyn(flow.isn1);
  return streams;
}

/** An intrusive doubly linked list of flows, least recently active first. */
class FlowList {
  head: Flow | undefined;
  tail: Flow | undefined;
  append(f: Flow): void {
    f.prev = this.tail;
    f.next = undefined;
    if (this.tail) this.tail.next = f; else this.head = f;
    this.tail = f;
  }
  remove(f: Flow): void {
    if (f.prev) f.prev.next = f.next; else this.head = f.next;
    if (f.next) f.next.prev = f.prev; else this.tail = f.prev;
    f.prev = f.next = undefined;
  }
}

export class FlowTable {
  private readonly limits: Required<FlowLimits>;
  private readonly buckets: (Flow | undefined)[];
  private readonly mask: number;
  private readonly lists = [new FlowList(), new FlowList(), new FlowList()];
  private readonly timeouts: number[];
  private readonly seed = randomInt(0x7fffffff);
  private count = 0;
  private buffered = 0;
  /** Latest capture time seen: the clock idle flows are judged by. */
  private now = -Infinity;
  /** With `reuse`: finished flows kept for the next ones, and the stores of their streams. */
  private readonly spare: Flow[] = [];
  private readonly maxSpare: number;
  private readonly pool: StorePool | undefined;

  /**
   * `reuse`: the owner keeps nothing of a flow (nor views of its stream bytes) once onFinish returned,
   * so the flow object and its stream stores are reused for later flows. Without it (tests that
   * look at finished flows), every flow is an object of its own.
   */
  constructor(
    private readonly onFinish: (flow: Flow) => void,
    limits: FlowLimits = DEFAULT_FLOW_LIMITS,
    private readonly onInspect?: (flow: Flow) => void,
    reuse = false,
  ) {
    this.limits = { ...DEFAULT_FLOW_LIMITS, ...limits };
    let size = 1024;
    while (size < this.limits.maxFlows && size < 1 << 20) size *= 2;
    this.buckets = new Array<Flow | undefined>(size).fill(undefined);
    this.mask = size - 1;
    this.timeouts = [this.limits.idleMs, this.limits.udpIdleMs, this.limits.closedMs];
    // Enough spares for the flows one idle round finishes at once (thousands), a small part of the table's bound.
    this.maxSpare = reuse ? Math.min(this.limits.maxFlows, 4096) : 0;
    this.pool = reuse ? new StorePool() : undefined;
  }

  /** Account one packet given as a DecodedPacket (tests); the source uses addView. */
  add(p: DecodedPacket, ref: PacketRef): void {
    this.addView(viewOf(p), ref.packet, ref.offset, ref.timeMs);
  }

  /** Account one decoded packet. */
  addView(p: PacketView, packet: number, offset: number, timeMs: number): void {
    const hash = tupleHash(p, this.seed);
    const slot = hash & this.mask;
    let flow = this.buckets[slot];
    while (flow && !sameFlow(flow, p, hash)) flow = flow.bucketNext;
    const tcp = p.protocol === 6;
    const isSyn = tcp && (p.flags & TCP_SYN) !== 0 && (p.flags & TCP_ACK) === 0;
    if (flow && isSyn && (flow.closed || (!Number.isNaN(flow.synSeq) && flow.synSeq !== p.seq))) {
      this.finish(flow);
      flow = undefined;
    }
    if (Number.isFinite(timeMs) && timeMs > this.now) this.now = timeMs;
    if (flow) {
      this.lists[flow.list]!.remove(flow);
    } else {
      flow = this.newFlow(p, hash, packet, offset, timeMs);
      flow.bucketNext = this.buckets[slot];
      this.buckets[slot] = flow;
      this.count++;
    }
    const direction = srcIsClient(flow, p) ? 0 : 1;
    if (direction === 0) {
      flow.packets0++;
      flow.bytes0 += p.ipLength;
    } else {
      flow.packets1++;
      flow.bytes1 += p.ipLength;
    }
    flow.lastPacket = packet;
    if (Number.isFinite(timeMs)) flow.lastTimeMs = Number.isFinite(flow.lastTimeMs) ? Math.max(flow.lastTimeMs, timeMs) : timeMs;
    if (tcp) this.tcpSegment(flow, direction, p, packet, offset, timeMs);
    this.lists[flow.list]!.append(flow);
    this.enforceLimits(flow);
  }

  /** Finish every flow still open, in the order they started. */
  finishAll(): void {
    for (const f of this.openFlows()) this.finish(f);
  }

  /** finishAll a flow at a time: the owner can hand on what each finish made before the next. */
  *finishEach(): Generator<void> {
    for (const f of this.openFlows()) {
      this.finish(f);
      yield;
    }
  }

  get size(): number {
    return this.count;
  }

  /** Stream data held now (bytes), for tests of the budget. */
  get bufferedBytes(): number {
    return this.buffered;
  }

  private openFlows(): Flow[] {
    const rest: Flow[] = [];
    for (const list of this.lists) for (let f = list.head; f; f = f.next) rest.push(f);
    return rest.sort((a, b) => a.firstPacket - b.firstPacket);
  }

  private newFlow(p: PacketView, hash: number, packet: number, offset: number, timeMs: number): Flow {
    const reused = this.spare.pop();
    if (!reused) return new Flow(p, clientIsSource(p), hash, packet, offset, timeMs);
    reused.start(p, clientIsSource(p), hash, packet, offset, timeMs);
    return reused;
  }

  /** After onFinish (reuse only): give the stream stores back and keep the flow for a later one. */
  private recycle(flow: Flow): void {
    if (flow.streams) {
      flow.streams[0].release();
      flow.streams[1].release();
      flow.streams = undefined;
    }
    flow.stratum = undefined;
    flow.protocol = undefined;
    if (this.spare.length < this.maxSpare) this.spare.push(flow);
  }

  private tcpSegment(flow: Flow, direction: 0 | 1, p: PacketView, packet: number, offset: number, timeMs: number): void {
    const flags = p.flags;
    if ((flags & TCP_SYN) !== 0) {
      // Streams are made at the first payload (most connections of a scan carry none): until then
      // the initial sequence numbers wait on the flow.
      if (flow.streams) flow.streams[direction].onSyn(p.seq);
      else if (direction === 0) { if (Number.isNaN(flow.isn0)) flow.isn0 = p.seq; } // the first SYN fixes it, as onSyn does
      else if (Number.isNaN(flow.isn1)) flow.isn1 = p.seq;
      if ((flags & TCP_ACK) === 0) flow.synSeq = p.seq;
    }
    if ((flags & (TCP_FIN | TCP_RST)) !== 0) {
      flow.closed = true;
      if ((flags & TCP_FIN) !== 0) flow.finSeen |= 1 << direction;
      if ((flags & TCP_RST) !== 0 || flow.finSeen === 3) flow.list = LIST_CLOSED;
    }
    if (p.payloadEnd > p.payloadStart) {
      if (!flow.streams) flow.streams = newStreams(flow, this.pool);
      const stream = flow.streams[direction];
      const seq = (flags & TCP_SYN) !== 0 ? (p.seq + 1) >>> 0 : p.seq;
      this.buffered += stream.onSegment(seq, p.buf, p.payloadStart, p.payloadEnd, packet, offset, timeMs);
      if (stream.full && !flow.inspected && this.onInspect) this.inspect(flow);
    }
  }

  /** Let the owner read the flow's streams now, then drop their bytes. */
  private inspect(flow: Flow): void {
    if (!flow.streams) return;
    for (const s of flow.streams) s.finish();
    this.onInspect!(flow);
    flow.inspected = true;
    this.buffered -= flow.streams[0].release() + flow.streams[1].release();
  }

  private finish(flow: Flow): void {
    const slot = flow.hash & this.mask;
    if (this.buckets[slot] === flow) {
      this.buckets[slot] = flow.bucketNext;
    } else {
      let f = this.buckets[slot];
      while (f && f.bucketNext !== flow) f = f.bucketNext;
      if (f) f.bucketNext = flow.bucketNext;
    }
    flow.bucketNext = undefined;
    this.lists[flow.list]!.remove(flow);
    this.count--;
    if (flow.streams) {
      this.buffered -= flow.streams[0].memory + flow.streams[1].memory;
      flow.streams[0].finish();
      flow.streams[1].finish();
    }
    this.onFinish(flow);
    if (this.pool) this.recycle(flow);
  }

  /** The least recently active flow of all lists (by packet number), other than `keep`. */
  private oldest(keep: Flow): Flow | undefined {
    let best: Flow | undefined;
    for (const list of this.lists) {
      const h = list.head === keep ? keep.next : list.head;
      if (h && (!best || h.lastPacket < best.lastPacket)) best = h;
    }
    return best;
  }

  private enforceLimits(current: Flow): void {
    // Idle and closed flows, judged by capture time: each list's head is its longest idle.
    for (let i = 0; i < 3; i++) {
      const list = this.lists[i]!;
      const timeout = this.timeouts[i]!;
      while (list.head && list.head !== current && this.now - list.head.lastTimeMs > timeout) this.finish(list.head);
    }
    while (this.count > this.limits.maxFlows) {
      const f = this.oldest(current);
      if (!f) break;
      this.finish(f);
    }
    if (this.buffered > this.limits.maxBufferedBytes) this.relieveMemory(current);
  }

  /** Over the byte budget: read and drop the streams of the least recently active flows (or finish them). */
  private relieveMemory(current: Flow): void {
    if (!this.onInspect) {
      while (this.buffered > this.limits.maxBufferedBytes && this.count > 1) {
        const f = this.oldest(current);
        if (!f) break;
        this.finish(f);
      }
      return;
    }
    // Down to three quarters, so the walk is not repeated at every packet.
    const goal = this.limits.maxBufferedBytes * 0.75;
    for (const list of this.lists) {
      for (let f = list.head; f && this.buffered > goal; f = f.next) {
        if (!f.inspected && f.streams && f.streams[0].memory + f.streams[1].memory > 0) this.inspect(f);
      }
    }
  }
}
