/**
 * Process listings from procps `ps`: `ps auxww` (USER PID %CPU %MEM VSZ RSS TTY STAT START TIME COMMAND),
 * `ps -ef` (UID PID PPID C STIME TTY TIME CMD) and any `ps -eo ...` column choice. Columns are mapped by
 * header name; every column is one word except STARTED (lstart, five words) and the last column, which
 * takes the rest of the line. A header repeated later (listings appended to one file) starts over.
 *
 * COMMAND is ambiguous in procps: `comm` and `args` both print it. The last column named COMMAND is
 * the command line (args), an earlier one is the short name (comm).
 *
 * Kernel threads: ps prints a process with no command line as "[name]". Such a row is a kernel thread
 * (`minerhunt.process.kernel_thread: true`, executable "") only if nothing contradicts it: VSZ and RSS are
 * 0 when shown, and the parent is kthreadd (PPID 2) or none (0) when shown. A miner that retitles itself
 * "[kworker/0:1]" has memory and an ordinary parent, and is reported with kernel_thread false.
 *
 * Known gap: a `comm` column that is not last and whose value contains a space ("Web Content") shifts
 * the columns after it; put comm last or use args.
 */
import type { Event } from "../../model/index.js";
import type { Input, ParseContext, Sample, Source } from "../types.js";
import { baseEvent } from "../metrics/event-base.js";
import { parseNumber, quoteForIssue } from "../metrics/numbers.js";
import { splitFields, words } from "./fields.js";
import { addCommandLine, elapsedSeconds, isBracketedName } from "./process-fields.js";
import { collectedHostNames } from "./collected-host.js";

const ID = "ps";

type Kind = "pid" | "ppid" | "user" | "uid" | "cpu" | "mem" | "vsz" | "rss" | "etime" | "lstart" | "comm" | "args" | "command" | "other";

/** Header names printed by procps (and the -o specifiers, for headers written by hand). */
const HEADER_KINDS: Record<string, Kind> = {
  PID: "pid", TGID: "pid", PPID: "ppid",
  USER: "user", EUSER: "user", RUSER: "user", UNAME: "user", UID: "uid", EUID: "uid", RUID: "uid",
  "%CPU": "cpu", PCPU: "cpu", C: "cpu", "%MEM": "mem", PMEM: "mem",
  VSZ: "vsz", VSIZE: "vsz", RSS: "rss", RSZ: "rss",
  ELAPSED: "etime", ETIME: "etime", STARTED: "lstart", LSTART: "lstart",
  COMM: "comm", UCOMM: "comm", ARGS: "args", CMD: "args", COMMAND: "command",
  TTY: "other", TT: "other", STAT: "other", S: "other", START: "other", STIME: "other", TIME: "other", NI: "other",
  PRI: "other", PSR: "other", F: "other", SZ: "other", WCHAN: "other", ADDR: "other", NLWP: "other", LWP: "other",
  PGID: "other", SID: "other", SESS: "other", GID: "other", GROUP: "other", LABEL: "other", CLS: "other", RTPRIO: "other",
  ETIMES: "other", CPUID: "other", TIMES: "other",
};

interface Column {
  kind: Exclude<Kind, "command">;
  header: string;
  /** How many words the column takes (lstart prints "Thu Nov 20 03:14:07 2026"). */
  width: number;
}

/** Map a header line to columns, or undefined when it is not a ps header. */
export function psHeader(line: string): Column[] | undefined {
  // Every word must be a column name: the first is looked up before the line is split (the first line of
  // every sniffed file is asked, and may be 64 KiB of JSON).
  const first = words(line, 1)[0];
  if (first === undefined || HEADER_KINDS[first.toUpperCase()] === undefined) return undefined;
  const names = words(line, 64);
  if (names.length < 2) return undefined;
  const kinds: Kind[] = [];
  for (const name of names) {
    const kind = HEADER_KINDS[name.toUpperCase()];
    if (kind === undefined) return undefined;
    kinds.push(kind);
  }
  if (!kinds.includes("pid")) return undefined;
  const lastCommand = kinds.lastIndexOf("command");
  const columns = kinds.map((kind, i): Column => {
    let resolved: Column["kind"];
    if (kind === "command") resolved = i === lastCommand && i === kinds.length - 1 ? "args" : "comm";
    else resolved = kind;
    return { kind: resolved, header: names[i] ?? "", width: resolved === "lstart" ? 5 : 1 };
  });
  if (!columns.some((c) => c.kind === "args" || c.kind === "comm")) return undefined;
  return columns;
}

