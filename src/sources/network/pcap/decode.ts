/**
 * From a captured frame to IP addresses, ports and payload: link layers Ethernet (with VLAN
 * tags), Linux cooked capture v1 and v2, BSD loopback and raw IP; IPv4 and IPv6 (extension
 * headers walked); TCP and UDP. Everything else (ARP, ICMP, fragments after the first...) is
 * not a flow with payload and decodes to undefined.
 */

export const LINKTYPE_NULL = 0;
export const LINKTYPE_ETHERNET = 1;
export const LINKTYPE_RAW = 101;
export const LINKTYPE_LOOP = 108;
export const LINKTYPE_LINUX_SLL = 113;
export const LINKTYPE_IPV4 = 228;
export const LINKTYPE_IPV6 = 229;
export const LINKTYPE_LINUX_SLL2 = 276;
/** DLT_RAW as some systems number it in old files (12 on most BSDs, 14 on OpenBSD). */
const LINKTYPE_RAW_ALIASES = new Set([12, 14]);

const ETHERTYPE_IPV4 = 0x0800;
const ETHERTYPE_IPV6 = 0x86dd;
const ETHERTYPE_VLAN = new Set([0x8100, 0x88a8, 0x9100]);

export const TCP_FIN = 0x01;
export const TCP_SYN = 0x02;
export const TCP_RST = 0x04;
export const TCP_ACK = 0x10;

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

/** The IP packet inside a frame, by link type; undefined when it carries no IP. */
export function ipLayer(linkType: number, frame: Buffer): Buffer | undefined {
  switch (linkType) {
    case LINKTYPE_ETHERNET: {
      let at = 12;
      for (let tags = 0; tags < 4; tags++) {
        if (frame.length < at + 2) return undefined;
        const etherType = frame.readUInt16BE(at);
        if (ETHERTYPE_VLAN.has(etherType)) { at += 4; continue; }
        return etherType === ETHERTYPE_IPV4 || etherType === ETHERTYPE_IPV6 ? frame.subarray(at + 2) : undefined;
      }
      return undefined;
    }
    case LINKTYPE_LINUX_SLL: {
      if (frame.length < 16) return undefined;
      const proto = frame.readUInt16BE(14);
      return proto === ETHERTYPE_IPV4 || proto === ETHERTYPE_IPV6 ? frame.subarray(16) : undefined;
    }
    case LINKTYPE_LINUX_SLL2: {
      if (frame.length < 20) return undefined;
      const proto = frame.readUInt16BE(0);
      return proto === ETHERTYPE_IPV4 || proto === ETHERTYPE_IPV6 ? frame.subarray(20) : undefined;
    }
    case LINKTYPE_NULL:
    case LINKTYPE_LOOP: {
      // A 4-byte address family, in the capturing host's byte order (NULL) or big-endian (LOOP):
      // 2 is IPv4, 24/28/30 are IPv6 on the BSDs and macOS.
      if (frame.length < 4) return undefined;
      const family = linkType === LINKTYPE_LOOP || frame[0] === 0 ? frame.readUInt32BE(0) : frame.readUInt32LE(0);
      return family === 2 || family === 24 || family === 28 || family === 30 ? frame.subarray(4) : undefined;
    }
    case LINKTYPE_RAW:
    case LINKTYPE_IPV4:
    case LINKTYPE_IPV6:
      return frame;
    default:
      return LINKTYPE_RAW_ALIASES.has(linkType) ? frame : undefined;
  }
}

export function formatIPv4(b: Buffer, at: number): string {
  return `${b[at]}.${b[at + 1]}.${b[at + 2]}.${b[at + 3]}`;
}

