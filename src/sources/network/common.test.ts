import { test } from "node:test";
import assert from "node:assert/strict";
import { isIP } from "node:net";
import { IssueReporter, isIpAddress, isoFromEpochMs, isoFromEpochOrText, isoFromText, normalizeDomain, transportName } from "./common.js";
import { ABSENT, COMPLEX, ByteKey, JsonKey, peekAllStrings, peekString, peekStringArray, peekStringArrayBytes, peekStringSpan, peekUint, type ByteSpan } from "./json-peek.js";
import { LineScanner, type RawLine } from "./line-scanner.js";
import type { ParseContext } from "../types.js";

test("times: Suricata offsets without a colon, Zeek epoch and ISO forms, garbage", () => {
  assert.equal(isoFromText("2009-11-24T21:27:09.534255+0100"), "2009-11-24T20:27:09.534Z");
  assert.equal(isoFromText("2009-11-24T21:27:09.534255"), "2009-11-24T21:27:09.534Z");
  assert.equal(isoFromText("2025-11-20T03:14:07Z"), "2025-11-20T03:14:07.000Z");
  assert.equal(isoFromEpochOrText(1763608447.123456), "2025-11-20T03:14:07.123Z");
  assert.equal(isoFromEpochOrText("1763608447.5"), "2025-11-20T03:14:07.500Z");
  assert.equal(isoFromEpochOrText("yesterday"), undefined);
  assert.equal(isoFromEpochOrText(1e300), undefined);
  // The per-second cache must not leak one second's text into another.
  assert.deepEqual([1700000000005, 1700000000999, 1700000001000, 1700000000042, 86400000].map(isoFromEpochMs), [
    "2023-11-14T22:13:20.005Z", "2023-11-14T22:13:20.999Z", "2023-11-14T22:13:21.000Z", "2023-11-14T22:13:20.042Z", "1970-01-02T00:00:00.000Z",
  ]);
});

test("names and protocol numbers", () => {
  assert.equal(normalizeDomain("XMR.Pool.MineXMR.com."), "xmr.pool.minexmr.com");
  assert.deepEqual([6, 17, 1, 58, 99].map(transportName), ["tcp", "udp", "icmp", "ipv6-icmp", "99"]);
});

test("an issue flood is cut at the limit with one closing count", () => {
  const seen: string[] = [];
  const ctx: ParseContext = { issue: (_l, m) => seen.push(m), skipped: () => {} };
  const r = new IssueReporter(ctx, 3);
  for (let i = 0; i < 10; i++) r.report(i, `bad ${i}`);
  r.finish();
  assert.deepEqual(seen, ["bad 0", "bad 1", "bad 2", "7 further issues in this file were not reported one by one"]);
});

/** A RawLine over one whole text, as the scanner hands lines to visitors. */
let chunkIds = 1_000_000;
function rawLine(text: string): RawLine {
  const buf = Buffer.from(text, "utf8");
  return { buf, text: buf.toString("latin1"), start: 0, end: buf.length, chunk: chunkIds++, line: 1, offset: 0 };
}

/** `lines` as consecutive lines of one chunk (as a scanner hands them over), each read by `peek`. */
function peekEachLine<T>(lines: readonly string[], peek: (raw: RawLine) => T): T[] {
  const buf = Buffer.from(lines.join("\n"));
  const text = buf.toString("latin1");
  const chunk = chunkIds++;
  let start = 0;
  const seen: T[] = [];
  for (const l of lines) {
    seen.push(peek({ buf, text, start, end: start + l.length, chunk, line: 1, offset: start }));
    start += l.length + 1;
  }
  return seen;
}

test("peeking at raw JSON: plain values, escapes, non-ASCII and look-alike keys", () => {
  const q = new JsonKey("query");
  assert.equal(peekString(rawLine('{"ts":1,"query":"a.example","qtype":1}'), q), "a.example");
  assert.equal(peekString(rawLine('{"original_query":"A.example","query":"a.example"}'), q), "a.example");
  assert.equal(peekString(rawLine('{"original_query":"A.example"}'), q), ABSENT);
  assert.equal(peekString(rawLine('{"query":"a\\u002eexample"}'), q), COMPLEX);
  assert.equal(peekString(rawLine('{"query":"bücher.example"}'), q), COMPLEX, "non-ASCII is decoded by the parser");
  assert.equal(peekString(rawLine('{"query":null}'), q), COMPLEX);
  assert.equal(peekString(rawLine('{"uri":"/x?\\"query\\":\\"a"}'), q), ABSENT, "inside a string the quotes around query are escaped, so it is no key");
  assert.equal(peekString(rawLine('{"query": "spaced.example"}'), q), COMPLEX, "a space after the colon is left to JSON.parse");
  const p = new JsonKey("dest_port");
  assert.equal(peekUint(rawLine('{"dest_port":3333,"proto":"TCP"}'), p), 3333);
  assert.equal(peekUint(rawLine('{"dest_port":33.5}'), p), COMPLEX);
  assert.equal(peekUint(rawLine('{"dest_port":"3333"}'), p), COMPLEX);
  assert.deepEqual(peekAllStrings(rawLine('{"rrname":"a","answers":[{"rrname":"b"}]}'), new JsonKey("rrname")), ["a", "b"]);
  assert.equal(peekAllStrings(rawLine('{"rrname":"a\\"b"}'), new JsonKey("rrname")), COMPLEX);
});

