import { test } from "node:test";
import assert from "node:assert/strict";
import type { FindingDraft } from "./finding.js";
import { makeFinding } from "./finding.js";
import { mergeFinding } from "./fact.js";

/** One window of the pool-connection detector's fact: `flows` flows of one host to one pool, from `line` on. */
function poolFlows(line: number, flows: number, longest: number): FindingDraft {
  return {
    rule: { id: "minerhunt.network.pool-connection", name: "Connection to a mining pool", kind: "detector" },
    title: "Connection to pool 51.15.65.182:14444 from 10.1.2.3", trigger: "network", severity: "high", confidence: 0.85,
    firstSeen: `2026-11-20T0${line}:00:00.000Z`, lastSeen: `2026-11-20T0${line}:30:00.000Z`,
    entities: { ips: ["10.1.2.3"], pools: ["51.15.65.182:14444"] }, observables: [{ type: "ip", value: "51.15.65.182" }],
    evidence: [{ file: "conn.log", line }], evidenceCount: flows, bytes: flows * 8100,
    facts: { "flow.count": flows, "network.bytes_out": flows * 4200, "flow.longest_session_seconds": longest, "node.peers": 3 },
  };
}

test("repeats of a fact add up its counted facts, keep the largest of the others, and a record handed over twice adds nothing", () => {
  const f = makeFinding(poolFlows(1, 4, 3600));
  mergeFinding(f, makeFinding(poolFlows(2, 6, 900)));
  assert.equal(f.evidenceCount, 10);
  assert.equal(f.bytes, 10 * 8100);
  assert.equal(f.facts?.["flow.count"], 10, "flows of both windows");
  assert.equal(f.facts?.["network.bytes_out"], 10 * 4200);
  assert.equal(f.facts?.["flow.longest_session_seconds"], 3600, "a peak is not a sum");
  assert.equal(f.facts?.["node.peers"], 3, "a distinct count is not a sum");
  mergeFinding(f, makeFinding(poolFlows(3, 1, 60)));
  assert.equal(f.facts?.["flow.count"], 11);
  mergeFinding(f, makeFinding(poolFlows(3, 1, 60)));
  assert.equal(f.facts?.["flow.count"], 11, "the same record again (a file given twice) is no repeat");
  assert.equal(f.evidenceCount, 11);
});

function draft(line: number, time: string, tags: string[], mitre: string[]): FindingDraft {
  return {
    rule: { id: "r", name: "R", kind: "sigma" }, title: "t", trigger: "network", severity: "low", confidence: 0.3,
    firstSeen: time, lastSeen: time, entities: { ips: ["10.0.0.1"] }, observables: [],
    evidence: [{ file: "f", line, time }], tags, mitre,
  };
}

test("mergeFinding: tags and techniques are the union, earliest first, whether or not the list is kept as it is", () => {
  const f = makeFinding(draft(1, "2026-01-01T00:00:01Z", ["a", "b"], ["T1496"]));
  const kept = f.tags;
  mergeFinding(f, makeFinding(draft(2, "2026-01-01T00:00:02Z", ["a", "b"], ["T1496"])));
  assert.equal(f.tags, kept, "a repeat that adds nothing keeps the list");
  assert.deepEqual(f.mitre, ["T1496"]);
  mergeFinding(f, makeFinding(draft(3, "2026-01-01T00:00:03Z", ["c", "a"], ["T1496", "T1071"])));
  assert.deepEqual(f.tags, ["a", "b", "c"]);
  assert.deepEqual(f.mitre, ["T1496", "T1071"]);
  // An earlier record leads: its order first, then what the finding had.
  mergeFinding(f, makeFinding(draft(0, "2026-01-01T00:00:00Z", ["c", "d"], ["T1071"])));
  assert.deepEqual(f.tags, ["c", "d", "a", "b"]);
  assert.deepEqual(f.mitre, ["T1071", "T1496"]);
  mergeFinding(f, makeFinding(draft(5, "2026-01-01T00:00:05Z", ["d"], ["T1496"])));
  assert.deepEqual(f.tags, ["c", "d", "a", "b"]);
  assert.equal(f.evidenceCount, 5);
});
