/**
 * One direction of a TCP connection put back together: segments in sequence order, duplicates
 * and retransmitted overlaps dropped, out-of-order segments held until the gap before them
 * fills. Bounded: the first KEEP_BYTES of payload are kept; after that (or once the flow's start
 * was read and the bytes released) segments are only counted.
 *
 * Why the first 16 KiB are enough: what identifies mining is said at the start of a connection.
 * Stratum's subscribe/authorize or login, the pool's first jobs and difficulty, an HTTP request
 * line with its headers, a TLS ClientHello (a few hundred bytes; a few KiB with post-quantum key
 * shares), all fit; what follows is a repetition of jobs and shares.
 */

export const KEEP_BYTES = 16 * 1024;
/** Segments held while waiting for a gap to fill; beyond these they are dropped. */
const MAX_PENDING_SEGMENTS = 64;
const FIRST_CAPACITY = 512;
const EMPTY = Buffer.alloc(0);
/** Shared while nothing is held out of order (most streams never hold anything): replaced on first use. */
const NO_PENDING: PendingSegment[] = [];
const NO_MARKS: number[] = [];

/** Where a byte of a stream came from: packet number, file offset and time of its segment. */
export interface PacketRef {
  packet: number;
  offset: number;
  timeMs: number;
}

/**
 * Stores handed back for reuse, by size (FIRST_CAPACITY doubled up to KEEP_BYTES). Each store is an
 * ArrayBuffer of its own, outside the JS heap: a dropped one is freed only when a major collection
 * finds its object dead, and a flow lives long enough for that object to be promoted, so a capture
 * of many short flows piles up tens of MB of dead stores between collections (peak RSS). A store
 * given back is reused by the next stream instead. Bounded to `maxBytes` held.
 */
export class StorePool {
  private readonly free: Buffer[][] = [];
  private held = 0;

  constructor(private readonly maxBytes = 4 * 1024 * 1024) {}

  /** A store of `capacity` bytes (a power of two from FIRST_CAPACITY), reused when one is free. Its bytes are stale. */
  take(capacity: number): Buffer {
    const reused = this.free[sizeClass(capacity)]?.pop();
    if (reused) {
      this.held -= reused.length;
      return reused;
    }
    // Not from Node's shared pool: a small pooled slice would keep its whole 8 KiB slab alive as
    // long as the flow lives.
    return Buffer.allocUnsafeSlow(capacity);
  }

  /** Take back a store no stream uses any more (nothing may still hold a view of it). */
  give(store: Buffer): void {
    if (this.held + store.length > this.maxBytes) return;
    const c = sizeClass(store.length);
    (this.free[c] ??= []).push(store);
    this.held += store.length;
  }
}

