/**
 * `top` output: batch mode (`top -b`, `-n N` frames one after another) and interactive screens pasted into
 * tickets. A frame is the summary area (`top - 23:06:21 up 2 min, ...`, Tasks, %Cpu(s), Mem, Swap) then the
 * task table. Each row becomes a process snapshot event (dataset `top`, like ps): pid, user, %CPU
 * (`minerhunt.process.cpu_pct`, may exceed 100 with Irix mode on many cores), %MEM, and COMMAND: the
 * program name by default, the command line with `top -c` (told apart by spaces or a path).
 *
 * top prints a clock but no date, so events carry no @timestamp; `minerhunt.top.clock` and
 * `minerhunt.top.frame` keep which screen a row is from. top prints no host name either: a shell prompt
 * just before the screen (`root@web01:~# top -b -n1`) or the collected tree's etc/hostname names the host.
 * A row with fewer cells than the header (a screen cut mid-line) is reported with its line and skipped.
 */
import type { Event } from "../../../model/index.js";
import type { DatasetDeclaration, Input, ParseContext, Sample, Source } from "../../types.js";
import { baseEvent } from "../../metrics/event-base.js";
import { parseNumber, quoteForIssue } from "../../metrics/numbers.js";
import { collectedHostNames } from "../collected-host.js";
import { addCommandLine, isBracketedName } from "../process-fields.js";
import { type ColumnKind, type TopHeader, splitRow, topHeader } from "./columns.js";

export const TOP_ID = "top";

const SUMMARY = /^top - (\d{1,2}:\d{2}:\d{2}) (?:up |\S)/;
/** `user@host:~# top -b -n 1` or `[root@web01 ~]# top`: the host a pasted screen came from. */
const PROMPT = /^\[?[A-Za-z0-9_.-]{1,32}@([A-Za-z0-9][A-Za-z0-9.-]{0,252})[: ][^#$]{0,200}[#$] {0,4}top\b/;

export const TOP_EMITS: readonly DatasetDeclaration[] = [
  { dataset: "top", categories: ["process"], sigma: ["process_creation"] },
];

export const topSource: Source = {
  id: TOP_ID,
  title: "top output (top -b batch frames, interactive screens pasted into a ticket)",
  emits: TOP_EMITS,

  sniff(sample: Sample): number {
    const summary = sample.lines.findIndex((l) => SUMMARY.test(l));
    let columns: TopHeader | undefined;
    const header = sample.lines.findIndex((l) => (columns = topHeader(l)) !== undefined);
    if (summary !== -1 && summary < 3 && (header === -1 || header > summary)) return 0.95;
    if (!columns) return 0;
    // A header alone could be prose quoting it (a README beside the captures): the line under it must be a
    // row, with a number for PID. A header on the sample's last line is all there is to go by.
    const row = sample.lines.slice(header + 1).find((l) => l.trim() !== "");
    if (row === undefined) return 0.6;
    const pid = splitRow(row, columns)?.get("pid");
    return pid !== undefined && /^\d+$/.test(pid) ? 0.85 : 0;
  },

  parse(input: Input, ctx: ParseContext): AsyncIterable<Event> {
    return parseTop(input, ctx);
  },
};

async function* parseTop(input: Input, ctx: ParseContext): AsyncGenerator<Event> {
  const treeHost = await collectedHostNames.forFile(input.path);
  let header: TopHeader | undefined;
  let host: string | undefined;
  let clock: string | undefined;
  let frame = 0;
  for await (const { text, line } of input.lines()) {
    const trimmed = text.trim();
    if (trimmed === "") continue;
    const prompt = PROMPT.exec(trimmed);
    if (prompt) {
      host = prompt[1];
      continue;
    }
    const summary = SUMMARY.exec(trimmed);
    if (summary) {
      clock = summary[1];
      frame++;
      header = undefined;
      continue;
    }
    const found = topHeader(text);
    if (found) {
      header = found;
      if (clock === undefined) frame++; // a pasted table without its summary area is still a screen
      continue;
    }
    // Summary area (Tasks, %Cpu, Mem, Swap) and anything between frames.
    if (!header) continue;
    const cells = splitRow(text, header);
    const pid = cells?.get("pid");
    if (!cells || pid === undefined || !/^\d{1,10}$/.test(pid)) {
      ctx.issue(line, `expected a top row under the header (${header.names.length} columns, ${header.names.slice(0, 4).join(" ")} ... COMMAND); got ${quoteForIssue(trimmed)} (screen cut?); line skipped`);
      continue;
    }
    const event = baseEvent({ path: input.path, line, format: TOP_ID, dataset: "top", category: ["process"], kind: "state" });
    event["process.pid"] = Number(pid);
    fillRow(event, cells, line, ctx);
    const hostName = host ?? treeHost;
    if (hostName !== undefined) event["host.name"] = hostName;
    if (clock !== undefined) event["minerhunt.top.clock"] = clock;
    event["minerhunt.top.frame"] = frame;
    yield event;
  }
}

function fillRow(event: Event, cells: Map<ColumnKind, string>, line: number, ctx: ParseContext): void {
  const number = (kind: ColumnKind, name: string): number | undefined => {
    const raw = cells.get(kind);
    if (raw === undefined || raw === "-") return undefined;
    // VIRT/RES print "125.1m" or "2.3g" when scaled: the number is enough to tell zero from not.
    const n = parseNumber(kind === "virt" || kind === "res" ? raw.replace(/[kmgtpe]$/, "") : raw);
    if (n === undefined) ctx.issue(line, `column ${name}: expected a number, got ${quoteForIssue(raw)}`);
    return n;
  };
  const ppid = number("ppid", "PPID");
  if (ppid !== undefined) event["process.parent.pid"] = ppid;
  const user = cells.get("user");
  if (user !== undefined) event["user.name"] = user;
  const uid = cells.get("uid");
  if (uid !== undefined && /^\d{1,10}$/.test(uid)) event["user.id"] = uid;
  const cpu = number("cpu", "%CPU");
  if (cpu !== undefined) event["minerhunt.process.cpu_pct"] = cpu;
  const mem = number("mem", "%MEM");
  if (mem !== undefined) event["minerhunt.process.mem_pct"] = mem;
  const command = cells.get("command") ?? "";
  const virt = number("virt", "VIRT");
  const res = number("res", "RES");
  if (isBracketedName(command)) {
    // top -c shows a process without a command line as [name], as ps does; no memory means a kernel thread.
    const kernel = (virt === undefined || virt === 0) && (res === undefined || res === 0);
    event["process.name"] = command.slice(1, -1);
    event["process.command_line"] = command;
    if (kernel) event["process.executable"] = "";
    event["minerhunt.process.kernel_thread"] = kernel;
  } else if (command.includes(" ") || command.startsWith("/") || command.startsWith("./")) {
    addCommandLine(event, command);
  } else if (command !== "") {
    event["process.name"] = command;
  }
}
