import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { openBuffer, openFile, splitLines } from "./input.js";
import { textLines } from "./sniff.js";

async function collect(data: Buffer[], max = 100) {
  const issues: string[] = [];
  const lines: { text: string; line: number; offset: number }[] = [];
  async function* gen() { for (const d of data) yield d; }
  for await (const l of splitLines(gen(), (line, m) => issues.push(`${line}: ${m}`), max)) lines.push(l);
  return { lines, issues };
}

test("lines keep numbers and byte offsets across chunk boundaries and CRLF", async () => {
  const { lines, issues } = await collect([Buffer.from("ab\r\ncd"), Buffer.from("e\n\nlast")]);
  assert.deepEqual(lines, [
    { text: "ab", line: 1, offset: 0 },
    { text: "cde", line: 2, offset: 4 },
    { text: "", line: 3, offset: 8 },
    { text: "last", line: 4, offset: 9 },
  ]);
  assert.deepEqual(issues, []);
});

test("an over-long line is reported and skipped, the next line is read", async () => {
  const long = "x".repeat(250);
  const { lines, issues } = await collect([Buffer.from(long.slice(0, 120)), Buffer.from(long.slice(120) + "\nok\n")], 100);
  assert.deepEqual(lines.map((l) => [l.text, l.line]), [["ok", 2]]);
  assert.equal(issues.length, 1);
  assert.match(issues[0]!, /^1: line of 250 bytes is longer than the 100-byte limit/);
});

test("invalid UTF-8 is reported with its line and replaced", async () => {
  const { lines, issues } = await collect([Buffer.from([0x61, 0xff, 0x62, 0x0a, 0x63])]);
  assert.equal(lines[0]!.text, "a\ufffdb");
  assert.match(issues[0]!, /^1: invalid UTF-8/);
});

test("a truncated gzip yields the lines before the break and one clear issue", async () => {
  const full = gzipSync(Buffer.from(Array.from({ length: 2000 }, (_, i) => `line ${i}`).join("\n")));
  const cut = full.subarray(0, full.length - 20);
  const issues: string[] = [];
  const { input, sample } = await openBuffer("x.log.gz", cut, (_l, m) => issues.push(m));
  assert.equal(sample.path, "x.log");
  assert.equal(sample.lines[0], "line 0");
  let n = 0;
  for await (const _ of input.lines()) n++;
  assert.ok(n > 1000 && n <= 2000, `read ${n} lines`);
  assert.ok(issues.some((m) => /truncated gzip/.test(m)), issues.join("; "));
});

test("a large file's lent stream gives the same bytes as its stream, read into one reused buffer", async (t) => {
  const dir = mkdtempSync(join(tmpdir(), "minerhunt-input-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const path = join(dir, "big.log");
  const data = Buffer.from(Array.from({ length: 200_000 }, (_, i) => `line ${i} ${"x".repeat(i % 40)}`).join("\n"));
  assert.ok(data.length > 3 * (1 << 20));
  writeFileSync(path, data);
  const { input } = await openFile(path, () => assert.fail("no issue expected"));
  const given: Buffer[] = [];
  for await (const c of input.stream()) given.push(Buffer.from(c));
  const lent: Buffer[] = [];
  const memory = new Set<ArrayBufferLike>();
  for await (const c of input.lentStream!()) {
    lent.push(Buffer.from(c)); // a reader copies what it keeps
    memory.add(c.buffer);
  }
  assert.ok(Buffer.concat(given).equals(data));
  assert.ok(Buffer.concat(lent).equals(data));
  assert.ok(lent.length >= 4);
  assert.equal(memory.size, 1, "every chunk is read into the same memory");
});

test("textLines gives the lines text.split gives, one at a time, up to a limit", () => {
  for (const text of ["", "a", "a\n", "\n", "a\nb", "a\r\nb\r\n", "\n\n x \n"]) {
    assert.deepEqual([...textLines(text)], text.split("\n"), JSON.stringify(text));
    assert.deepEqual([...textLines(text, 2)], text.split("\n", 2), JSON.stringify(text));
  }
});
