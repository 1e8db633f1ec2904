/**
 * From a captured frame to IP addresses, ports and payload: link layers Ethernet (with VLAN
 * tags), Linux cooked capture v1 and v2, BSD loopback and raw IP; IPv4 and IPv6 (extension
 * headers walked); TCP and UDP. Everything else (ARP, ICMP, fragments after the first...) is
 * not a flow with payload and decodes to nothing.
 *
 * Speed: `decodeInto` fills one reused PacketView with numbers (addresses as four 32-bit words,
 * payload as offsets into the frame) and allocates nothing; address text and the payload Buffer
 * are made only when asked for (a new flow, a DNS message), by the view's getters.
 */

export const LINKTYPE_NULL = 0;
export const LINKTYPE_ETHERNET = 1;
export const LINKTYPE_RAW = 101;
export const LINKTYPE_LOOP = 108;
export const LINKTYPE_LINUX_SLL = 113;
export const LINKTYPE_IPV4 = 228;
export const LINKTYPE_IPV6 = 229;
export const LINKTYPE_LINUX_SLL2 = 276;

const ETHERTYPE_IPV4 = 0x0800;
const ETHERTYPE_IPV6 = 0x86dd;

export const TCP_FIN = 0x01;
export const TCP_SYN = 0x02;
export const TCP_RST = 0x04;
export const TCP_ACK = 0x10;

/** A decoded TCP or UDP packet. */
export interface DecodedPacket {
  ipVersion: 4 | 6;
  src: string;
  dst: string;
  /** 6 (TCP) or 17 (UDP). */
  protocol: number;
  srcPort: number;
  dstPort: number;
  /** Length of the IP packet as the IP header states it (bytes on the wire above the link layer). */
  ipLength: number;
  /** TCP only. */
  seq: number;
  flags: number;
  payload: Buffer;
}

const EMPTY = Buffer.alloc(0);
/** Word 2 of an IPv4-mapped IPv6 address (::ffff:a.b.c.d): how IPv4 addresses are held as four words. */
const V4_MAPPED = 0xffff;

/**
 * One packet's numbers, refilled for every packet by decodeInto. Addresses are four 32-bit words
 * (s0..s3 source, d0..d3 destination, signed int32); IPv4 is held as ::ffff:a.b.c.d.
 */
export class PacketView implements DecodedPacket {
  ipVersion: 4 | 6 = 4;
  protocol = 0;
  s0 = 0; s1 = 0; s2 = 0; s3 = 0;
  d0 = 0; d1 = 0; d2 = 0; d3 = 0;
  srcPort = 0;
  dstPort = 0;
  ipLength = 0;
  seq = 0;
  flags = 0;
  /** The frame; the payload is buf[payloadStart, payloadEnd). */
  buf: Buffer = EMPTY;
  payloadStart = 0;
  payloadEnd = 0;

  get payloadLength(): number {
    return this.payloadEnd - this.payloadStart;
  }
  /** A view of the payload (allocates a Buffer object, not bytes). */
  get payload(): Buffer {
    return this.buf.subarray(this.payloadStart, this.payloadEnd);
  }
  get src(): string {
    return addressText(this.ipVersion, this.s0, this.s1, this.s2, this.s3);
  }
  get dst(): string {
    return addressText(this.ipVersion, this.d0, this.d1, this.d2, this.d3);
  }
}

function word(b: Buffer, at: number): number {
  return (b[at]! << 24) | (b[at + 1]! << 16) | (b[at + 2]! << 8) | b[at + 3]!;
}

function u16(b: Buffer, at: number): number {
  return (b[at]! << 8) | b[at + 1]!;
}

/** Address text from words: dotted quad for IPv4, RFC 5952 for IPv6. */
export function formatWords(version: 4 | 6, w0: number, w1: number, w2: number, w3: number): string {
  if (version === 4) return `${w3 >>> 24}.${(w3 >>> 16) & 0xff}.${(w3 >>> 8) & 0xff}.${w3 & 0xff}`;
  return formatGroups([w0 >>> 16, w0 & 0xffff, w1 >>> 16, w1 & 0xffff, w2 >>> 16, w2 & 0xffff, w3 >>> 16, w3 & 0xffff]);
}

/** IPv4 address text by address word: a capture repeats few addresses (its hosts, their servers). */
const ipv4Text = new Map<number, string>();
/** Bound of the cache: past it, it is emptied and refilled with what comes next (a scan of many addresses). */
const MAX_CACHED_ADDRESSES = 4096;

/**
 * formatWords, sharing the text of IPv4 addresses seen recently: one string per address rather than
 * one per flow and side, both while flows are built and where events keep it (detection keys on it).
 */
export function addressText(version: 4 | 6, w0: number, w1: number, w2: number, w3: number): string {
  if (version !== 4) return formatWords(version, w0, w1, w2, w3);
  let text = ipv4Text.get(w3);
  if (text === undefined) {
    if (ipv4Text.size >= MAX_CACHED_ADDRESSES) ipv4Text.clear();
    text = formatWords(4, w0, w1, w2, w3);
    ipv4Text.set(w3, text);
  }
  return text;
}

