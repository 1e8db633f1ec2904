import { test } from "node:test";
import assert from "node:assert/strict";
import { gzipSync } from "node:zlib";
import { openBuffer } from "../input.js";
import type { ParseContext } from "../types.js";
import { type JsonNode, readJsonNodes, skipValue, topLevelNodes } from "./json-doc.js";

function collector() {
  const issues: { line: number | undefined; message: string }[] = [];
  const ctx: ParseContext = { issue: (line, message) => issues.push({ line, message }), skipped: () => {} };
  return { issues, ctx };
}

async function nodesOf(data: string | Buffer) {
  const c = collector();
  const { input } = await openBuffer("t.json", data, (l, m) => c.ctx.issue(l, m));
  const nodes: JsonNode[] = [];
  for await (const n of readJsonNodes(input, c.ctx)) nodes.push(n);
  return { nodes, issues: c.issues };
}

test("skipValue follows strings with escaped quotes and brackets inside them", () => {
  const s = '{"a":"x\\"}]{[","b":["\\\\",{"c":"]"}]} tail';
  assert.equal(s.slice(0, skipValue(s, 0)), '{"a":"x\\"}]{[","b":["\\\\",{"c":"]"}]}');
  assert.equal(skipValue('"never ends', 0), -1);
  assert.equal(skipValue('{"a": [1, 2', 0), -1);
  assert.equal(skipValue("123, 4", 0), 3);
});

test("deep nesting is scanned without recursion", () => {
  const deep = "[".repeat(200_000) + "]".repeat(200_000);
  assert.equal(skipValue(deep, 0), deep.length);
});

test("NDJSON is read line by line with each line's number", async () => {
  const { nodes, issues } = await nodesOf('{"a":1}\n\n{"a":2}\r\n{"a":3}');
  assert.deepEqual(issues, []);
  assert.deepEqual(nodes.map((n) => [n.line, n.value()]), [[1, { a: 1 }], [3, { a: 2 }], [4, { a: 3 }]]);
});

test("a pretty-printed document gives elements and members with their start lines", async () => {
  const doc = '\ufeff{\n  "Records": [\n    {"n": 1},\n    {\n      "n": 2\n    }\n  ],\n  "x": "}"\n}\n';
  const { nodes, issues } = await nodesOf(doc);
  assert.deepEqual(issues, []);
  assert.equal(nodes.length, 1);
  const records = nodes[0]!.member("Records")!;
  assert.equal(records.line, 2);
  const els = records.elements();
  assert.deepEqual(els.map((n) => [n.path, n.line, n.value()]), [["Records[0]", 3, { n: 1 }], ["Records[1]", 4, { n: 2 }]]);
  assert.equal(nodes[0]!.member("x")!.value(), "}");
  assert.equal(nodes[0]!.memberCI("records"), records);
});

test("a broken element fails on its own; an unterminated one becomes the last element", async () => {
  const { nodes } = await nodesOf('[{"a":1},\n{"a":},\n{"a":3},\n{"a": [4\n');
  const els = nodes[0]!.elements();
  assert.equal(els.length, 4);
  assert.deepEqual(els[0]!.value(), { a: 1 });
  assert.throws(() => els[1]!.value(), /invalid JSON/);
  assert.deepEqual(els[2]!.value(), { a: 3 });
  assert.equal(els[3]!.line, 4);
  assert.throws(() => els[3]!.value(), /invalid JSON/);
});

test("a gzipped one-line document is read whole", async () => {
  const { nodes } = await nodesOf(gzipSync(JSON.stringify({ Records: [{ n: 1 }, { n: 2 }] })));
  assert.deepEqual(nodes[0]!.member("Records")!.elements().map((n) => n.line), [1, 1]);
});

test("text that is not JSON is reported by line and skipped", () => {
  const c = collector();
  const nodes = [...topLevelNodes('{"a":1}\nnot json here\n{"a":2}\n', c.ctx)];
  assert.deepEqual(nodes.map((n) => n.value()), [{ a: 1 }, { a: 2 }]);
  assert.equal(c.issues.length, 1);
  assert.equal(c.issues[0]!.line, 2);
  assert.match(c.issues[0]!.message, /expected a JSON object or array/);
});

test("NDJSON whose first record is larger than the head is still split by line (document mode)", async () => {
  const big = JSON.stringify({ pad: "x".repeat(100_000) });
  const { nodes } = await nodesOf(`${big}\n{"a":2}\n`);
  assert.deepEqual(nodes.map((n) => n.line), [1, 2]);
});

test("pretty-printed objects one after another (jq output) are read as values, not lines", async () => {
  const { nodes, issues } = await nodesOf('{\n  "a": 1\n}\n{\n  "a": 2\n}\n');
  assert.deepEqual(issues, []);
  assert.deepEqual(nodes.map((n) => [n.line, n.value()]), [[1, { a: 1 }], [4, { a: 2 }]]);
});
