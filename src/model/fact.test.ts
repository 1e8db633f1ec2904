import { test } from "node:test";
import assert from "node:assert/strict";
import { makeFinding, type FindingDraft } from "./finding.js";
import { mergeFinding } from "./fact.js";

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