export function formatIPv4(b: Buffer, at: number): string {
  return `${b[at]}.${b[at + 1]}.${b[at + 2]}.${b[at + 3]}`;
}

/** RFC 5952 text form: lower-case hex, leading zeros dropped, the longest zero run (2+) as "::". */
export function formatIPv6(b: Buffer, at: number): string {
  const groups: number[] = [];
  for (let i = 0; i < 8; i++) groups.push(u16(b, at + i * 2));
  return formatGroups(groups);
}

function formatGroups(groups: number[]): string {
  let bestStart = -1;
  let bestLen = 0;
  for (let i = 0; i < 8;) {
    if (groups[i] !== 0) { i++; continue; }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen && j - i >= 2) { bestStart = i; bestLen = j - i; }
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (bestStart === -1) return hex.join(":");
  return `${hex.slice(0, bestStart).join(":")}::${hex.slice(bestStart + bestLen).join(":")}`;
}

/** Where the IP packet starts inside frame b[start, end), by link type; -1 when it carries no IP. */
export function ipStart(linkType: number, b: Buffer, start: number, end: number): number {
  const len = end - start;
  switch (linkType) {
    case LINKTYPE_ETHERNET: {
      let at = start + 12;
      for (let tags = 0; tags < 4; tags++) {
        if (end < at + 2) return -1;
        const etherType = u16(b, at);
        if (etherType === 0x8100 || etherType === 0x88a8 || etherType === 0x9100) { at += 4; continue; }
        return etherType === ETHERTYPE_IPV4 || etherType === ETHERTYPE_IPV6 ? at + 2 : -1;
      }
      return -1;
    }
    case LINKTYPE_LINUX_SLL: {
      if (len < 16) return -1;
      const proto = u16(b, start + 14);
      return proto === ETHERTYPE_IPV4 || proto === ETHERTYPE_IPV6 ? start + 16 : -1;
    }
    case LINKTYPE_LINUX_SLL2: {
      if (len < 20) return -1;
      const proto = u16(b, start);
      return proto === ETHERTYPE_IPV4 || proto === ETHERTYPE_IPV6 ? start + 20 : -1;
    }
    case LINKTYPE_NULL:
    case LINKTYPE_LOOP: {
      // A 4-byte address family, in the capturing host's byte order (NULL) or big-endian (LOOP):
      // 2 is IPv4, 24/28/30 are IPv6 on the BSDs and macOS.
      if (len < 4) return -1;
      const family = linkType === LINKTYPE_LOOP || b[start] === 0 ? b.readUInt32BE(start) : b.readUInt32LE(start);
      return family === 2 || family === 24 || family === 28 || family === 30 ? start + 4 : -1;
    }
    case LINKTYPE_RAW:
    case LINKTYPE_IPV4:
    case LINKTYPE_IPV6:
    case 12: // DLT_RAW as some systems number it in old files (12 on most BSDs, 14 on OpenBSD)
    case 14:
      return start;
    default:
      return -1;
  }
}

const IPV6_FRAGMENT = 44;
const IPV6_AH = 51;

