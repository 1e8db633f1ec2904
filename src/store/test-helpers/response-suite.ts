/**
 * Response records (migration 3) on one backend: plans stored whole and found by prefix, approvals and step
 * runs appended in order, refused by the database when someone tries to change them, and each written with its
 * audit record in the same transaction. Run by response-sqlite.test.ts and response-postgres.test.ts.
 */
import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import { openStore, StoreError } from "../index.js";
import type { Store } from "../index.js";
import type { Plan, StepRun } from "../../model/index.js";
import type { Backend } from "./backends.js";
import { inCi } from "../../test-helpers/index.js";

function clock(start = "2026-12-04T08:00:00Z"): () => Date {
  let t = Date.parse(start);
  return () => new Date((t += 1000));
}

/** A plan as respond/plan.ts makes one: one gated terminate of an EC2 instance. */
export function samplePlan(id: string, incidentId = "inc-7f3a9c", createdAt = "2026-12-04T08:00:00.000Z"): Plan {
  const target = { kind: "instance" as const, id: "i-0a1b2c3d4e5f60001", provider: "aws" as const, account: "123456789012", region: "us-east-1", label: "i-0a1b2c3d4e5f60001 (c5.4xlarge, us-east-1)" };
  return {
    id, incidentId, createdAt, createdBy: "alice", mode: "preserve-evidence", usdPerHour: 0.68, unreachable: [{ scope: "ap-east-1", reason: "OptInRequired" }],
    hash: "a".repeat(64),
    steps: [
      {
        id: "snapshot-volumes:i-0a1b2c3d4e5f60001", action: "snapshot-volumes", checklistItems: ["containment.isolate", "eradication.delete-instances"],
        params: {}, target, before: { snapshots: 0 }, after: { snapshots: 1 }, call: "ec2:CreateSnapshots InstanceSpecification.InstanceId=i-0a1b2c3d4e5f60001 Region=us-east-1",
        risk: "read", undoable: false, usdPerHour: 0.68, stopsUsdPerHour: 0, requires: [], why: { en: "evidence first", th: "เก็บหลักฐานก่อน" },
      },
      {
        id: "terminate-instance:i-0a1b2c3d4e5f60001", action: "terminate-instance", checklistItems: ["eradication.delete-instances"],
        params: {}, target, before: { state: "running" }, after: { state: "terminated" }, call: "ec2:TerminateInstances InstanceIds=[i-0a1b2c3d4e5f60001] Region=us-east-1",
        risk: "destructive", undoable: false, usdPerHour: 0.68, stopsUsdPerHour: 0.68, requires: ["snapshot-volumes:i-0a1b2c3d4e5f60001"],
        why: { en: "miner", th: "miner" },
      },
    ],
  };
}

export function responseSuite(backend: Backend): void {
  after(() => backend.cleanup());
  describe(`response records on ${backend.name}`, { skip: inCi() ? false : backend.unavailable ?? false }, () => {
    const opened: Store[] = [];
    after(async () => { for (const s of opened) await s.close().catch(() => undefined); });

    async function fresh() {
      const db = await backend.fresh();
      const store = await openStore(db.location, { now: clock(), auditHead: undefined });
      opened.push(store);
      return { store, db };
    }

    it("stores plans whole, finds them by unique prefix, lists them newest first", async () => {
      const { store } = await fresh();
      const p1 = samplePlan("plan-0a1b2c3d4e5f", "inc-7f3a9c", "2026-12-04T08:00:00.000Z");
      const p2 = samplePlan("plan-0a1b99999999", "inc-7f3a9c", "2026-12-04T09:00:00.000Z");
      const p3 = samplePlan("plan-ffff00000000", "inc-other", "2026-12-04T10:00:00.000Z");
      for (const p of [p1, p2, p3]) await store.savePlan(p);
      assert.deepEqual(await store.getPlan(p1.id), p1);
      assert.deepEqual(await store.getPlan("plan-ffff"), p3);
      await assert.rejects(store.getPlan("plan-0a1b"), (err: unknown) => err instanceof StoreError && err.code === "ambiguous");
      assert.equal(await store.getPlan("plan-dead"), undefined);
      assert.deepEqual((await store.listPlans("inc-7f3a9c")).map((p) => p.id), [p2.id, p1.id]);
      assert.deepEqual((await store.listPlans()).map((p) => p.id), [p3.id, p2.id, p1.id]);
      // Saved again with other content: replaced whole, and the audit log says it changed.
      await store.savePlan({ ...p1, steps: p1.steps.slice(0, 1), hash: "b".repeat(64) });
      assert.equal((await store.getPlan(p1.id))?.steps.length, 1);
      const audit = await store.auditRecords();
      assert.deepEqual(audit.map((r) => r.action), ["plan.created", "plan.created", "plan.created", "plan.changed"]);
      assert.equal(audit[3]!.details["hash"], "b".repeat(64));
      assert.equal(audit[0]!.incidentId, "inc-7f3a9c");
    });

    it("appends approvals and step runs in order, each with its audit record; the database refuses to change them", async () => {
      const { store, db } = await fresh();
      const plan = samplePlan("plan-123456abcdef");
      await store.savePlan(plan);
      await store.addApproval({ planId: plan.id, planHash: plan.hash, by: "bob", at: "2026-12-04T08:05:00.000Z", reason: "GuardDuty + CloudTrail agree" });
      const runs: StepRun[] = [
        { planId: plan.id, stepId: plan.steps[0]!.id, status: "planned", at: "2026-12-04T08:06:00.000Z", by: "bob", dryRun: true },
        { planId: plan.id, stepId: plan.steps[0]!.id, status: "executed", at: "2026-12-04T08:07:00.000Z", by: "bob", dryRun: false, observed: { snapshotIds: ["snap-0123456789abcdef0"] } },
        { planId: plan.id, stepId: plan.steps[0]!.id, status: "verified", at: "2026-12-04T08:07:05.000Z", by: "bob", dryRun: false, observed: { state: "completed" } },
        { planId: plan.id, stepId: plan.steps[1]!.id, status: "refused", at: "2026-12-04T08:07:06.000Z", by: "bob", dryRun: false, error: "destructive: needs --yes" },
      ];
      for (const r of runs) await store.addStepRun(r);
      assert.deepEqual(await store.stepRuns(plan.id), runs);
      assert.deepEqual(await store.approvals(plan.id), [{ planId: plan.id, planHash: plan.hash, by: "bob", at: "2026-12-04T08:05:00.000Z", reason: "GuardDuty + CloudTrail agree" }]);
      const audit = await store.auditRecords();
      assert.deepEqual(audit.map((r) => `${r.action} ${r.target ?? ""}`), [
        `plan.created ${plan.id}`, `plan.approved ${plan.id}`,
        `step.previewed ${plan.steps[0]!.id}`, `step.executed ${plan.steps[0]!.id}`, `step.verified ${plan.steps[0]!.id}`, `step.refused ${plan.steps[1]!.id}`,
      ]);
      assert.equal(audit[5]!.details["error"], "destructive: needs --yes");
      assert.equal((await store.verifyAuditChain()).ok, true);
      await assert.rejects(store.addStepRun({ ...runs[0]!, planId: "plan-nothere" }), (err: unknown) => err instanceof StoreError && err.code === "not-found");
      await assert.rejects(db.raw("UPDATE response_step_runs SET status = 'verified'"), /append-only/);
      await assert.rejects(db.raw("DELETE FROM response_approvals"), /append-only/);
      assert.equal((await store.stepRuns(plan.id)).length, 4);
    });
  });
}
