/**
 * Builders for tests only (excluded from the build): frames and capture files laid out exactly as
 * the formats define them (Ethernet II, IPv4/IPv6, TCP/UDP headers; pcap and pcapng files), so
 * tests can make captures with the shapes they need: traps, truncation, corruption.
 * Checksums are left zero: the reader does not verify them, and capture files from offloading
 * NICs carry wrong ones anyway.
 */

export interface TcpSpec {
  src: string;
  dst: string;
  sport: number;
  dport: number;
  seq: number;
  ack?: number;
  flags: number; // TCP_SYN | TCP_ACK ...
  payload?: Buffer | string;
}

export interface UdpSpec {
  src: string;
  dst: string;
  sport: number;
  dport: number;
  payload: Buffer | string;
}

export const SYN = 0x02;
export const ACK = 0x10;
export const PSH = 0x08;
export const FIN = 0x01;

function ipv4Bytes(ip: string): Buffer {
  return Buffer.from(ip.split(".").map(Number));
}

function ipv6Bytes(ip: string): Buffer {
  const [head, tail] = ip.includes("::") ? ip.split("::") : [ip, undefined];
  const h = head ? head.split(":").filter(Boolean) : [];
  const t = tail ? tail.split(":").filter(Boolean) : [];
  const groups = tail !== undefined ? [...h, ...Array<string>(8 - h.length - t.length).fill("0"), ...t] : h;
  const b = Buffer.alloc(16);
  groups.forEach((g, i) => b.writeUInt16BE(parseInt(g, 16), i * 2));
  return b;
}

function payloadOf(p: Buffer | string | undefined): Buffer {
  if (p === undefined) return Buffer.alloc(0);
  return typeof p === "string" ? Buffer.from(p, "utf8") : p;
}

export function tcpSegment(spec: TcpSpec): { protocol: number; bytes: Buffer } {
  const payload = payloadOf(spec.payload);
  const h = Buffer.alloc(20);
  h.writeUInt16BE(spec.sport, 0);
  h.writeUInt16BE(spec.dport, 2);
  h.writeUInt32BE(spec.seq >>> 0, 4);
  h.writeUInt32BE((spec.ack ?? 0) >>> 0, 8);
  h[12] = 5 << 4;
  h[13] = spec.flags;
  h.writeUInt16BE(65535, 14);
  return { protocol: 6, bytes: Buffer.concat([h, payload]) };
}

export function udpDatagram(spec: UdpSpec): { protocol: number; bytes: Buffer } {
  const payload = payloadOf(spec.payload);
  const h = Buffer.alloc(8);
  h.writeUInt16BE(spec.sport, 0);
  h.writeUInt16BE(spec.dport, 2);
  h.writeUInt16BE(8 + payload.length, 4);
  return { protocol: 17, bytes: Buffer.concat([h, payload]) };
}

/** An IP packet (v4 or v6 by the address form) around a transport segment. */
export function ipPacket(src: string, dst: string, transport: { protocol: number; bytes: Buffer }): Buffer {
  if (src.includes(":")) {
    const h = Buffer.alloc(40);
    h[0] = 0x60;
    h.writeUInt16BE(transport.bytes.length, 4);
    h[6] = transport.protocol;
    h[7] = 64;
    ipv6Bytes(src).copy(h, 8);
    ipv6Bytes(dst).copy(h, 24);
    return Buffer.concat([h, transport.bytes]);
  }
  const h = Buffer.alloc(20);
  h[0] = 0x45;
  h.writeUInt16BE(20 + transport.bytes.length, 2);
  h[8] = 64;
  h[9] = transport.protocol;
  ipv4Bytes(src).copy(h, 12);
  ipv4Bytes(dst).copy(h, 16);
  return Buffer.concat([h, transport.bytes]);
}

/** Ethernet II, optionally with 802.1Q VLAN tags, padded to the 60-byte minimum like real NICs. */
export function ethernetFrame(ip: Buffer, vlans: number[] = []): Buffer {
  const parts: Buffer[] = [Buffer.from("0011223344550066778899aa", "hex")];
  for (const vlan of vlans) {
    const tag = Buffer.alloc(4);
    tag.writeUInt16BE(0x8100, 0);
    tag.writeUInt16BE(vlan, 2);
    parts.push(tag);
  }
  const type = Buffer.alloc(2);
  type.writeUInt16BE((ip[0]! >> 4) === 6 ? 0x86dd : 0x0800, 0);
  parts.push(type, ip);
  const frame = Buffer.concat(parts);
  return frame.length >= 60 ? frame : Buffer.concat([frame, Buffer.alloc(60 - frame.length)]);
}

export function tcpFrame(spec: TcpSpec, vlans: number[] = []): Buffer {
  return ethernetFrame(ipPacket(spec.src, spec.dst, tcpSegment(spec)), vlans);
}

export function udpFrame(spec: UdpSpec): Buffer {
  return ethernetFrame(ipPacket(spec.src, spec.dst, udpDatagram(spec)));
}

export interface FrameRecord {
  frame: Buffer;
  /** Epoch seconds (fractional). */
  time: number;
}

