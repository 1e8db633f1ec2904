import { test } from "node:test";
import assert from "node:assert/strict";
import { parseClientHello } from "./tls-hello.js";

function u16(n: number): Buffer { const b = Buffer.alloc(2); b.writeUInt16BE(n); return b; }
function u24(n: number): Buffer { const b = Buffer.alloc(3); b.writeUIntBE(n, 0, 3); return b; }
function ext(type: number, data: Buffer): Buffer { return Buffer.concat([u16(type), u16(data.length), data]); }

function sniExt(name: string): Buffer {
  const n = Buffer.from(name);
  const entry = Buffer.concat([Buffer.of(0), u16(n.length), n]);
  return ext(0, Buffer.concat([u16(entry.length), entry]));
}

function alpnExt(protocols: string[]): Buffer {
  const list = Buffer.concat(protocols.map((p) => Buffer.concat([Buffer.of(p.length), Buffer.from(p)])));
  return ext(16, Buffer.concat([u16(list.length), list]));
}

function versionsExt(versions: number[]): Buffer {
  return ext(43, Buffer.concat([Buffer.of(versions.length * 2), ...versions.map(u16)]));
}

/** A ClientHello handshake message laid out as RFC 8446 §4.1.2 defines it. */
function clientHello(extensions: Buffer[]): Buffer {
  const exts = Buffer.concat(extensions);
  const body = Buffer.concat([
    u16(0x0303), Buffer.alloc(32, 7), // legacy_version, random
    Buffer.of(32), Buffer.alloc(32, 1), // legacy_session_id
    u16(4), u16(0x1301), u16(0xc02f), // cipher_suites
    Buffer.of(1, 0), // legacy_compression_methods
    u16(exts.length), exts,
  ]);
  return Buffer.concat([Buffer.of(1), u24(body.length), body]);
}

function records(handshake: Buffer, split?: number): Buffer {
  const parts = split === undefined ? [handshake] : [handshake.subarray(0, split), handshake.subarray(split)];
  return Buffer.concat(parts.map((p) => Buffer.concat([Buffer.of(0x16, 3, 1), u16(p.length), p])));
}

const hello = clientHello([
  ext(0x0a0a, Buffer.alloc(0)), // GREASE extension
  sniExt("Donate.SSL.XMRig.com"),
  alpnExt(["h2", "http/1.1"]),
  versionsExt([0x3a3a, 0x0304, 0x0303]),
]);

test("SNI, ALPN and the highest offered version (GREASE ignored)", () => {
  const h = parseClientHello(records(hello));
  assert.deepEqual(h, { serverName: "donate.ssl.xmrig.com", alpn: ["h2", "http/1.1"], version: "1.3" });
});

test("a ClientHello split across two TLS records is joined", () => {
  assert.equal(parseClientHello(records(hello, 50))?.serverName, "donate.ssl.xmrig.com");
});

test("a ClientHello cut short gives no invented name; non-TLS bytes give nothing", () => {
  const whole = records(hello);
  const cut = parseClientHello(whole.subarray(0, 100));
  assert.equal(cut?.serverName, undefined);
  assert.equal(parseClientHello(Buffer.from('{"id":1,"method":"login"}\n')), undefined);
  assert.equal(parseClientHello(Buffer.of(0x16, 3, 1, 0, 4, 2, 0, 0, 0)), undefined); // a ServerHello type
});

test("a lying extension length does not read past the message", () => {
  const bad = clientHello([Buffer.concat([u16(0), u16(60000), Buffer.from("pool.example")])]);
  const h = parseClientHello(records(bad));
  assert.ok(h);
  assert.equal(h.serverName, undefined);
  const noExtensions = parseClientHello(records(clientHello([]).subarray(0, 4 + 2 + 32 + 33 + 6 + 2)));
  assert.equal(noExtensions?.serverName, undefined);
});
