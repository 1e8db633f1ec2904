/**
 * One audit event (the records sharing a msg=audit(time:serial) stamp) to the process and network events
 * of docs/events.md:
 * - an exec (EXECVE record, or SYSCALL execve/execveat) → a process event (`["process"]`, type start);
 * - a connect/sendto/sendmsg whose SOCKADDR is an IPv4/IPv6 peer → a network event (`["network"]`) with the
 *   calling process's fields.
 * Other audit events (file watches, logins, daemon records) carry nothing a miner hunt reads here.
 */
import type { Event } from "../../../model/index.js";
import { baseEvent } from "../../metrics/event-base.js";
import { nameFromArgv0 } from "../process-fields.js";
import { execArgs, proctitleText } from "./execve.js";
import { type AuditRecord, auditTimeIso, bare, decodeText, numberField } from "./record.js";
import { decodeSockaddr } from "./sockaddr.js";
import { EXEC_CALLS, OUTBOUND_CALLS, syscallName } from "./syscalls.js";
import type { ProcessTable } from "./process-table.js";

export const AUDITD_ID = "auditd";
export const AUDITD_DATASET = "auditd";
/** auid 4294967295 ((uid_t)-1) means "not set": no login session. */
const UNSET_ID = "4294967295";

export interface AuditGroup {
  node?: string;
  time: string;
  serial: string;
  records: AuditRecord[];
}

export interface GroupIssue {
  line: number;
  message: string;
}

/**
 * The events of one audit event. `processes` is read for the parent's name and then told about this
 * process (so later children can name it).
 */
export function groupEvents(path: string, group: AuditGroup, processes: ProcessTable, issue: (i: GroupIssue) => void): Event[] {
  const events = buildEvents(path, group, issue);
  const syscall = group.records.find((r) => r.type === "SYSCALL");
  const pid = syscall ? numberField(syscall, "pid") : undefined;
  if (syscall && pid !== undefined) {
    const ppid = numberField(syscall, "ppid");
    const parent = ppid !== undefined ? processes.lookup(group.node, ppid) : undefined;
    for (const event of events) {
      if (parent?.name !== undefined) event["process.parent.name"] = parent.name;
      if (parent?.executable !== undefined) event["process.parent.executable"] = parent.executable;
    }
    const name = decodeText(syscall.fields.get("comm"));
    const executable = decodeText(syscall.fields.get("exe"));
    processes.remember(group.node, pid, { ...(name !== undefined ? { name } : {}), ...(executable !== undefined ? { executable } : {}) });
  }
  return events;
}

function buildEvents(path: string, group: AuditGroup, issue: (i: GroupIssue) => void): Event[] {
  const byType = (type: string) => group.records.filter((r) => r.type === type);
  const syscall = byType("SYSCALL")[0];
  const execRecords = byType("EXECVE");
  const call = syscall ? syscall.enriched.get("SYSCALL") ?? syscallName(bare(syscall, "arch"), bare(syscall, "syscall")) : undefined;
  if (execRecords.length > 0 || (call !== undefined && EXEC_CALLS.has(call))) {
    const event = base(path, group, ["process"], call ?? "execve");
    event["event.type"] = ["start"];
    addProcess(event, group, syscall);
    if (execRecords.length > 0) {
      const { args, argc, missing } = execArgs(execRecords);
      const first = execRecords[0]!;
      if (missing !== undefined) issue({ line: first.line, message: `EXECVE of audit(${group.time}:${group.serial}) says argc=${argc ?? "?"} but ${missing} argument(s) are missing (record cut short?); read what is there` });
      if (args.length > 0) {
        event["process.args"] = args;
        event["process.args_count"] = argc ?? args.length;
        event["process.command_line"] = args.join(" ");
        if (event["process.name"] === undefined && args[0]) event["process.name"] = nameFromArgv0(args[0]);
      }
    }
    if (event["process.command_line"] === undefined && typeof event["process.title"] === "string") {
      event["process.command_line"] = event["process.title"];
    }
    return [event];
  }
  if (syscall && call !== undefined && OUTBOUND_CALLS.has(call)) {
    const events: Event[] = [];
    for (const record of byType("SOCKADDR")) {
      const raw = record.fields.get("saddr");
      const address = record.address ?? (raw && !raw.quoted ? decodeSockaddr(raw.value) : undefined);
      if (address === undefined) {
        if (raw) issue({ line: record.line, message: "SOCKADDR saddr is not a hex socket address; record skipped" });
        continue;
      }
      if (address.family !== "inet" && address.family !== "inet6") continue;
      const event = base(path, group, ["network"], call);
      event["event.type"] = ["connection", "start"];
      event["destination.ip"] = address.ip;
      event["destination.port"] = address.port;
      event["network.type"] = address.family === "inet" ? "ipv4" : "ipv6";
      addProcess(event, group, syscall);
      events.push(event);
    }
    return events;
  }
  return [];
}

