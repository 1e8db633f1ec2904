import { test } from "node:test";
import assert from "node:assert/strict";
import { ABSENT, COMPLEX, JsonKey, peekStringArray } from "./json-peek.js";
import type { RawLine } from "./line-scanner.js";

let chunk = 1;
const line = (text: string): RawLine => ({ buf: Buffer.from(text, "latin1"), text, start: 0, end: text.length, chunk: chunk++, line: 1, offset: 0 });
const ANSWERS = new JsonKey("answers");

test("peekStringArray reads a flat array of plain strings, and gives up on anything else", () => {
  assert.deepEqual(peekStringArray(line('{"query":"a.example","answers":["b.example","192.0.2.7"],"TTLs":[60.0,60.0]}'), ANSWERS), ["b.example", "192.0.2.7"]);
  assert.deepEqual(peekStringArray(line('{"answers":[]}'), ANSWERS), []);
  assert.equal(peekStringArray(line('{"query":"a.example"}'), ANSWERS), ABSENT);
  assert.equal(peekStringArray(line('{"answers":["a\\"b"]}'), ANSWERS), COMPLEX, "escapes need the parser");
  assert.equal(peekStringArray(line('{"answers":[1,2]}'), ANSWERS), COMPLEX);
  assert.equal(peekStringArray(line('{"answers": ["a"]}'), ANSWERS), COMPLEX, "a space after the colon is not the compact form");
  assert.equal(peekStringArray(line('{"answers":"a"}'), ANSWERS), COMPLEX);
  assert.equal(peekStringArray(line('{"answers":["a" ,"b"]}'), ANSWERS), COMPLEX);
  assert.equal(peekStringArray(line('{"answers":["a","b"'), ANSWERS), COMPLEX, "a cut line");
});
