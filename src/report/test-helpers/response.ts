/**
 * The work done on the realistic incident (test-helpers/incident.ts), shaped by the contract schemas
 * (model/action.ts, store TimelineEntry/Note): a preserve-evidence plan for the build server and one
 * instance, approved, executed and verified step by step (one dry run, one refused protected target,
 * one failure), analysts' notes and ticks, and the closing with its reason.
 */
import { ApprovalSchema, PlanSchema, StepRunSchema } from "../../model/schemas.js";
import type { Approval, Incident, Plan, StepRun } from "../../model/index.js";
import type { Note, TimelineEntry } from "../../store/types.js";
import { INSTANCES, ONPREM_HOST } from "./incident.js";

export const CLOSE_REASON = "Miner removed, keys rotated, instances terminated; AWS support case 1234567890 open for the credit";

export function responsePlan(incidentId: string): Plan {
  return PlanSchema.parse({
    id: "plan-7f3a9c2e", incidentId, createdAt: "2026-11-20T06:05:00Z", createdBy: "somchai", mode: "preserve-evidence",
    usdPerHour: 97.92, unreachable: [{ scope: "aws:ap-southeast-1", reason: "AccessDenied on ec2:DescribeInstances" }],
    hash: "9c1d0f6ab1e24b7e8f0a3c5d7e9b1a2c4e6f8a0b2c4d6e8f0a1b3c5d7e9f1a2b",
    steps: [
      {
        id: `kill-process:${ONPREM_HOST}:48213`, action: "kill-process", checklistItems: ["containment.kill"], params: { pid: 48213, signal: "KILL" },
        target: { kind: "process", id: "48213", provider: "local", host: ONPREM_HOST, label: `${ONPREM_HOST}: pid 48213 (xmrig)` },
        before: { state: "running", exe: "/tmp/.X11-unix/xmrig" }, after: { state: "gone" }, call: "kill -KILL 48213", risk: "medium",
        undoable: false, requires: [], why: { en: "Stop the miner", th: "หยุดโปรแกรมขุด" },
      },
      {
        id: `snapshot-volumes:${INSTANCES[0]}`, action: "snapshot-volumes", checklistItems: [], params: {},
        target: { kind: "instance", id: INSTANCES[0]!, provider: "aws", account: "123456789012", region: "us-east-1", label: `${INSTANCES[0]} (p3.16xlarge, us-east-1)` },
        before: { volumes: ["vol-0abc"] }, after: { snapshots: 1 }, call: `ec2:CreateSnapshots InstanceSpecification={InstanceId=${INSTANCES[0]}}`,
        risk: "read", undoable: false, requires: [], usdPerHour: 24.48, stopsUsdPerHour: 0, why: { en: "Keep the disk as evidence", th: "เก็บดิสก์เป็นหลักฐาน" },
      },
      {
        id: `stop-instance:${INSTANCES[0]}`, action: "stop-instance", checklistItems: ["containment.isolate"], params: {},
        target: { kind: "instance", id: INSTANCES[0]!, provider: "aws", account: "123456789012", region: "us-east-1" },
        before: { state: "running" }, after: { state: "stopped" }, call: `ec2:StopInstances InstanceIds=[${INSTANCES[0]}] Region=us-east-1`,
        risk: "high", undoable: true, requires: [`snapshot-volumes:${INSTANCES[0]}`], usdPerHour: 24.48, stopsUsdPerHour: 24.48,
        why: { en: "Stop the cost", th: "หยุดค่าใช้จ่าย" },
      },
      {
        id: "disable-access-key:AKIAIOSFODNN7EXAMPLE", action: "disable-access-key", checklistItems: ["containment.revoke-keys"], params: {},
        target: { kind: "access-key", id: "AKIAIOSFODNN7EXAMPLE", provider: "aws", account: "123456789012" },
        before: { status: "Active" }, after: { status: "Inactive" }, call: "iam:UpdateAccessKey AccessKeyId=AKIAIOSFODNN7EXAMPLE Status=Inactive",
        risk: "medium", undoable: true, requires: [], why: { en: "Revoke the stolen key", th: "เพิกถอนคีย์ที่ถูกขโมย" },
      },
      {
        id: "kill-process:minerhunt", action: "kill-process", checklistItems: [], params: { pid: 1 },
        target: { kind: "process", id: "1", provider: "local", host: ONPREM_HOST }, before: {}, after: {}, call: "kill -KILL 1", risk: "medium",
        undoable: false, requires: [], refused: { reason: { en: "PID 1 is protected", th: "PID 1 ได้รับการป้องกัน" } }, why: { en: "listed by mistake", th: "ใส่ไว้โดยผิดพลาด" },
      },
    ],
  });
}

