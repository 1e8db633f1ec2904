/**
 * Auditbeat's auditd module writes its own categories: 6.x puts every rule hit under
 * `event.category: "audit-rule"` and says what happened only in `event.action` ("executed",
 * "connected-to"); it also leaves `process.command_line` empty (argv is in `process.args`). The raw audit.log
 * source (auditd/) turns the same kernel records into `["process"]` and `["network"]` events with a command
 * line, so an Auditbeat record is given the same categories and command line here: one execve reads the
 * same whichever way it was shipped.
 */
import type { Event } from "../../model/index.js";

/** Auditbeat's event.action for an execve, and for a connect() to a remote address. */
const EXECUTED = "executed";
const CONNECTED = "connected-to";

export function isAuditbeatAuditd(event: Event): boolean {
  return event["event.module"] === "auditd";
}

/** Categories the raw auditd source would give the same record, added to the record's own. */
export function auditbeatCategories(event: Event, categories: readonly string[]): string[] {
  const out = [...categories];
  const action = event["event.action"];
  if (action === EXECUTED && !out.includes("process")) out.push("process");
  if (action === CONNECTED && event["destination.ip"] !== undefined && !out.includes("network")) out.push("network");
  return out;
}

/** process.command_line from process.args, as the raw source builds it. */
export function addAuditbeatCommandLine(event: Event): void {
  const args = event["process.args"];
  if (event["process.command_line"] !== undefined || !Array.isArray(args) || args.length === 0) return;
  if (args.every((a) => typeof a === "string")) event["process.command_line"] = args.join(" ");
}
