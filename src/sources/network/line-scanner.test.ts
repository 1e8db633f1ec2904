import { test } from "node:test";
import assert from "node:assert/strict";
import { openBuffer } from "../input.js";
import { LineScanner, scanInput } from "./line-scanner.js";

test("lines that cross the 64 KiB text windows keep their text, numbers and byte offsets", async () => {
  // Lines of varied lengths (some UTF-8) so that window edges fall inside lines, at line starts and in multi-byte characters.
  const lines: string[] = [];
  for (let i = 0; i < 3000; i++) lines.push(`{"query":"host${i}.example.com","pad":"${"x".repeat((i * 37) % 400)}","name":"ชื่อ${i}"}`);
  const text = lines.join("\n") + "\n";
  assert.ok(Buffer.byteLength(text) > 4 * 65536);
  const { input } = await openBuffer("lines.json", text);
  const seen: { text: string; line: number; offset: number }[] = [];
  const scanner = new LineScanner({ issue: (_line, message) => assert.fail(message), skipped: () => {} });
  const out: never[] = [];
  for await (const _ of scanInput(input, scanner, out, (raw) => { seen.push({ text: scanner.decode(raw), line: raw.line, offset: raw.offset }); })) { /* visitor collects */ }
  assert.equal(seen.length, lines.length);
  let offset = 0;
  for (let i = 0; i < lines.length; i++) {
    assert.deepEqual(seen[i], { text: lines[i], line: i + 1, offset });
    offset += Buffer.byteLength(lines[i]!) + 1;
  }
});
