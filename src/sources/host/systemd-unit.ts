/**
 * systemd unit files (`*.service`, `*.timer`, and drop-ins `*.service.d/*.conf`) as collected from
 * /etc/systemd/system, /lib/systemd/system, /usr/lib/systemd/system or ~/.config/systemd/user.
 *
 * Syntax (systemd.syntax(7)): `[Section]` headers, `Key=Value` directives, `#` and `;` comment lines, and
 * a line ending in a backslash continues on the next one (the backslash becomes a space; comment lines
 * inside a continuation are skipped). An empty `ExecStart=` resets the list (how drop-ins override).
 *
 * One event per unit file: `minerhunt.systemd.unit` (the unit name; for a drop-in, the unit it changes),
 * `minerhunt.systemd.directives` (every `Key=value`, in order), `process.command_line` (the ExecStart
 * command; when the unit runs other commands too, ExecStartPre/Post, ExecReload, ExecStop..., it is a
 * list with ExecStart's first), `process.executable` (ExecStart's program, without systemd's `@-:+!`
 * prefixes). `minerhunt.line` is the line of the first ExecStart, else of the first section.
 */
import type { Event } from "../../model/index.js";
import type { Input, ParseContext, Sample, Source } from "../types.js";
import { collectedHostNames } from "./collected-host.js";
import { baseName, collectedFileEvent, slashPath } from "./collected-file.js";

const ID = "linux.systemd";
const UNIT_SUFFIXES = [".service", ".timer"];
const EXEC_KEYS = ["ExecStart", "ExecStartPre", "ExecStartPost", "ExecCondition", "ExecReload", "ExecStop", "ExecStopPost"];
const KNOWN_SECTIONS = ["[Unit]", "[Service]", "[Timer]", "[Install]", "[Socket]", "[Path]"];
const MAX_DIRECTIVES = 500;
const MAX_DIRECTIVE_LENGTH = 8192;
const KEY = /^[A-Za-z][A-Za-z0-9_-]{0,127}$/;

/** The unit a path names: "x.service", or for a drop-in "x.service.d/override.conf", "x.service". */
export function unitName(path: string): string | undefined {
  const p = slashPath(path);
  const name = baseName(p);
  if (UNIT_SUFFIXES.some((s) => name.endsWith(s))) return name;
  if (name.endsWith(".conf")) {
    const dir = baseName(p.slice(0, Math.max(0, p.length - name.length - 1)));
    const unit = dir.endsWith(".d") ? dir.slice(0, -2) : "";
    if (UNIT_SUFFIXES.some((s) => unit.endsWith(s))) return unit;
  }
  return undefined;
}

/** ExecStart=-/usr/bin/x → "/usr/bin/x ..." without the prefixes that change how systemd runs it. */
function stripExecPrefixes(value: string): string {
  let i = 0;
  while (i < value.length && i < 5 && "@-:+!".includes(value.charAt(i))) i++;
  return value.slice(i).trim();
}

function programOf(command: string): string {
  const t = command.trim();
  if (t.startsWith('"')) {
    const close = t.indexOf('"', 1);
    return close > 0 ? t.slice(1, close) : t.slice(1);
  }
  const space = t.search(/\s/);
  return space === -1 ? t : t.slice(0, space);
}

export const systemdUnitSource: Source = {
  id: ID,
  title: "systemd unit files (*.service, *.timer, drop-in *.service.d/*.conf)",
  emits: [{ dataset: "linux.systemd", categories: ["configuration"], sigma: ["systemd_unit"] }],

  sniff(sample: Sample): number {
    const hasSection = sample.lines.some((l) => KNOWN_SECTIONS.includes(l.trim()));
    if (unitName(sample.path) !== undefined) return hasSection ? 0.9 : 0.6;
    const first = sample.lines.find((l) => !l.trimStart().startsWith("#") && !l.trimStart().startsWith(";"));
    const startsWithSection = first !== undefined && KNOWN_SECTIONS.includes(first.trim());
    return startsWithSection && sample.lines.some((l) => l.trimStart().startsWith("ExecStart=")) ? 0.7 : 0;
  },

  async *parse(input: Input, ctx: ParseContext): AsyncIterable<Event> {
    const directives: string[] = [];
    const execs = new Map<string, { line: number; command: string }[]>();
    let firstSectionLine: number | undefined;
    let section: string | undefined;
    let pending: { line: number; text: string } | undefined; // a directive continued with "\"
    let tooMany = false;

    const finish = (line: number, text: string): void => {
      const eq = text.indexOf("=");
      const key = eq === -1 ? "" : text.slice(0, eq).trim();
      if (!KEY.test(key)) {
        ctx.issue(line, "expected a [Section] header, a Key=Value directive or a # comment");
        return;
      }
      if (section === undefined) {
        ctx.issue(line, `directive ${key} before any [Section] header`);
        return;
      }
      const value = text.slice(eq + 1).trim();
      if (directives.length < MAX_DIRECTIVES) directives.push(`${key}=${value}`.slice(0, MAX_DIRECTIVE_LENGTH));
      else if (!tooMany) {
        tooMany = true;
        ctx.issue(line, `more than ${MAX_DIRECTIVES} directives; the rest are not kept`);
      }
      if (EXEC_KEYS.includes(key)) {
        const command = stripExecPrefixes(value);
        if (command === "") execs.delete(key); // "ExecStart=" empties the list
        else {
          const list = execs.get(key) ?? [];
          list.push({ line, command: command.slice(0, MAX_DIRECTIVE_LENGTH) });
          execs.set(key, list);
        }
      }
    };

    for await (const { text, line } of input.lines()) {
      const t = text.trim();
      if (t.startsWith("#") || t.startsWith(";")) continue; // comments, also inside a continuation
      if (pending) {
        const continued = t.endsWith("\\");
        pending.text += " " + (continued ? t.slice(0, -1).trimEnd() : t);
        if (pending.text.length > MAX_DIRECTIVE_LENGTH * 4) {
          ctx.issue(pending.line, "a continued directive longer than the limit; skipped");
          pending = undefined;
        } else if (!continued) {
          finish(pending.line, pending.text);
          pending = undefined;
        }
        continue;
      }
      if (t === "") continue;
      if (t.startsWith("[") && t.endsWith("]")) {
        section = t;
        firstSectionLine ??= line;
        continue;
      }
      if (t.endsWith("\\")) pending = { line, text: t.slice(0, -1).trimEnd() };
      else finish(line, t);
    }
    if (pending) finish(pending.line, pending.text); // a last line ending in "\" at end of file

    if (section === undefined) {
      ctx.issue(1, "no [Section] header found; expected a systemd unit ([Unit], [Service], [Timer] ...)");
      return;
    }
    const start = execs.get("ExecStart") ?? [];
    const others = EXEC_KEYS.slice(1).flatMap((k) => execs.get(k) ?? []);
    const commands = [...start, ...others].map((e) => e.command);
    const event = collectedFileEvent(input.path, start[0]?.line ?? firstSectionLine, ID, "linux.systemd", await collectedHostNames.forFile(input.path));
    event["minerhunt.systemd.unit"] = unitName(input.path) ?? baseName(input.path);
    event["minerhunt.systemd.directives"] = directives;
    if (commands.length === 1) event["process.command_line"] = commands[0];
    else if (commands.length > 1) event["process.command_line"] = commands;
    const first = start[0];
    if (first) event["process.executable"] = programOf(first.command);
    yield event;
  },
};
