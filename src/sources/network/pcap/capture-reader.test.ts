import { test } from "node:test";
import assert from "node:assert/strict";
import { openBuffer } from "../../input.js";
import { CaptureParser, captureKind, readCapture, type CapturedPacket } from "./capture-reader.js";
import { pcapFile, pcapngFile, tcpFrame, udpFrame, SYN } from "../test-helpers/packets.js";
import { cpuMsSince } from "../../../test-helpers/index.js";

async function read(data: Buffer): Promise<{ packets: CapturedPacket[]; issues: { message: string; offset: number }[] }> {
  const { input } = await openBuffer("t.pcap", data);
  const packets: CapturedPacket[] = [];
  const issues: { message: string; offset: number }[] = [];
  for await (const p of readCapture(input, (message, offset) => issues.push({ message, offset }))) {
    packets.push({ ...p, data: Buffer.from(p.data) });
  }
  return { packets, issues };
}

const frameA = tcpFrame({ src: "10.0.0.1", dst: "10.0.0.2", sport: 40000, dport: 3333, seq: 1, flags: SYN });
const frameB = udpFrame({ src: "10.0.0.1", dst: "10.0.0.53", sport: 5000, dport: 53, payload: Buffer.alloc(30) });

for (const variant of [
  { name: "little-endian microseconds", opts: {} },
  { name: "big-endian microseconds", opts: { bigEndian: true } },
  { name: "little-endian nanoseconds", opts: { nanos: true } },
  { name: "big-endian nanoseconds", opts: { bigEndian: true, nanos: true } },
]) {
  test(`pcap ${variant.name}: packets, numbers, offsets and times`, async () => {
    const file = pcapFile([{ frame: frameA, time: 1700000000.25 }, { frame: frameB, time: 1700000001.5 }], variant.opts);
    assert.equal(captureKind(file), "pcap");
    const { packets, issues } = await read(file);
    assert.deepEqual(issues, []);
    assert.equal(packets.length, 2);
    assert.deepEqual(packets.map((p) => [p.number, p.offset, p.linkType]), [[1, 24, 1], [2, 24 + 16 + frameA.length, 1]]);
    assert.equal(packets[0]!.timeMs, 1700000000250);
    assert.equal(packets[1]!.timeMs, 1700000001500);
    assert.deepEqual(packets[1]!.data, frameB);
  });
}

test("pcapng: interfaces keep their own link type and timestamp resolution; both byte orders", async () => {
  for (const bigEndian of [false, true]) {
    const rawIp = frameB.subarray(14, 14 + 20 + 8 + 30); // the IP packet inside frameB
    const file = pcapngFile(
      [{ linkType: 1 }, { linkType: 101, tsresol: 9 }, { linkType: 1, tsresol: 0x80 | 10 }],
      [
        { iface: 0, frame: frameA, time: 1700000000.5 },
        { iface: 1, frame: rawIp, time: 1700000002.25 },
        { iface: 2, frame: frameA, time: 1700000003 },
      ],
      { bigEndian },
    );
    assert.equal(captureKind(file), "pcapng");
    const { packets, issues } = await read(file);
    assert.deepEqual(issues, []);
    assert.deepEqual(packets.map((p) => p.linkType), [1, 101, 1]);
    assert.deepEqual(packets.map((p) => p.number), [1, 2, 3]);
    assert.equal(packets[0]!.timeMs, 1700000000500);
    assert.equal(packets[1]!.timeMs, 1700000002250);
    assert.ok(Math.abs(packets[2]!.timeMs - 1700000003000) < 1, `binary resolution: ${packets[2]!.timeMs}`);
    assert.deepEqual(packets[1]!.data, rawIp);
  }
});

test("pcapng simple packet blocks use interface 0 and carry no time", async () => {
  const file = pcapngFile([{ linkType: 1 }], [{ iface: 0, frame: frameA, time: 0, simple: true }]);
  const { packets, issues } = await read(file);
  assert.deepEqual(issues, []);
  assert.equal(packets.length, 1);
  assert.ok(Number.isNaN(packets[0]!.timeMs));
  assert.deepEqual(packets[0]!.data, frameA);
});

test("a capture cut in the middle of a packet gives the packets before the cut and one issue", async () => {
  const file = pcapFile([{ frame: frameA, time: 1 }, { frame: frameB, time: 2 }, { frame: frameA, time: 3 }]);
  const cut = file.subarray(0, file.length - 10);
  const { packets, issues } = await read(cut);
  assert.equal(packets.length, 2);
  assert.equal(issues.length, 1);
  assert.match(issues[0]!.message, /middle of packet 3 .*truncated/);

  const ng = pcapngFile([{ linkType: 1 }], [{ iface: 0, frame: frameA, time: 1 }, { iface: 0, frame: frameB, time: 2 }]);
  const r = await read(ng.subarray(0, ng.length - 7));
  assert.equal(r.packets.length, 1);
  assert.equal(r.issues.length, 1);
  assert.match(r.issues[0]!.message, /middle of packet 2/);
});

