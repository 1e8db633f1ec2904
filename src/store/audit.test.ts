import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { auditHash, canonicalJson, ChainVerifier } from "./audit.js";
import type { AuditRecord } from "./types.js";

function chain(n: number): { record: AuditRecord; detailsJson: string }[] {
  const out: { record: AuditRecord; detailsJson: string }[] = [];
  let prevHash = "";
  for (let seq = 1; seq <= n; seq++) {
    const detailsJson = canonicalJson({ step: seq, action: "kill-process", pid: 4242 });
    const base = { seq, at: `2024-05-01T00:00:0${seq}.000Z`, actor: "alice", action: "action.executed", prevHash };
    const hash = auditHash({ ...base, target: "web-01", incidentId: null, detailsJson });
    out.push({ record: { ...base, target: "web-01", details: JSON.parse(detailsJson) as Record<string, unknown>, hash }, detailsJson });
    prevHash = hash;
  }
  return out;
}

function verify(records: { record: AuditRecord; detailsJson: string }[]) {
  const v = new ChainVerifier();
  for (const r of records) if (!v.push(r.record, r.detailsJson)) break;
  return v.result();
}

describe("canonicalJson", () => {
  it("sorts keys at every depth and drops undefined", () => {
    assert.equal(canonicalJson({ b: 1, a: { d: [1, { z: 1, y: 2 }], c: undefined } }), '{"a":{"d":[1,{"y":2,"z":1}]},"b":1}');
  });
});

describe("ChainVerifier", () => {
  it("accepts an intact chain and reports its head", () => {
    const c = chain(4);
    assert.deepEqual(verify(c), { ok: true, count: 4, head: { seq: 4, hash: c[3]!.record.hash } });
  });
  it("detects a changed field", () => {
    const c = chain(4);
    c[1]!.record.actor = "mallory";
    assert.deepEqual(verify(c), { ok: false, count: 2, brokenAt: 2, reason: "record 2 was changed after it was written" });
  });
  it("detects changed details even when the record's own hash is recomputed", () => {
    const c = chain(3);
    c[1]!.detailsJson = canonicalJson({ step: 2, action: "kill-process", pid: 1 });
    c[1]!.record.hash = auditHash({ ...c[1]!.record, target: "web-01", incidentId: null, detailsJson: c[1]!.detailsJson });
    const r = verify(c);
    assert.equal(r.ok, false);
    assert.equal(r.ok === false && r.brokenAt, 3, "the next record no longer points at it");
  });
  it("detects a removed record", () => {
    const c = chain(4);
    c.splice(2, 1);
    const r = verify(c);
    assert.equal(r.ok === false && r.brokenAt, 4);
  });
});
