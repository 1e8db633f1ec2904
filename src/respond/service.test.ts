/**
 * The response engine end to end over a real SQLite store and the fake cloud of test-helpers/fake-actions.ts:
 * plan, approve, dry run, execute, gates, resume, undo, audit.
 */
import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { checkAudit, openStore } from "../store/index.js";
import type { Store } from "../store/index.js";
import { guardDutyFinding, incidentOf } from "../store/test-helpers/fixtures.js";
import type { ResponseStore } from "./service.js";
import { approvePlan, executePlan, planIncident, planState, undoPlan } from "./service.js";
import { planHash } from "./plan-hash.js";
import { RespondError } from "./errors.js";
import type { ResponseContext } from "./types.js";
import { FakeCloud, QUARANTINE_SG, clock, fakeRegistry, testPlaybook, testPrices } from "./test-helpers/fake-actions.js";
import type { StepRun } from "../model/index.js";

const dir = mkdtempSync(join(tmpdir(), "minerhunt-respond-"));
after(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;

interface World {
  store: ResponseStore;
  cloud: FakeCloud;
  /** alice: makes the plans. */
  ctx: ResponseContext;
  /** carol: executes and undoes them (four eyes: never the author). */
  exec: ResponseContext;
  location: string;
  head: string;
  incidentId: string;
}

const opened: Store[] = [];
after(async () => { for (const s of opened) await s.close().catch(() => undefined); });

/** A stored incident about two miners (us-east-1 and eu-west-1) and a fake cloud that has them. */
async function world(options: { protect?: string[]; pids?: number[] } = {}): Promise<World> {
  const location = join(dir, `db-${++n}.db`);
  const head = `${location}.audit-head`;
  const store = await openStore(location, { auditHead: head, now: clock() });
  opened.push(store);
  const f1 = guardDutyFinding("i-0a1b2c3d4e5f60001", "us-east-1");
  const f2 = guardDutyFinding("i-0a1b2c3d4e5f60002", "eu-west-1");
  const incident = incidentOf("inc-respond01", [f1, f2]);
  await store.saveScan({ findings: [f1, f2], incidents: [incident] });
  const cloud = new FakeCloud();
  cloud.addInstance("i-0a1b2c3d4e5f60001", "us-east-1", "c5.4xlarge");
  cloud.addInstance("i-0a1b2c3d4e5f60002", "eu-west-1", "c5.4xlarge");
  cloud.processes.set(4242, "xmrig");
  const ctx: ResponseContext = {
    clients: {}, actor: "alice", now: clock("2026-12-04T09:00:00Z"), prices: testPrices(),
    protect: { ids: options.protect ?? [], pids: options.pids ?? [1, process.pid, process.ppid] },
    registry: fakeRegistry(cloud),
  };
  return { store, cloud, ctx, exec: { ...ctx, actor: "carol" }, location, head, incidentId: incident.id };
}

async function plannedAndApproved(w: World, mode: "preserve-evidence" | "terminate-now" = "preserve-evidence") {
  const plan = await planIncident(w.store, w.ctx, { incidentId: w.incidentId, mode, playbook: testPlaybook() });
  await approvePlan(w.store, plan.id, { by: "bob", reason: "confirmed miners, INC-4711", fourEyes: true });
  return plan;
}

const statuses = (runs: StepRun[]): string[] => runs.map((r) => `${r.stepId} ${r.status}`);

describe("planning", () => {
  it("orders read steps first, then containment, then destructive; gates each terminate on its snapshot", async () => {
    const w = await world();
    const plan = await planIncident(w.store, w.ctx, { incidentId: w.incidentId, mode: "preserve-evidence", playbook: testPlaybook() });
    assert.deepEqual(plan.steps.map((s) => s.id), [
      "snapshot-instance:i-0a1b2c3d4e5f60001", "snapshot-instance:i-0a1b2c3d4e5f60002",
      "kill-process:4242", "isolate-instance:i-0a1b2c3d4e5f60001", "isolate-instance:i-0a1b2c3d4e5f60002",
      "terminate-instance:i-0a1b2c3d4e5f60001", "terminate-instance:i-0a1b2c3d4e5f60002",
    ]);
    const snap = plan.steps[0]!;
    assert.deepEqual(snap.checklistItems, ["containment.isolate", "eradication.delete-instances"], "one step carries both items");
    const term = plan.steps.find((s) => s.id === "terminate-instance:i-0a1b2c3d4e5f60002")!;
    assert.deepEqual(term.requires, ["snapshot-instance:i-0a1b2c3d4e5f60002"]);
    assert.equal(term.usdPerHour, 0.768, "eu-west-1 price of c5.4xlarge");
    assert.equal(term.stopsUsdPerHour, 0.768);
    assert.equal(term.call, "ec2:TerminateInstances InstanceIds=[i-0a1b2c3d4e5f60002] Region=eu-west-1");
    assert.equal(plan.usdPerHour, 1.448, "each instance counted once: 0.68 + 0.768");
    assert.equal(plan.mode, "preserve-evidence");
    assert.equal(plan.hash, planHash(plan));
    assert.equal(w.cloud.changes.length, 0, "planning changes nothing");
    const audit = await w.store.auditRecords();
    assert.ok(audit.some((r) => r.action === "plan.created" && r.target === plan.id && (r.details["hash"] as string) === plan.hash));
  });

  it("terminate-now records the choice and does not gate", async () => {
    const w = await world();
    const plan = await planIncident(w.store, w.ctx, { incidentId: w.incidentId, mode: "terminate-now", playbook: testPlaybook() });
    assert.equal(plan.mode, "terminate-now");
    assert.ok(plan.steps.filter((s) => s.action === "terminate-instance").every((s) => s.requires.length === 0));
    assert.equal((await w.store.getPlan(plan.id))?.mode, "terminate-now");
  });

  it("only the items asked for; an unknown item is an error naming the known ones", async () => {
    const w = await world();
    const plan = await planIncident(w.store, w.ctx, { incidentId: w.incidentId, mode: "preserve-evidence", playbook: testPlaybook(), items: ["containment.kill"] });
    assert.deepEqual(plan.steps.map((s) => s.id), ["kill-process:4242"]);
    await assert.rejects(planIncident(w.store, w.ctx, { incidentId: w.incidentId, mode: "preserve-evidence", playbook: testPlaybook(), items: ["containment.nope"] }),
      /unknown checklist item "containment.nope": expected one of containment.kill, containment.isolate/);
  });

  it("refuses protected targets at plan time: PID 1, our own pid, allowlisted instances", async () => {
    const w = await world({ protect: ["i-0a1b2c3d4e5f6000[1]", "i-*0001"] });
    w.cloud.processes.set(1, "systemd");
    w.cloud.processes.set(process.pid, "node");
    const plan = await planIncident(w.store, w.ctx, { incidentId: w.incidentId, mode: "preserve-evidence", playbook: testPlaybook() });
    const refused = Object.fromEntries(plan.steps.filter((s) => s.refused).map((s) => [s.id, s.refused!.reason.en]));
    assert.match(refused["kill-process:1"] ?? "", /PID 1/);
    assert.match(refused[`kill-process:${process.pid}`] ?? "", /minerhunt itself/);
    assert.match(refused["terminate-instance:i-0a1b2c3d4e5f60001"] ?? "", /matches "i-\*0001"/);
    assert.equal(refused["kill-process:4242"], undefined);
    assert.equal(refused["terminate-instance:i-0a1b2c3d4e5f60002"], undefined);
    const runs = await w.store.stepRuns(plan.id);
    assert.ok(runs.some((r) => r.stepId === "kill-process:1" && r.status === "refused"), "refusals are recorded");
    assert.ok((await w.store.auditRecords()).some((r) => r.action === "step.refused" && r.target === "kill-process:1"));
    // Executing does not touch them either.
    await approvePlan(w.store, plan.id, { by: "bob", reason: "ok", fourEyes: true });
    await executePlan(w.store, w.exec, plan.id, { execute: true, yes: true, fourEyes: true });
    assert.ok(w.cloud.processes.has(1) && w.cloud.processes.has(process.pid), "PID 1 and the runner live");
    assert.equal(w.cloud.instance("i-0a1b2c3d4e5f60001").state, "running");
    assert.equal(w.cloud.instance("i-0a1b2c3d4e5f60002").state, "terminated");
  });
});

describe("approval", () => {
  it("four eyes: the plan's author cannot approve it", async () => {
    const w = await world();
    const plan = await planIncident(w.store, w.ctx, { incidentId: w.incidentId, mode: "preserve-evidence", playbook: testPlaybook() });
    await assert.rejects(approvePlan(w.store, plan.id, { by: "alice", reason: "mine", fourEyes: true }),
      (err: unknown) => err instanceof RespondError && err.code === "refused" && /four eyes/.test(err.message));
    await assert.rejects(approvePlan(w.store, plan.id, { by: "bob", reason: "  ", fourEyes: true }), /needs a reason/);
    const a = await approvePlan(w.store, plan.id, { by: "bob", reason: "ok", fourEyes: true });
    assert.equal(a.planHash, plan.hash);
    await assert.rejects(executePlan(w.store, w.ctx, plan.id, { execute: true, yes: true, fourEyes: true }), /four eyes: alice made plan .* cannot execute it/);
    assert.equal(w.cloud.changes.length, 0);
    assert.ok((await executePlan(w.store, w.ctx, plan.id, { execute: false, yes: false, fourEyes: true })).length > 0, "the author may preview");
    assert.deepEqual((await planState(w.store, plan.id)).validApproval, a);
  });

  it("a changed plan voids its approval; a plan edited behind our back is refused outright", async () => {
    const w = await world();
    const plan = await plannedAndApproved(w);
    // Re-saved with one step fewer (a new hash): the old approval no longer counts.
    const changed = { ...plan, steps: plan.steps.slice(1) };
    const rehashed = { ...changed, hash: planHash(changed) };
    await w.store.savePlan(rehashed);
    const state = await planState(w.store, plan.id);
    assert.equal(state.approvals.length, 1);
    assert.equal(state.validApproval, undefined);
    await assert.rejects(executePlan(w.store, w.exec, plan.id, { execute: true, yes: true, fourEyes: true }),
      (err: unknown) => err instanceof RespondError && err.code === "not-approved");
    assert.equal(w.cloud.changes.length, 0);
    // Someone edits the stored JSON (a target swapped) without rehashing: nothing runs, nothing can be approved.
    const w2 = await world();
    const p2 = await plannedAndApproved(w2);
    const db = new Database(w2.location);
    db.prepare("UPDATE response_plans SET json = replace(json, 'i-0a1b2c3d4e5f60002', 'i-0fffffffffffffff9') WHERE id = ?").run(p2.id);
    db.close();
    await assert.rejects(executePlan(w2.store, w2.exec, p2.id, { execute: true, yes: true, fourEyes: true }), /does not match its hash/);
    await assert.rejects(approvePlan(w2.store, p2.id, { by: "carol", reason: "ok", fourEyes: true }), /does not match its hash/);
    assert.equal(w2.cloud.changes.length, 0);
  });
});

describe("execution", () => {
  it("a dry run changes nothing and is audited step by step", async () => {
    const w = await world();
    const plan = await planIncident(w.store, w.ctx, { incidentId: w.incidentId, mode: "preserve-evidence", playbook: testPlaybook() });
    const runs = await executePlan(w.store, w.exec, plan.id, { execute: false, yes: true, fourEyes: true });
    assert.equal(runs.length, plan.steps.length);
    assert.ok(runs.every((r) => r.status === "planned" && r.dryRun));
    assert.deepEqual(w.cloud.changes, []);
    assert.deepEqual(w.cloud.executes, []);
    const previewed = (await w.store.auditRecords()).filter((r) => r.action === "step.previewed");
    assert.equal(previewed.length, plan.steps.length);
  });

  it("destructive steps need yes; with it they run; each step is verified and ticks its items", async () => {
    const w = await world();
    const plan = await plannedAndApproved(w);
    const first = await executePlan(w.store, w.exec, plan.id, { execute: true, yes: false, fourEyes: true });
    assert.deepEqual(first.filter((r) => r.stepId.startsWith("terminate")).map((r) => r.status), ["refused", "refused"]);
    assert.match(first.find((r) => r.stepId.startsWith("terminate"))!.error ?? "", /--yes/);
    assert.equal(w.cloud.instance("i-0a1b2c3d4e5f60001").state, "running");
    assert.deepEqual(w.cloud.instance("i-0a1b2c3d4e5f60001").groups, [QUARANTINE_SG], "non-destructive steps ran");
    const second = await executePlan(w.store, w.exec, plan.id, { execute: true, yes: true, fourEyes: true });
    assert.deepEqual(statuses(second), [
      "terminate-instance:i-0a1b2c3d4e5f60001 executed", "terminate-instance:i-0a1b2c3d4e5f60001 verified",
      "terminate-instance:i-0a1b2c3d4e5f60002 executed", "terminate-instance:i-0a1b2c3d4e5f60002 verified",
    ]);
    assert.deepEqual(second[1]!.observed, { state: "terminated" });
    const inc = await w.store.getIncident(w.incidentId);
    const item = inc!.checklist.find((c) => c.id === "eradication.delete-instances");
    assert.equal(item?.done, true);
    assert.match(item?.answer ?? "", new RegExp(`plan ${plan.id}, step\\(s\\) snapshot-instance:i-0a1b2c3d4e5f60001`));
    assert.equal(inc!.checklist.find((c) => c.id === "containment.kill")?.done, true);
  });

  it("the checklist answer of a plan over many instances names the first steps and counts the rest", async () => {
    const w = await world();
    const ids = Array.from({ length: 30 }, (_, i) => `i-0c0ffee00000${String(i).padStart(5, "0")}`);
    for (const id of ids) w.cloud.addInstance(id, "us-east-1", "g4dn.xlarge");
    const f = guardDutyFinding(ids[0]!, "us-east-1");
    f.entities.instances = ids;
    f.entities.accounts = ["999988887777"]; // another account: its own incident, not merged into the world's
    await w.store.saveScan({ findings: [f], incidents: [incidentOf("inc-many", [f])] });
    const plan = await planIncident(w.store, w.ctx, { incidentId: "inc-many", mode: "preserve-evidence", playbook: testPlaybook(), items: ["containment.isolate"] });
    assert.equal(plan.steps.length, 60);
    assert.equal(plan.usdPerHour, 15.78, "30 × 0.526");
    await approvePlan(w.store, plan.id, { by: "bob", reason: "ok", fourEyes: true });
    await executePlan(w.store, w.exec, plan.id, { execute: true, yes: false, fourEyes: true });
    const answer = (await w.store.getIncident("inc-many"))!.checklist.find((c) => c.id === "containment.isolate")?.answer ?? "";
    assert.match(answer, /step\(s\) snapshot-instance:i-0c0ffee0000000000, .* and 40 more$/);
  });

  it("a failed snapshot skips the terminate it gates; the other target goes on (partial failure per target)", async () => {
    const w = await world();
    w.cloud.failSnapshot.add("i-0a1b2c3d4e5f60001");
    const plan = await plannedAndApproved(w);
    const runs = await executePlan(w.store, w.exec, plan.id, { execute: true, yes: true, fourEyes: true });
    const latest = new Map(runs.map((r) => [r.stepId, r]));
    assert.equal(latest.get("snapshot-instance:i-0a1b2c3d4e5f60001")?.status, "failed");
    assert.match(latest.get("snapshot-instance:i-0a1b2c3d4e5f60001")?.error ?? "", /snapshot failed/);
    assert.equal(latest.get("terminate-instance:i-0a1b2c3d4e5f60001")?.status, "skipped");
    assert.match(latest.get("terminate-instance:i-0a1b2c3d4e5f60001")?.error ?? "", /gate failed: snapshot-instance:i-0a1b2c3d4e5f60001 is failed/);
    assert.equal(w.cloud.instance("i-0a1b2c3d4e5f60001").state, "running", "nothing terminated without its snapshot");
    assert.equal(w.cloud.instance("i-0a1b2c3d4e5f60002").state, "terminated");
    assert.ok((await w.store.auditRecords()).some((r) => r.action === "step.skipped" && r.target === "terminate-instance:i-0a1b2c3d4e5f60001"));
  });

  it("a second execute does nothing and writes nothing", async () => {
    const w = await world();
    const plan = await plannedAndApproved(w);
    await executePlan(w.store, w.exec, plan.id, { execute: true, yes: true, fourEyes: true });
    const changes = [...w.cloud.changes];
    const executes = w.cloud.executes.length;
    const auditCount = (await w.store.verifyAuditChain()).count;
    const again = await executePlan(w.store, w.exec, plan.id, { execute: true, yes: true, fourEyes: true });
    assert.deepEqual(again, []);
    assert.deepEqual(w.cloud.changes, changes);
    assert.equal(w.cloud.executes.length, executes);
    assert.equal((await w.store.verifyAuditChain()).count, auditCount);
  });

  it("resumes after a crash mid-plan: every step is executed exactly once", async () => {
    const w = await world();
    const plan = await plannedAndApproved(w);
    // The process dies after isolating the first instance, before it records the verification.
    let crashed = false;
    const crashing = new Proxy(w.store, {
      get(target, prop, receiver) {
        if (prop === "addStepRun") {
          return async (r: StepRun) => {
            if (!crashed && r.stepId === "isolate-instance:i-0a1b2c3d4e5f60001" && r.status === "verified") { crashed = true; throw new Error("SIGKILL"); }
            return target.addStepRun(r);
          };
        }
        const v: unknown = Reflect.get(target, prop, receiver);
        return typeof v === "function" ? (v as (...a: unknown[]) => unknown).bind(target) : v;
      },
    });
    await assert.rejects(executePlan(crashing, w.exec, plan.id, { execute: true, yes: true, fourEyes: true }), /SIGKILL/);
    assert.equal(w.cloud.instance("i-0a1b2c3d4e5f60002").state, "running", "the crash stopped the run");
    await executePlan(w.store, w.exec, plan.id, { execute: true, yes: true, fourEyes: true });
    const counts = new Map<string, number>();
    for (const id of w.cloud.executes) counts.set(id, (counts.get(id) ?? 0) + 1);
    assert.deepEqual([...counts.values()].filter((c) => c !== 1), [], `each step once: ${JSON.stringify([...counts])}`);
    assert.equal(counts.size, plan.steps.length);
    const state = await planState(w.store, plan.id);
    assert.ok(Object.values(state.steps).every((r) => r?.status === "verified"));
  });

  it("a target protected after planning is refused at execution", async () => {
    const w = await world();
    const plan = await plannedAndApproved(w);
    const ctx = { ...w.exec, protect: { ...w.exec.protect, ids: ["i-0a1b2c3d4e5f60002"] } };
    const runs = await executePlan(w.store, ctx, plan.id, { execute: true, yes: true, fourEyes: true });
    // Snapshot and isolate are refused; the terminate then waits for a snapshot that never came.
    assert.deepEqual(runs.filter((r) => r.stepId.endsWith("60002")).map((r) => `${r.stepId.split(":")[0]} ${r.status}`),
      ["snapshot-instance refused", "isolate-instance refused", "terminate-instance skipped"]);
    assert.match(runs.find((r) => r.stepId === "isolate-instance:i-0a1b2c3d4e5f60002")?.error ?? "", /protected/);
    assert.equal(w.cloud.instance("i-0a1b2c3d4e5f60002").state, "running");
    assert.deepEqual(w.cloud.instance("i-0a1b2c3d4e5f60002").snapshots, []);
  });
});

describe("undo and audit", () => {
  it("undo puts the previous security groups back and is audited", async () => {
    const w = await world();
    const plan = await planIncident(w.store, w.ctx, { incidentId: w.incidentId, mode: "preserve-evidence", playbook: testPlaybook(), items: ["containment.isolate"] });
    await approvePlan(w.store, plan.id, { by: "bob", reason: "ok", fourEyes: true });
    await executePlan(w.store, w.exec, plan.id, { execute: true, yes: false, fourEyes: true });
    assert.deepEqual(w.cloud.instance("i-0a1b2c3d4e5f60001").groups, [QUARANTINE_SG]);
    await assert.rejects(undoPlan(w.store, w.exec, plan.id, ["snapshot-instance:i-0a1b2c3d4e5f60001"]), /cannot be undone/);
    const undone = await undoPlan(w.store, w.exec, plan.id);
    assert.deepEqual(statuses(undone), ["isolate-instance:i-0a1b2c3d4e5f60002 undone", "isolate-instance:i-0a1b2c3d4e5f60001 undone"]);
    assert.deepEqual(w.cloud.instance("i-0a1b2c3d4e5f60001").groups, ["sg-0web00000000001"]);
    assert.equal((await w.store.auditRecords()).filter((r) => r.action === "step.undone").length, 2);
    assert.deepEqual(await undoPlan(w.store, w.exec, plan.id), [], "undoing twice does nothing");
    assert.deepEqual(await executePlan(w.store, w.exec, plan.id, { execute: true, yes: false, fourEyes: true }), [], "an undone step is not redone");
  });

  it("undo after a crash that lost the execution's record restores the state the plan saw", async () => {
    const w = await world();
    const plan = await planIncident(w.store, w.ctx, { incidentId: w.incidentId, mode: "preserve-evidence", playbook: testPlaybook(), items: ["containment.isolate"] });
    await approvePlan(w.store, plan.id, { by: "bob", reason: "ok", fourEyes: true });
    // The process dies right after isolating i-…0001, before recording it; the resume finds it already isolated.
    let crashed = false;
    const crashing = new Proxy(w.store, {
      get(target, prop, receiver) {
        if (prop === "addStepRun") {
          return async (r: StepRun) => {
            if (!crashed && r.stepId === "isolate-instance:i-0a1b2c3d4e5f60001" && r.status === "executed") { crashed = true; throw new Error("SIGKILL"); }
            return target.addStepRun(r);
          };
        }
        const v: unknown = Reflect.get(target, prop, receiver);
        return typeof v === "function" ? (v as (...a: unknown[]) => unknown).bind(target) : v;
      },
    });
    await assert.rejects(executePlan(crashing, w.exec, plan.id, { execute: true, yes: false, fourEyes: true }), /SIGKILL/);
    await executePlan(w.store, w.exec, plan.id, { execute: true, yes: false, fourEyes: true });
    const runs = await w.store.stepRuns(plan.id);
    assert.equal(runs.find((r) => r.stepId === "isolate-instance:i-0a1b2c3d4e5f60001" && r.status === "executed")?.undo, undefined, "the resume saw nothing to undo");
    await undoPlan(w.store, w.exec, plan.id);
    assert.deepEqual(w.cloud.instance("i-0a1b2c3d4e5f60001").groups, ["sg-0web00000000001"], "from the plan's before");
    assert.deepEqual(w.cloud.instance("i-0a1b2c3d4e5f60002").groups, ["sg-0web00000000001"]);
  });

  it("audit verify passes, then fails after a record is edited or the last one is removed", async () => {
    const w = await world();
    const plan = await plannedAndApproved(w);
    await executePlan(w.store, w.exec, plan.id, { execute: true, yes: true, fourEyes: true });
    const ok = await checkAudit(w.store, w.head);
    assert.equal(ok.ok, true, ok.problems.join("; "));
    const actions = new Set((await w.store.auditRecords()).map((r) => r.action));
    for (const a of ["plan.created", "plan.approved", "step.executed", "step.verified", "incident.checklist-ticked"]) assert.ok(actions.has(a), a);

    const db = new Database(w.location);
    const last = (db.prepare("SELECT MAX(seq) AS seq FROM audit").get() as { seq: number }).seq;
    db.exec("DROP TRIGGER audit_no_delete");
    db.prepare("DELETE FROM audit WHERE seq = ?").run(last);
    const cut = await checkAudit(w.store, w.head);
    assert.equal(cut.ok, false);
    assert.match(cut.problems.join(" "), /removed from the end/);

    db.exec("DROP TRIGGER audit_no_update");
    db.prepare("UPDATE audit SET details_json = replace(details_json, 'verified', 'skipped') WHERE action = 'step.verified'").run();
    db.close();
    const edited = await checkAudit(w.store, w.head);
    assert.equal(edited.ok, false);
    assert.match(edited.problems.join(" "), /changed after it was written/);
  });
});