test("a corrupted length field stops the read with one issue, without waiting or allocating", async () => {
  const file = pcapFile([{ frame: frameA, time: 1 }, { frame: frameB, time: 2 }]);
  const second = 24 + 16 + frameA.length;
  file.writeUInt32LE(0xfffffff0, second + 8); // captured length of packet 2
  const started = process.cpuUsage();
  const wallStart = Date.now();
  const { packets, issues } = await read(file);
  assert.ok(cpuMsSince(started) < 1000, "no work on the bogus length");
  assert.ok(Date.now() - wallStart < 10_000, "no waiting for bytes that never come"); // generous: shared cores
  assert.equal(packets.length, 1);
  assert.equal(issues.length, 1);
  assert.match(issues[0]!.message, /packet 2 at offset \d+ claims 4294967280 captured bytes/);
  assert.equal(issues[0]!.offset, second);

  const ng = pcapngFile([{ linkType: 1 }], [{ iface: 0, frame: frameA, time: 1 }]);
  const epbAt = ng.length - (12 + 20 + frameA.length + (4 - (frameA.length % 4)) % 4);
  ng.writeUInt32LE(0x7ffffffc, epbAt + 4);
  const r = await read(ng);
  assert.equal(r.packets.length, 0);
  assert.equal(r.issues.length, 1);
  assert.match(r.issues[0]!.message, /claims a length of 2147483644 bytes/);
});

test("pcapng block whose trailing length disagrees is reported as corrupt", async () => {
  const ng = pcapngFile([{ linkType: 1 }], [{ iface: 0, frame: frameA, time: 1 }, { iface: 0, frame: frameB, time: 2 }]);
  ng.writeUInt32LE(12345, ng.length - 4);
  const r = await read(ng);
  assert.equal(r.packets.length, 1);
  assert.match(r.issues[0]!.message, /trailing length/);
});

test("bytes that are no capture are one issue, not a crash", async () => {
  const r = await read(Buffer.from("this is a text file, not a capture\n"));
  assert.equal(r.packets.length, 0);
  assert.equal(r.issues.length, 1);
  assert.match(r.issues[0]!.message, /not a pcap or pcapng file/);
  assert.equal(captureKind(Buffer.from("#separator \\x09\n")), undefined);
});

/** Every packet (number, offset, time, bytes) and issue of a capture fed in chunks of `size` bytes. */
function parseInChunks(file: Buffer, size: number): { packets: string[]; issues: string[] } {
  const packets: string[] = [];
  const issues: string[] = [];
  const parser = new CaptureParser(
    (p) => packets.push(`${p.number}@${p.offset} t=${p.timeMs} link=${p.linkType} ${p.buf.toString("hex", p.start, p.end)}`),
    (message, offset) => issues.push(`${offset}: ${message}`),
  );
  for (let at = 0; at < file.length && !parser.done; at += size) parser.push(file.subarray(at, at + size));
  parser.end();
  return { packets, issues };
}

test("records cut by chunk boundaries anywhere (headers, bodies, file header) read the same as whole", () => {
  const frames = [frameA, frameB, frameA, frameB];
  const pcap = pcapFile(frames.map((frame, i) => ({ frame, time: 1700000000 + i })), { bigEndian: true });
  const ng = pcapngFile([{ linkType: 1 }, { linkType: 1, tsresol: 9 }], frames.map((frame, i) => ({ iface: i % 2, frame, time: 1700000000 + i })));
  for (const file of [pcap, ng]) {
    const whole = parseInChunks(file, file.length);
    assert.equal(whole.packets.length, 4);
    assert.deepEqual(whole.issues, []);
    for (let size = 1; size <= 70; size++) assert.deepEqual(parseInChunks(file, size), whole, `chunks of ${size} bytes`);
    // Cut anywhere inside the last record: the packets before it and one "truncated" issue, whatever the chunking.
    const cut = file.subarray(0, file.length - 5);
    for (const size of [1, 7, 64, cut.length]) {
      const r = parseInChunks(cut, size);
      assert.equal(r.packets.length, 3, `chunks of ${size}`);
      assert.deepEqual(r.packets, whole.packets.slice(0, 3));
      assert.equal(r.issues.length, 1);
      assert.match(r.issues[0]!, /middle of packet 4 .*truncated/);
    }
  }
});

test("a corrupt length seen in a later chunk stops the parser; later chunks are ignored", () => {
  const file = pcapFile([{ frame: frameA, time: 1 }, { frame: frameB, time: 2 }, { frame: frameA, time: 3 }]);
  const second = 24 + 16 + frameA.length;
  file.writeUInt32LE(0x7ffffff0, second + 8);
  const r = parseInChunks(file, 10);
  assert.equal(r.packets.length, 1);
  assert.equal(r.issues.length, 1);
  assert.match(r.issues[0]!, new RegExp(`^${second}: packet 2 at offset ${second} claims`));
});

test("paused after any packet and resumed where push stopped, a capture reads the same as in one go", () => {
  const frames = [frameA, frameB, frameA, frameB, frameA];
  const pcap = pcapFile(frames.map((frame, i) => ({ frame, time: 1700000000 + i })));
  const ng = pcapngFile([{ linkType: 1 }], frames.map((frame, i) => ({ iface: 0, frame, time: 1700000000 + i })));
  for (const file of [pcap, ng]) {
    const whole = parseInChunks(file, file.length);
    for (const size of [1, 13, 64, file.length]) {
      const packets: string[] = [];
      let pushes = 0;
      const parser = new CaptureParser((p) => {
        packets.push(`${p.number}@${p.offset} t=${p.timeMs} link=${p.linkType} ${p.buf.toString("hex", p.start, p.end)}`);
        parser.pause(); // after every packet
      }, (message) => assert.fail(message));
      for (let at = 0; at < file.length; at += size) {
        const chunk = file.subarray(at, at + size);
        for (let from = 0; from < chunk.length;) {
          const next = parser.push(chunk, from);
          assert.ok(next > from || (next === from && from === chunk.length), `push moves on (${from} -> ${next})`);
          from = next;
          pushes++;
        }
      }
      parser.end();
      assert.deepEqual(packets, whole.packets, `chunks of ${size} bytes`);
      if (size === file.length) assert.equal(pushes, frames.length, "one push per packet when each pauses");
    }
  }
});
