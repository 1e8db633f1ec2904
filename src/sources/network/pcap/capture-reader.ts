/**
 * Packets out of a capture file, read incrementally: classic pcap (either byte order,
 * microsecond or nanosecond timestamps) and pcapng (sections in either byte order, interfaces
 * with their own link type and timestamp resolution, enhanced, simple and obsolete packet
 * blocks; other blocks are passed over).
 *
 * A capture is binary and untrusted: every length is checked before it is used. A record that
 * claims more than MAX_RECORD_BYTES cannot be real (pcap snap lengths stop at 256 KiB), so it
 * ends the read with one issue instead of waiting for, or allocating, gigabytes. A file cut in
 * the middle of a record gives the packets before the cut and one issue.
 */
import type { Input } from "../../types.js";

/** One captured packet. */
export interface CapturedPacket {
  /** 1-based, counting packet records only (Wireshark's frame number). */
  number: number;
  /** Byte offset of the packet's record (pcap record header or pcapng block) in the file. */
  offset: number;
  /** Capture time, epoch milliseconds (fractional). */
  timeMs: number;
  /** Link-layer type (LINKTYPE_* number) of the interface it was captured on. */
  linkType: number;
  /** The captured bytes (may be shorter than the packet was on the wire). A view into the read
   * buffer: use it before the next packet is read, copy what must be kept. */
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

/** Which capture format the first bytes are, if any. */
export function captureKind(head: Uint8Array): CaptureKind | undefined {
  if (head.length < 12) return undefined;
  const b = Buffer.from(head.buffer, head.byteOffset, head.byteLength);
  const be = b.readUInt32BE(0);
  const le = b.readUInt32LE(0);
  if (be === PCAP_MAGIC_US || be === PCAP_MAGIC_NS || le === PCAP_MAGIC_US || le === PCAP_MAGIC_NS) return "pcap";
  if (be === PCAPNG_SHB && (b.readUInt32BE(8) === PCAPNG_BOM || b.readUInt32LE(8) === PCAPNG_BOM)) return "pcapng";
  return undefined;
}

/** Bytes received so far and not yet consumed, with their position in the file. */
class ByteQueue {
  private buf: Buffer = Buffer.alloc(0);
  /** File offset of buf[0]. */
  base = 0;

