/**
 * Reading processes from /proc: pid, state, start time (stat field 22, in clock ticks since boot: with the
 * pid it names one process for the life of the machine, so a reused pid is told apart), the executable
 * (/proc/PID/exe) and the command line. Read only; a process that vanishes mid-read is simply absent.
 */
import { createHash } from "node:crypto";
import { readFileSync, readdirSync, readlinkSync } from "node:fs";
import { join } from "node:path";

export interface ProcInfo {
  pid: number;
  ppid: number;
  /** R, S, D, T (stopped), Z (zombie), X (dead)... */
  state: string;
  /** /proc/PID/stat field 22. */
  startTime: string;
  comm: string;
  /** Target of /proc/PID/exe without the " (deleted)" suffix; "" for kernel threads or when unreadable. */
  exe: string;
  exeDeleted: boolean;
  /** Arguments (NUL-separated in /proc), at most 64 KiB read. */
  argv: string[];
}

/** Parse /proc/PID/stat: "pid (comm) state ppid ..." where comm may hold spaces and ")". */
export function parseStat(text: string): { comm: string; state: string; ppid: number; startTime: string } | undefined {
  const open = text.indexOf("("), close = text.lastIndexOf(")");
  if (open < 0 || close < open) return undefined;
  const rest = text.slice(close + 2).trim().split(" ");
  // rest[0] is field 3 (state), so field N is rest[N - 3].
  const state = rest[0], ppid = rest[1], startTime = rest[19];
  if (!state || !ppid || !startTime) return undefined;
  return { comm: text.slice(open + 1, close), state, ppid: Number(ppid), startTime };
}

export function readProc(procRoot: string, pid: number): ProcInfo | undefined {
  const dir = join(procRoot, String(pid));
  let stat;
  try {
    stat = parseStat(readFileSync(join(dir, "stat"), "utf8"));
  } catch {
    return undefined;
  }
  if (!stat) return undefined;
  let exe = "";
  try { exe = readlinkSync(join(dir, "exe")); } catch { /* kernel thread, or gone */ }
  const exeDeleted = exe.endsWith(" (deleted)");
  if (exeDeleted) exe = exe.slice(0, -" (deleted)".length);
  let argv: string[] = [];
  try {
    const raw = readFileSync(join(dir, "cmdline"));
    argv = raw.subarray(0, 65536).toString("utf8").split("\0").filter((a, i, all) => a !== "" || i < all.length - 1);
  } catch { /* gone */ }
  return { pid, ppid: stat.ppid, state: stat.state, startTime: stat.startTime, comm: stat.comm, exe, exeDeleted, argv };
}

export function listPids(procRoot: string): number[] {
  try {
    return readdirSync(procRoot).filter((n) => /^[0-9]+$/.test(n)).map(Number).sort((a, b) => a - b);
  } catch {
    return [];
  }
}

/** Whether the process is gone (no entry, zombie or dead, or its pid now names another process). */
export function isGone(procRoot: string, pid: number, startTime: string): boolean {
  const p = readProc(procRoot, pid);
  return !p || p.state === "Z" || p.state === "X" || p.startTime !== startTime;
}

/** Forensic notes taken while the process is stopped: its binary's hash (readable even when deleted), cwd, open files. */
export function snapshotProc(procRoot: string, pid: number): Record<string, unknown> {
  const dir = join(procRoot, String(pid));
  const note: Record<string, unknown> = {};
  try { note["exeSha256"] = createHash("sha256").update(readFileSync(join(dir, "exe"))).digest("hex"); } catch { /* unreadable */ }
  try { note["cwd"] = readlinkSync(join(dir, "cwd")); } catch { /* unreadable */ }
  try {
    note["fds"] = readdirSync(join(dir, "fd")).slice(0, 64).map((fd) => {
      try { return readlinkSync(join(dir, "fd", fd)); } catch { return "?"; }
    });
  } catch { /* unreadable */ }
  return note;
}