test("a key's search cursor stays right over the lines of one chunk and across chunks", () => {
  const k = new JsonKey("query");
  const lines = ['{"a":1}', '{"query":"one"}', '{"b":2}', '{"c":3}', '{"query":"two"}', '{"d":4}'];
  assert.deepEqual(peekEachLine(lines, (raw) => peekString(raw, k)), [ABSENT, "one", ABSENT, ABSENT, "two", ABSENT]);
  assert.equal(peekString(rawLine('{"query":"three"}'), k), "three");
});

test("the line scanner keeps numbers and offsets across chunks, trims CRLF, reports long lines and bad UTF-8", () => {
  const issues: string[] = [];
  const ctx: ParseContext = { issue: (l, m) => issues.push(`${l}: ${m}`), skipped: () => {} };
  const scanner = new LineScanner(ctx, 20);
  const lines: [string, number, number][] = [];
  const visit = (raw: RawLine): void => {
    lines.push([scanner.decode(raw), raw.line, raw.offset]);
  };
  scanner.push(Buffer.from("ab\r\ncd"), visit);
  scanner.push(Buffer.from("e\n" + "x".repeat(30) + "\nok\n"), visit);
  scanner.push(Buffer.from([0x61, 0xff, 0x0a, 0x6c, 0x61, 0x73, 0x74]), visit);
  scanner.end(visit);
  assert.deepEqual(lines, [["ab", 1, 0], ["cde", 2, 4], ["ok", 4, 39], ["a\ufffd", 5, 42], ["last", 6, 45]]);
  assert.equal(issues.length, 2);
  assert.match(issues[0]!, /^3: line of 30 bytes is longer than the 20-byte limit/);
  assert.match(issues[1]!, /^5: invalid UTF-8/);
});

/** peekString through the byte peek: the value as text, or ABSENT / COMPLEX. */
function peekBytes(line: RawLine, key: ByteKey): string | null | undefined {
  const span: ByteSpan = { start: 0, end: 0 };
  const r = peekStringSpan(line, key, span);
  return r === true ? line.buf.toString("latin1", span.start, span.end) : r;
}

test("peeking at raw bytes answers as peeking at the text does", () => {
  const lines = [
    '{"ts":1,"query":"a.example","qtype":1}',
    '{"uid":"Cqq7qquery","query":"a.example"}', // the searched letter q before the key, even "query" in a value
    '{"original_query":"A.example","query":"a.example"}',
    '{"original_query":"A.example"}',
    '{"query":"a\\u002eexample"}',
    '{"query":"bücher.example"}',
    '{"query":null}',
    '{"uri":"/x?\\"query\\":\\"a"}',
    '{"query": "spaced.example"}',
    '{"query":"cut.example',
    '{"query":""}',
    '{"QUERY":"upper.example"}',
  ];
  const text = new JsonKey("query");
  const bytes = new ByteKey("query");
  for (const l of lines) assert.equal(peekBytes(rawLine(l), bytes), peekString(rawLine(l), text), l);
  const answersText = new JsonKey("answers");
  const answersBytes = new ByteKey("answers");
  for (const l of ['{"query":"a","answers":["b.example","192.0.2.7"],"TTLs":[60.0]}', '{"answers":[]}', '{"query":"a"}', '{"answers":["a\\"b"]}',
    '{"answers":[1,2]}', '{"answers": ["a"]}', '{"answers":"a"}', '{"answers":["a" ,"b"]}', '{"answers":["a","b"']) {
    assert.deepEqual(peekStringArrayBytes(rawLine(l), answersBytes), peekStringArray(rawLine(l), answersText), l);
  }
});

test("a byte key's search cursor stays right over the lines of one chunk, with and without the key", () => {
  const k = new ByteKey("query");
  const lines = ['{"a":"q"}', '{"query":"one"}', '{"b":"qq"}', '{"c":3}', '{"query":"two"}', '{"d":"query"}', '{"query":"three"}'];
  assert.deepEqual(peekEachLine(lines, (raw) => peekBytes(raw, k)), [ABSENT, "one", ABSENT, ABSENT, "two", ABSENT, "three"]);
});

test("isIpAddress says what net.isIP says", () => {
  const cases = ["1.2.3.4", "0.0.0.0", "255.255.255.255", "256.1.1.1", "01.2.3.4", "1.2.3", "1.2.3.4.5", "1..2.3", "1.2.3.", "", ".1.2.3",
    "1.2.3.04", "10.0.0.1 ", "1.2.3.400", "0.10.0.0", "00.1.1.1", "::1", "2600:9000::1", "::ffff:1.2.3.4", "fe80::1%eth0", "1:2:3",
    "edge12.cdn-3.net", "cafe.de", "1e1.2.3.4"];
  // And a spray of short strings over digits, dots, colons and a hex letter.
  const alphabet = "0123456789.:a";
  let seed = 7;
  for (let i = 0; i < 20_000; i++) {
    let t = "";
    const n = 1 + (i % 15);
    for (let k = 0; k < n; k++) { seed = (seed * 1103515245 + 12345) >>> 0; t += alphabet[seed % alphabet.length]; }
    cases.push(t);
  }
  for (const c of cases) assert.equal(isIpAddress(c), isIP(c) !== 0, JSON.stringify(c));
});

test("the scanner's lines carry their chunk as latin1 text, made only when asked for", () => {
  const ctx: ParseContext = { issue: () => {}, skipped: () => {} };
  const scanner = new LineScanner(ctx);
  const seen: string[] = [];
  const chunk = Buffer.from('{"a":"é"}\n{"b":2}\n', "utf8");
  scanner.push(chunk, (raw) => { seen.push(raw.text.slice(raw.start, raw.end)); });
  assert.deepEqual(seen, [chunk.toString("latin1").split("\n")[0], '{"b":2}']);
});