  push(chunk: Buffer): void {
    this.buf = this.buf.length === 0 ? chunk : Buffer.concat([this.buf, chunk]);
  }
  get length(): number { return this.buf.length; }
  /** A view of `n` bytes at `at` (relative to the queue start); the caller checked the length. */
  view(at: number, n: number): Buffer { return this.buf.subarray(at, at + n); }
  /** Drop `n` consumed bytes. */
  consume(n: number): void {
    this.buf = this.buf.subarray(n);
    this.base += n;
  }
}

interface Interface {
  linkType: number;
  snapLength: number;
  /** Timestamp units per second. */
  unitsPerSecond: number;
  /** Seconds added to every timestamp (if_tsoffset). */
  offsetSeconds: number;
}

type U32 = (b: Buffer, at: number) => number;
type U16 = (b: Buffer, at: number) => number;
const u32le: U32 = (b, at) => b.readUInt32LE(at);
const u32be: U32 = (b, at) => b.readUInt32BE(at);
const u16le: U16 = (b, at) => b.readUInt16LE(at);
const u16be: U16 = (b, at) => b.readUInt16BE(at);

/** pcapng if_tsresol: high bit clear = 10^-n seconds, set = 2^-n. */
function unitsFromTsresol(v: number): number {
  const n = v & 0x7f;
  return (v & 0x80) === 0 ? Math.pow(10, n) : Math.pow(2, n);
}

/**
 * Read packets from the input's byte stream. `issue` receives problems (with the file offset);
 * the generator ends at the end of input or at the first unrecoverable corruption.
 */
export async function* readCapture(input: Input, issue: CaptureIssue): AsyncGenerator<CapturedPacket> {
  const q = new ByteQueue();
  const chunks = input.stream()[Symbol.asyncIterator]();
  let ended = false;

  /** Make sure `n` bytes are queued; false at end of input. */
  const need = async (n: number): Promise<boolean> => {
    while (q.length < n && !ended) {
      const r = await chunks.next();
      if (r.done) { ended = true; break; }
      const c = r.value;
      q.push(Buffer.isBuffer(c) ? c : Buffer.from(c.buffer, c.byteOffset, c.byteLength));
    }
    return q.length >= n;
  };

  if (!(await need(12))) {
    if (q.length > 0) issue(`only ${q.length} bytes: too short for a pcap or pcapng header`, 0);
    return;
  }
  const kind = captureKind(q.view(0, 12));
  if (kind === undefined) {
    issue("not a pcap or pcapng file: the first bytes are no capture magic number", 0);
    return;
  }
  let number = 0;

  const truncated = (what: string): void => {
    issue(`the capture ends in the middle of ${what} at offset ${q.base} (${q.length} bytes left): the file is truncated`, q.base);
  };

  if (kind === "pcap") {
    if (!(await need(24))) { truncated("the pcap file header"); return; }
    const h = q.view(0, 24);
    const le = h.readUInt32LE(0) === PCAP_MAGIC_US || h.readUInt32LE(0) === PCAP_MAGIC_NS;
    const u32 = le ? u32le : u32be;
    const nanos = u32(h, 0) === PCAP_MAGIC_NS;
    const snapLength = u32(h, 16);
    // The upper bits of the link-type word may carry FCS information (pcap draft); the type is the low 16.
    const linkType = u32(h, 20) & 0xffff;
    q.consume(24);
    for (;;) {
      if (!(await need(16))) { if (q.length > 0) truncated(`the header of packet ${number + 1}`); return; }
      const r = q.view(0, 16);
      const seconds = u32(r, 0);
      const fraction = u32(r, 4);
      const capLen = u32(r, 8);
      const origLen = u32(r, 12);
      if (capLen > MAX_RECORD_BYTES || (snapLength > 0 && snapLength <= MAX_RECORD_BYTES && capLen > Math.max(snapLength, 262144))) {
        issue(`packet ${number + 1} at offset ${q.base} claims ${capLen} captured bytes (snap length ${snapLength}): the length field is corrupt; reading stopped here`, q.base);
        return;
      }
      if (!(await need(16 + capLen))) { truncated(`packet ${number + 1}`); return; }
      number++;
      const offset = q.base;
      const data = q.view(16, capLen);
      q.consume(16 + capLen);
      yield { number, offset, timeMs: seconds * 1000 + (nanos ? fraction / 1e6 : fraction / 1e3), linkType, data, originalLength: origLen };
    }
  }

  // pcapng: a sequence of blocks; each Section Header Block sets the byte order for its section.
  let u32: U32 = u32le;
  let u16: U16 = u16le;
  let interfaces: Interface[] = [];
  for (;;) {
    if (!(await need(12))) { if (q.length > 0) truncated("a block header"); return; }
    const head = q.view(0, 12);
    if (head.readUInt32LE(0) === PCAPNG_SHB) {
      // The Section Header Block's type reads the same in both orders; its byte-order magic decides.
      const bomLe = head.readUInt32LE(8) === PCAPNG_BOM;
      const bomBe = head.readUInt32BE(8) === PCAPNG_BOM;
      if (!bomLe && !bomBe) {
        issue(`section header at offset ${q.base} has no valid byte-order magic: the file is corrupt; reading stopped here`, q.base);
        return;
      }
      u32 = bomLe ? u32le : u32be;
      u16 = bomLe ? u16le : u16be;
      interfaces = [];
    }
    const type = u32(head, 0);
    const total = u32(head, 4);
    if (total < 12 || total % 4 !== 0 || total > MAX_RECORD_BYTES) {
      issue(`block at offset ${q.base} claims a length of ${total} bytes (must be a multiple of 4 between 12 and ${MAX_RECORD_BYTES}): the length field is corrupt; reading stopped here`, q.base);
      return;
    }
    if (!(await need(total))) { truncated(type === 6 || type === 3 || type === 2 ? `packet ${number + 1}` : "a block"); return; }
    const block = q.view(0, total);
    const offset = q.base;
    if (u32(block, total - 4) !== total) {
      issue(`block at offset ${offset}: its trailing length (${u32(block, total - 4)}) differs from its leading length (${total}): the file is corrupt; reading stopped here`, offset);
      return;
    }
    const body = block.subarray(8, total - 4);
    q.consume(total);
    switch (type) {
      case 1: { // Interface Description Block
        if (body.length < 8) { issue(`interface description block at offset ${offset} is too short`, offset); break; }
        const iface: Interface = { linkType: u16(body, 0), snapLength: u32(body, 4), unitsPerSecond: 1e6, offsetSeconds: 0 };
        readOptions(body, 8, u16, (code, value) => {
          if (code === 9 && value.length >= 1) iface.unitsPerSecond = unitsFromTsresol(value[0]!);
          if (code === 14 && value.length >= 8) iface.offsetSeconds = Number(u32 === u32le ? value.readBigInt64LE(0) : value.readBigInt64BE(0));
        });
        interfaces.push(iface);
        break;
      }
      case 6: // Enhanced Packet Block
      case 2: { // Obsolete Packet Block (same layout, 16-bit interface id and drop count)
        if (body.length < 20) { issue(`packet block at offset ${offset} is too short`, offset); break; }
        const ifId = type === 6 ? u32(body, 0) : u16(body, 0);
        const iface = interfaces[ifId];
        if (!iface) { issue(`packet block at offset ${offset} names interface ${ifId}, which no interface description block defined; skipped`, offset); break; }
        const capLen = u32(body, 12);
        const origLen = u32(body, 16);
        if (20 + capLen > body.length) { issue(`packet block at offset ${offset} claims ${capLen} captured bytes but holds ${body.length - 20}; skipped`, offset); break; }
        number++;
        const timeMs = ticksToMs(u32(body, 4), u32(body, 8), iface.unitsPerSecond) + iface.offsetSeconds * 1000;
        yield { number, offset, timeMs, linkType: iface.linkType, data: body.subarray(20, 20 + capLen), originalLength: origLen };
        break;
      }
      case 3: { // Simple Packet Block: interface 0, no timestamp
        const iface = interfaces[0];
        if (!iface || body.length < 4) { issue(`simple packet block at offset ${offset} without an interface or too short; skipped`, offset); break; }
        const origLen = u32(body, 0);
        let capLen = Math.min(origLen, body.length - 4);
        if (iface.snapLength > 0) capLen = Math.min(capLen, iface.snapLength);
        number++;
        yield { number, offset, timeMs: NaN, linkType: iface.linkType, data: body.subarray(4, 4 + capLen), originalLength: origLen };
        break;
      }
      default:
        break; // section header, name resolution, statistics, custom blocks: nothing to read
    }
  }
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

/** Walk pcapng options (code, length, value padded to 4 bytes) until opt_endofopt or the end. */
function readOptions(body: Buffer, from: number, u16: U16, visit: (code: number, value: Buffer) => void): void {
  let at = from;
  while (at + 4 <= body.length) {
    const code = u16(body, at);
    const len = u16(body, at + 2);
    if (code === 0) return;
    if (at + 4 + len > body.length) return;
    visit(code, body.subarray(at + 4, at + 4 + len));
    at += 4 + len + ((4 - (len % 4)) % 4);
  }
}
