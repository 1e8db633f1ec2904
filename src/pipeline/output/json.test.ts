import { test } from "node:test";
import assert from "node:assert/strict";
import { drainingWriter, writeJsonDocument } from "./json.js";

test("the JSON report written piece by piece is the document JSON.stringify gives", async () => {
  const fields = { tool: { name: "minerhunt", version: "1" }, summary: { incidents: 2, nested: { a: [1, 2] } } };
  const lists = { incidents: [{ id: "a", text: "line\nbreak \"quoted\"" }, { id: "b", list: [] }], campaigns: [], files: [{ path: "x" }] };
  let out = "";
  await writeJsonDocument((s) => { out += s; }, fields, lists);
  assert.equal(out, JSON.stringify({ ...fields, ...lists }, null, 2) + "\n");
});

test("a full stream holds the writer back: what waits in memory stays near the stream's buffer, and the text arrives whole", async () => {
  const { Writable } = await import("node:stream");
  let received = "";
  let mostBuffered = 0;
  const slow = new Writable({
    highWaterMark: 1024,
    write(chunk: Buffer, _enc, done) { received += chunk.toString(); setImmediate(done); },
  });
  const write = drainingWriter(slow);
  const items = Array.from({ length: 300 }, (_, i) => ({ id: `inc-${i}`, text: "x".repeat(200) }));
  await writeJsonDocument(async (s) => { await write(s); mostBuffered = Math.max(mostBuffered, slow.writableLength); }, { tool: { name: "minerhunt" } }, { incidents: items });
  await new Promise<void>((resolve) => slow.end(resolve));
  assert.equal(received, JSON.stringify({ tool: { name: "minerhunt" }, incidents: items }, null, 2) + "\n");
  assert.ok(mostBuffered < 2048, `${mostBuffered} bytes waited in the stream (the document is ${received.length})`);
});
