/**
 * kill-process: stop the miners running on this host. Each step names one process by pid, start time
 * (/proc/PID/stat field 22) and executable; just before acting all three are read again, so a pid the
 * kernel has since given to another process is refused, never killed. The process is stopped (SIGSTOP),
 * its binary hashed and its open files noted, checked once more, then killed (SIGKILL); verify reads /proc
 * until it is gone. Not undoable. PID 1, minerhunt and its parent, and protected pids are refused.
 */
import { z } from "zod";
import type { Bilingual } from "../../../model/index.js";
import type { ActionDefinition, PlanStep, PlannedStep, ResponseContext } from "../../types.js";
import { cut, hostClient, refusedNoClient, str } from "./common.js";
import { minerHints, minerReasons, scanMiners, type LiveMiner } from "./miners.js";
import { hostProtected, notIncidentHost, pidProtected } from "./protect.js";
import { isGone, readProc, snapshotProc, type ProcInfo } from "./proc.js";
import type { HostClient } from "./types.js";

const Params = z.object({
  /** Pids a person names on top of the evidence and the live scan. */
  pids: z.array(z.number().int().positive()).optional(),
});
type Params = z.infer<typeof Params>;

const WHY: Bilingual = { en: "PB-31 2.1: kill the mining process", th: "PB-31 2.1: ยุติโปรเซสที่ขุดเหรียญ" };

function identity(step: PlanStep): { pid: number; startTime: string; exe: string } {
  return { pid: Number(step.target.id), startTime: str(step.before, "startTime"), exe: str(step.before, "exe") };
}

/** Why the process at this pid is not the one planned, or undefined when it is (or is gone). */
function mismatch(client: HostClient, step: PlanStep): Bilingual | undefined {
  const want = identity(step);
  const now = readProc(client.procRoot, want.pid);
  if (!now) return undefined;
  if (now.startTime !== want.startTime) {
    return { en: `pid ${want.pid} now belongs to another process (start time ${now.startTime}, planned ${want.startTime})`, th: `pid ${want.pid} ถูกใช้โดยโปรเซสอื่นแล้ว (เวลาเริ่ม ${now.startTime} แผนระบุ ${want.startTime})` };
  }
  if (now.exe !== want.exe) {
    return { en: `pid ${want.pid} now runs ${now.exe}, planned ${want.exe}`, th: `pid ${want.pid} ตอนนี้รัน ${now.exe} แต่แผนระบุ ${want.exe}` };
  }
  return undefined;
}

function stepFor(client: HostClient, ctx: ResponseContext, p: ProcInfo, reasons: string[]): PlannedStep {
  const exeShown = p.exe || p.argv[0] || p.comm;
  const refused = pidProtected(p.pid, ctx) ?? hostProtected(client, ctx);
  const step: PlannedStep = {
    key: `${p.pid}@${p.startTime}`,
    params: {},
    target: { kind: "process", id: String(p.pid), provider: "local", host: client.hostName, label: cut(`${p.pid} ${exeShown}`, 200) },
    before: { state: "running", pid: p.pid, startTime: p.startTime, exe: p.exe, comm: p.comm, cmdline: cut(p.argv.join(" ")), reasons },
    after: { state: "gone" },
    call: `kill -STOP ${p.pid}; kill -KILL ${p.pid} (only while /proc/${p.pid} has start time ${p.startTime} and exe ${cut(p.exe, 200)})`,
    risk: "high",
    undoable: false,
    why: { en: `${WHY.en}: ${reasons.join("; ")}`, th: `${WHY.th}: ${reasons.join("; ")}` },
  };
  if (refused) step.refused = { reason: refused };
  return step;
}

export const killProcess: ActionDefinition<Params> = {
  name: "kill-process",
  title: { en: "Kill the miner process (checked pid, start time, executable)", th: "ยุติโปรเซสขุดเหรียญ (ตรวจ pid เวลาเริ่ม และไฟล์โปรแกรม)" },
  provider: "local",
  params: Params,
  permissions: ["CAP_KILL", "CAP_SYS_PTRACE (read /proc/PID/exe of other users' processes)"],
  risk: "high",
  undoable: false,

  async plan(input, ctx) {
    const client = ctx.clients.host;
    if (!client) return [refusedNoClient("kill-process", WHY)];
    const hints = minerHints(input.findings, client.intel);
    const found = new Map<number, LiveMiner>();
    for (const m of scanMiners(client, hints)) found.set(m.proc.pid, m);
    // Pids a person named, or the evidence names, are planned even when the scan would not pick them
    // (so a protected one shows up refused instead of silently missing).
    for (const pid of [...(input.params.pids ?? []), ...hints.pids]) {
      if (found.has(pid)) continue;
      const p = readProc(client.procRoot, pid);
      if (!p || p.state === "Z") continue;
      const reasons = minerReasons(client, p, hints);
      found.set(pid, { proc: p, reasons: reasons.length ? reasons : [`pid ${pid} named for this plan`] });
    }
    const elsewhere = notIncidentHost(client, input.incident);
    return [...found.values()].sort((a, b) => a.proc.pid - b.proc.pid).map((m) => {
      const step = stepFor(client, ctx, m.proc, m.reasons);
      return elsewhere && !step.refused ? { ...step, refused: { reason: elsewhere } } : step;
    });
  },

  async precondition(step, ctx) {
    const client = hostClient(ctx, "kill-process");
    return pidProtected(Number(step.target.id), ctx) ?? hostProtected(client, ctx) ?? mismatch(client, step);
  },

  async execute(step, ctx) {
    const client = hostClient(ctx, "kill-process");
    const { pid, startTime } = identity(step);
    const protectedReason = pidProtected(pid, ctx);
    if (protectedReason) throw new Error(protectedReason.en);
    if (isGone(client.procRoot, pid, startTime)) {
      const wrong = mismatch(client, step);
      if (wrong) throw new Error(`${wrong.en}: not killed`);
      return { detail: { alreadyGone: true } };
    }
    const before = mismatch(client, step);
    if (before) throw new Error(`${before.en}: not killed`);
    client.signal(pid, "SIGSTOP");
    // Stopped, it cannot exec or fork: check once more that it is still the planned process, then note what it had open.
    const stopped = mismatch(client, step);
    if (stopped) {
      try { client.signal(pid, "SIGCONT"); } catch { /* gone meanwhile */ }
      throw new Error(`${stopped.en}: not killed`);
    }
    const snapshot = snapshotProc(client.procRoot, pid);
    client.signal(pid, "SIGKILL");
    return { detail: { stoppedAt: ctx.now().toISOString(), ...snapshot } };
  },

  async verify(step, ctx) {
    const client = hostClient(ctx, "kill-process");
    const { pid, startTime } = identity(step);
    // SIGKILL is delivered at once, but the entry lingers until the parent reaps it: wait a little.
    for (let i = 0; i < 50 && !isGone(client.procRoot, pid, startTime); i++) await new Promise((r) => setTimeout(r, 20));
    const p = readProc(client.procRoot, pid);
    if (isGone(client.procRoot, pid, startTime)) return { ok: true, observed: { state: p && p.startTime === startTime ? `zombie (${p.state})` : "gone" } };
    return { ok: false, observed: { state: p?.state ?? "unknown", pid }, reason: `pid ${pid} (start time ${startTime}) is still running` };
  },
};
