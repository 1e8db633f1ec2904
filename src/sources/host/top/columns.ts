/**
 * The task table header of procps top (`PID USER PR NI VIRT RES SHR S %CPU %MEM TIME+ COMMAND`, and any
 * field chosen with `f`). Columns are found by name. The columns before COMMAND are split on blanks.
 * COMMAND may hold spaces (with `top -c` it is the command line): last, it takes the rest of the row; not
 * last (every field on), it is a fixed-width column, and it and the columns after it (which may hold
 * spaces too: ENVIRON) are read by position under their header names, as top aligns them.
 */
import { splitFields, words } from "../fields.js";

export type ColumnKind = "pid" | "ppid" | "user" | "uid" | "cpu" | "mem" | "virt" | "res" | "command" | "other";

/** procps top field headers (top(1), FIELDS / Columns); unknown headers are kept as "other". */
const KINDS: Record<string, ColumnKind> = {
  PID: "pid", PPID: "ppid", USER: "user", EUSER: "user", UID: "uid", EUID: "uid",
  "%CPU": "cpu", "%MEM": "mem", VIRT: "virt", RES: "res", COMMAND: "command",
};

export interface TopHeader {
  names: string[];
  /** Where each name starts and ends in the header line. */
  spans: { start: number; end: number }[];
  kinds: ColumnKind[];
  /** Index of COMMAND. */
  command: number;
}

/** The header row, or undefined. It needs PID, %CPU and COMMAND, and at least one top-only field. */
export function topHeader(line: string): TopHeader | undefined {
  // A header has the word COMMAND: a line without the text is not split into words (every line of every
  // sniffed file is asked).
  if (!line.includes("COMMAND")) return undefined;
  const names = words(line, 128);
  if (names.length < 3 || names.length >= 128) return undefined;
  const kinds = names.map((n) => KINDS[n] ?? "other");
  const command = kinds.indexOf("command");
  if (!kinds.includes("pid") || !kinds.includes("cpu") || command === -1) return undefined;
  if (!names.some((n) => n === "PR" || n === "VIRT" || n === "RES" || n === "SHR" || n === "TIME+")) return undefined;
  const spans: { start: number; end: number }[] = [];
  let at = 0;
  for (const name of names) {
    const start = line.indexOf(name, at);
    spans.push({ start, end: start + name.length });
    at = start + name.length;
  }
  return { names, spans, kinds, command };
}

/** The cells of one row by column kind, or undefined when the row has fewer cells than the header. */
export function splitRow(text: string, header: TopHeader): Map<ColumnKind, string> | undefined {
  const before = header.command;
  const { fields, rest } = splitFields(text, before);
  if (fields.length < before || rest === "") return undefined;
  const cells = new Map<ColumnKind, string>();
  fields.forEach((value, i) => {
    const kind = header.kinds[i]!;
    if (kind !== "other" && !cells.has(kind)) cells.set(kind, value);
  });
  if (header.command === header.names.length - 1) {
    cells.set("command", rest);
    return cells;
  }
  // COMMAND runs from where the leading cells end to the next column; a token that crosses into the
  // next column's span (a right-aligned number wider than its header) belongs to that column.
  const from = text.trimEnd().length - rest.length;
  let to = Math.min(text.length, header.spans[header.command + 1]!.start);
  if (to <= from) return undefined;
  if (to < text.length && text[to - 1] !== " " && text[to] !== " ") to = text.lastIndexOf(" ", to) + 1;
  const command = text.slice(from, to).trimEnd();
  if (command === "") return undefined;
  cells.set("command", command);
  for (let i = header.command + 1; i < header.names.length; i++) {
    const kind = header.kinds[i]!;
    if (kind === "other" || cells.has(kind)) continue;
    const value = tokenUnder(text, header.spans[i]!);
    if (value === undefined) return undefined;
    cells.set(kind, value);
  }
  return cells;
}

/** The blank-separated token of a row that overlaps a header name's span, or undefined. */
function tokenUnder(text: string, span: { start: number; end: number }): string | undefined {
  let at = -1;
  for (let i = span.start; i < span.end && i < text.length; i++) {
    if (text[i] !== " ") { at = i; break; }
  }
  if (at === -1) return undefined;
  let start = at;
  while (start > 0 && text[start - 1] !== " ") start--;
  let end = at;
  while (end < text.length && text[end] !== " ") end++;
  return text.slice(start, end);
}
