import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { defaultConfig } from "../detect/config.js";
import { loadPlaybook } from "../playbook/index.js";
import { guardDutyFinding, incidentOf, minerProcessFinding, poolDnsFinding } from "../store/test-helpers/fixtures.js";
import { reassessor } from "./incident.js";

/**
 * After the store joins findings to a stored incident it asks the playbook again (the store keeps no domain
 * rule): the evidence decides scope, environment, path and priority afresh; identity, status, assignee and
 * analysts' answers stay.
 */
describe("reassessor", () => {
  const reassess = reassessor(defaultConfig(), loadPlaybook("PB-31"));
  const a = minerProcessFinding("web-01", 1, "2024-05-01T10:00:00Z");
  const b = poolDnsFinding("web-02", 2, "2024-05-01T08:00:00Z");

  it("re-runs PB-31 over the union: two hosts take the several-machines branch; identity and status stay", () => {
    const stored = { ...incidentOf("inc-1", [a]), status: "contained" as const, assignee: "alice" };
    assert.equal(stored.decision?.outcome, "single");
    const m = reassess([a, b], stored);
    assert.equal(m.id, "inc-1");
    assert.equal(m.status, "contained");
    assert.equal(m.assignee, "alice");
    assert.equal(m.firstSeen, "2024-05-01T08:00:00Z");
    assert.equal(m.lastSeen, "2024-05-01T10:00:00Z");
    assert.deepEqual(m.entities.hosts, ["web-01", "web-02"]);
    assert.equal(m.scope.hosts, 2);
    assert.equal(m.decision?.outcome, "multi");
    assert.deepEqual(m.findingIds, [a.id, b.id]);
  });

  it("a cloud finding joining an on-premise incident is decided by the one environment rule", () => {
    const stored = incidentOf("inc-1", [a]);
    const m = reassess([a, guardDutyFinding("i-0a1b2c3d4e5f60718", "us-east-1")], stored);
    assert.equal(m.environment, "hybrid");
    assert.deepEqual(m.decision?.path.slice(0, 3), ["Alert", "Env", "Cloud"]);
  });

  it("keeps an analyst's answer, tick or untick; the evidence decides the rest", () => {
    const stored = incidentOf("inc-1", [a]);
    stored.checklist = stored.checklist.map((i) => i.id === "analysis.host-instance"
      ? { ...i, done: false, answeredBy: "analyst" as const, by: "alice", at: "2024-05-02T00:00:00Z" } : i);
    const m = reassess([a, b], stored);
    const item = m.checklist.find((i) => i.id === "analysis.host-instance");
    assert.equal(item?.done, false, "a person's decision stands");
    assert.equal(item?.by, "alice");
    assert.ok(m.checklist.some((i) => i.answeredBy === "evidence" && i.done));
  });

  it("a campaign's scope reaches the decision", () => {
    const stored = incidentOf("inc-1", [a]);
    const scope = { hosts: 5, instances: 0, regions: 0, accounts: 0, clusters: 0, incidents: 5, machines: 5 };
    const m = reassess([a], stored, { id: "camp-1", scope });
    assert.equal(m.campaignId, "camp-1");
    assert.equal(m.decision?.outcome, "multi");
  });
});
