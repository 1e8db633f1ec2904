/**
 * A fake provider for the engine's tests: an in-memory cloud (EC2-like instances with their security groups
 * and snapshots) and a process table, and actions over it that really change it and read it back, so a test
 * can see what was done, how many times, and what undo put back. Shapes follow EC2's own (instance ids,
 * states "running" / "stopped" / "terminated", security group ids "sg-...", snapshot ids "snap-...").
 */
import { z } from "zod";
import type { ActionDefinition, PlannedStep, ResponseContext } from "../types.js";
import type { PlanInput } from "../types.js";
import type { Incident, PlanStep, Target } from "../../model/index.js";
import { ActionRegistry } from "../registry.js";
import { parsePlaybook } from "../../playbook/index.js";
import type { Playbook } from "../../playbook/index.js";
import { YamlPriceTable, parsePriceFile } from "../prices.js";

export interface FakeInstance {
  id: string;
  region: string;
  type: string;
  state: "running" | "stopped" | "terminated";
  groups: string[];
  snapshots: string[];
}

export const QUARANTINE_SG = "sg-0quarantine000001";

export class FakeCloud {
  readonly instances = new Map<string, FakeInstance>();
  /** pid → process name. */
  readonly processes = new Map<number, string>();
  /** Every call that changed something, "snapshot i-0abc", in order. */
  readonly changes: string[] = [];
  /** Every execute() call, changing or not, "terminate-instance:i-0abc". */
  readonly executes: string[] = [];
  /** Instance ids whose snapshot fails (the volume is busy...). */
  readonly failSnapshot = new Set<string>();
  private snapSeq = 0;

  addInstance(id: string, region: string, type: string, groups = ["sg-0web00000000001"]): FakeInstance {
    const i: FakeInstance = { id, region, type, state: "running", groups: [...groups], snapshots: [] };
    this.instances.set(id, i);
    return i;
  }

  instance(id: string): FakeInstance {
    const i = this.instances.get(id);
    if (!i) throw new Error(`InvalidInstanceID.NotFound: The instance ID '${id}' does not exist`);
    return i;
  }

  snapshot(id: string): string {
    if (this.failSnapshot.has(id)) throw new Error(`IncorrectState: volume of ${id} is busy; snapshot failed`);
    const snap = `snap-${String(++this.snapSeq).padStart(17, "0")}`;
    this.instance(id).snapshots.push(snap);
    this.changes.push(`snapshot ${id}`);
    return snap;
  }
}

function instanceTarget(i: FakeInstance, account: string | undefined): Target {
  const t: Target = { kind: "instance", id: i.id, provider: "aws", region: i.region, label: `${i.id} (${i.type}, ${i.region})` };
  if (account !== undefined) t.account = account;
  return t;
}

function instancesOf(cloud: FakeCloud, incident: Incident): FakeInstance[] {
  return (incident.entities.instances ?? []).flatMap((id) => cloud.instances.get(id) ?? []);
}

type InstanceStep = (i: FakeInstance, ctx: ResponseContext) => Omit<PlannedStep, "key" | "target" | "params" | "why" | "usdPerHour" | "undoable" | "risk"> & { stops?: boolean };

function instanceAction(cloud: FakeCloud, spec: Pick<ActionDefinition, "name" | "risk" | "undoable" | "permissions"> & {
  step: InstanceStep;
  execute(i: FakeInstance, step: PlanStep): { undo?: Record<string, unknown>; detail?: Record<string, unknown> };
  verify(i: FakeInstance): { ok: boolean; observed: Record<string, unknown> };
  undo?(i: FakeInstance, undo: Record<string, unknown>): void;
}): ActionDefinition {
  const def: ActionDefinition = {
    name: spec.name,
    title: { en: spec.name, th: spec.name },
    provider: "aws",
    params: z.record(z.string(), z.unknown()),
    permissions: spec.permissions,
    risk: spec.risk,
    undoable: spec.undoable,
    plan(input: PlanInput<Record<string, unknown>>, ctx) {
      const account = input.incident.entities.accounts?.[0];
      return Promise.resolve(instancesOf(cloud, input.incident).filter((i) => i.state !== "terminated").map((i) => {
        const { stops, ...s } = spec.step(i, ctx);
        const usd = ctx.prices.instanceUsdPerHour("aws", i.type, i.region);
        const planned: PlannedStep = {
          ...s, key: i.id, target: instanceTarget(i, account), params: input.params, risk: spec.risk, undoable: spec.undoable,
          why: { en: `${spec.name} for ${input.checklistItem}`, th: `${spec.name} สำหรับ ${input.checklistItem}` },
        };
        if (usd !== undefined) { planned.usdPerHour = usd; planned.stopsUsdPerHour = stops ? usd : 0; }
        return planned;
      }));
    },
    precondition(step) {
      const i = cloud.instances.get(step.target.id);
      return Promise.resolve(i ? undefined : { en: `${step.target.id} no longer exists`, th: `${step.target.id} ไม่มีอยู่แล้ว` });
    },
    execute(step) {
      cloud.executes.push(step.id);
      return Promise.resolve(spec.execute(cloud.instance(step.target.id), step));
    },
    verify(step) {
      return Promise.resolve(spec.verify(cloud.instance(step.target.id)));
    },
  };
  if (spec.undo) {
    const undo = spec.undo;
    def.undo = (step, data) => { undo(cloud.instance(step.target.id), data); return Promise.resolve(); };
  }
  return def;
}

