/**
 * Falco alerts in text mode (json_output: false), as Falco prints them to stdout, a file or syslog:
 *
 *   03:14:07.341081180: Critical Possible miner running (command=xmrig -o ... pid=4711 container=...)
 *   2016-08-04T16:17:57.881781397+0000: Warning An open was seen (command=cat /dev/null)   (time_format_iso_8601)
 *   Nov 20 03:14:07 node-1 falco[812]: 03:14:07.341081180: Critical ...                     (syslog / journald)
 *   2026-11-20T03:14:07.400112233Z 03:14:07.341081180: Critical ...                         (kubectl logs --timestamps)
 *
 * Each line becomes the event the JSON source (falco.ts) makes of the same alert: the line is turned into
 * the JSON alert's shape (time, priority, output, output_fields) and given to falcoEvent. Text output has no
 * rule name: the rule is named from its output's opening words when it is one of Falco's own rules
 * (falco-text-rules.ts); otherwise the output's leading sentence stands in for it. The `key=value` pairs of
 * the output become output_fields; Falco's field names (proc.cmdline, k8s.pod.name ...) are kept, and the
 * short names Falco's own rules print (command=, container_id=, k8s.pod= ...) are mapped to them.
 * A clock with no date ("03:14:07.341") takes the date of a dated prefix (kubectl, RFC 3339 syslog); with none,
 * it gives no @timestamp.
 */
import type { Event } from "../../model/index.js";
import type { DatasetDeclaration, Input, ParseContext, Sample, Source } from "../types.js";
import type { JsonObject } from "../cloud/values.js";
import { falcoEvent } from "./falco.js";
import { lineShareScore } from "../sniff.js";
import type { KnownRule } from "./falco-text-rules.js";

export const FALCO_TEXT_ID = "falco.text";

const PRIORITIES = "Emergency|Alert|Critical|Error|Warning|Notice|Informational|Info|Debug";
const ISO = "\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(?:\\.\\d{1,9})?(?:Z|[+-]\\d{2}:?\\d{2})";
/**
 * Optional prefix: syslog/journald ending in "falco:" or "falco[pid]:", or the RFC 3339 stamp of
 * `kubectl logs --timestamps`; then Falco's time and priority.
 */
const LINE = new RegExp(
  `^(?:(.{0,160}?)\\bfalco(?:\\[\\d{1,10}\\])?: |(${ISO}) )?(${ISO}|\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(?:\\.\\d{1,9})?|\\d{2}:\\d{2}:\\d{2}(?:\\.\\d{1,9})?): (${PRIORITIES}) (.+)$`,
);
const LEADING_ISO = new RegExp(`^${ISO}$`);

/** Short names Falco's rules print, as the output_fields names falcoEvent reads. */
const ALIASES: Record<string, string> = {
  command: "proc.cmdline", cmdline: "proc.cmdline", process: "proc.name", proc_exepath: "proc.exepath", exe: "proc.exepath",
  parent: "proc.pname", pcmdline: "proc.pcmdline", pid: "proc.pid", ppid: "proc.ppid", user: "user.name", user_name: "user.name",
  container_id: "container.id", container_name: "container.name", container_image: "container.image.repository",
  container_image_tag: "container.image.tag", image: "container.image.repository", k8s_ns: "k8s.ns.name", "k8s.ns": "k8s.ns.name",
  k8s_pod_name: "k8s.pod.name", "k8s.pod": "k8s.pod.name", ip: "fd.rip", port: "fd.rport", connection: "fd.name",
  evt_type: "evt.type", cwd: "proc.cwd",
};
const FALCO_FIELD = /^(?:proc|container|k8s|fd|user|evt|ka|thread|group)\.[a-z0-9_.]{1,60}$/;

/**
 * A Falco text line starts with a time (a digit) or a syslog/journald prefix that names falco. Checked before
 * LINE, whose lazy prefix costs tens of microseconds on every JSON line of every file sniffed.
 */
function couldBeAlertLine(line: string): boolean {
  const c = line.charCodeAt(0);
  return ((c >= 48 && c <= 57) || line.includes("falco")) && LINE.test(line);
}

export const FALCO_TEXT_EMITS: readonly DatasetDeclaration[] = [
  { dataset: "falco.alerts", categories: ["intrusion_detection"], sigma: ["falco/alerts"] },
];

export const falcoTextSource: Source = {
  id: FALCO_TEXT_ID,
  title: "Falco text alerts (json_output: false; stdout, file or syslog lines)",
  emits: FALCO_TEXT_EMITS,

  sniff(sample: Sample): number {
    return lineShareScore(sample.lines.slice(0, 5), couldBeAlertLine, 0.9, 0.7);
  },

  parse(input: Input, ctx: ParseContext): AsyncIterable<Event> {
    return parseFalcoText(input, ctx);
  },
};

