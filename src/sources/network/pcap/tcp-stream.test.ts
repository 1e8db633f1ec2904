import { test } from "node:test";
import assert from "node:assert/strict";
import { DirectionStream, KEEP_BYTES, StorePool, seqDiff } from "./tcp-stream.js";

const ref = (packet: number) => ({ packet, offset: packet * 100, timeMs: packet });

test("segments out of order, duplicated and overlapping come out once, in order", () => {
  const s = new DirectionStream();
  s.onSyn(999);
  s.onData(1000, Buffer.from("hello "), ref(1));
  s.onData(1012, Buffer.from("pool\n"), ref(3)); // arrives before the segment it follows
  s.onData(1006, Buffer.from("world "), ref(2));
  s.onData(1006, Buffer.from("world "), ref(4)); // retransmission
  s.onData(1003, Buffer.from("lo wor"), ref(5)); // overlaps what is there
  assert.equal(s.bytes().toString(), "hello world pool\n");
  assert.deepEqual(s.refAt(0), ref(1));
  assert.deepEqual(s.refAt(7), ref(2));
  assert.deepEqual(s.refAt(13), ref(3));
  assert.equal(s.gap, false);
});

test("sequence numbers wrap around 2^32", () => {
  const s = new DirectionStream();
  s.onData(0xfffffffe, Buffer.from("ab"), ref(1));
  s.onData(0, Buffer.from("cd"), ref(2));
  assert.equal(s.bytes().toString(), "abcd");
  assert.equal(seqDiff(0, 0xffffffff), 1);
});

test("only the first 64 KiB are kept; later bytes are counted", () => {
  const s = new DirectionStream();
  const chunk = Buffer.alloc(1000, 0x61);
  let seq = 1;
  for (let i = 0; i < 100; i++) { s.onData(seq, chunk, ref(i + 1)); seq += chunk.length; }
  assert.equal(s.bytes().length, KEEP_BYTES);
  assert.equal(s.delivered, 100000);
  assert.equal(s.memory, KEEP_BYTES);
});

test("a segment lost in the capture: later data is appended after the hole at the end", () => {
  const s = new DirectionStream();
  s.onData(1, Buffer.from('{"id":1}\n'), ref(1));
  s.onData(100, Buffer.from('{"id":3}\n'), ref(3)); // bytes 10..99 never captured
  assert.equal(s.bytes().toString(), '{"id":1}\n');
  s.finish();
  assert.equal(s.bytes().toString(), '{"id":1}\n{"id":3}\n');
  assert.equal(s.gap, true);
  assert.deepEqual(s.refAt(9), ref(3));
});

test("held out-of-order segments are bounded", () => {
  const s = new DirectionStream();
  s.onData(1, Buffer.from("x"), ref(1));
  for (let i = 0; i < 1000; i++) s.onData(10000 + i * 2000, Buffer.alloc(1500), ref(i + 2));
  assert.ok(s.memory <= 1 + 64 * 1024, `memory ${s.memory}`);
});

test("with a store pool, a dropped store serves the next stream (only its own bytes show), up to the pool's bound", () => {
  const pool = new StorePool(1024);
  const a = new DirectionStream(pool);
  a.onData(1, Buffer.from("secret of the first flow"), ref(1));
  const store = a.bytes().buffer;
  a.release();
  const b = new DirectionStream(pool);
  b.onData(1, Buffer.from("hi"), ref(2));
  assert.equal(b.bytes().buffer, store, "reused");
  assert.equal(b.bytes().toString(), "hi");
  // Growing gives the smaller store back; the pool keeps no more than its bound.
  b.onData(3, Buffer.alloc(2000, 0x61), ref(3));
  assert.equal(b.bytes().length, 2002);
  const c = new DirectionStream(pool);
  c.onData(1, Buffer.from("x"), ref(4));
  assert.equal(c.bytes().buffer, store, "the store b outgrew");
  const big = b.bytes().buffer;
  b.release(); // 2048 bytes: over the pool's bound, not kept
  const d = new DirectionStream(pool);
  d.onData(1, Buffer.alloc(2000), ref(5));
  assert.notEqual(d.bytes().buffer, big);
});
