/**
 * One direction of a TCP connection put back together: segments in sequence order, duplicates
 * and retransmitted overlaps dropped, out-of-order segments held until the gap before them
 * fills. Bounded: the first KEEP_BYTES of payload are kept, later bytes only counted.
 *
 * Why the first 64 KiB are enough: what identifies mining is said at the start of a
 * connection. Stratum's subscribe/authorize or login, the pool's first job and difficulty, an
 * HTTP request line with its headers, a TLS ClientHello, all fit in the first few KiB; what
 * follows is a repetition of jobs and shares.
 */

export const KEEP_BYTES = 64 * 1024;
/** Segments held while waiting for a gap to fill; beyond these they are dropped. */
const MAX_PENDING_SEGMENTS = 64;
const MAX_PENDING_BYTES = 64 * 1024;

/** Where a byte of a stream came from: packet number, file offset and time of its segment. */
export interface PacketRef {
  packet: number;
  offset: number;
  timeMs: number;
}

interface Mark extends PacketRef {
  /** Stream position of the segment's first stored byte. */
  at: number;
}

interface PendingSegment {
  seq: number;
  payload: Buffer;
  ref: PacketRef;
}

/** Signed distance a - b in 32-bit sequence space (handles wrap-around). */
export function seqDiff(a: number, b: number): number {
  return (a - b) | 0;
}

export class DirectionStream {
  private chunks: Buffer[] = [];
  private joined: Buffer | undefined;
  private marks: Mark[] = [];
  private pending: PendingSegment[] = [];
  private pendingBytes = 0;
  private nextSeq: number | undefined;
  /** Bytes stored (at most KEEP_BYTES). */
  stored = 0;
  /** Payload bytes delivered in order, stored or not. */
  delivered = 0;
  /** A segment never arrived and later data were appended after the hole. */
  gap = false;
  /** The first data segment of this direction. */
  firstData: PacketRef | undefined;

  /** A SYN fixes the initial sequence number: data starts at seq + 1. */
  onSyn(seq: number): void {
    if (this.nextSeq === undefined) this.nextSeq = (seq + 1) >>> 0;
  }

  /** Memory this direction holds (stored plus pending), for the flow table's budget. */
  get memory(): number {
    return this.stored + this.pendingBytes;
  }

  /** Add a segment's payload; returns the change in memory held. */
  onData(seq: number, payload: Buffer, ref: PacketRef): number {
    if (payload.length === 0) return 0;
    const before = this.memory;
    // Without a SYN (the capture started mid-connection) the first data seen starts the stream.
    if (this.nextSeq === undefined) this.nextSeq = seq;
    const d = seqDiff(seq, this.nextSeq);
    if (d > 0) {
      if (this.pending.length < MAX_PENDING_SEGMENTS && this.pendingBytes + payload.length <= MAX_PENDING_BYTES) {
        this.pending.push({ seq, payload: Buffer.from(payload), ref });
        this.pendingBytes += payload.length;
      }
      return this.memory - before;
    }
    this.deliver(payload.subarray(-d), ref);
    this.drainPending();
    return this.memory - before;
  }

  /** At the end: data still waiting behind a hole is appended after it (marked as a gap). */
  finish(): void {
    if (this.pending.length === 0) return;
    this.pending.sort((a, b) => seqDiff(a.seq, b.seq));
    for (const p of this.pending) {
      const d = seqDiff(p.seq, this.nextSeq!);
      if (d > 0) { this.gap = true; this.nextSeq = p.seq; }
      const skip = Math.max(0, -seqDiff(p.seq, this.nextSeq!));
      if (skip < p.payload.length) this.deliver(p.payload.subarray(skip), p.ref);
    }
    this.pending = [];
    this.pendingBytes = 0;
  }

  /** The stored bytes, in order. */
  bytes(): Buffer {
    if (!this.joined) this.joined = this.chunks.length === 1 ? this.chunks[0]! : Buffer.concat(this.chunks);
    return this.joined;
  }

  /** The packet that carried stream byte `at`. */
  refAt(at: number): PacketRef | undefined {
    let lo = 0;
    let hi = this.marks.length - 1;
    let found: Mark | undefined;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const m = this.marks[mid]!;
      if (m.at <= at) { found = m; lo = mid + 1; } else hi = mid - 1;
    }
    return found ? { packet: found.packet, offset: found.offset, timeMs: found.timeMs } : undefined;
  }

  private deliver(data: Buffer, ref: PacketRef): void {
    if (data.length === 0) return;
    this.firstData ??= ref;
    if (this.stored < KEEP_BYTES) {
      const take = data.subarray(0, KEEP_BYTES - this.stored);
      this.marks.push({ at: this.stored, ...ref });
      this.chunks.push(Buffer.from(take)); // a copy: the capture's read buffer is not kept
      this.stored += take.length;
      this.joined = undefined;
    }
    this.delivered += data.length;
    this.nextSeq = (this.nextSeq! + data.length) >>> 0;
  }

  private drainPending(): void {
    let progressed = true;
    while (progressed && this.pending.length > 0) {
      progressed = false;
      for (let i = 0; i < this.pending.length; i++) {
        const p = this.pending[i]!;
        const d = seqDiff(p.seq, this.nextSeq!);
        if (d > 0) continue;
        this.pending.splice(i, 1);
        this.pendingBytes -= p.payload.length;
        if (-d < p.payload.length) this.deliver(p.payload.subarray(-d), p.ref);
        progressed = true;
        break;
      }
    }
  }
}