function base(path: string, group: AuditGroup, category: string[], action: string): Event {
  const lines = group.records.map((r) => r.line);
  const event = baseEvent({ path, line: lines.reduce((a, b) => Math.min(a, b)), format: AUDITD_ID, dataset: AUDITD_DATASET, category, kind: "event" });
  const time = auditTimeIso(group.time);
  if (time !== undefined) event["@timestamp"] = time;
  if (group.node !== undefined) event["host.name"] = group.node;
  event["event.action"] = action;
  event["auditd.sequence"] = Number(group.serial);
  event["auditd.message_type"] = [...new Set(group.records.map((r) => r.type))];
  return event;
}

/** Process and user fields from SYSCALL, CWD and PROCTITLE. */
function addProcess(event: Event, group: AuditGroup, syscall: AuditRecord | undefined): void {
  const title = proctitleText(group.records.find((r) => r.type === "PROCTITLE"));
  if (title !== undefined) event["process.title"] = title;
  const cwd = decodeText(group.records.find((r) => r.type === "CWD")?.fields.get("cwd"));
  if (cwd !== undefined) event["process.working_directory"] = cwd;
  if (!syscall) return;
  const pid = numberField(syscall, "pid");
  if (pid !== undefined) event["process.pid"] = pid;
  const ppid = numberField(syscall, "ppid");
  if (ppid !== undefined) event["process.parent.pid"] = ppid;
  const exe = decodeText(syscall.fields.get("exe"));
  if (exe !== undefined) event["process.executable"] = exe;
  const comm = decodeText(syscall.fields.get("comm"));
  if (comm !== undefined) event["process.name"] = comm;
  else if (exe !== undefined) event["process.name"] = exe.slice(exe.lastIndexOf("/") + 1);
  const success = bare(syscall, "success");
  if (success === "yes") event["event.outcome"] = "success";
  else if (success === "no") event["event.outcome"] = "failure";
  const exit = bare(syscall, "exit");
  if (exit !== undefined) event["auditd.data.exit"] = exit;
  const syscallField = bare(syscall, "syscall");
  if (syscallField !== undefined) event["auditd.data.syscall"] = syscall.enriched.get("SYSCALL") ?? syscallName(bare(syscall, "arch"), syscallField) ?? syscallField;
  const key = decodeText(syscall.fields.get("key"));
  if (key !== undefined) event["tags"] = [key];
  const tty = bare(syscall, "tty");
  if (tty !== undefined && tty !== "(none)") event["process.tty.name"] = tty;
  setId(event, "user.id", "user.name", syscall, "uid", "UID");
  setId(event, "user.effective.id", "user.effective.name", syscall, "euid", "EUID");
  setId(event, "user.audit.id", "user.audit.name", syscall, "auid", "AUID");
}

function setId(event: Event, idField: string, nameField: string, record: AuditRecord, key: string, enrichedKey: string): void {
  const id = bare(record, key);
  if (id === undefined || id === UNSET_ID) return;
  event[idField] = id;
  const name = record.enriched.get(enrichedKey);
  if (name !== undefined && name !== "unset") event[nameField] = name;
}
