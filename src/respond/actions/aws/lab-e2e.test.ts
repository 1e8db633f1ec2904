/**
 * End to end against `minerhunt lab` with the real SDK, through the respond service and a real SQLite store:
 * sweep → incident → plan (changes nothing) → approve → execute (snapshots first; a failed snapshot blocks
 * the stop and terminate of its instance; the Auto Scaling group cannot bring its miner back; the key is
 * deactivated; each step verified) → a second execute changes nothing → undo → audit verify.
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { loadIntel } from "../../../intel/index.js";
import type { Finding, Plan, StepRun } from "../../../model/index.js";
import { checkAudit, openStore, type Store } from "../../../store/index.js";
import { guardDutyFinding, incidentOf } from "../../../store/test-helpers/fixtures.js";
import { sweepAws, type SweepResult } from "../../connectors/aws/sweep.js";
import { withLab, type LabHarness } from "../../connectors/aws/test-lab.js";
import type { LabWorld } from "../../lab/index.js";
import { loadPriceTable } from "../../prices.js";
import { approvePlan, executePlan, planIncident, undoPlan, type ResponseStore } from "../../service.js";
import type { ResponseContext } from "../../types.js";
import { sweepEntities } from "./common.js";

const dir = mkdtempSync(join(tmpdir(), "minerhunt-aws-e2e-"));
const cleanups: (() => Promise<void>)[] = [];
after(async () => {
  for (const c of cleanups) await c().catch(() => undefined);
  rmSync(dir, { recursive: true, force: true });
});
const intel = loadIntel({ importDirs: [] });
const prices = loadPriceTable();
let n = 0;

interface Setup { h: LabHarness; store: ResponseStore; ctx: ResponseContext; sweep: SweepResult; incidentId: string; head: string }

async function setup(): Promise<Setup> {
  const h = await withLab();
  cleanups.push(() => h.close());
  const location = join(dir, `e2e-${++n}.db`);
  const head = `${location}.audit-head`;
  const store = (await openStore(location, { auditHead: head })) as Store as ResponseStore;
  cleanups.push(() => store.close());
  const sweep = await sweepAws(h.clients, intel, prices);
  const entities = sweepEntities(sweep);
  // One GuardDuty-style finding per suspect, carrying the account, key and user the sweep tied to them.
  const findings: Finding[] = sweep.suspects.map((s) => {
    const f = guardDutyFinding(s.id, s.region);
    return { ...f, entities: { ...f.entities, accounts: entities.accounts, accessKeys: entities.accessKeys, users: entities.users } };
  });
  const incident = incidentOf(`inc-lab-${n}`, findings);
  await store.saveScan({ findings, incidents: [incident] });
  const ctx: ResponseContext = { clients: { aws: h.clients }, actor: "alice", now: () => new Date(), prices, protect: { ids: [], pids: [1, process.pid, process.ppid] } };
  return { h, store, ctx, sweep, incidentId: incident.id, head };
}

const MUTATING = /^(ec2:(Create|Modify|Stop|Start|Terminate|Cancel|Revoke|Delete)[A-Za-z]*$|iam:(Update|Attach|Detach|Put|Delete)|autoscaling:(Update|Suspend|Resume|Delete|Detach)|guardduty:(Create|Update|Delete)|budgets:(Create|Delete)|organizations:(Create|Attach|Detach|Delete))/;
const mutatingCalls = (w: LabWorld) => [...w.calls].filter(([k]) => MUTATING.test(k)).reduce((s, [, v]) => s + v, 0);

/** Everything a step could change, as one comparable value. */
function digest(w: LabWorld): string {
  const regions = [...w.regions.values()].map((r) => ({
    instances: [...r.instances.values()].map((i) => [i.id, i.state, i.groupIds.join(","), i.disableApiTermination, i.tags.length]),
    snapshots: r.snapshots.size, groups: r.securityGroups.size, spot: [...r.spotRequests.values()].map((s) => s.state),
    asg: [...r.autoScalingGroups.values()].map((g) => [g.min, g.max, g.desired, g.suspended.join(",")]), detectors: r.detectors.size,
  }));
  const users = [...w.users.values()].map((u) => [u.name, u.keys.map((k) => k.status).join(","), u.attachedPolicies.join(","), Object.keys(u.inlinePolicies).join(",")]);
  return JSON.stringify({ regions, users, budgets: w.budgets.size, policies: w.policies.size });
}

const byId = (plan: Plan) => new Map(plan.steps.map((s) => [s.id, s]));
function latest(runs: StepRun[]): Map<string, StepRun> {
  const m = new Map<string, StepRun>();
  for (const r of runs) m.set(r.stepId, r);
  return m;
}