/** Fill `v` from the IP packet b[at, end); false when it is no TCP/UDP packet this reader follows. */
export function decodeIpInto(v: PacketView, b: Buffer, at: number, end: number): boolean {
  if (end - at < 1) return false;
  const version = b[at]! >> 4;
  let protocol: number;
  let l4: number;
  let l4End: number;
  if (version === 4) {
    if (end - at < 20) return false;
    const headerLength = (b[at]! & 0x0f) * 4;
    const totalLength = u16(b, at + 2);
    if (headerLength < 20 || end - at < headerLength || totalLength < headerLength) return false;
    // Fragments are rare for TCP/UDP flows that matter here; reassembling them is not worth the
    // state, and a first fragment alone would feed a stream half a segment.
    if ((u16(b, at + 6) & 0x3fff) !== 0) return false;
    protocol = b[at + 9]!;
    v.ipVersion = 4;
    v.s0 = 0; v.s1 = 0; v.s2 = V4_MAPPED; v.s3 = word(b, at + 12);
    v.d0 = 0; v.d1 = 0; v.d2 = V4_MAPPED; v.d3 = word(b, at + 16);
    l4 = at + headerLength;
    // Ethernet pads short frames: the IP total length says where the packet really ends.
    l4End = Math.min(end, at + totalLength);
    v.ipLength = totalLength;
  } else if (version === 6) {
    if (end - at < 40) return false;
    const payloadLength = u16(b, at + 4);
    let next = b[at + 6]!;
    l4 = at + 40;
    l4End = payloadLength === 0 ? end : Math.min(end, at + 40 + payloadLength);
    for (let hops = 0; hops < 8; hops++) {
      if (next === 0 || next === 43 || next === 60) { // hop-by-hop, routing, destination options
        if (l4End < l4 + 2) return false;
        const len = (b[l4 + 1]! + 1) * 8;
        next = b[l4]!;
        l4 += len;
      } else if (next === IPV6_FRAGMENT) {
        if (l4End < l4 + 8) return false;
        if ((u16(b, l4 + 2) & 0xfff9) !== 0) return false; // offset != 0 or more fragments
        next = b[l4]!;
        l4 += 8;
      } else if (next === IPV6_AH) {
        if (l4End < l4 + 2) return false;
        const len = (b[l4 + 1]! + 2) * 4;
        next = b[l4]!;
        l4 += len;
      } else {
        break;
      }
    }
    if (l4 > l4End) return false;
    protocol = next;
    v.ipVersion = 6;
    v.s0 = word(b, at + 8); v.s1 = word(b, at + 12); v.s2 = word(b, at + 16); v.s3 = word(b, at + 20);
    v.d0 = word(b, at + 24); v.d1 = word(b, at + 28); v.d2 = word(b, at + 32); v.d3 = word(b, at + 36);
    v.ipLength = 40 + payloadLength;
  } else {
    return false;
  }
  const l4Len = l4End - l4;
  if (protocol === 6) {
    if (l4Len < 20) return false;
    const dataOffset = (b[l4 + 12]! >> 4) * 4;
    if (dataOffset < 20 || dataOffset > l4Len) return false;
    v.protocol = 6;
    v.srcPort = u16(b, l4);
    v.dstPort = u16(b, l4 + 2);
    v.seq = word(b, l4 + 4) >>> 0;
    v.flags = b[l4 + 13]!;
    v.buf = b;
    v.payloadStart = l4 + dataOffset;
    v.payloadEnd = l4End;
    return true;
  }
  if (protocol === 17) {
    if (l4Len < 8) return false;
    const udpLength = u16(b, l4 + 4);
    v.protocol = 17;
    v.srcPort = u16(b, l4);
    v.dstPort = u16(b, l4 + 2);
    v.seq = 0;
    v.flags = 0;
    v.buf = b;
    v.payloadStart = l4 + 8;
    v.payloadEnd = udpLength >= 8 ? Math.min(l4End, l4 + udpLength) : l4End;
    return true;
  }
  return false;
}

/** Fill `v` from frame b[start, end) of the given link type; false when it is no TCP/UDP packet. */
export function decodeInto(v: PacketView, linkType: number, b: Buffer, start: number, end: number): boolean {
  const ip = ipStart(linkType, b, start, end);
  return ip >= 0 && decodeIpInto(v, b, ip, end);
}

/** A frame decoded into a view of its own (tests and tools; the source reuses one view). */
export function decodeFrame(linkType: number, frame: Buffer): PacketView | undefined {
  const v = new PacketView();
  return decodeInto(v, linkType, frame, 0, frame.length) ? v : undefined;
}

/** Text address to four words (IPv4 as ::ffff:a.b.c.d); undefined when it is no address. */
export function addressWords(text: string): [number, number, number, number] | undefined {
  const quad = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(text);
  if (quad) return [0, 0, V4_MAPPED, ((+quad[1]! << 24) | (+quad[2]! << 16) | (+quad[3]! << 8) | +quad[4]!)];
  const [head, tail, extra] = text.split("::");
  if (extra !== undefined) return undefined;
  const h = head ? head.split(":") : [];
  const t = tail ? tail.split(":") : [];
  const fill = tail === undefined ? 0 : 8 - h.length - t.length;
  const groups = [...h, ...Array<string>(Math.max(0, fill)).fill("0"), ...t].map((g) => /^[0-9a-f]{1,4}$/i.test(g) ? parseInt(g, 16) : NaN);
  if (groups.length !== 8 || groups.some(Number.isNaN)) return undefined;
  return [(groups[0]! << 16) | groups[1]!, (groups[2]! << 16) | groups[3]!, (groups[4]! << 16) | groups[5]!, (groups[6]! << 16) | groups[7]!];
}

/** A PacketView holding a DecodedPacket given as text and a Buffer (tests build those). */
export function viewOf(p: DecodedPacket): PacketView {
  if (p instanceof PacketView) return p;
  const v = new PacketView();
  const s = addressWords(p.src);
  const d = addressWords(p.dst);
  if (!s || !d) throw new Error(`not an IP address: ${s ? p.dst : p.src}`);
  v.ipVersion = p.ipVersion;
  [v.s0, v.s1, v.s2, v.s3] = s;
  [v.d0, v.d1, v.d2, v.d3] = d;
  v.protocol = p.protocol;
  v.srcPort = p.srcPort;
  v.dstPort = p.dstPort;
  v.ipLength = p.ipLength;
  v.seq = p.seq;
  v.flags = p.flags;
  v.buf = p.payload;
  v.payloadStart = 0;
  v.payloadEnd = p.payload.length;
  return v;
}
