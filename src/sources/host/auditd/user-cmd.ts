/**
 * USER_CMD: the record sudo writes (through PAM's audit hook) for every command it runs, on by default on
 * RHEL, Debian and Ubuntu even where no execve rule is set. The command is in the user-space message:
 *
 *   type=USER_CMD msg=audit(1481077231.363:475): pid=1382 uid=1000 auid=1000 ses=3 subj=...
 *     msg='cwd="/home/andrew_kroh" cmd=2E2F6D6574... exe="/usr/bin/sudo" terminal=pts/0 res=success'
 *
 * `cmd` is hex when it holds a space (as the kernel encodes untrusted strings). It becomes a process event:
 * the command line run through sudo, with sudo as its parent.
 */
import type { Event } from "../../../model/index.js";
import { baseEvent } from "../../metrics/event-base.js";
import { addCommandLine } from "../process-fields.js";
import { type AuditRecord, type FieldValue, auditTimeIso, bare, decodeText, numberField, splitFieldList } from "./record.js";
import { AUDITD_DATASET, AUDITD_ID } from "./events.js";

const UNSET_ID = "4294967295";

export function userCmdEvent(path: string, record: AuditRecord): Event | { error: string } | undefined {
  const msg = record.fields.get("msg");
  if (!msg?.quoted) return { error: "USER_CMD without its msg='...' part" };
  const inner = splitFieldList(msg.value);
  if ("error" in inner) return { error: `USER_CMD msg: ${inner.error}` };
  return userCmdEventFromMessage(path, record, inner.fields);
}

/**
 * The event of a USER_CMD whose msg='...' part is already split into its fields (Laurel writes it as a
 * JSON object); undefined when it names no command.
 */
export function userCmdEventFromMessage(path: string, record: AuditRecord, inner: ReadonlyMap<string, FieldValue>): Event | undefined {
  const command = decodeText(inner.get("cmd"))?.trim();
  if (!command) return undefined;
  const event = baseEvent({ path, line: record.line, format: AUDITD_ID, dataset: AUDITD_DATASET, category: ["process"], kind: "event" });
  const time = auditTimeIso(record.time);
  if (time !== undefined) event["@timestamp"] = time;
  if (record.node !== undefined) event["host.name"] = record.node;
  event["event.action"] = "sudo";
  event["event.type"] = ["start"];
  event["auditd.sequence"] = Number(record.serial);
  event["auditd.message_type"] = ["USER_CMD"];
  addCommandLine(event, command);
  const cwd = decodeText(inner.get("cwd"));
  if (cwd !== undefined) event["process.working_directory"] = cwd;
  // The pid is sudo's own: the command runs as its child.
  const pid = numberField(record, "pid");
  if (pid !== undefined) event["process.parent.pid"] = pid;
  const exe = decodeText(inner.get("exe"));
  event["process.parent.executable"] = exe ?? "/usr/bin/sudo";
  event["process.parent.name"] = "sudo";
  const res = inner.get("res")?.value;
  if (res === "success") event["event.outcome"] = "success";
  else if (res === "failed") event["event.outcome"] = "failure";
  const terminal = inner.get("terminal")?.value;
  if (terminal !== undefined && terminal !== "?") event["process.tty.name"] = terminal;
  const uid = bare(record, "uid");
  if (uid !== undefined && uid !== UNSET_ID) event["user.id"] = uid;
  const auid = bare(record, "auid");
  if (auid !== undefined && auid !== UNSET_ID) event["user.audit.id"] = auid;
  const auidName = record.enriched.get("AUID");
  if (auidName !== undefined && auid !== UNSET_ID) event["user.audit.name"] = auidName;
  return event;
}