/** RFC 5952 text form: lower-case hex, leading zeros dropped, the longest zero run (2+) as "::". */
export function formatIPv6(b: Buffer, at: number): string {
  const groups: number[] = [];
  for (let i = 0; i < 8; i++) groups.push(b.readUInt16BE(at + i * 2));
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

const IPV6_EXTENSION_HEADERS = new Set([0, 43, 60]);
const IPV6_FRAGMENT = 44;
const IPV6_AH = 51;

/** IP → TCP/UDP. */
export function decodeIp(ip: Buffer): DecodedPacket | undefined {
  if (ip.length < 1) return undefined;
  const version = ip[0]! >> 4;
  let protocol: number;
  let src: string;
  let dst: string;
  let transport: Buffer;
  let ipLength: number;
  if (version === 4) {
    if (ip.length < 20) return undefined;
    const headerLength = (ip[0]! & 0x0f) * 4;
    const totalLength = ip.readUInt16BE(2);
    if (headerLength < 20 || ip.length < headerLength || totalLength < headerLength) return undefined;
    const fragment = ip.readUInt16BE(6);
    // Fragments are rare for TCP/UDP flows that matter here; reassembling them is not worth the
    // state, and a first fragment alone would feed a stream half a segment.
    if ((fragment & 0x2000) !== 0 || (fragment & 0x1fff) !== 0) return undefined;
    protocol = ip[9]!;
    src = formatIPv4(ip, 12);
    dst = formatIPv4(ip, 16);
    // Ethernet pads short frames: the IP total length says where the packet really ends.
    transport = ip.subarray(headerLength, Math.min(ip.length, totalLength));
    ipLength = totalLength;
  } else if (version === 6) {
    if (ip.length < 40) return undefined;
    const payloadLength = ip.readUInt16BE(4);
    src = formatIPv6(ip, 8);
    dst = formatIPv6(ip, 24);
    let next = ip[6]!;
    let at = 40;
    const end = payloadLength === 0 ? ip.length : Math.min(ip.length, 40 + payloadLength);
    for (let hops = 0; hops < 8; hops++) {
      if (IPV6_EXTENSION_HEADERS.has(next)) {
        if (end < at + 2) return undefined;
        const len = (ip[at + 1]! + 1) * 8;
        next = ip[at]!;
        at += len;
      } else if (next === IPV6_FRAGMENT) {
        if (end < at + 8) return undefined;
        const offsetAndMore = ip.readUInt16BE(at + 2);
        if ((offsetAndMore & 0xfff9) !== 0) return undefined; // offset != 0 or more fragments
        next = ip[at]!;
        at += 8;
      } else if (next === IPV6_AH) {
        if (end < at + 2) return undefined;
        const len = (ip[at + 1]! + 2) * 4;
        next = ip[at]!;
        at += len;
      } else {
        break;
      }
    }
    if (at > end) return undefined;
    protocol = next;
    transport = ip.subarray(at, end);
    ipLength = 40 + payloadLength;
  } else {
    return undefined;
  }
  if (protocol === 6) {
    if (transport.length < 20) return undefined;
    const dataOffset = (transport[12]! >> 4) * 4;
    if (dataOffset < 20 || dataOffset > transport.length) return undefined;
    return {
      ipVersion: version === 4 ? 4 : 6, src, dst, protocol, ipLength,
      srcPort: transport.readUInt16BE(0),
      dstPort: transport.readUInt16BE(2),
      seq: transport.readUInt32BE(4),
      flags: transport[13]!,
      payload: transport.subarray(dataOffset),
    };
  }
  if (protocol === 17) {
    if (transport.length < 8) return undefined;
    const udpLength = transport.readUInt16BE(4);
    const end = udpLength >= 8 ? Math.min(transport.length, udpLength) : transport.length;
    return {
      ipVersion: version === 4 ? 4 : 6, src, dst, protocol, ipLength,
      srcPort: transport.readUInt16BE(0),
      dstPort: transport.readUInt16BE(2),
      seq: 0,
      flags: 0,
      payload: transport.subarray(8, end),
    };
  }
  return undefined;
}

export function decodeFrame(linkType: number, frame: Buffer): DecodedPacket | undefined {
  const ip = ipLayer(linkType, frame);
  return ip ? decodeIp(ip) : undefined;
}