describe("AWS response against minerhunt lab, through the respond service", () => {
  it("plans every step for the sweep's miners and changes nothing, also in a dry run", async () => {
    const s = await setup();
    const before = digest(s.h.lab.world);
    const calls = mutatingCalls(s.h.lab.world);
    const plan = await planIncident(s.store, s.ctx, { incidentId: s.incidentId, mode: "preserve-evidence" });
    const steps = byId(plan);
    for (const sus of s.sweep.suspects) {
      for (const a of ["snapshot-volumes", "tag-instance", "isolate-instance", "stop-instance", "terminate-instance"]) assert.ok(steps.has(`${a}:${sus.id}`), `${a}:${sus.id}`);
      const term = steps.get(`terminate-instance:${sus.id}`)!;
      assert.ok(term.requires.includes(`snapshot-volumes:${sus.id}`));
      assert.equal(term.risk, "destructive");
      assert.match(term.call, /^ec2:TerminateInstances InstanceIds=\[i-/);
    }
    const asgMiner = s.sweep.suspects.find((x) => x.autoScalingGroup)!;
    assert.ok(steps.get(`terminate-instance:${asgMiner.id}`)!.requires.includes("contain-auto-scaling-group:us-east-1/eks-spare-nodes"));
    const spotMiner = s.sweep.suspects.find((x) => x.spotRequestId)!;
    assert.ok(steps.get(`terminate-instance:${spotMiner.id}`)!.requires.includes(`cancel-spot-requests:eu-west-1/${spotMiner.spotRequestId}`));
    assert.ok(steps.has("disable-access-key:AKIA5LAB0ATTACKER001"));
    assert.ok(steps.has("revoke-sessions:svc-backup-sync") && steps.has("deny-all-policy:svc-backup-sync"));
    // What minerhunt cannot do is in the plan, refused with what to do by hand.
    const lambda = steps.get("attacker-resources:us-east-1/sys-update-check")!;
    assert.match(lambda.refused!.reason.en, /aws lambda delete-function --function-name sys-update-check --region us-east-1/);
    assert.ok(plan.steps.some((x) => x.target.kind === "batch-job" && x.refused));
    // The isolate step says open connections stay open.
    assert.match(steps.get(`isolate-instance:${asgMiner.id}`)!.why.en, /Connections already open are NOT cut/);
    // Money: the miners' burn from data/prices (us-east-1 c5.4xlarge is $0.68/h).
    assert.equal(steps.get(`terminate-instance:${s.sweep.suspects.find((x) => x.type === "c5.4xlarge")!.id}`)!.usdPerHour, 0.68);
    assert.ok(plan.usdPerHour > 5);
    // Snapshots come before anything that changes an instance.
    const at = (id: string) => plan.steps.findIndex((x) => x.id === id);
    for (const sus of s.sweep.suspects) assert.ok(at(`snapshot-volumes:${sus.id}`) < at(`stop-instance:${sus.id}`));
    await executePlan(s.store, s.ctx, plan.id, { execute: false, yes: false, fourEyes: false });
    assert.equal(digest(s.h.lab.world), before);
    assert.equal(mutatingCalls(s.h.lab.world), calls);
  });

  it("executes: snapshots first, a failed snapshot blocks its instance, the group cannot relaunch, the key is off; a second run changes nothing", async () => {
    const s = await setup();
    const w = s.h.lab.world;
    const p3 = s.sweep.suspects.find((x) => x.type === "p3.2xlarge")!;
    w.faults.push({ service: "ec2", operation: "CreateSnapshot", match: p3.volumes[0]!, code: "SnapshotCreationPerVolumeRateExceeded", message: "The maximum per volume CreateSnapshot request rate has been exceeded." });
    const plan = await planIncident(s.store, s.ctx, { incidentId: s.incidentId, mode: "preserve-evidence", items: ["containment.isolate", "containment.disable-credentials"] });
    await approvePlan(s.store, plan.id, { by: "bob", reason: "lab miners, confirmed by sweep", fourEyes: true });
    const bob = { ...s.ctx, actor: "bob" };
    const runs = await executePlan(s.store, bob, plan.id, { execute: true, yes: true, fourEyes: true });
    const last = latest(runs);
    assert.equal(last.get(`snapshot-volumes:${p3.id}`)!.status, "failed");
    for (const a of ["stop-instance", "terminate-instance", "isolate-instance"]) {
      assert.equal(last.get(`${a}:${p3.id}`)!.status, "skipped", a);
      assert.match(last.get(`${a}:${p3.id}`)!.error!, /gate failed: snapshot-volumes/);
    }
    assert.equal(w.regions.get("ap-southeast-1")!.instances.get(p3.id)!.state, "running");
    for (const sus of s.sweep.suspects.filter((x) => x.id !== p3.id)) {
      for (const a of ["snapshot-volumes", "tag-instance", "isolate-instance", "stop-instance", "terminate-instance"]) {
        assert.equal(last.get(`${a}:${sus.id}`)?.status, "verified", `${a}:${sus.id}: ${last.get(`${a}:${sus.id}`)?.error}`);
      }
      assert.equal(w.regions.get(sus.region)!.instances.get(sus.id)!.state, "terminated");
      assert.equal([...w.regions.get(sus.region)!.snapshots.values()].filter((x) => x.volumeId === sus.volumes[0]).length, 1);
    }
    // Executed in order: every snapshot before the first stop.
    const order = runs.filter((r) => r.status === "executed").map((r) => r.stepId);
    assert.ok(order.findIndex((x) => x.startsWith("stop-instance")) > order.findLastIndex((x) => x.startsWith("snapshot-volumes")));
    // The group is contained and nothing new runs in it, even after DescribeInstances lets it act.
    const east = w.regions.get("us-east-1")!;
    const group = east.autoScalingGroups.get("eks-spare-nodes")!;
    assert.deepEqual([group.min, group.max, group.desired], [0, 0, 0]);
    assert.ok(group.suspended.includes("Launch"));
    await s.h.clients.ec2("us-east-1").send(new (await import("@aws-sdk/client-ec2")).DescribeInstancesCommand({}));
    assert.equal([...east.instances.values()].filter((i) => i.autoScalingGroup === "eks-spare-nodes" && i.state === "running").length, 0);
    // The persistent spot request is cancelled, so its terminated instance stays gone.
    assert.ok([...w.regions.get("eu-west-1")!.spotRequests.values()].every((r) => r.state === "cancelled"));
    assert.equal([...w.regions.get("eu-west-1")!.instances.values()].filter((i) => i.type === "g4dn.2xlarge" && i.state === "running").length, 0);
    assert.equal(w.users.get("svc-backup-sync")!.keys[0]!.status, "Inactive");
    assert.equal(last.get("disable-access-key:AKIA5LAB0ATTACKER001")!.status, "verified");
    assert.deepEqual(w.users.get("svc-backup-sync")!.attachedPolicies, ["arn:aws:iam::aws:policy/AWSDenyAll"]);
    assert.match(w.users.get("svc-backup-sync")!.inlinePolicies["minerhunt-revoke-older-sessions"]!, /aws:TokenIssueTime/);

    const before = digest(w);
    const again = await executePlan(s.store, bob, plan.id, { execute: true, yes: true, fourEyes: true });
    assert.equal(digest(w), before);
    assert.ok(again.every((r) => r.stepId.endsWith(p3.id) || r.stepId.includes(p3.volumes[0]!)), again.map((r) => r.stepId).join(", "));
    assert.equal((await checkAudit(s.store as Store, s.head)).ok, true);
  });

  it("undo restores the isolation, restarts the stopped instance, gives the group back its sizes and reactivates the key", async () => {
    const s = await setup();
    const w = s.h.lab.world;
    const miner = s.sweep.suspects.find((x) => x.type === "c5.4xlarge")!;
    const groupsBefore = w.regions.get("us-east-1")!.instances.get(miner.id)!.groupIds;
    const plan = await planIncident(s.store, s.ctx, { incidentId: s.incidentId, mode: "preserve-evidence", items: ["containment.isolate", "containment.disable-credentials"] });
    await approvePlan(s.store, plan.id, { by: "bob", reason: "game day", fourEyes: true });
    // Without --yes the destructive terminate is refused; everything else runs.
    const bob = { ...s.ctx, actor: "bob" };
    const runs = latest(await executePlan(s.store, bob, plan.id, { execute: true, yes: false, fourEyes: true }));
    assert.equal(runs.get(`terminate-instance:${miner.id}`)!.status, "refused");
    const inst = w.regions.get("us-east-1")!.instances.get(miner.id)!;
    assert.equal(inst.state, "stopped");
    assert.notDeepEqual(inst.groupIds, groupsBefore);
    const quarantine = w.regions.get("us-east-1")!.securityGroups.get(inst.groupIds[0]!)!;
    assert.equal(quarantine.name, "minerhunt-quarantine");
    assert.equal(quarantine.egressOpen, false);

    const undone = await undoPlan(s.store, bob, plan.id);
    assert.ok(undone.some((r) => r.stepId === `isolate-instance:${miner.id}` && r.status === "undone"));
    assert.deepEqual(inst.groupIds, groupsBefore);
    assert.equal(inst.state, "running");
    const group = w.regions.get("us-east-1")!.autoScalingGroups.get("eks-spare-nodes")!;
    assert.deepEqual([group.min, group.max, group.desired, group.suspended.length], [1, 1, 1, 0]);
    assert.equal(w.users.get("svc-backup-sync")!.keys[0]!.status, "Active");
    assert.deepEqual(w.users.get("svc-backup-sync")!.attachedPolicies, []);
    assert.deepEqual(Object.keys(w.users.get("svc-backup-sync")!.inlinePolicies), []);
    // Snapshots are evidence: undo keeps them.
    assert.ok([...w.regions.get("us-east-1")!.snapshots.values()].some((x) => x.volumeId === miner.volumes[0]));
    assert.equal((await checkAudit(s.store as Store, s.head)).ok, true);
  });
});
