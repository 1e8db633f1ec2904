import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { sharesMergeEntity, withinWindow } from "./merge.js";
import { guardDutyFinding, incidentOf, minerProcessFinding } from "./test-helpers/fixtures.js";

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