function sizeClass(capacity: number): number {
  return Math.log2(capacity / FIRST_CAPACITY) | 0;
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
  /** Stored bytes are store[0, stored). Grown by doubling up to KEEP_BYTES. */
  private store: Buffer | undefined;
  /**
   * Where each stored segment starts and which packet carried it, packed four numbers a segment
   * (stream position, packet, file offset, time) in one array of doubles: an object per segment
   * was most of a busy flow's memory (a typed array would be one more off-heap buffer per stream,
   * which makes the garbage collector run more often).
   */
  private marks: number[] = NO_MARKS;
  private markCount = 0;
  private pending: PendingSegment[] = NO_PENDING;
  private pendingBytes = 0;
  private nextSeq: number | undefined;
  /** Bytes stored (at most KEEP_BYTES). */
  stored = 0;
  /** Payload bytes seen: delivered in order while storing, counted as they come after. */
  delivered = 0;
  /** A segment never arrived and later data were appended after the hole. */
  gap = false;
  /** The stored bytes were handed over and dropped; later segments are only counted. */
  released = false;
  /** The first data segment of this direction. */
  firstData: PacketRef | undefined;

  /** With a pool, stores come from it and go back to it when dropped (release). */
  constructor(private readonly pool?: StorePool) {}

  /** A SYN fixes the initial sequence number: data starts at seq + 1. */
  onSyn(seq: number): void {
    if (this.nextSeq === undefined) this.nextSeq = (seq + 1) >>> 0;
  }

  /** Memory this direction holds (store capacity plus pending segments), for the flow table's budget. */
  get memory(): number {
    return (this.store?.length ?? 0) + this.pendingBytes;
  }

  /** No more bytes will be stored: the keep limit is reached or the bytes were released. */
  get full(): boolean {
    return this.released || this.stored >= KEEP_BYTES;
  }

  /** Add a segment's payload; returns the change in memory held. */
  onData(seq: number, payload: Buffer, ref: PacketRef): number {
    return this.onSegment(seq, payload, 0, payload.length, ref.packet, ref.offset, ref.timeMs);
  }

  /** Add the payload b[start, end) of a segment; returns the change in memory held. No allocation once full. */
  onSegment(seq: number, b: Buffer, start: number, end: number, packet: number, offset: number, timeMs: number): number {
    const length = end - start;
    if (length <= 0) return 0;
    if (this.full) {
      this.delivered += length;
      return 0;
    }
    const before = this.memory;
    // Without a SYN (the capture started mid-connection) the first data seen starts the stream.
    if (this.nextSeq === undefined) this.nextSeq = seq;
    const d = seqDiff(seq, this.nextSeq);
    if (d > 0) {
      // Held only while it could still land inside the kept window.
      if (this.pending.length < MAX_PENDING_SEGMENTS && this.stored + this.pendingBytes + length <= KEEP_BYTES) {
        if (this.pending === NO_PENDING) this.pending = [];
        this.pending.push({ seq, payload: Buffer.from(b.subarray(start, end)), ref: { packet, offset, timeMs } });
        this.pendingBytes += length;
      }
      return this.memory - before;
    }
    if (-d < length) this.deliver(b, start - d, end, packet, offset, timeMs);
    if (this.pending.length > 0) this.drainPending();
    return this.memory - before;
  }

  /** At the end: data still waiting behind a hole is appended after it (marked as a gap). */
  finish(): void {
    if (this.pending.length === 0) return;
    this.pending.sort((a, b) => seqDiff(a.seq, b.seq));
    const held = this.pending;
    this.pending = NO_PENDING;
    this.pendingBytes = 0;
    for (const p of held) {
      const d = seqDiff(p.seq, this.nextSeq!);
      if (d > 0) { this.gap = true; this.nextSeq = p.seq; }
      const skip = Math.max(0, -seqDiff(p.seq, this.nextSeq!));
      if (skip < p.payload.length) this.deliver(p.payload, skip, p.payload.length, p.ref.packet, p.ref.offset, p.ref.timeMs);
    }
  }

  /** Drop what is held (after it was read); returns the memory freed. Later segments are only counted. */
  release(): number {
    const freed = this.memory;
    if (this.store && this.pool) this.pool.give(this.store);
    this.store = undefined;
    this.marks = NO_MARKS;
    this.markCount = 0;
    this.pending = NO_PENDING;
    this.pendingBytes = 0;
    this.stored = 0;
    this.released = true;
    return freed;
  }

  /** The stored bytes, in order (a view: valid until more data is stored). */
  bytes(): Buffer {
    return this.store ? this.store.subarray(0, this.stored) : EMPTY;
  }

  /** The packet that carried stream byte `at`. */
  refAt(at: number): PacketRef | undefined {
    const m = this.marks;
    let lo = 0;
    let hi = this.markCount - 1;
    let found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (m[mid * 4]! <= at) { found = mid; lo = mid + 1; } else hi = mid - 1;
    }
    return found < 0 ? undefined : { packet: m[found * 4 + 1]!, offset: m[found * 4 + 2]!, timeMs: m[found * 4 + 3]! };
  }

  /** Append b[start, end) to the stream (in order); store what fits in the kept window. */
  private deliver(b: Buffer, start: number, end: number, packet: number, offset: number, timeMs: number): void {
    const length = end - start;
    if (length <= 0) return;
    this.firstData ??= { packet, offset, timeMs };
    if (this.stored < KEEP_BYTES) {
      const take = Math.min(length, KEEP_BYTES - this.stored);
      this.reserve(this.stored + take);
      // A copy: the capture's read buffer is reused for the next chunk.
      b.copy(this.store!, this.stored, start, start + take);
      this.mark(this.stored, packet, offset, timeMs);
      this.stored += take;
    }
    this.delivered += length;
    this.nextSeq = (this.nextSeq! + length) >>> 0;
  }

  private mark(at: number, packet: number, offset: number, timeMs: number): void {
    if (this.marks === NO_MARKS) this.marks = [];
    this.marks.push(at, packet, offset, timeMs);
    this.markCount++;
  }

  private reserve(size: number): void {
    const have = this.store?.length ?? 0;
    if (size <= have) return;
    let capacity = Math.max(have * 2, FIRST_CAPACITY);
    while (capacity < size) capacity *= 2;
    capacity = Math.min(capacity, KEEP_BYTES);
    // Not from Node's shared pool: a small pooled slice would keep its whole 8 KiB slab alive as
    // long as the flow lives.
    const grown = this.pool ? this.pool.take(capacity) : Buffer.allocUnsafeSlow(capacity);
    if (this.store) {
      this.store.copy(grown, 0, 0, this.stored);
      this.pool?.give(this.store);
    }
    this.store = grown;
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
        if (-d < p.payload.length) this.deliver(p.payload, -d, p.payload.length, p.ref.packet, p.ref.offset, p.ref.timeMs);
        progressed = true;
        break;
      }
    }
  }
}
