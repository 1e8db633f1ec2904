/** Each AWS action on its own against `minerhunt lab` (real SDK): plan, precondition, execute, verify, undo. */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { Incident, PlanMode, PlanStep } from "../../../model/index.js";
import { guardDutyFinding, incidentOf } from "../../../store/test-helpers/fixtures.js";
import { labPrices, withLab, type LabHarness } from "../../connectors/aws/test-lab.js";
import type { ActionDefinition, PlannedStep, ResponseContext } from "../../types.js";
import { isolateInstance, stopInstance, terminateInstance } from "./containment.js";
import { protectTermination, snapshotVolumes } from "./evidence.js";
import { budgetAlert, enableGuardDuty, scpGuardrail } from "./guardrails.js";
import { disableAccessKey, rotateAccessKey } from "./iam.js";
import { defaultDeniedInstanceTypes, guardrailPolicy, SCP_MAX_CHARS } from "./scp.js";
import { sweepRegions } from "./sweep-regions.js";

function toStep(action: string, p: PlannedStep): PlanStep {
  const { key, requires, ...rest } = p;
  return { ...rest, id: `${action}:${key}`, action, checklistItems: [], requires: requires ?? [] };
}

async function plan<P>(def: ActionDefinition<P>, incident: Incident, params: unknown, ctx: ResponseContext, mode: PlanMode = "preserve-evidence"): Promise<PlanStep[]> {
  return (await def.plan({ incident, findings: [], params: def.params.parse(params), mode, checklistItem: "test" }, ctx)).map((p) => toStep(def.name, p));
}

