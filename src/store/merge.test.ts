import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { mergeIncident, sharesMergeEntity, withinWindow } from "./merge.js";
import { guardDutyFinding, incidentOf, minerProcessFinding, poolDnsFinding } from "./test-helpers/fixtures.js";

describe("withinWindow", () => {
  const day1 = { firstSeen: "2024-05-01T00:00:00Z", lastSeen: "2024-05-01T06:00:00Z" };
  it("overlapping or near ranges are within the window", () => {
    assert.equal(withinWindow(day1, { firstSeen: "2024-05-02T05:00:00Z", lastSeen: "2024-05-02T05:00:00Z" }, 24), true);
  });
  it("ranges further apart than the window are not", () => {
    assert.equal(withinWindow(day1, { firstSeen: "2024-05-02T07:00:00Z", lastSeen: "2024-05-03T00:00:00Z" }, 24), false);
    assert.equal(withinWindow({ firstSeen: "2024-05-02T07:00:00Z", lastSeen: "2024-05-03T00:00:00Z" }, day1, 24), false);
  });
  it("times with offsets are compared as instants", () => {
    assert.equal(withinWindow(day1, { firstSeen: "2024-05-02T12:30:00+07:00", lastSeen: "2024-05-02T12:30:00+07:00" }, 24), true);
  });
});

describe("sharesMergeEntity", () => {
  const stored = incidentOf("inc-1", [minerProcessFinding("web-01", 1), guardDutyFinding("i-0a1b2c3d4e5f60718", "us-east-1")]);
  const seenMonthLater = { firstSeen: "2024-06-15T00:00:00Z", lastSeen: "2024-06-15T00:00:00Z" };
  it("a host merges while open, however late", () => {
    assert.equal(sharesMergeEntity(stored, { hosts: ["WEB-01"] }, seenMonthLater, 24), true);
  });
  it("an instance id is compared exactly", () => {
    assert.equal(sharesMergeEntity(stored, { instances: ["i-0a1b2c3d4e5f60718"] }, seenMonthLater, 24), true);
    assert.equal(sharesMergeEntity(stored, { instances: ["i-0A1B2C3D4E5F60718"] }, seenMonthLater, 24), false);
  });
  it("an account merges only within the window; a pool never", () => {
    assert.equal(sharesMergeEntity(stored, { accounts: ["123456789012"] }, seenMonthLater, 24), false);
    assert.equal(sharesMergeEntity(stored, { accounts: ["123456789012"] }, { firstSeen: "2024-05-02T12:00:00Z", lastSeen: "2024-05-02T12:00:00Z" }, 24), true);
    assert.equal(sharesMergeEntity(stored, { pools: ["POOL.supportxmr.com"] }, seenMonthLater, 24), false);
    assert.equal(sharesMergeEntity(stored, { pools: ["POOL.supportxmr.com"] }, { firstSeen: "2024-05-02T12:00:00Z", lastSeen: "2024-05-02T12:00:00Z" }, 24), false);
  });
  it("region, provider and namespace never merge on their own", () => {
    assert.equal(sharesMergeEntity(stored, { regions: ["us-east-1"], providers: ["aws"] }, undefined, 24), false);
  });
});

describe("mergeIncident", () => {
  const a = minerProcessFinding("web-01", 1, "2024-05-01T10:00:00Z");
  const b = poolDnsFinding("web-02", 2, "2024-05-01T08:00:00Z");
  it("unions, widens and takes the graver values, keeping identity and status", () => {
    const stored = { ...incidentOf("inc-1", [a], { severity: "medium", priority: "P2" }), status: "contained" as const, assignee: "alice" };
    const incoming = incidentOf("inc-2", [b], { severity: "high", priority: "P1", title: "other title" });
    incoming.decision = { ...incoming.decision!, outcome: "multi", path: ["Alert", "Env", "OnPrem", "Scope", "Multi", "IAM"] };
    const m = mergeIncident(stored, incoming);
    assert.equal(m.id, "inc-1");
    assert.equal(m.title, stored.title);
    assert.equal(m.status, "contained");
    assert.equal(m.assignee, "alice");
    assert.equal(m.severity, "high");
    assert.equal(m.priority, "P1");
    assert.equal(m.firstSeen, "2024-05-01T08:00:00Z");
    assert.equal(m.lastSeen, "2024-05-01T10:00:00Z");
    assert.deepEqual(m.entities.hosts, ["web-01", "web-02"]);
    assert.equal(m.scope.hosts, 2);
    assert.equal(m.decision?.outcome, "multi", "the wider decision wins");
    assert.deepEqual(m.findingIds, [a.id, b.id]);
  });
  it("keeps an analyst's checklist answer and takes evidence for items not yet done", () => {
    const stored = incidentOf("inc-1", [a]);
    stored.checklist = [
      { id: "analysis.binary-hash", phase: "analysis", done: false, answeredBy: "analyst", by: "alice", at: "2024-05-02T00:00:00Z" },
      { id: "analysis.pool", phase: "analysis", done: false },
    ];
    const incoming = incidentOf("inc-2", [b]);
    incoming.checklist = [
      { id: "analysis.binary-hash", phase: "analysis", done: true, answeredBy: "evidence", findings: [b.id] },
      { id: "analysis.pool", phase: "analysis", done: true, answeredBy: "evidence", findings: [b.id] },
    ];
    const m = mergeIncident(stored, incoming);
    assert.equal(m.checklist[0]?.done, false, "a person's decision stands");
    assert.deepEqual(m.checklist[1], { id: "analysis.pool", phase: "analysis", done: true, answeredBy: "evidence", findings: [b.id] });
  });
  it("is sample only when both were", () => {
    const s = { ...incidentOf("inc-1", [a]), sample: true };
    assert.equal(mergeIncident(s, { ...incidentOf("inc-2", [b]), sample: true }).sample, true);
    assert.equal(mergeIncident(s, incidentOf("inc-2", [b])).sample, undefined);
  });
});

