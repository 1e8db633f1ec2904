/**
 * Crontab files as collected from a machine:
 * - system crontabs, `/etc/crontab` and `/etc/cron.d/*`: `m h dom mon dow user command`;
 * - user crontabs, `/var/spool/cron/crontabs/<user>` (Debian) or `/var/spool/cron/<user>` (Red Hat):
 *   `m h dom mon dow command`, the user is the file name;
 * - any other file judged a crontab (`crontab -l` saved to a file) is read as a user crontab.
 * `@reboot`, `@hourly`, `@daily`, `@midnight`, `@weekly`, `@monthly`, `@yearly`, `@annually` replace the five
 * time fields. `NAME=value` lines set the environment of the entries below them (kept on each event as
 * `minerhunt.cron.env`: `PATH=/tmp`, `LD_PRELOAD=` matter). `#` starts a comment line.
 * One event per entry.
 */
import type { Event } from "../../model/index.js";
import type { Input, ParseContext, Sample, Source } from "../types.js";
import { collectedHostNames } from "./collected-host.js";
import { baseName, collectedFileEvent, slashPath } from "./collected-file.js";
import { splitFields } from "./fields.js";

const ID = "linux.crontab";
const NICKNAMES = new Set(["@reboot", "@yearly", "@annually", "@monthly", "@weekly", "@daily", "@midnight", "@hourly"]);
/** One time field: numbers, * ? / , - (and L W # of some crons), or month/day names. Capped length. */
const TIME_FIELD = /^(?:[0-9*?/,\-LW#]|jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec|sun|mon|tue|wed|thu|fri|sat){1,64}$/i;
const ENV_ASSIGNMENT = /^[A-Za-z_][A-Za-z0-9_]{0,127}\s*=/;
const MAX_ENV = 64;

export type CrontabKind = "system" | "user" | "unknown";

/** Which kind of crontab a path is, or undefined when its path says nothing. */
export function crontabKind(path: string): { kind: CrontabKind; user?: string } | undefined {
  const p = slashPath(path);
  const name = baseName(p);
  if (p === "etc/crontab" || p.endsWith("/etc/crontab")) return { kind: "system" };
  if (p.includes("/cron.d/") || p.startsWith("cron.d/")) return { kind: "system" };
  const spool = p.lastIndexOf("spool/cron/");
  if (spool !== -1 && name !== "" && !name.startsWith(".")) return { kind: "user", user: name };
  if (name === "crontab") return { kind: "unknown" };
  return undefined;
}

type Parsed =
  | { type: "blank" }
  | { type: "env"; assignment: string }
  | { type: "entry"; schedule: string; user?: string; command: string }
  | { type: "error"; message: string };

export function parseCrontabLine(text: string, hasUserColumn: boolean): Parsed {
  const t = text.trim();
  if (t === "" || t.startsWith("#")) return { type: "blank" };
  if (ENV_ASSIGNMENT.test(t)) return { type: "env", assignment: t.replace(/^([A-Za-z_][A-Za-z0-9_]*)\s*=\s*/, "$1=") };
  const timeWords = t.startsWith("@") ? 1 : 5;
  const { fields, rest } = splitFields(t, timeWords + (hasUserColumn ? 1 : 0));
  const time = fields.slice(0, timeWords);
  if (timeWords === 1) {
    if (!NICKNAMES.has((time[0] ?? "").toLowerCase())) {
      return { type: "error", message: `unknown schedule ${JSON.stringify((time[0] ?? "").slice(0, 40))}; expected @reboot, @hourly, @daily, @midnight, @weekly, @monthly, @yearly or @annually` };
    }
  } else if (time.length < 5 || !time.every((f) => TIME_FIELD.test(f))) {
    return { type: "error", message: "expected a cron entry (five time fields or an @nickname, " + (hasUserColumn ? "a user, " : "") + "then the command), a NAME=value line or a # comment" };
  }
  const user = hasUserColumn ? fields[timeWords] : undefined;
  if (hasUserColumn && (user === undefined || rest === "")) {
    return { type: "error", message: "expected a user name and a command after the schedule (system crontabs have a user column)" };
  }
  if (rest === "") return { type: "error", message: "expected a command after the schedule" };
  return { type: "entry", schedule: time.join(" "), user, command: rest };
}

export const crontabSource: Source = {
  id: ID,
  title: "crontab files (/etc/crontab, /etc/cron.d/*, /var/spool/cron[/crontabs]/<user>)",
  emits: [{ dataset: "linux.crontab", categories: ["configuration"], sigma: ["crontab"] }],

  sniff(sample: Sample): number {
    const kind = crontabKind(sample.path);
    let entries = 0;
    let errors = 0;
    for (const line of sample.lines) {
      const parsed = parseCrontabLine(line, kind?.kind === "system");
      if (parsed.type === "entry") entries++;
      else if (parsed.type === "error") errors++;
      // Without a crontab path one error already says no: every file of a folder scan is sniffed, most are not cron.
      if (errors > 0 && !kind) return 0;
    }
    if (kind) return errors <= entries ? 0.9 : 0.5;
    // No telling path: only a file that is all cron entries, comments and assignments.
    return entries > 0 && errors === 0 ? 0.5 : 0;
  },

  async *parse(input: Input, ctx: ParseContext): AsyncIterable<Event> {
    const kind = crontabKind(input.path) ?? { kind: "unknown" as const };
    const hostName = await collectedHostNames.forFile(input.path);
    const env: string[] = [];
    for await (const { text, line } of input.lines()) {
      const parsed = parseCrontabLine(text, kind.kind === "system");
      if (parsed.type === "blank") continue;
      if (parsed.type === "error") {
        ctx.issue(line, parsed.message);
        continue;
      }
      if (parsed.type === "env") {
        if (env.length < MAX_ENV) env.push(parsed.assignment.slice(0, 1024));
        continue;
      }
      const event = collectedFileEvent(input.path, line, ID, "linux.crontab", hostName);
      event["minerhunt.cron.schedule"] = parsed.schedule;
      const user = parsed.user ?? kind.user;
      if (user !== undefined) event["user.name"] = user;
      event["process.command_line"] = parsed.command;
      if (env.length > 0) event["minerhunt.cron.env"] = [...env];
      yield event;
    }
  },
};