describe("AWS actions against the lab", () => {
  let h: LabHarness;
  let ctx: ResponseContext;
  let miner: { id: string; region: string };
  let incident: Incident;
  before(async () => {
    h = await withLab();
    ctx = { clients: { aws: h.clients }, actor: "alice", now: () => new Date(), prices: labPrices, protect: { ids: [], pids: [1] } };
    const east = h.lab.world.regions.get("us-east-1")!;
    const inst = [...east.instances.values()].find((i) => i.type === "c5.4xlarge")!;
    miner = { id: inst.id, region: "us-east-1" };
    incident = incidentOf("inc-actions", [guardDutyFinding(inst.id, "us-east-1")], {});
    incident.entities.accessKeys = ["AKIA5LAB0ATTACKER001"];
  });
  after(async () => { await h.close(); });

  it("terminate: the DryRun preflight names termination protection, and passes once it is off", async () => {
    const [protect] = await plan(protectTermination, incident, {}, ctx);
    const undo = await protectTermination.execute(protect!, ctx);
    assert.equal((await protectTermination.verify(protect!, ctx)).ok, true);
    const [term] = await plan(terminateInstance, incident, {}, ctx);
    assert.deepEqual(term!.requires, [`snapshot-volumes:${miner.id}`]);
    const reason = await terminateInstance.precondition(term!, ctx);
    assert.match(reason!.en, /DryRun of ec2:TerminateInstances .* refused: OperationNotPermitted: .*disableApiTermination/);
    await protectTermination.undo!(protect!, undo.undo!, ctx);
    assert.equal(await terminateInstance.precondition(term!, ctx), undefined);
    assert.equal(h.lab.world.calls.get("ec2:TerminateInstances(DryRun)"), 2);
    assert.equal(h.lab.world.calls.get("ec2:TerminateInstances"), undefined);
    assert.equal(h.lab.world.regions.get("us-east-1")!.instances.get(miner.id)!.state, "running");
  });

  it("stop: a DryRun refused for permissions is the reason, and nothing is stopped", async () => {
    h.lab.world.faults.push({ service: "ec2", operation: "StopInstances", match: "DryRun=true", code: "UnauthorizedOperation", message: "You are not authorized to perform this operation.", times: 1 });
    const [stop] = await plan(stopInstance, incident, {}, ctx);
    const reason = await stopInstance.precondition(stop!, ctx);
    assert.match(reason!.en, /UnauthorizedOperation/);
    assert.equal(h.lab.world.regions.get("us-east-1")!.instances.get(miner.id)!.state, "running");
  });

  it("snapshot: idempotent (the second run finds the first's snapshots) and verified completed", async () => {
    const [snap] = await plan(snapshotVolumes, incident, {}, ctx);
    const first = await snapshotVolumes.execute(snap!, ctx);
    const second = await snapshotVolumes.execute(snap!, ctx);
    assert.equal((first.detail!.created as string[]).length, 1);
    assert.deepEqual(second.detail!.created, []);
    const v = await snapshotVolumes.verify(snap!, ctx);
    assert.equal(v.ok, true);
  });

  it("isolate: twice is once, and undo after a second run still restores the original groups", async () => {
    const inst = h.lab.world.regions.get("us-east-1")!.instances.get(miner.id)!;
    const original = [...inst.groupIds];
    const [iso] = await plan(isolateInstance, incident, {}, ctx);
    await isolateInstance.execute(iso!, ctx);
    const quarantined = [...inst.groupIds];
    const again = await isolateInstance.execute(iso!, ctx);
    assert.deepEqual(inst.groupIds, quarantined);
    assert.equal((await isolateInstance.verify(iso!, ctx)).ok, true);
    assert.deepEqual(again.undo!.groups, original);
    await isolateInstance.undo!(iso!, again.undo!, ctx);
    assert.deepEqual(inst.groupIds, original);
    assert.equal((await isolateInstance.verify(iso!, ctx)).ok, false);
  });

  it("protected targets and missing instances are refused with the reason, never dropped", async () => {
    const guarded = { ...ctx, protect: { ids: ["AKIA5LAB0ATTACK*", miner.id], pids: [1] } };
    const [key] = await plan(disableAccessKey, incident, {}, guarded);
    assert.match(key!.refused!.reason.en, /AKIA5LAB0ATTACKER001 is protected/);
    const [iso] = await plan(isolateInstance, incident, {}, guarded);
    assert.match(iso!.refused!.reason.en, /is protected/);
    const ghost = incidentOf("inc-ghost", [guardDutyFinding("i-0000000000000dead", "us-east-1")]);
    delete ghost.entities.regions;
    const [missing] = await plan(isolateInstance, ghost, {}, ctx);
    assert.match(missing!.refused!.reason.en, /i-0000000000000dead not found in any region that answered; unreachable: ap-south-1 \(UnauthorizedOperation/);
  });

  it("rotate-access-key waits for the key to be inactive, then deletes it", async () => {
    const [off] = await plan(disableAccessKey, incident, {}, ctx);
    const [rot] = await plan(rotateAccessKey, incident, {}, ctx);
    assert.deepEqual(rot!.requires, ["disable-access-key:AKIA5LAB0ATTACKER001"]);
    assert.match((await rotateAccessKey.precondition(rot!, ctx))!.en, /still active/);
    await disableAccessKey.execute(off!, ctx);
    assert.equal((await disableAccessKey.verify(off!, ctx)).ok, true);
    assert.equal(await rotateAccessKey.precondition(rot!, ctx), undefined);
    await rotateAccessKey.execute(rot!, ctx);
    assert.equal((await rotateAccessKey.verify(rot!, ctx)).ok, true);
    assert.deepEqual(h.lab.world.users.get("svc-backup-sync")!.keys, []);
  });

  it("enable-guardduty: one step per region without a detector, the failing region refused; execute, verify, undo", async () => {
    const steps = await plan(enableGuardDuty, incident, {}, ctx);
    assert.equal(steps.length, 17);
    assert.match(steps.find((s) => s.target.region === "ap-south-1")!.refused!.reason.en, /GuardDuty in ap-south-1 could not be read: UnauthorizedOperation/);
    const eu = steps.find((s) => s.target.region === "eu-west-1")!;
    const done = await enableGuardDuty.execute(eu, ctx);
    assert.equal((await enableGuardDuty.verify(eu, ctx)).ok, true);
    assert.deepEqual(await enableGuardDuty.execute(eu, ctx), {});
    assert.equal((await plan(enableGuardDuty, incident, {}, ctx)).length, 16);
    await enableGuardDuty.undo!(eu, done.undo!, ctx);
    assert.equal(h.lab.world.regions.get("eu-west-1")!.detectors.size, 0);
  });

  it("budget-alert: refused without an address; created with alerts, verified, not duplicated, undone", async () => {
    const [none] = await plan(budgetAlert, incident, {}, ctx);
    assert.match(none!.refused!.reason.en, /e-mail/);
    const [b] = await plan(budgetAlert, incident, { limitUsd: 500, emails: ["soc@example.com"] }, ctx);
    const done = await budgetAlert.execute(b!, ctx);
    assert.deepEqual(await budgetAlert.execute(b!, ctx), {});
    assert.equal((await budgetAlert.verify(b!, ctx)).ok, true);
    const stored = h.lab.world.budgets.get("minerhunt-cost-guard")!;
    assert.equal(stored.amount, "500");
    assert.equal(stored.notifications.length, 2);
    await budgetAlert.undo!(b!, done.undo!, ctx);
    assert.equal(h.lab.world.budgets.size, 0);
  });

  it("scp-guardrail: refused without allowed regions; created and attached to the root, verified, undone", async () => {
    const [none] = await plan(scpGuardrail, incident, {}, ctx);
    assert.match(none!.refused!.reason.en, /allowedRegions/);
    const [scp] = await plan(scpGuardrail, incident, { allowedRegions: ["us-east-1", "eu-west-1"] }, ctx);
    assert.equal(scp!.target.id, "r-lab1");
    const done = await scpGuardrail.execute(scp!, ctx);
    assert.deepEqual((await scpGuardrail.execute(scp!, ctx)).undo, { policyId: done.undo!.policyId, created: false, attached: false });
    assert.equal((await scpGuardrail.verify(scp!, ctx)).ok, true);
    const policy = [...h.lab.world.policies.values()][0]!;
    assert.ok(JSON.parse(policy.content));
    await scpGuardrail.undo!(scp!, done.undo!, ctx);
    assert.equal(h.lab.world.policies.size, 0);
  });

  it("sweep-regions as a step: runs the sweep and stays unverified while a region could not be read", async () => {
    const [sw] = await plan(sweepRegions, incident, {}, ctx);
    assert.equal(sw!.risk, "read");
    const r = await sweepRegions.execute(sw!, ctx);
    assert.equal((r.detail!.suspects as unknown[]).length, 5);
    const v = await sweepRegions.verify(sw!, ctx);
    assert.equal(v.ok, false);
    assert.match(v.reason!, /regions not swept: ap-south-1 \(UnauthorizedOperation/);
  });

  it("an action without AWS clients plans one refused step saying so", async () => {
    const [step] = await plan(isolateInstance, incident, {}, { ...ctx, clients: {} });
    assert.match(step!.refused!.reason.en, /no AWS clients configured/);
  });
});

describe("guardrail SCP document", () => {
  it("denies GPU families and large sizes from intel data, and every region outside the list, within 5,120 characters", () => {
    const types = defaultDeniedInstanceTypes();
    assert.ok(types.includes("p3.*") && types.includes("g4dn.*") && types.includes("*.16xlarge") && types.includes("*.metal"));
    const text = guardrailPolicy({ allowedRegions: ["eu-west-1", "us-east-1"], deniedInstanceTypes: types, exemptPrincipalArns: ["arn:aws:iam::*:role/BreakGlass"] });
    assert.ok(text.length <= SCP_MAX_CHARS, `${text.length}`);
    const doc = JSON.parse(text) as { Statement: { Sid: string; Effect: string; NotAction?: string[]; Condition: Record<string, Record<string, string[]>> }[] };
    const [types_, regions] = doc.Statement;
    assert.equal(types_!.Effect, "Deny");
    assert.deepEqual(types_!.Condition.StringLike!["ec2:InstanceType"], [...types].sort());
    assert.deepEqual(regions!.Condition.StringNotEquals!["aws:RequestedRegion"], ["eu-west-1", "us-east-1"]);
    assert.ok(regions!.NotAction!.includes("iam:*") && regions!.NotAction!.includes("sts:*"));
    assert.deepEqual(regions!.Condition.ArnNotLike!["aws:PrincipalARN"], ["arn:aws:iam::*:role/BreakGlass"]);
  });
  it("refuses an empty region list, a bad region name and a document over the limit", () => {
    assert.throws(() => guardrailPolicy({ allowedRegions: [], deniedInstanceTypes: [] }), /deny every region/);
    assert.throws(() => guardrailPolicy({ allowedRegions: ["moon-1"], deniedInstanceTypes: [] }), /not a region name/);
    assert.throws(() => guardrailPolicy({ allowedRegions: ["us-east-1"], deniedInstanceTypes: ["x\"y"] }), /not an instance type pattern/);
    const many = Array.from({ length: 600 }, (_, i) => `z${i}.*`);
    assert.throws(() => guardrailPolicy({ allowedRegions: ["us-east-1"], deniedInstanceTypes: many }), /over the 5120/);
  });
});