/** A classic pcap file: little- or big-endian, microsecond or nanosecond timestamps. */
export function pcapFile(records: FrameRecord[], opts: { linkType?: number; bigEndian?: boolean; nanos?: boolean } = {}): Buffer {
  const be = opts.bigEndian ?? false;
  const u32 = (b: Buffer, v: number, at: number): void => { if (be) b.writeUInt32BE(v >>> 0, at); else b.writeUInt32LE(v >>> 0, at); };
  const u16 = (b: Buffer, v: number, at: number): void => { if (be) b.writeUInt16BE(v, at); else b.writeUInt16LE(v, at); };
  const head = Buffer.alloc(24);
  u32(head, opts.nanos ? 0xa1b23c4d : 0xa1b2c3d4, 0);
  u16(head, 2, 4);
  u16(head, 4, 6);
  u32(head, 262144, 16);
  u32(head, opts.linkType ?? 1, 20);
  const parts: Buffer[] = [head];
  for (const r of records) {
    const rh = Buffer.alloc(16);
    const seconds = Math.floor(r.time);
    u32(rh, seconds, 0);
    u32(rh, Math.round((r.time - seconds) * (opts.nanos ? 1e9 : 1e6)), 4);
    u32(rh, r.frame.length, 8);
    u32(rh, r.frame.length, 12);
    parts.push(rh, r.frame);
  }
  return Buffer.concat(parts);
}

export interface PcapngInterface {
  linkType: number;
  /** if_tsresol byte; default (absent) is microseconds. */
  tsresol?: number;
}

export interface PcapngPacket extends FrameRecord {
  iface: number;
  /** Write as a Simple Packet Block (no timestamp, interface 0). */
  simple?: boolean;
}

function pad4(b: Buffer): Buffer {
  const rest = (4 - (b.length % 4)) % 4;
  return rest ? Buffer.concat([b, Buffer.alloc(rest)]) : b;
}

/** A pcapng file with one section: SHB, the interfaces' IDBs, then the packets as EPBs (or SPBs). */
export function pcapngFile(interfaces: PcapngInterface[], packets: PcapngPacket[], opts: { bigEndian?: boolean } = {}): Buffer {
  const be = opts.bigEndian ?? false;
  const u32 = (v: number): Buffer => { const b = Buffer.alloc(4); if (be) b.writeUInt32BE(v >>> 0); else b.writeUInt32LE(v >>> 0); return b; };
  const u16 = (v: number): Buffer => { const b = Buffer.alloc(2); if (be) b.writeUInt16BE(v); else b.writeUInt16LE(v); return b; };
  const block = (type: number, body: Buffer): Buffer => {
    const padded = pad4(body);
    const total = 12 + padded.length;
    return Buffer.concat([u32(type), u32(total), padded, u32(total)]);
  };
  const shbBody = Buffer.concat([u32(0x1a2b3c4d), u16(1), u16(0), Buffer.alloc(8, 0xff)]);
  const parts = [block(0x0a0d0d0a, shbBody)];
  for (const i of interfaces) {
    const opts2: Buffer[] = [];
    if (i.tsresol !== undefined) opts2.push(u16(9), u16(1), pad4(Buffer.of(i.tsresol)));
    if (opts2.length) opts2.push(u16(0), u16(0));
    parts.push(block(1, Buffer.concat([u16(i.linkType), u16(0), u32(262144), ...opts2])));
  }
  for (const p of packets) {
    if (p.simple) {
      parts.push(block(3, Buffer.concat([u32(p.frame.length), p.frame])));
      continue;
    }
    const iface = interfaces[p.iface]!;
    const res = iface.tsresol ?? 6;
    const units = (res & 0x80) ? Math.pow(2, res & 0x7f) : Math.pow(10, res);
    const ticks = BigInt(Math.round(p.time * 1e6)) * BigInt(Math.round(units)) / 1000000n;
    const high = Number(ticks >> 32n);
    const low = Number(ticks & 0xffffffffn);
    parts.push(block(6, Buffer.concat([u32(p.iface), u32(high), u32(low), u32(p.frame.length), u32(p.frame.length), p.frame])));
  }
  return Buffer.concat(parts);
}

/** A TCP conversation: handshake, the given data exchanges (in order), FIN. Returns frames with times. */
export function tcpConversation(
  client: { ip: string; port: number },
  server: { ip: string; port: number },
  exchanges: { from: "client" | "server"; data: Buffer | string }[],
  startTime = 1700000000,
): FrameRecord[] {
  let cseq = 1000;
  let sseq = 5000;
  let t = startTime;
  const out: FrameRecord[] = [];
  const c2s = (flags: number, payload?: Buffer | string): void => {
    out.push({ frame: tcpFrame({ src: client.ip, dst: server.ip, sport: client.port, dport: server.port, seq: cseq, ack: sseq, flags, payload }), time: t });
    t += 0.01;
  };
  const s2c = (flags: number, payload?: Buffer | string): void => {
    out.push({ frame: tcpFrame({ src: server.ip, dst: client.ip, sport: server.port, dport: client.port, seq: sseq, ack: cseq, flags, payload }), time: t });
    t += 0.01;
  };
  c2s(SYN); cseq++;
  s2c(SYN | ACK); sseq++;
  c2s(ACK);
  for (const x of exchanges) {
    const len = payloadOf(x.data).length;
    if (x.from === "client") { c2s(PSH | ACK, x.data); cseq += len; } else { s2c(PSH | ACK, x.data); sseq += len; }
  }
  c2s(FIN | ACK); cseq++;
  s2c(FIN | ACK); sseq++;
  c2s(ACK);
  return out;
}
