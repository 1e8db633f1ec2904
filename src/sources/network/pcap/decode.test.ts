import { test } from "node:test";
import assert from "node:assert/strict";
import { LINKTYPE_ETHERNET, LINKTYPE_LINUX_SLL, LINKTYPE_LINUX_SLL2, LINKTYPE_NULL, LINKTYPE_RAW, addressText, addressWords, decodeFrame, formatIPv6, formatWords } from "./decode.js";
import { ethernetFrame, ipPacket, tcpFrame, tcpSegment, udpDatagram, ACK, PSH } from "../test-helpers/packets.js";

const stratumLine = '{"id":1,"method":"mining.subscribe","params":[]}\n';
const spec = { src: "192.168.1.100", dst: "47.91.65.135", sport: 60605, dport: 25, seq: 7, flags: PSH | ACK, payload: stratumLine };

test("Ethernet with and without 802.1Q tags, padding trimmed by the IP length", () => {
  for (const vlans of [[], [100], [100, 200]]) {
    const d = decodeFrame(LINKTYPE_ETHERNET, tcpFrame(spec, vlans));
    assert.ok(d, `vlans ${vlans.join(",")}`);
    assert.equal(d.src, "192.168.1.100");
    assert.equal(d.dst, "47.91.65.135");
    assert.equal(d.srcPort, 60605);
    assert.equal(d.dstPort, 25);
    assert.equal(d.seq, 7);
    assert.equal(d.payload.toString(), stratumLine);
  }
  // A short UDP datagram in a frame padded to 60 bytes: the padding is not payload.
  const small = ethernetFrame(ipPacket("10.0.0.1", "10.0.0.2", udpDatagram({ src: "", dst: "", sport: 123, dport: 123, payload: "ab" })));
  assert.equal(small.length, 60);
  assert.equal(decodeFrame(LINKTYPE_ETHERNET, small)!.payload.toString(), "ab");
});

test("Linux cooked capture v1 and v2, BSD loopback and raw IP", () => {
  const ip = ipPacket(spec.src, spec.dst, tcpSegment(spec));
  const sll = Buffer.alloc(16);
  sll.writeUInt16BE(0x0800, 14);
  const sll2 = Buffer.alloc(20);
  sll2.writeUInt16BE(0x0800, 0);
  const nullLe = Buffer.from([2, 0, 0, 0]);
  for (const [link, frame] of [
    [LINKTYPE_LINUX_SLL, Buffer.concat([sll, ip])],
    [LINKTYPE_LINUX_SLL2, Buffer.concat([sll2, ip])],
    [LINKTYPE_NULL, Buffer.concat([nullLe, ip])],
    [LINKTYPE_RAW, ip],
  ] as const) {
    const d = decodeFrame(link, frame);
    assert.ok(d, `link type ${link}`);
    assert.equal(d.payload.toString(), stratumLine);
  }
});

test("IPv6 with a hop-by-hop extension header, addresses in RFC 5952 form", () => {
  const seg = tcpSegment({ ...spec, src: "2001:db8::1", dst: "2001:db8::2" });
  const base = ipPacket("2001:db8::1", "2001:db8:0:0:1::2", seg);
  // Insert an 8-byte hop-by-hop header: next header TCP, length 0.
  const hop = Buffer.from([6, 0, 0, 0, 0, 0, 0, 0]);
  const withExt = Buffer.concat([base.subarray(0, 40), hop, base.subarray(40)]);
  withExt[6] = 0;
  withExt.writeUInt16BE(base.length - 40 + 8, 4);
  const d = decodeFrame(LINKTYPE_RAW, withExt);
  assert.ok(d);
  assert.equal(d.src, "2001:db8::1");
  assert.equal(d.dst, "2001:db8::1:0:0:2"); // equal zero runs: the first one is shortened (RFC 5952 §4.2.3)
  assert.equal(d.payload.toString(), stratumLine);
  assert.equal(formatIPv6(Buffer.alloc(16), 0), "::");
});

test("fragments, ARP and truncated headers decode to nothing", () => {
  const ip = ipPacket(spec.src, spec.dst, tcpSegment(spec));
  const frag = Buffer.from(ip);
  frag.writeUInt16BE(0x2000, 6); // more fragments
  assert.equal(decodeFrame(LINKTYPE_RAW, frag), undefined);
  const arp = Buffer.alloc(42);
  arp.writeUInt16BE(0x0806, 12);
  assert.equal(decodeFrame(LINKTYPE_ETHERNET, arp), undefined);
  assert.equal(decodeFrame(LINKTYPE_RAW, ip.subarray(0, 30)), undefined);
  assert.equal(decodeFrame(LINKTYPE_ETHERNET, Buffer.alloc(5)), undefined);
});

test("address text (IPv4 through a bounded cache, past its bound too) equals the plain formatting", () => {
  const w = (text: string) => addressWords(text)!;
  const [a0, a1, a2, a3] = w("185.71.66.20");
  const first = addressText(4, a0, a1, a2, a3);
  assert.equal(first, "185.71.66.20");
  assert.equal(addressText(4, a0, a1, a2, a3), first);
  for (let i = 0; i < 10_000; i++) assert.equal(addressText(4, 0, 0, 0xffff, (10 << 24) | i), formatWords(4, 0, 0, 0xffff, (10 << 24) | i));
  const [b0, b1, b2, b3] = w("2001:db8::1");
  assert.equal(addressText(6, b0, b1, b2, b3), "2001:db8::1");
});
