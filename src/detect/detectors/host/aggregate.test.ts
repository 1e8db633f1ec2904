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

test("Aggregate: the sample is the one of all records in any order; summaries and entities are built only when kept", () => {
  const records: Event[] = [];
  for (let i = 0; i < 60; i++) {
    const second = String((i * 37) % 60).padStart(2, "0"); // out of order, with repeats of one instant
    records.push({ "@timestamp": `2026-11-20T03:14:${second}Z`, "log.file.path": "dns.log", "minerhunt.line": i + 1, "host.name": `h${i % 3}` });
  }
  for (const order of [records, [...records].reverse(), [...records].sort((a, b) => String(a["@timestamp"]).localeCompare(String(b["@timestamp"])))]) {
    const agg = new Aggregate();
    let summaries = 0, entityCalls = 0;
    for (const e of order) {
      agg.add(e, () => { summaries++; return `line ${String(e["minerhunt.line"])}`; }, () => { entityCalls++; return { hosts: [String(e["host.name"])] }; });
    }
    const all = order.map((e) => ({ file: "dns.log", line: e["minerhunt.line"] as number, time: e["@timestamp"] as string, summary: `line ${String(e["minerhunt.line"])}` }));
    assert.deepEqual(agg.evidence, sampleEvidence(all));
    assert.equal(agg.count, 60);
    assert.equal(entityCalls, 20, "entities of the first MAX_EVIDENCE records only");
    // Records in time order (or reversed) each join the sample as they come; scrambled ones mostly do not.
    if (order === records) assert.ok(summaries < 30, `summaries built only for records the sample took (${summaries})`);
    assert.deepEqual(agg.entities, { hosts: [...new Set(order.slice(0, 20).map((e) => String(e["host.name"])))] });
  }
});

test("Aggregate: what a draft was handed does not change when the aggregate goes on", () => {
  const agg = new Aggregate();
  const at = (i: number): Event => ({ "@timestamp": `2026-11-20T03:14:${String(i).padStart(2, "0")}Z`, "log.file.path": "f", "minerhunt.line": i, "host.name": `h${i}` });
  for (let i = 0; i < 8; i++) agg.add(at(i), `r${i}`, { hosts: [`h${i}`] });
  const handed = agg.handOut();
  const evidence = [...handed.evidence];
  const hosts = [...handed.entities.hosts!];
  for (let i = 8; i < 12; i++) agg.add(at(i), `r${i}`, { hosts: [`h${i}`] });
  assert.deepEqual(handed.evidence, evidence);
  assert.deepEqual(handed.entities.hosts, hosts);
  assert.equal(agg.evidence.at(-1)!.summary, "r11");
  assert.equal(agg.entities.hosts!.length, 12);
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
