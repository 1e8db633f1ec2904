import { test } from "node:test";
import assert from "node:assert/strict";
import { DnsFormatError, parseDnsMessage, readName } from "./dns-wire.js";

/** Labels of a name in wire form, ending with the root. */
function wireName(name: string): Buffer {
  const parts = name.split(".").map((l) => Buffer.concat([Buffer.of(l.length), Buffer.from(l)]));
  return Buffer.concat([...parts, Buffer.of(0)]);
}

function header(id: number, flags: number, qd: number, an: number): Buffer {
  const h = Buffer.alloc(12);
  h.writeUInt16BE(id, 0);
  h.writeUInt16BE(flags, 2);
  h.writeUInt16BE(qd, 4);
  h.writeUInt16BE(an, 6);
  return h;
}

const typeClass = (type: number): Buffer => Buffer.from([0, type, 0, 1]);

function answer(namePointer: number, type: number, rdata: Buffer): Buffer {
  const rr = Buffer.alloc(12);
  rr.writeUInt16BE(0xc000 | namePointer, 0);
  rr.writeUInt16BE(type, 2);
  rr.writeUInt16BE(1, 4);
  rr.writeUInt32BE(300, 6);
  rr.writeUInt16BE(rdata.length, 10);
  return Buffer.concat([rr, rdata]);
}

test("a query and a compressed response with CNAME, A and AAAA answers", () => {
  const query = Buffer.concat([header(0x1234, 0x0100, 1, 0), wireName("XMR-EU1.Nanopool.org"), typeClass(1)]);
  const q = parseDnsMessage(query);
  assert.equal(q.response, false);
  assert.deepEqual(q.questions, [{ name: "xmr-eu1.nanopool.org", type: "A" }]);

  // CNAME target "pool.example" written as "pool" + pointer to "nanopool.org"? Use a pointer to
  // the question name's "nanopool.org" labels (offset 12 + 8 = 20: after "\x07xmr-eu1").
  const cnameTarget = Buffer.concat([Buffer.of(4), Buffer.from("edge"), Buffer.from([0xc0, 20])]);
  const ipv6 = Buffer.from("20010db8000000000000000000000001", "hex");
  const response = Buffer.concat([
    header(0x1234, 0x8180, 1, 3), wireName("xmr-eu1.nanopool.org"), typeClass(1),
    answer(12, 5, cnameTarget),
    answer(12, 1, Buffer.from([185, 71, 66, 20])),
    answer(12, 28, ipv6),
  ]);
  const r = parseDnsMessage(response);
  assert.equal(r.response, true);
  assert.equal(r.rcode, "NOERROR");
  assert.deepEqual(r.answers.map((a) => [a.name, a.type, a.data]), [
    ["xmr-eu1.nanopool.org", "CNAME", "edge.nanopool.org"],
    ["xmr-eu1.nanopool.org", "A", "185.71.66.20"],
    ["xmr-eu1.nanopool.org", "AAAA", "2001:db8::1"],
  ]);
});

test("compression loops end with an error instead of running forever", () => {
  // A pointer to itself.
  const self = Buffer.concat([header(1, 0x8180, 1, 0), Buffer.from([0xc0, 12]), typeClass(1)]);
  assert.throws(() => parseDnsMessage(self), DnsFormatError);
  // Two pointers pointing at each other (12 → 14 → 12).
  const pair = Buffer.concat([header(1, 0x8180, 1, 0), Buffer.from([0xc0, 14, 0xc0, 12]), typeClass(1)]);
  assert.throws(() => parseDnsMessage(pair), /does not point backwards|loop/);
  // A label then a pointer back to its own start.
  const labelLoop = Buffer.concat([header(1, 0, 1, 0), Buffer.from([1, 0x61, 0xc0, 12]), typeClass(1)]);
  assert.throws(() => readName(labelLoop, 12), /loop/);
});

test("names over 255 bytes, labels past the end and short headers are format errors", () => {
  const long = Buffer.concat([header(1, 0, 1, 0), ...Array.from({ length: 5 }, () => Buffer.concat([Buffer.of(63), Buffer.alloc(63, 0x61)])), Buffer.of(0), typeClass(1)]);
  assert.throws(() => parseDnsMessage(long), /longer than 255/);
  const cut = Buffer.concat([header(1, 0, 1, 0), Buffer.from([10, 0x61, 0x62])]);
  assert.throws(() => parseDnsMessage(cut), /past the end/);
  assert.throws(() => parseDnsMessage(Buffer.alloc(5)), /12-byte DNS header/);
  const badLabelType = Buffer.concat([header(1, 0, 1, 0), Buffer.from([0x40, 0]), typeClass(1)]);
  assert.throws(() => parseDnsMessage(badLabelType), /label type/);
});

test("NXDOMAIN response without answers", () => {
  const r = parseDnsMessage(Buffer.concat([header(7, 0x8183, 1, 0), wireName("no-such.pool.invalid"), typeClass(28)]));
  assert.equal(r.rcode, "NXDOMAIN");
  assert.deepEqual(r.questions, [{ name: "no-such.pool.invalid", type: "AAAA" }]);
  assert.deepEqual(r.answers, []);
});
