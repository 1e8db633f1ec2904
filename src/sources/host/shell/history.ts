/**
 * Shell history files: bash's `.bash_history` (one command per line; with HISTTIMEFORMAT set, each command
 * follows a `#1700000000` line holding its time) and zsh's extended history (`: 1700000000:0;command`).
 * Each command becomes a process event (dataset `shell.history`, `["process"]`) so the command-line
 * detectors judge it as they judge a process: a `curl ... | sh` dropper, a miner started with pool flags.
 *
 * A history file says nothing of its host; its user is read from where it was found (`/home/alice/.bash_history`
 * → alice, `/root/.bash_history` → root), and the host from a collected tree's etc/hostname.
 * Sniffed by name (.bash_history, .zsh_history, bash_history.txt ...) or by timestamp lines; plain text
 * with neither is not claimed (any text file could be a list of commands).
 */
import type { Event } from "../../../model/index.js";
import type { DatasetDeclaration, Input, ParseContext, Sample, Source } from "../../types.js";
import { baseEvent } from "../../metrics/event-base.js";
import { collectedHostNames } from "../collected-host.js";
import { addCommandLine } from "../process-fields.js";

export const HISTORY_ID = "shell.history";

const NAME = /(?:^|[/\\])[^/\\]*(?:bash|zsh|sh|ash|ksh|mksh)_?history(?:\.txt|\.log)?$/i;
const BASH_TIME = /^#(\d{9,11})$/;
const ZSH_EXTENDED = /^: (\d{9,11}):\d{1,10};(.*)$/;
/** The kernel-written times above are seconds; anything later than this is not a history timestamp. */
const MAX_EPOCH_SECONDS = 4102444800; // 2100-01-01

export const HISTORY_EMITS: readonly DatasetDeclaration[] = [
  { dataset: HISTORY_ID, categories: ["process"], sigma: ["process_creation"] },
];

export const shellHistorySource: Source = {
  id: HISTORY_ID,
  title: "Shell history (.bash_history with or without #timestamps, zsh extended history)",
  emits: HISTORY_EMITS,

  sniff(sample: Sample): number {
    if (sample.bytes.includes(0) || sample.lines.length === 0) return 0;
    const lines = sample.lines.slice(0, 20);
    const timed = lines.filter((l) => BASH_TIME.test(l) || ZSH_EXTENDED.test(l)).length;
    // Timestamp lines alternate with commands in bash, or carry the command in zsh.
    if (timed >= 2 && timed >= lines.length / 3) return 0.85;
    if (NAME.test(sample.path)) return lines.some((l) => l.trimStart().startsWith("{")) ? 0.3 : 0.9;
    return 0;
  },

  parse(input: Input, ctx: ParseContext): AsyncIterable<Event> {
    return parseHistory(input, ctx);
  },
};

/** The account a history file belongs to, from its path. */
export function userFromHistoryPath(path: string): string | undefined {
  const p = path.replace(/\\/g, "/");
  if (/(?:^|\/)root\/\.[a-z]*_?history$/.test(p)) return "root";
  const m = /(?:^|\/)(?:home|Users)\/([^/]{1,64})\/\.[a-z]*_?history$/.exec(p);
  return m?.[1];
}

async function* parseHistory(input: Input, ctx: ParseContext): AsyncGenerator<Event> {
  const host = await collectedHostNames.forFile(input.path);
  const user = userFromHistoryPath(input.path);
  let pendingTime: string | undefined;
  for await (const { text, line } of input.lines()) {
    if (text.trim() === "") continue;
    let command = text;
    let time: string | undefined;
    const bashTime = BASH_TIME.exec(text);
    if (bashTime) {
      pendingTime = epochIso(bashTime[1]!);
      if (pendingTime === undefined) ctx.issue(line, `history timestamp ${text.slice(0, 20)} is out of range; the next command is kept without a time`);
      continue;
    }
    const zsh = ZSH_EXTENDED.exec(text);
    if (zsh) {
      time = epochIso(zsh[1]!);
      command = zsh[2]!;
    } else {
      time = pendingTime;
    }
    pendingTime = undefined;
    if (command.trim() === "") continue;
    const event = baseEvent({ path: input.path, line, format: HISTORY_ID, dataset: HISTORY_ID, category: ["process"], kind: "event" });
    if (time !== undefined) event["@timestamp"] = time;
    addCommandLine(event, command.trim());
    if (user !== undefined) event["user.name"] = user;
    if (host !== undefined) event["host.name"] = host;
    yield event;
  }
}

function epochIso(seconds: string): string | undefined {
  const n = Number(seconds);
  if (!Number.isSafeInteger(n) || n <= 0 || n > MAX_EPOCH_SECONDS) return undefined;
  return new Date(n * 1000).toISOString();
}
