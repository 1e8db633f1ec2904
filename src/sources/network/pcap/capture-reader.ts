/**
 * Packets out of a capture file, read incrementally: classic pcap (either byte order,
 * microsecond or nanosecond timestamps) and pcapng (sections in either byte order, interfaces
 * with their own link type and timestamp resolution, enhanced, simple and obsolete packet
 * blocks; other blocks are passed over).
 *
 * Speed: `CaptureParser` is fed the input's chunks and walks the records of each chunk in place,
 * calling back once per packet with one reused record that points into the chunk (no copy, no
 * object, no promise per packet). Only a record cut by a chunk boundary is copied, into a carry
 * buffer. `readCapture` wraps it as an async generator of packet objects, for tests and tools.
 *
 * A capture is binary and untrusted: every length is checked before it is used. A record that
 * claims more than MAX_RECORD_BYTES cannot be real (pcap snap lengths stop at 256 KiB), so it
 * ends the read with one issue instead of waiting for, or allocating, gigabytes. A file cut in
 * the middle of a record gives the packets before the cut and one issue.
 */
import type { Input } from "../../types.js";

/** One captured packet, as a view into the bytes being read. Valid only during the callback. */
export interface PacketRecord {
  /** 1-based, counting packet records only (Wireshark's frame number). */
  number: number;
  /** Byte offset of the packet's record (pcap record header or pcapng block) in the file. */
  offset: number;
  /** Capture time, epoch milliseconds (fractional); NaN when the format has none (simple packet blocks). */
  timeMs: number;
  /** Link-layer type (LINKTYPE_* number) of the interface it was captured on. */
  linkType: number;
  /** The captured bytes are buf[start, end) (may be shorter than the packet was on the wire). */
  buf: Buffer;
  start: number;
  end: number;
  originalLength: number;
}

/** One captured packet as an object of its own (readCapture). */
export interface CapturedPacket {
  number: number;
  offset: number;
  timeMs: number;
  linkType: number;
  /** A view into the read buffer: use it before the next packet is read, copy what must be kept. */
  data: Buffer;
  originalLength: number;
}

export type CaptureIssue = (message: string, offset: number) => void;

/** Nothing plausible is larger: pcap snap lengths stop at 256 KiB, pcapng blocks are packets plus options. */
export const MAX_RECORD_BYTES = 16 * 1024 * 1024;

const PCAP_MAGIC_US = 0xa1b2c3d4;
const PCAP_MAGIC_NS = 0xa1b23c4d;
const PCAPNG_SHB = 0x0a0d0d0a;
const PCAPNG_BOM = 0x1a2b3c4d;

export type CaptureKind = "pcap" | "pcapng";

function kindAt(b: Buffer, at: number): CaptureKind | undefined {
  const be = b.readUInt32BE(at);
  const le = b.readUInt32LE(at);
  if (be === PCAP_MAGIC_US || be === PCAP_MAGIC_NS || le === PCAP_MAGIC_US || le === PCAP_MAGIC_NS) return "pcap";
  if (be === PCAPNG_SHB && (b.readUInt32BE(at + 8) === PCAPNG_BOM || b.readUInt32LE(at + 8) === PCAPNG_BOM)) return "pcapng";
  return undefined;
}

/** Which capture format the first bytes are, if any. */
export function captureKind(head: Uint8Array): CaptureKind | undefined {
  if (head.length < 12) return undefined;
  return kindAt(Buffer.from(head.buffer, head.byteOffset, head.byteLength), 0);
}

interface Interface {
  linkType: number;
  snapLength: number;
  /** Timestamp units per second. */
  unitsPerSecond: number;
  /** Seconds added to every timestamp (if_tsoffset). */
  offsetSeconds: number;
}

/** pcapng if_tsresol: high bit clear = 10^-n seconds, set = 2^-n. */
function unitsFromTsresol(v: number): number {
  const n = v & 0x7f;
  return (v & 0x80) === 0 ? Math.pow(10, n) : Math.pow(2, n);
}

/** recordLength answers: not enough bytes yet to know the length, or the read must stop. */
const NEED_MORE = -1;
const STOP = -2;

export class CaptureParser {
  private state: "start" | "pcap" | "pcapng" = "start";
  private le = true;
  private nanos = false;
  private snapLength = 0;
  private linkType = 0;
  private interfaces: Interface[] = [];
  private number = 0;
  /** File offset of the next record not yet handled. */
  private consumed = 0;
  private carry = Buffer.alloc(0);
  private carryLen = 0;
  private stopped = false;
  private pausing = false;
  /** The one record handed to every callback. */
  private readonly rec: PacketRecord = { number: 0, offset: 0, timeMs: 0, linkType: 0, buf: Buffer.alloc(0), start: 0, end: 0, originalLength: 0 };