async function* parseFalcoText(input: Input, ctx: ParseContext): AsyncGenerator<Event> {
  // Loaded with the first Falco text file: the rule table's YAML parser and zod are not a cost of every scan.
  const { ruleForOutput } = await import("./falco-text-rules.js");
  for await (const { text, line } of input.lines()) {
    if (text.trim() === "") continue;
    const alert = falcoTextAlert(text, ruleForOutput);
    if (!alert) {
      ctx.issue(line, `not a Falco text alert: expected "<time>: <Priority> <output>" (e.g. "03:14:07.341081180: Critical Possible miner running (...)"); line skipped`);
      continue;
    }
    const event = falcoEvent(alert, { path: input.path, line, format: FALCO_TEXT_ID });
    if (event["@timestamp"] === undefined) {
      const clock = /^\d{2}:\d{2}:\d{2}/.exec(String(alert.time));
      if (clock) event["minerhunt.falco.clock"] = String(alert.time);
    }
    yield event;
  }
}

/**
 * One text line in the shape of Falco's JSON alert, or undefined when the line is not one. `ruleFor` names the
 * rule behind a rendered output (falco-text-rules.ts ruleForOutput).
 */
export function falcoTextAlert(text: string, ruleFor: (output: string) => KnownRule | undefined): JsonObject | undefined {
  const m = LINE.exec(text);
  if (!m) return undefined;
  const [, prefix, stamp, time = "", priority = "", rendered = ""] = m;
  const fields = outputFields(rendered);
  const known = ruleFor(rendered);
  const alert: JsonObject = {
    priority,
    output: `${time}: ${priority} ${rendered}`,
    rule: known?.rule ?? leadingSentence(rendered),
    output_fields: fields,
    source: "syscall",
  };
  if (known) alert.tags = known.tags;
  // Only a dated time is a timestamp; a bare clock takes the date of a dated prefix (kubectl --timestamps,
  // RFC 3339 syslog) or is kept aside by the caller.
  const prefixDate = stamp ?? prefix?.trim().split(/\s+/, 1)[0];
  const dated = time.includes("T") ? time : prefixDate !== undefined && LEADING_ISO.test(prefixDate) ? prefixDate : undefined;
  alert.time = dated !== undefined ? dated.replace(/([+-]\d{2})(\d{2})$/, "$1:$2") : time;
  const host = prefix ? syslogHost(prefix) : undefined;
  if (host !== undefined) alert.hostname = host;
  return alert;
}

/** `Nov 20 03:14:07 node-1 ` or `2026-11-20T03:14:07+0000 node-1 `: the word before "falco". */
function syslogHost(prefix: string): string | undefined {
  const words = prefix.trim().split(/\s+/);
  const host = words[words.length - 1];
  return host && /^[A-Za-z0-9][A-Za-z0-9.-]{0,252}$/.test(host) && words.length >= 2 ? host : undefined;
}

/** The output before its first field ("Possible miner running"), as a stand-in rule name. */
function leadingSentence(rendered: string): string {
  const cut = rendered.search(/ \(| \| |\s[a-z_][a-z0-9_.]*=/);
  return (cut === -1 ? rendered : rendered.slice(0, cut)).trim().slice(0, 200);
}

/**
 * `key=value` pairs of a rendered output. A value runs to the next known key (values hold spaces:
 * command=xmrig -o ...); only Falco field names and the short names of ALIASES count as keys, so `a=b`
 * inside a command line stays in the value. A closing ")" of the parenthesised field list is dropped.
 */
function outputFields(rendered: string): JsonObject {
  const starts: { key: string; at: number; valueAt: number }[] = [];
  const keyPattern = /(?:^|[\s(|])([A-Za-z_][A-Za-z0-9_.]{0,60})=/g;
  for (let m = keyPattern.exec(rendered); m !== null && starts.length < 64; m = keyPattern.exec(rendered)) {
    const key = m[1]!;
    const name = ALIASES[key] ?? (FALCO_FIELD.test(key) ? key : undefined);
    if (name === undefined) continue;
    const at = m.index + m[0].length - key.length - 1;
    starts.push({ key: name, at, valueAt: m.index + m[0].length });
  }
  const fields: JsonObject = {};
  starts.forEach((s, i) => {
    const end = i + 1 < starts.length ? starts[i + 1]!.at : rendered.length;
    let value = rendered.slice(s.valueAt, end).trimEnd();
    if (value.endsWith(")") && closesMoreThanOpens(value)) value = value.slice(0, -1).trimEnd();
    if (value.endsWith("|")) value = value.slice(0, -1).trimEnd();
    if (!(s.key in fields)) fields[s.key] = value;
  });
  return fields;
}

/** "xmrig)" closes the field list; "sh -c (a)" keeps its own parenthesis. */
function closesMoreThanOpens(value: string): boolean {
  let depth = 0;
  for (const c of value) {
    if (c === "(") depth++;
    else if (c === ")") depth--;
  }
  return depth < 0;
}
