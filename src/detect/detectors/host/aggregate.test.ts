import { test } from "node:test";
import assert from "node:assert/strict";
import type { Event } from "../../../model/index.js";
import { sampleEvidence } from "../../../model/index.js";
import { Aggregate, BoundedMap, severityFor } from "./aggregate.js";
import { globMatch, matchesAny } from "./glob.js";

test("BoundedMap evicts the least recently touched entry, through the callback", () => {
  const evicted: string[] = [];
  const m = new BoundedMap<string, number>(2, (k) => evicted.push(k));
  m.getOrCreate("a", () => 1);
  m.getOrCreate("b", () => 2);
  m.getOrCreate("a", () => 99); // touch a: b is now the oldest
  m.getOrCreate("c", () => 3);
  assert.deepEqual(evicted, ["b"]);
  assert.equal(m.size, 2);
  assert.equal(m.peek("a"), 1);
  const drained: string[] = [];
  m.drain((k) => drained.push(k));
  assert.deepEqual(drained, ["a", "c"]);
  assert.equal(m.size, 0);
  assert.throws(() => new BoundedMap(0));
});

test("Aggregate keeps true counts, ordered times of mixed precision, and a bounded sample (earliest first)", () => {
  const agg = new Aggregate();
  const times = ["2026-11-20T03:14:07.500Z", "2026-11-20T03:14:07Z", "2026-11-20T05:00:00.000Z", "2026-11-20T01:00:00Z"];
  for (let i = 0; i < 30; i++) {
    const e: Event = { "@timestamp": times[i % times.length]!, "log.file.path": "ps.txt", "minerhunt.line": i + 1, "host.name": "Web-01" };
    agg.add(e, `line ${i + 1}`, { hosts: ["web-01"] });
  }
  assert.equal(agg.count, 30);
  assert.ok(agg.evidence.length <= 20);
  const sample = sampleEvidence(agg.evidence);
  assert.deepEqual(sample[0], { file: "ps.txt", line: 4, time: "2026-11-20T01:00:00Z", summary: "line 4" });
  assert.equal(sample.at(-1)?.time, "2026-11-20T05:00:00.000Z", "the latest record closes the sample");
  assert.equal(agg.firstSeen, "2026-11-20T01:00:00Z");
  assert.equal(agg.lastSeen, "2026-11-20T05:00:00.000Z");
  assert.deepEqual(agg.entities.hosts, ["web-01"]);
  agg.observe([{ type: "domain", value: "a.example" }, { type: "domain", value: "a.example" }]);
  assert.equal(agg.observables.length, 1);
});

test("severity follows confidence on one scale", () => {
  assert.equal(severityFor(0.95), "high");
  assert.equal(severityFor(0.6), "medium");
  assert.equal(severityFor(0.3), "low");
  assert.equal(severityFor(0.15), "informational");
});

test("globs: * and ?, case-insensitive, whole text; hostile patterns stay fast", () => {
  assert.ok(globMatch("ml-*", "ML-GPU-01"));
  assert.ok(globMatch("gpu-node-??", "gpu-node-07"));
  assert.ok(!globMatch("gpu-node-??", "gpu-node-7"));
  assert.ok(!globMatch("ml-*", "html-01"));
  assert.ok(globMatch("*", ""));
  assert.ok(matchesAny(["web-*", "ml-*"], "ml-train"));
  assert.ok(!matchesAny(["ml-*"], undefined));
  const started = performance.now();
  assert.ok(!globMatch(`${"*a".repeat(50)}b`, "a".repeat(5000)));
  assert.ok(performance.now() - started < 2000);
});