  constructor(private readonly onPacket: (p: PacketRecord) => void, private readonly issue: CaptureIssue) {}

  /** True once a corrupt record ended the read: later chunks are ignored. */
  get done(): boolean {
    return this.stopped;
  }

  /**
   * Stop push after the packet being handed over: push returns where the next record starts, and the
   * owner calls push again with the same chunk from there (after handing on what the packets made).
   */
  pause(): void {
    this.pausing = true;
  }

  /**
   * Feed the next chunk of the file, or the rest of it from `from` after a pause. Returns how far the
   * chunk was read: its length, or less when paused (nothing of the chunk is kept but a record cut
   * by its end, copied).
   */
  push(chunk: Buffer, from = 0): number {
    if (this.stopped) return chunk.length;
    let at = from;
    // First finish a record cut by the previous chunk's end, copying only what it needs.
    while (this.carryLen > 0) {
      const n = this.recordLength(this.carry, 0, this.carryLen);
      if (n === STOP) return chunk.length;
      // Without a length yet, take just the header that gives it: never bytes of the next record.
      const want = n === NEED_MORE ? this.headerBytes() : n;
      const take = Math.min(want - this.carryLen, chunk.length - at);
      if (take > 0) this.appendCarry(chunk, at, take);
      at += take;
      if (n === NEED_MORE || this.carryLen < n) {
        if (at >= chunk.length) return chunk.length;
        continue;
      }
      this.carryLen = 0;
      this.record(this.carry, 0, n);
      if (this.stopped) return chunk.length;
      if (this.pausing) {
        this.pausing = false;
        return at;
      }
    }
    while (!this.stopped) {
      const avail = chunk.length - at;
      if (avail === 0) return at;
      const n = this.recordLength(chunk, at, avail);
      if (n === STOP) return chunk.length;
      if (n === NEED_MORE || n > avail) {
        this.appendCarry(chunk, at, avail);
        return chunk.length;
      }
      this.record(chunk, at, n);
      at += n;
      if (this.pausing && !this.stopped) {
        this.pausing = false;
        return at;
      }
    }
    return chunk.length;
  }

  /** End of input: a record left half-read is reported. */
  end(): void {
    if (this.stopped || this.carryLen === 0) return;
    if (this.state === "start" && this.carryLen < 12) {
      this.issue(`only ${this.carryLen} bytes: too short for a pcap or pcapng header`, 0);
      return;
    }
    const n = this.recordLength(this.carry, 0, this.carryLen);
    if (n === STOP) return;
    const what = this.state === "start" ? (this.kindOfCarry() === "pcap" ? "the pcap file header" : "a block")
      : this.state === "pcap" ? (this.carryLen < 16 ? `the header of packet ${this.number + 1}` : `packet ${this.number + 1}`)
      : n === NEED_MORE ? "a block header"
      : this.isPacketBlock(this.u32(this.carry, 0)) ? `packet ${this.number + 1}` : "a block";
    this.issue(`the capture ends in the middle of ${what} at offset ${this.consumed} (${this.carryLen} bytes left): the file is truncated`, this.consumed);
  }

  /** How many bytes recordLength needs to know a record's length in the current state. */
  private headerBytes(): number {
    return this.state === "pcap" ? 16 : 12;
  }

  private kindOfCarry(): CaptureKind | undefined {
    return this.carryLen >= 12 ? kindAt(this.carry, 0) : undefined;
  }

  private isPacketBlock(type: number): boolean {
    return type === 6 || type === 3 || type === 2;
  }

  private appendCarry(src: Buffer, at: number, n: number): void {
    if (this.carryLen + n > this.carry.length) {
      const grown = Buffer.allocUnsafe(Math.max(this.carryLen + n, Math.min(this.carry.length * 2, MAX_RECORD_BYTES), 4096));
      this.carry.copy(grown, 0, 0, this.carryLen);
      this.carry = grown;
    }
    src.copy(this.carry, this.carryLen, at, at + n);
    this.carryLen += n;
  }

  private u32(b: Buffer, at: number): number {
    return this.le ? b.readUInt32LE(at) : b.readUInt32BE(at);
  }

  private u16(b: Buffer, at: number): number {
    return this.le ? b.readUInt16LE(at) : b.readUInt16BE(at);
  }

  private stop(message: string, offset: number): number {
    this.issue(message, offset);
    this.stopped = true;
    return STOP;
  }

