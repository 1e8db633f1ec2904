/** The planner alone (no store): evidence before destruction, gates, cycles, missing gates, failures of one provider. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { z } from "zod";
import { guardDutyFinding, incidentOf } from "../store/test-helpers/fixtures.js";
import { buildPlan } from "./plan.js";
import { instanceFacts } from "./instance-facts.js";
import { protectedTargets, protectionReason } from "./protect.js";
import type { ActionDefinition, ResponseContext } from "./types.js";
import { FakeCloud, clock, fakeActions, testPlaybook, testPrices } from "./test-helpers/fake-actions.js";
import { ActionRegistry } from "./registry.js";
import { defaultRegistry } from "./actions/index.js";
import { loadPlaybook, parsePlaybook } from "../playbook/index.js";

const f1 = guardDutyFinding("i-0a1b2c3d4e5f60001", "us-east-1");
const incident = incidentOf("inc-plan01", [f1]);

function ctxWith(registry: ActionRegistry): ResponseContext {
  return { clients: {}, actor: "alice", now: clock(), prices: testPrices(), protect: { ids: [], pids: [1] }, registry };
}

function build(registry: ActionRegistry, mode: "preserve-evidence" | "terminate-now", playbook = testPlaybook()) {
  return buildPlan({ registry, playbook, incident, findings: [f1], mode, id: "plan-test", createdAt: "2026-12-04T08:00:00Z" }, ctxWith(registry));
}

test("a destructive action's evidence actions are planned first and gate it, in preserve-evidence mode only", async () => {
  const cloud = new FakeCloud();
  cloud.addInstance("i-0a1b2c3d4e5f60001", "us-east-1", "c5.4xlarge");
  const [snapshot, , terminate] = fakeActions(cloud) as [ActionDefinition, ActionDefinition, ActionDefinition];
  const registry = new ActionRegistry([snapshot, { ...terminate, evidence: ["snapshot-instance"] }]);
  const onlyTerminate = parsePlaybook(`schemaVersion: 1
id: PB-91
name: { th: t, en: t }
severity: high
severityLabel: { th: t, en: t }
category: { th: t, en: t }
mitre: [{ technique: T1496, name: Resource Hijacking, tactic: TA0040, tacticName: Impact }]
eradication:
  - { id: delete, text: { th: t, en: t }, actions: [terminate-instance], answeredBy: { action: terminate-instance } }
`, "pb-91.yaml");
  const preserve = await build(registry, "preserve-evidence", onlyTerminate);
  assert.deepEqual(preserve.steps.map((s) => [s.id, s.requires]), [
    ["snapshot-instance:i-0a1b2c3d4e5f60001", []],
    ["terminate-instance:i-0a1b2c3d4e5f60001", ["snapshot-instance:i-0a1b2c3d4e5f60001"]],
  ]);
  assert.deepEqual(preserve.steps[0]!.checklistItems, ["eradication.delete"]);
  const now = await build(registry, "terminate-now", onlyTerminate);
  assert.deepEqual(now.steps.map((s) => s.id), ["terminate-instance:i-0a1b2c3d4e5f60001"]);
  assert.notEqual(now.hash, preserve.hash);
});

test("a gate that is not in the plan, or a cycle of gates, refuses the step; a failing provider is reported, the rest planned", async () => {
  const cloud = new FakeCloud();
  cloud.addInstance("i-0a1b2c3d4e5f60001", "us-east-1", "c5.4xlarge");
  const base = fakeActions(cloud);
  const needy: ActionDefinition = {
    ...base[1]!,
    plan: async (input, ctx) => (await base[1]!.plan(input, ctx)).map((p) => ({ ...p, requires: ["snapshot-instance:i-0nothere"] })),
  };
  const down: ActionDefinition = { ...base[3]!, plan: () => Promise.reject(new Error("ap-east-1: OptInRequired")) };
  const partly: ActionDefinition = {
    ...base[2]!,
    plan: async (input, ctx) => {
      input.unreachable?.("aws 123456789012 eu-north-1", "AuthFailure: AWS was not able to validate the provided access credentials");
      return base[2]!.plan(input, ctx);
    },
  };
  const registry = new ActionRegistry([base[0]!, needy, partly, down]);
  const plan = await build(registry, "preserve-evidence");
  assert.match(plan.steps.find((s) => s.action === "isolate-instance")!.refused!.reason.en, /needs snapshot-instance:i-0nothere, which is not in the plan/);
  assert.deepEqual(plan.unreachable, [
    { scope: "kill-process (containment.kill)", reason: "ap-east-1: OptInRequired" },
    { scope: "aws 123456789012 eu-north-1", reason: "AuthFailure: AWS was not able to validate the provided access credentials" },
  ], "a region is reported while the rest is planned");
  assert.ok(plan.steps.some((s) => s.action === "terminate-instance" && !s.refused));

  const loop = (name: string, other: string): ActionDefinition => ({
    name, title: { en: name, th: name }, provider: "manual", params: z.record(z.string(), z.unknown()), permissions: [], risk: "low", undoable: false,
    plan: (input) => Promise.resolve([{ key: "x", params: input.params, target: { kind: "host", id: "h", provider: "manual" }, before: {}, after: {}, call: name, risk: "low", undoable: false, requires: [`${other}:x`], why: { en: "", th: "" } }]),
    precondition: () => Promise.resolve(undefined), execute: () => Promise.resolve({}), verify: () => Promise.resolve({ ok: true, observed: {} }),
  });
  const cyclic = new ActionRegistry([loop("kill-process", "snapshot-instance"), loop("snapshot-instance", "kill-process"), base[1]!, base[2]!]);
  const p2 = await build(cyclic, "preserve-evidence");
  assert.ok(p2.steps.filter((s) => s.target.id === "h").some((s) => /cycle/.test(s.refused?.reason.en ?? "")));
});

test("the manual stand-ins act on the incident's own entities and price instances from the findings", async () => {
  // The shipped registry with no client given: the stand-ins act, connector actions without one plan nothing.
  const registry = defaultRegistry().withClients({});
  const withType = { ...f1, observables: [...f1.observables, { type: "instance-type" as const, value: "c5.4xlarge" }] };
  const playbook = loadPlaybook("PB-31", undefined, { actions: registry.names() });
  const plan = await buildPlan({ registry, playbook, incident, findings: [withType], mode: "preserve-evidence", id: "p", createdAt: "2026-12-04T08:00:00Z" }, ctxWith(registry));
  const term = plan.steps.find((s) => s.action === "terminate-instance")!;
  assert.equal(term.target.label, "i-0a1b2c3d4e5f60001 (c5.4xlarge, us-east-1)");
  assert.equal(term.usdPerHour, 0.68);
  assert.deepEqual(term.requires, ["capture-evidence:i-0a1b2c3d4e5f60001"]);
  assert.equal(plan.steps[0]!.id, "capture-evidence:i-0a1b2c3d4e5f60001");
  assert.equal(plan.steps.some((s) => s.action === "kill-process"), false, "no host in a cloud incident: nothing to kill");
});

test("instance facts: one type and one region per finding; disagreement leaves it unknown", () => {
  const a = { ...f1, observables: [{ type: "instance-type" as const, value: "g4dn.xlarge" }] };
  const b = { ...f1, observables: [{ type: "instance-type" as const, value: "p3.2xlarge" }] };
  const burst = { ...f1, entities: { ...f1.entities, instances: ["i-1", "i-2"], regions: ["us-east-1", "eu-west-1"] }, observables: [{ type: "instance-type" as const, value: "g4dn.xlarge" }] };
  assert.deepEqual(instanceFacts([a]).get("i-0a1b2c3d4e5f60001"), { type: "g4dn.xlarge", region: "us-east-1" });
  assert.deepEqual(instanceFacts([a, b, a]).get("i-0a1b2c3d4e5f60001"), { region: "us-east-1" });
  assert.deepEqual(instanceFacts([burst]).get("i-2"), { type: "g4dn.xlarge" });
});

test("protection: PID 1, own pid and parent (also as pid@start), globs on id, host, account, namespace", () => {
  const p = protectedTargets({ allowlist: { hosts: ["db-prod-*"] }, respond: { protect: ["123456789012", "kube-system"] } }, { pid: 4000, ppid: 3999 });
  assert.deepEqual(p.pids, [1, 4000, 3999]);
  const proc = (id: string, provider: "local" | "manual" = "local") => protectionReason({ kind: "process", id, provider }, p);
  assert.match(proc("1")?.en ?? "", /PID 1/);
  assert.match(proc("3999@1733300000")?.en ?? "", /minerhunt itself or its parent/);
  assert.equal(proc("4242"), undefined);
  assert.equal(proc("11"), undefined, "not a prefix match");
  assert.match(protectionReason({ kind: "host", id: "DB-PROD-01", provider: "manual" }, p)?.en ?? "", /matches "db-prod-\*"/);
  assert.match(protectionReason({ kind: "instance", id: "i-1", provider: "aws", account: "123456789012" }, p)?.en ?? "", /account 123456789012/);
  assert.match(protectionReason({ kind: "cronjob", id: "miner", provider: "kubernetes", namespace: "kube-system" }, p)?.th ?? "", /ได้รับการป้องกัน/);
  assert.equal(protectionReason({ kind: "instance", id: "i-2", provider: "aws", account: "210987654321" }, p), undefined);
});