export const psSource: Source = {
  id: ID,
  title: "ps output: ps auxww, ps -ef, ps -eo <columns> (with header)",
  emits: [{ dataset: "ps", categories: ["process"], sigma: ["process_creation"] }],

  sniff(sample: Sample): number {
    const first = sample.lines[0];
    if (first === undefined || !psHeader(first)) return 0;
    const second = sample.lines[1];
    if (second === undefined) return 0.6;
    return /^\s*\S+\s+\d/.test(second) || /^\s*\d/.test(second) ? 0.9 : 0.5;
  },

  async *parse(input: Input, ctx: ParseContext): AsyncIterable<Event> {
    let columns: Column[] | undefined;
    // ps prints no host name; a snapshot saved inside a collected tree takes the tree's etc/hostname.
    const hostName = await collectedHostNames.forFile(input.path);
    for await (const { text, line } of input.lines()) {
      if (text.trim() === "") continue;
      const header = psHeader(text);
      if (header) {
        columns = header;
        continue;
      }
      if (!columns) {
        ctx.issue(line, "expected a ps header first (USER PID %CPU ... COMMAND, UID PID PPID ... CMD, or PID PPID USER ... ARGS); line skipped");
        continue;
      }
      const event = rowToEvent(input.path, line, text, columns, ctx);
      if (event && hostName !== undefined && event["host.name"] === undefined) event["host.name"] = hostName;
      if (event) yield event;
    }
  },
};

function rowToEvent(path: string, line: number, text: string, columns: Column[], ctx: ParseContext): Event | undefined {
  const leading = columns.slice(0, -1);
  const wordsBefore = leading.reduce((n, c) => n + c.width, 0);
  const { fields, rest } = splitFields(text, wordsBefore);
  if (fields.length < wordsBefore) {
    ctx.issue(line, `expected ${columns.length} columns as in the header (${columns.map((c) => c.header).join(" ")}), found fewer`);
    return undefined;
  }
  const values = new Map<Column["kind"], string>();
  let at = 0;
  for (const column of leading) {
    values.set(column.kind, fields.slice(at, at + column.width).join(" "));
    at += column.width;
  }
  const last = columns[columns.length - 1];
  if (last) values.set(last.kind, rest);

  const pid = values.get("pid");
  if (pid === undefined || !/^\d{1,10}$/.test(pid)) {
    ctx.issue(line, `PID ${quoteForIssue(pid ?? "")} is not a number; expected a ps row under the header`);
    return undefined;
  }
  const event = baseEvent({ path, line, format: ID, dataset: "ps", category: ["process"], kind: "state" });
  event["process.pid"] = Number(pid);
  const number = (kind: Column["kind"], header: string): number | undefined => {
    const raw = values.get(kind);
    if (raw === undefined || raw === "-") return undefined;
    const n = parseNumber(raw);
    if (n === undefined) ctx.issue(line, `line ${line}, column ${quoteForIssue(header)}: expected a number, got ${quoteForIssue(raw)}`);
    return n;
  };
  const headerOf = (kind: Column["kind"]): string => columns.find((c) => c.kind === kind)?.header ?? kind;

  const ppid = number("ppid", headerOf("ppid"));
  if (ppid !== undefined) event["process.parent.pid"] = ppid;
  const user = values.get("user");
  const uid = values.get("uid");
  if (user !== undefined) event["user.name"] = user;
  // ps -ef prints user names under "UID"; numbers there are ids.
  if (uid !== undefined) event[/^\d+$/.test(uid) ? "user.id" : "user.name"] = uid;
  const cpu = number("cpu", headerOf("cpu"));
  if (cpu !== undefined) event["minerhunt.process.cpu_pct"] = cpu;
  const mem = number("mem", headerOf("mem"));
  if (mem !== undefined) event["minerhunt.process.mem_pct"] = mem;
  const vsz = number("vsz", headerOf("vsz"));
  const rss = number("rss", headerOf("rss"));
  const elapsed = values.get("etime");
  const uptime = elapsed !== undefined ? elapsedSeconds(elapsed) : undefined;
  if (uptime !== undefined) event["process.uptime"] = uptime;

  const comm = values.get("comm");
  const args = values.get("args");
  if (args !== undefined && args !== "") {
    if (isBracketedName(args)) {
      const kernel = (vsz === undefined || vsz === 0) && (rss === undefined || rss === 0)
        && (ppid === undefined || ppid === 0 || ppid === 2);
      event["process.command_line"] = args;
      event["process.name"] = args.slice(1, -1); // comm is cut to 15 characters; the brackets hold the whole name
      event["process.args"] = kernel ? [] : [args];
      if (kernel) event["process.executable"] = "";
      event["minerhunt.process.kernel_thread"] = kernel;
    } else {
      addCommandLine(event, args, comm);
      event["minerhunt.process.kernel_thread"] = false;
    }
  } else if (comm !== undefined && comm !== "") {
    event["process.name"] = comm;
  }
  return event;
}
