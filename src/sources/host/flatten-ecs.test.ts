import { test } from "node:test";
import assert from "node:assert/strict";
import { flattenEcs } from "./flatten-ecs.js";

test("nested objects become dotted keys; dotted keys join the same way; arrays stay arrays", () => {
  const flat = flattenEcs({
    "@timestamp": "2026-11-20T03:14:07.512Z",
    process: { pid: 4242, args: ["/tmp/x", "-o", "pool:3333"], parent: { pid: 880 }, "hash.sha256": "ab" },
    "event.category": ["process"],
    event: { sequence: 7, ingested: null },
    host: { ip: ["10.0.0.5", "fe80::1"], cpu: { usage: [0.5, 0.75] } },
    flags: [true, 1, "x"],
    dll: [{ name: "libc.so.6" }, { name: "libprocesshider.so" }],
    empty: {},
  });
  assert.deepEqual(flat, {
    "@timestamp": "2026-11-20T03:14:07.512Z",
    "process.pid": 4242,
    "process.args": ["/tmp/x", "-o", "pool:3333"],
    "process.parent.pid": 880,
    "process.hash.sha256": "ab",
    "event.category": ["process"],
    "event.sequence": 7,
    "host.ip": ["10.0.0.5", "fe80::1"],
    "host.cpu.usage": [0.5, 0.75],
    flags: ["true", "1", "x"],
    dll: ['{"name":"libc.so.6"}', '{"name":"libprocesshider.so"}'],
  });
});

test("limits: depth, field count, array length and string length are capped and reported once", () => {
  let deep: Record<string, unknown> = { leaf: 1 };
  for (let i = 0; i < 50; i++) deep = { d: deep };
  const reasons: string[] = [];
  const limits = { maxDepth: 4, maxFields: 3, maxArrayItems: 2, maxStringLength: 5 };
  const flat = flattenEcs({ a: "123456789", b: [1, 2, 3, 4], c: 1, deep, z: 2 }, { limits, onTruncate: (r) => reasons.push(r) });
  assert.deepEqual(flat, { a: "12345", b: [1, 2], c: 1 });
  assert.equal(reasons.length, 1);
});

test("a __proto__ key never changes the prototype", () => {
  const parsed = JSON.parse('{"__proto__":{"polluted":"yes"},"process":{"__proto__":"x"}}') as Record<string, unknown>;
  const flat = flattenEcs(parsed);
  assert.equal(Object.getPrototypeOf(flat), Object.prototype);
  assert.equal((flat as Record<string, unknown>).polluted, undefined);
  assert.equal(flat["process.__proto__"], "x");
});

test("objects nested deeper than the limit are dropped, shallower siblings kept", () => {
  const reasons: string[] = [];
  const limits = { maxDepth: 2, maxFields: 100, maxArrayItems: 100, maxStringLength: 100 };
  const flat = flattenEcs({ a: { b: { c: { d: 1 } }, x: 1 }, y: 2 }, { limits, onTruncate: (r) => reasons.push(r) });
  assert.deepEqual(flat, { "a.x": 1, y: 2 });
  assert.match(reasons[0]!, /nested deeper than 2/);
});