  /** Length of the record starting at `at` (header included), NEED_MORE, or STOP after an issue. */
  private recordLength(b: Buffer, at: number, avail: number): number {
    if (this.state === "start") {
      if (avail < 12) return NEED_MORE;
      const kind = kindAt(b, at);
      if (kind === undefined) return this.stop("not a pcap or pcapng file: the first bytes are no capture magic number", 0);
      if (kind === "pcap") return 24;
      // pcapng: the section header block's length, in the order its byte-order magic gives.
      this.le = b.readUInt32LE(at + 8) === PCAPNG_BOM;
      return this.blockLength(b, at);
    }
    if (this.state === "pcap") {
      if (avail < 16) return NEED_MORE;
      const capLen = this.u32(b, at + 8);
      const snap = this.snapLength;
      if (capLen > MAX_RECORD_BYTES || (snap > 0 && snap <= MAX_RECORD_BYTES && capLen > Math.max(snap, 262144))) {
        return this.stop(`packet ${this.number + 1} at offset ${this.consumed} claims ${capLen} captured bytes (snap length ${snap}): the length field is corrupt; reading stopped here`, this.consumed);
      }
      return 16 + capLen;
    }
    if (avail < 12) return NEED_MORE;
    if (b.readUInt32LE(at) === PCAPNG_SHB) {
      // A new section may switch the byte order; its type reads the same in both orders.
      const bomLe = b.readUInt32LE(at + 8) === PCAPNG_BOM;
      const bomBe = b.readUInt32BE(at + 8) === PCAPNG_BOM;
      if (!bomLe && !bomBe) {
        return this.stop(`section header at offset ${this.consumed} has no valid byte-order magic: the file is corrupt; reading stopped here`, this.consumed);
      }
      this.le = bomLe;
    }
    return this.blockLength(b, at);
  }

  private blockLength(b: Buffer, at: number): number {
    const total = this.u32(b, at + 4);
    if (total < 12 || total % 4 !== 0 || total > MAX_RECORD_BYTES) {
      return this.stop(`block at offset ${this.consumed} claims a length of ${total} bytes (must be a multiple of 4 between 12 and ${MAX_RECORD_BYTES}): the length field is corrupt; reading stopped here`, this.consumed);
    }
    return total;
  }

  /** Handle one whole record b[at, at + n). */
  private record(b: Buffer, at: number, n: number): void {
    const offset = this.consumed;
    this.consumed += n;
    if (this.state === "start") {
      if (kindAt(b, at) === "pcapng") {
        this.state = "pcapng";
        this.block(b, at, n, offset);
        return;
      }
      const magicLe = b.readUInt32LE(at);
      this.le = magicLe === PCAP_MAGIC_US || magicLe === PCAP_MAGIC_NS;
      this.nanos = this.u32(b, at) === PCAP_MAGIC_NS;
      this.snapLength = this.u32(b, at + 16);
      // The upper bits of the link-type word may carry FCS information (pcap draft); the type is the low 16.
      this.linkType = this.u32(b, at + 20) & 0xffff;
      this.state = "pcap";
      return;
    }
    if (this.state === "pcap") {
      const seconds = this.u32(b, at);
      const fraction = this.u32(b, at + 4);
      this.emit(b, at + 16, at + n, offset, seconds * 1000 + (this.nanos ? fraction / 1e6 : fraction / 1e3), this.linkType, this.u32(b, at + 12));
      return;
    }
    this.block(b, at, n, offset);
  }

  private emit(b: Buffer, start: number, end: number, offset: number, timeMs: number, linkType: number, originalLength: number): void {
    const r = this.rec;
    r.number = ++this.number;
    r.offset = offset;
    r.timeMs = timeMs;
    r.linkType = linkType;
    r.buf = b;
    r.start = start;
    r.end = end;
    r.originalLength = originalLength;
    this.onPacket(r);
  }