export function fakeActions(cloud: FakeCloud): ActionDefinition[] {
  const snapshot = instanceAction(cloud, {
    name: "snapshot-instance", risk: "read", undoable: false, permissions: ["ec2:CreateSnapshots", "ec2:DescribeSnapshots"],
    step: (i) => ({ before: { snapshots: i.snapshots.length }, after: { snapshots: i.snapshots.length + 1 }, call: `ec2:CreateSnapshots InstanceSpecification.InstanceId=${i.id} Region=${i.region}` }),
    execute: (i) => ({ detail: { snapshotId: cloud.snapshot(i.id) } }),
    verify: (i) => ({ ok: i.snapshots.length > 0, observed: { snapshots: [...i.snapshots] } }),
  });
  const isolate = instanceAction(cloud, {
    name: "isolate-instance", risk: "high", undoable: true, permissions: ["ec2:ModifyInstanceAttribute", "ec2:DescribeInstances"],
    step: (i) => ({ before: { groups: [...i.groups] }, after: { groups: [QUARANTINE_SG] }, call: `ec2:ModifyInstanceAttribute InstanceId=${i.id} Groups=[${QUARANTINE_SG}] Region=${i.region}` }),
    execute: (i) => {
      // Already isolated (a resumed or repeated execute): nothing changed, so nothing to say about the past.
      if (i.groups.length === 1 && i.groups[0] === QUARANTINE_SG) return {};
      const previous = [...i.groups];
      i.groups = [QUARANTINE_SG];
      cloud.changes.push(`isolate ${i.id}`);
      return { undo: { groups: previous } };
    },
    verify: (i) => ({ ok: i.groups.length === 1 && i.groups[0] === QUARANTINE_SG, observed: { groups: [...i.groups] } }),
    undo: (i, data) => { i.groups = [...(data["groups"] as string[])]; cloud.changes.push(`restore ${i.id}`); },
  });
  const terminate = instanceAction(cloud, {
    name: "terminate-instance", risk: "destructive", undoable: false, permissions: ["ec2:TerminateInstances", "ec2:DescribeInstances"],
    step: (i) => ({ before: { state: i.state }, after: { state: "terminated" }, call: `ec2:TerminateInstances InstanceIds=[${i.id}] Region=${i.region}`, stops: true }),
    execute: (i) => { if (i.state !== "terminated") { i.state = "terminated"; cloud.changes.push(`terminate ${i.id}`); } return {}; },
    verify: (i) => ({ ok: i.state === "terminated", observed: { state: i.state } }),
  });
  const kill: ActionDefinition = {
    name: "kill-process", title: { en: "Kill", th: "Kill" }, provider: "local", params: z.record(z.string(), z.unknown()),
    permissions: ["CAP_KILL"], risk: "high", undoable: false,
    plan: (input) => Promise.resolve([...cloud.processes].map(([pid, name]): PlannedStep => ({
      key: String(pid), params: input.params, target: { kind: "process", id: String(pid), provider: "local", label: `${name} (${pid})` },
      before: { running: true }, after: { running: false }, call: `kill -KILL ${pid}`, risk: "high", undoable: false,
      why: { en: "miner process", th: "process ของ miner" },
    }))),
    precondition: (step) => Promise.resolve(cloud.processes.has(Number(step.target.id)) ? undefined : { en: "gone", th: "ไม่มีแล้ว" }),
    execute: (step) => { cloud.executes.push(step.id); if (cloud.processes.delete(Number(step.target.id))) cloud.changes.push(`kill ${step.target.id}`); return Promise.resolve({}); },
    verify: (step) => Promise.resolve({ ok: !cloud.processes.has(Number(step.target.id)), observed: { running: cloud.processes.has(Number(step.target.id)) } }),
  };
  return [snapshot, isolate, terminate, kill];
}

export function fakeRegistry(cloud: FakeCloud, extra: ActionDefinition[] = []): ActionRegistry {
  return new ActionRegistry([...fakeActions(cloud), ...extra]);
}

/** A small playbook whose items name the fake actions (snapshot-instance is in two items: one step carries both). */
export const TEST_PLAYBOOK_YAML = `schemaVersion: 1
id: PB-90
name: { th: "ทดสอบ", en: "Test" }
severity: high
severityLabel: { th: "สูง", en: "High" }
category: { th: "ทดสอบ", en: "Test" }
mitre:
  - { technique: T1496, name: Resource Hijacking, tactic: TA0040, tacticName: Impact }
containment:
  - id: kill
    text: { th: "Kill", en: "Kill" }
    actions: [kill-process]
    answeredBy: { action: kill-process }
  - id: isolate
    text: { th: "Isolate", en: "Isolate" }
    actions: [snapshot-instance, isolate-instance]
    answeredBy: { action: isolate-instance }
eradication:
  - id: delete-instances
    text: { th: "Terminate", en: "Terminate" }
    actions: [snapshot-instance, terminate-instance]
    answeredBy: { action: terminate-instance }
`;

export function testPlaybook(): Playbook {
  return parsePlaybook(TEST_PLAYBOOK_YAML, "test-playbook.yaml");
}

export function testPrices(): YamlPriceTable {
  return new YamlPriceTable([parsePriceFile(`provider: aws
source: "test"
date: "2026-12-04"
currency: USD
prices:
  c5.4xlarge: { us-east-1: 0.68, eu-west-1: 0.768 }
  g4dn.xlarge: { us-east-1: 0.526 }
`, "test-prices.yaml")]);
}

/** A clock that moves one second per reading. */
export function clock(start = "2026-12-04T08:00:00Z"): () => Date {
  let t = Date.parse(start);
  return () => new Date((t += 1000));
}
