/**
 * Process fields derived from a command line as process listings show it (ps args, osquery cmdline).
 * These listings lose the original quoting, so args are whitespace-separated words.
 */
import type { Event } from "../../model/index.js";
import { words } from "./fields.js";

/** More arguments than this are not kept one by one (the full command line still is). */
export const MAX_ARGS = 256;

/** "[kworker/0:1]", "[irq/9-acpi]": what ps prints for a process with no command line (a kernel thread). */
export function isBracketedName(command: string): boolean {
  return command.length > 2 && command.startsWith("[") && command.endsWith("]")
    && command.indexOf("[", 1) === -1 && command.indexOf("]") === command.length - 1;
}

/**
 * The process name argv[0] suggests: the last segment when it is a path, without the "-" of a login
 * shell ("-bash") or the ":" daemons append to retitled names ("sshd:"). A bare word is kept whole, so
 * "kworker/0:1" stays itself.
 */
export function nameFromArgv0(argv0: string): string {
  let base = executableFromArgv0(argv0) !== undefined ? argv0.slice(argv0.lastIndexOf("/") + 1) : argv0;
  if (base.startsWith("-") && base.length > 1) base = base.slice(1);
  return base.endsWith(":") && base.length > 1 ? base.slice(0, -1) : base;
}

/**
 * argv[0] is taken as the executable only when it is a path ("/usr/bin/x", "./x", "../x"); a bare
 * name ("nginx:") or a retitled "[kworker/0:1]" says nothing reliable about the file that runs.
 */
export function executableFromArgv0(argv0: string): string | undefined {
  return argv0.startsWith("/") || argv0.startsWith("./") || argv0.startsWith("../") ? argv0 : undefined;
}

/**
 * Fill process.command_line, process.args, process.name and (when known) process.executable.
 * `knownName` (ps comm, osquery name) wins over the name read from argv[0], which a process can set.
 */
export function addCommandLine(event: Event, command: string, knownName?: string): void {
  event["process.command_line"] = command;
  const args = words(command, MAX_ARGS);
  event["process.args"] = args;
  const argv0 = args[0];
  const name = knownName ?? (argv0 !== undefined ? nameFromArgv0(argv0) : undefined);
  if (name) event["process.name"] = name;
  const executable = argv0 !== undefined ? executableFromArgv0(argv0) : undefined;
  if (executable !== undefined) event["process.executable"] = executable;
}

/** ps ELAPSED / etime "[[dd-]hh:]mm:ss" in seconds, or undefined. */
export function elapsedSeconds(text: string): number | undefined {
  const m = /^(?:(?:(\d{1,5})-)?(\d{1,2}):)?(\d{1,2}):(\d{2})$/.exec(text);
  if (!m) return undefined;
  return Number(m[1] ?? 0) * 86400 + Number(m[2] ?? 0) * 3600 + Number(m[3]) * 60 + Number(m[4]);
}