  /** One pcapng block b[at, at + total): the body is b[at + 8, at + total - 4). */
  private block(b: Buffer, at: number, total: number, offset: number): void {
    const trailing = this.u32(b, at + total - 4);
    if (trailing !== total) {
      this.stop(`block at offset ${offset}: its trailing length (${trailing}) differs from its leading length (${total}): the file is corrupt; reading stopped here`, offset);
      return;
    }
    const type = this.u32(b, at);
    const body = at + 8;
    const bodyLength = total - 12;
    switch (type) {
      case PCAPNG_SHB:
        this.interfaces = [];
        break;
      case 1: { // Interface Description Block
        if (bodyLength < 8) { this.issue(`interface description block at offset ${offset} is too short`, offset); break; }
        const iface: Interface = { linkType: this.u16(b, body), snapLength: this.u32(b, body + 4), unitsPerSecond: 1e6, offsetSeconds: 0 };
        this.readOptions(b.subarray(body, body + bodyLength), 8, (code, value) => {
          if (code === 9 && value.length >= 1) iface.unitsPerSecond = unitsFromTsresol(value[0]!);
          if (code === 14 && value.length >= 8) iface.offsetSeconds = Number(this.le ? value.readBigInt64LE(0) : value.readBigInt64BE(0));
        });
        this.interfaces.push(iface);
        break;
      }
      case 6: // Enhanced Packet Block
      case 2: { // Obsolete Packet Block (same layout, 16-bit interface id and drop count)
        if (bodyLength < 20) { this.issue(`packet block at offset ${offset} is too short`, offset); break; }
        const ifId = type === 6 ? this.u32(b, body) : this.u16(b, body);
        const iface = this.interfaces[ifId];
        if (!iface) { this.issue(`packet block at offset ${offset} names interface ${ifId}, which no interface description block defined; skipped`, offset); break; }
        const capLen = this.u32(b, body + 12);
        if (20 + capLen > bodyLength) { this.issue(`packet block at offset ${offset} claims ${capLen} captured bytes but holds ${bodyLength - 20}; skipped`, offset); break; }
        const timeMs = ticksToMs(this.u32(b, body + 4), this.u32(b, body + 8), iface.unitsPerSecond) + iface.offsetSeconds * 1000;
        this.emit(b, body + 20, body + 20 + capLen, offset, timeMs, iface.linkType, this.u32(b, body + 16));
        break;
      }
      case 3: { // Simple Packet Block: interface 0, no timestamp
        const iface = this.interfaces[0];
        if (!iface || bodyLength < 4) { this.issue(`simple packet block at offset ${offset} without an interface or too short; skipped`, offset); break; }
        const origLen = this.u32(b, body);
        let capLen = Math.min(origLen, bodyLength - 4);
        if (iface.snapLength > 0) capLen = Math.min(capLen, iface.snapLength);
        this.emit(b, body + 4, body + 4 + capLen, offset, NaN, iface.linkType, origLen);
        break;
      }
      default:
        break; // name resolution, statistics, custom blocks: nothing to read
    }
  }

  /** Walk pcapng options (code, length, value padded to 4 bytes) until opt_endofopt or the end. */
  private readOptions(body: Buffer, from: number, visit: (code: number, value: Buffer) => void): void {
    let at = from;
    while (at + 4 <= body.length) {
      const code = this.u16(body, at);
      const len = this.u16(body, at + 2);
      if (code === 0) return;
      if (at + 4 + len > body.length) return;
      visit(code, body.subarray(at + 4, at + 4 + len));
      at += 4 + len + ((4 - (len % 4)) % 4);
    }
  }
}

/**
 * Packets as objects, one at a time (tests and tools; the source uses CaptureParser directly).
 * The generator ends at the end of input or at the first unrecoverable corruption.
 */
export async function* readCapture(input: Input, issue: CaptureIssue): AsyncGenerator<CapturedPacket> {
  const parser = new CaptureParser((p) => batch.push({
    number: p.number, offset: p.offset, timeMs: p.timeMs, linkType: p.linkType,
    data: Buffer.from(p.buf.subarray(p.start, p.end)), originalLength: p.originalLength,
  }), issue);
  let batch: CapturedPacket[] = [];
  for await (const c of input.stream()) {
    parser.push(Buffer.isBuffer(c) ? c : Buffer.from(c.buffer, c.byteOffset, c.byteLength));
    const ready = batch;
    batch = [];
    for (const p of ready) yield p;
    if (parser.done) return;
  }
  parser.end();
  for (const p of batch) yield p;
}

/**
 * A 64-bit timestamp (high and low words, in units per second) to epoch milliseconds. Nanosecond
 * counts since 1970 exceed 2^53, where doubles drop digits, so whole seconds are split off exactly
 * (BigInt) first.
 */
export function ticksToMs(high: number, low: number, unitsPerSecond: number): number {
  if (high < 0x200000) return ((high * 4294967296 + low) / unitsPerSecond) * 1000;
  const ticks = (BigInt(high) << 32n) | BigInt(low);
  const units = BigInt(unitsPerSecond);
  return Number(ticks / units) * 1000 + (Number(ticks % units) * 1000) / unitsPerSecond;
}
