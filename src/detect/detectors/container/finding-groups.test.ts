import { test } from "node:test";
import assert from "node:assert/strict";
import type { DetectorDraft } from "../../types.js";
import { MAX_EVIDENCE } from "../../../model/index.js";
import { FindingGroups } from "./finding-groups.js";

function draft(n: number, confidence = 0.5): DetectorDraft {
  return {
    rule: { id: "t", name: "t", kind: "detector" }, title: `t${n}`, trigger: "container", severity: "low", confidence,
    firstSeen: `2026-11-20T03:${String(n % 60).padStart(2, "0")}:00Z`, lastSeen: `2026-11-20T03:${String(n % 60).padStart(2, "0")}:00Z`,
    entities: { pods: [`p${n}`] }, observables: [{ type: "process", value: "xmrig" }],
    evidence: [{ file: "f", line: n }],
  };
}

test("records with one key fold: evidence bounded and counted, entities merged, span widened", () => {
  const out: DetectorDraft[] = [];
  const g = new FindingGroups((d) => out.push(d));
  for (let n = 30; n > 0; n--) g.add("k", draft(n, n === 7 ? 0.9 : 0.5));
  assert.equal(out.length, 0, "nothing before flush");
  g.flush();
  assert.equal(out.length, 1);
  const d = out[0]!;
  assert.equal(d.title, "t7", "the strongest record names it");
  assert.equal(d.evidence.length, MAX_EVIDENCE);
  assert.equal(d.evidence[0]!.line, 30, "first evidence stays first");
  assert.equal(d.evidenceCount, 30);
  assert.equal(d.entities.pods?.length, 30);
  assert.equal(d.observables.length, 1);
  assert.equal(d.firstSeen, "2026-11-20T03:01:00Z");
  assert.equal(d.lastSeen, "2026-11-20T03:30:00Z");
});

test("past the group cap new keys are emitted at once, never lost", () => {
  const out: DetectorDraft[] = [];
  const g = new FindingGroups((d) => out.push(d), 2);
  g.add("a", draft(1));
  g.add("b", draft(2));
  g.add("c", draft(3));
  assert.deepEqual(out.map((d) => d.title), ["t3"]);
  g.add("a", draft(4));
  g.flush();
  assert.deepEqual(out.map((d) => d.title), ["t3", "t1", "t2"]);
  assert.equal(out[1]!.evidenceCount, 2);
});

test("on a stream a group whose latest record the watermark has passed comes out; a group still active waits", () => {
  const out: DetectorDraft[] = [];
  const g = new FindingGroups((d) => out.push(d));
  g.add("old", draft(5));
  g.add("old", draft(10));
  g.add("active", draft(40));
  g.flushIdle(Date.parse("2026-11-20T03:20:00Z"));
  assert.deepEqual(out.map((d) => [d.title, d.evidenceCount]), [["t5", 2]]);
  g.flush();
  assert.deepEqual(out.map((d) => d.title), ["t5", "t40"], "the rest at the end, once");
});
