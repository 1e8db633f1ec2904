/**
 * Raw Linux audit logs (/var/log/audit/audit.log, log_format RAW or ENRICHED, with or without node=).
 *
 * The kernel writes one event as several records sharing a stamp (SYSCALL, EXECVE, CWD, PATH, PROCTITLE,
 * SOCKADDR ...) and closes it with EOE; records of different events may interleave. Records are gathered
 * by node and serial in a bounded pending table and turned into events (events.ts) when EOE arrives. An
 * event whose EOE never comes is read as it stands when the table is full or the input ends, and reported
 * when the file does write EOE records (older kernels and some forwarders never do; then joining by serial
 * is all there is, and no per-event issue is raised).
 *
 * An exec event names its parent (process.parent.name / executable) when the parent's own SYSCALL records
 * came earlier in the log (process-table.ts).
 *
 * Only record types that feed an event are kept. User-space records have their own serials and stand
 * alone: sudo's USER_CMD (on by default, so often the only command lines an audit trail holds) becomes a
 * process event at once (user-cmd.ts); the others (USER_LOGIN, CRED_*, SERVICE_*, ...) are passed over. A line that is not an audit record, or is cut short (no closing
 * quote, a stamp cut in the middle), is reported with its line number and skipped.
 */
import type { Event } from "../../../model/index.js";
import type { DatasetDeclaration, Input, ParseContext, Sample, Source } from "../../types.js";
import { AUDITD_DATASET, AUDITD_ID, type AuditGroup, groupEvents } from "./events.js";
import { type AuditRecord, parseAuditLine } from "./record.js";
import { collectedHostNames } from "../collected-host.js";
import { lineShareScore, textLines } from "../../sniff.js";
import { ProcessTable } from "./process-table.js";
import { userCmdEvent } from "./user-cmd.js";

/** Events waiting for their EOE. auditd interleaves only a handful at a time; the rest is a lost EOE. */
export const MAX_PENDING_EVENTS = 4096;
/** Records one event may gather (a long argv spans a few EXECVE records; thousands is a broken log). */
const MAX_RECORDS_PER_EVENT = 512;
/** A log that lost its EOE records would repeat the same issue per event: the first few are shown, then a count. */
const MAX_EOE_ISSUES = 20;
/** The record types an event is built from; others are not held in the table. */
const KEPT_TYPES = new Set(["SYSCALL", "EXECVE", "CWD", "PROCTITLE", "SOCKADDR"]);

const wantFields = (type: string): boolean => KEPT_TYPES.has(type) || type === "USER_CMD";

const LINE_SHAPE = /^(?:node=\S+ )?type=[A-Z_0-9[\]]+ msg=audit\(\d+\.\d+:\d+\)/;

/** One dataset, two kinds of event (execve → process, connect → network): one declaration for both. */
export const AUDITD_EMITS: readonly DatasetDeclaration[] = [
  { dataset: AUDITD_DATASET, categories: ["process", "network"], sigma: ["process_creation", "network_connection", "linux/auditd"] },
];

export const auditdSource: Source = {
  id: AUDITD_ID,
  title: "Linux audit log (audit.log: RAW or ENRICHED records, joined by event serial)",
  emits: AUDITD_EMITS,

  sniff(sample: Sample): number {
    // Comment lines (a header someone added, however long) and blank lines are passed over.
    const lines: string[] = [];
    for (const l of textLines(sample.text, 400)) {
      if (l.trim() === "" || l.startsWith("#")) continue;
      lines.push(l);
      if (lines.length === 5) break;
    }
    return lineShareScore(lines, (l) => LINE_SHAPE.test(l), 0.95, 0.8);
  },

  parse(input: Input, ctx: ParseContext): AsyncIterable<Event> {
    return parseAudit(input, ctx);
  },
};

async function* parseAudit(input: Input, ctx: ParseContext): AsyncGenerator<Event> {
  const pending = new Map<string, AuditGroup & { overflow: boolean }>();
  let eoeSeen = false;
  let missingEoe = 0;
  const processes = new ProcessTable();
  // Records name their machine only with node= (name_format in auditd.conf); an audit.log saved inside a
  // collected tree takes the tree's etc/hostname otherwise.
  const treeHost = await collectedHostNames.forFile(input.path);
  const flush = (key: string, reason: "eoe" | "full" | "end"): Event[] => {
    const group = pending.get(key);
    if (!group) return [];
    pending.delete(key);
    const first = group.records[0];
    if (reason !== "eoe" && eoeSeen && first) {
      const why = reason === "full" ? `${MAX_PENDING_EVENTS} events were waiting` : "the input ended";
      if (++missingEoe <= MAX_EOE_ISSUES) ctx.issue(first.line, `audit(${group.time}:${group.serial}) has no EOE record (${why}); read as it stands`);
    }
    if (group.overflow && first) ctx.issue(first.line, `audit(${group.time}:${group.serial}) has over ${MAX_RECORDS_PER_EVENT} records; the rest were skipped`);
    const events = groupEvents(input.path, group, processes, (i) => ctx.issue(i.line, i.message));
    if (treeHost !== undefined) for (const e of events) e["host.name"] ??= treeHost;
    return events;
  };

  for await (const { text, line } of input.lines()) {
    if (text === "" || text.startsWith("#")) continue;
    const parsed = parseAuditLine(text, line, wantFields);
    if ("error" in parsed) {
      ctx.issue(line, `${parsed.error}; line skipped`);
      continue;
    }
    const record: AuditRecord = parsed.record;
    const key = `${record.node ?? ""}\u0000${record.serial}`;
    if (record.type === "EOE") {
      eoeSeen = true;
      yield* flush(key, "eoe");
      continue;
    }
    if (record.type === "USER_CMD") {
      // A user-space record stands alone (no EOE): its event is built at once.
      const built = userCmdEvent(input.path, record);
      if (built && "error" in built) ctx.issue(line, `${built.error}; record skipped`);
      else if (built) {
        if (treeHost !== undefined) built["host.name"] ??= treeHost;
        yield built;
      }
      continue;
    }
    if (!KEPT_TYPES.has(record.type)) continue;
    let group = pending.get(key);
    if (!group) {
      if (pending.size >= MAX_PENDING_EVENTS) {
        const oldest = pending.keys().next().value;
        if (oldest !== undefined) yield* flush(oldest, "full");
      }
      group = { time: record.time, serial: record.serial, records: [], overflow: false };
      if (record.node !== undefined) group.node = record.node;
      pending.set(key, group);
    }
    if (group.records.length < MAX_RECORDS_PER_EVENT) group.records.push(record);
    else group.overflow = true;
  }
  for (const key of [...pending.keys()]) yield* flush(key, "end");
  if (missingEoe > MAX_EOE_ISSUES) ctx.issue(undefined, `${missingEoe - MAX_EOE_ISSUES} more event(s) had no EOE record; each was read as it stood`);
}