export function approvalsOf(plan: Plan): Approval[] {
  return [ApprovalSchema.parse({ planId: plan.id, planHash: plan.hash, by: "wichai", at: "2026-11-20T06:07:30Z", reason: "Four-eyes: P1, preserve evidence first" })];
}

export function stepRunsOf(plan: Plan): StepRun[] {
  const [kill, snap, stop, key] = plan.steps.map((s) => s.id);
  const run = (stepId: string | undefined, status: StepRun["status"], at: string, extra: Partial<StepRun> = {}) =>
    StepRunSchema.parse({ planId: plan.id, stepId, status, at, by: "somchai", dryRun: false, ...extra });
  return [
    run(kill, "planned", "2026-11-20T06:06:00Z", { dryRun: true }),
    run(kill, "executed", "2026-11-20T06:10:00Z"),
    run(kill, "verified", "2026-11-20T06:10:05Z", { observed: { state: "gone", checkedWith: "ps -p 48213" } }),
    run(snap, "verified", "2026-11-20T06:12:00Z", { observed: { snapshots: ["snap-0f1e2d3c4b5a69788"] } }),
    run(stop, "verified", "2026-11-20T06:20:00Z", { observed: { state: "stopped" }, undo: { state: "running" } }),
    run(key, "failed", "2026-11-20T06:21:00Z", { error: "AccessDenied: iam:UpdateAccessKey" }),
  ];
}

export function notesOf(incidentId: string): Note[] {
  return [
    { id: 1, incidentId, at: "2026-11-20T06:30:00Z", author: "somchai", text: "xmrig ran as jenkins from /tmp/.X11-unix; cron entry removed by hand" },
    { id: 2, incidentId, at: "2026-11-20T09:00:00Z", author: "wichai", text: "Key AKIAIOSFODNN7EXAMPLE disabled from the console after the failed API call" },
  ];
}

export function historyOf(incidentId: string): TimelineEntry[] {
  const e = (id: number, at: string, actor: string, kind: TimelineEntry["kind"], data: TimelineEntry["data"]): TimelineEntry => ({ id, incidentId, at, actor, kind, data });
  return [
    e(1, "2026-11-20T05:00:00Z", "minerhunt", "created", { findings: 7, scan: 1 }),
    e(2, "2026-11-20T05:30:00Z", "somchai", "assigned", { from: null, to: "somchai" }),
    e(3, "2026-11-20T06:25:00Z", "somchai", "checklist-ticked", { item: "containment.kill" }),
    e(4, "2026-11-20T06:26:00Z", "somchai", "status-changed", { from: "open", to: "contained" }),
    e(5, "2026-11-20T06:30:00Z", "somchai", "note", { note: 1 }),
    e(6, "2026-11-21T07:00:00Z", "wichai", "closed", { from: "contained", reason: CLOSE_REASON }),
  ];
}

/** The incident as the store has it once the work above is done. */
export function closedIncident(incident: Incident): Incident {
  return {
    ...incident, status: "closed", assignee: "somchai",
    checklist: incident.checklist.map((c) => (c.id === "containment.kill"
      ? { ...c, done: true, answeredBy: "analyst" as const, by: "somchai", at: "2026-11-20T06:25:00Z", answer: "pid 48213 killed, binary kept as evidence" }
      : c)),
  };
}
