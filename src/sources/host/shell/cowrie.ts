/**
 * Cowrie SSH/Telnet honeypot JSON log (cowrie.json: one object per line, `eventid` names the kind):
 * - `cowrie.command.input` / `cowrie.command.failed` (`input`): what the intruder typed → a process event
 *   (dataset `cowrie`, `["process"]`) so the command-line detectors judge it (a miner fetched and started,
 *   a miner run with pool flags);
 * - `cowrie.session.file_download` (`url`, `shasum`, `destfile`, `outfile`): the file the intruder fetched →
 *   a `["network","file"]` event with `url.*`, `destination.domain`/`destination.ip` and `file.hash.sha256`;
 * - `cowrie.direct-tcpip.request` (`dst_ip`, `dst_port`): a TCP connection the intruder tunnels through the
 *   sensor's SSH (a miner reaching its pool) → a `["network"]` event with the destination;
 * - `cowrie.login.success` (`username`): remembered per session, as `user.name` of that session's commands.
 * Every event keeps `source.ip` (the intruder), `host.name` (the `sensor`) and the session id. Other event
 * ids (connect, client version, key exchange, closed) carry nothing a miner hunt reads and are passed over.
 */
import type { Event } from "../../../model/index.js";
import type { DatasetDeclaration, Input, ParseContext, Sample, Source } from "../../types.js";
import { baseEvent } from "../../metrics/event-base.js";
import { isJsonObject } from "../../metrics/json-locate.js";
import { addCommandLine } from "../process-fields.js";
import { isIP } from "node:net";

export const COWRIE_ID = "cowrie";
/** Sessions whose login name is remembered at once; the oldest is forgotten first. */
const MAX_SESSIONS = 10_000;
const MAX_TEXT = 16 * 1024;

export const COWRIE_EMITS: readonly DatasetDeclaration[] = [
  // Commands typed (process), downloads (file) and tunnelled connections (network), in one dataset.
  { dataset: COWRIE_ID, categories: ["process", "network", "file"], sigma: ["process_creation"] },
];

export const cowrieSource: Source = {
  id: COWRIE_ID,
  title: "Cowrie honeypot JSON log (commands typed, files downloaded)",
  emits: COWRIE_EMITS,

  sniff(sample: Sample): number {
    const lines = sample.lines.slice(0, 5).filter((l) => l.trimStart().startsWith("{"));
    if (lines.length === 0) return 0;
    const hits = lines.filter((l) => /"eventid"\s*:\s*"cowrie\./.test(l)).length;
    return hits === lines.length ? 0.95 : hits > 0 ? 0.6 : 0;
  },

  parse(input: Input, ctx: ParseContext): AsyncIterable<Event> {
    return parseCowrie(input, ctx);
  },
};

async function* parseCowrie(input: Input, ctx: ParseContext): AsyncGenerator<Event> {
  const users = new Map<string, string>();
  for await (const { text, line } of input.lines()) {
    if (text.trim() === "") continue;
    let record: unknown;
    try {
      record = JSON.parse(text);
    } catch (err) {
      ctx.issue(line, `not valid JSON (${(err as Error).message.slice(0, 100)}); expected one Cowrie event per line`);
      continue;
    }
    if (!isJsonObject(record) || typeof record.eventid !== "string") {
      ctx.issue(line, 'expected a Cowrie event: a JSON object with "eventid"');
      continue;
    }
    const r = record;
    const session = text_(r.session);
    if (r.eventid === "cowrie.login.success" && session !== undefined) {
      const name = text_(r.username);
      if (name !== undefined) {
        if (users.size >= MAX_SESSIONS) users.delete(users.keys().next().value!);
        users.set(session, name);
      }
      continue;
    }
    if (r.eventid === "cowrie.command.input" || r.eventid === "cowrie.command.failed") {
      const input_ = text_(r.input)?.trim();
      if (!input_) continue;
      const event = common(input.path, line, r, ["process"]);
      addCommandLine(event, input_);
      event["event.outcome"] = r.eventid === "cowrie.command.input" ? "success" : "failure";
      const user = session !== undefined ? users.get(session) : undefined;
      if (user !== undefined) event["user.name"] = user;
      yield event;
      continue;
    }
    if (r.eventid === "cowrie.direct-tcpip.request") {
      // `ssh -L` / `-W` through the honeypot: the intruder asks the sensor to open a TCP connection for it, which
      // is how a miner elsewhere reaches its pool through a stolen SSH account.
      const host = text_(r.dst_ip);
      const port = typeof r.dst_port === "number" ? r.dst_port : Number(text_(r.dst_port));
      if (host === undefined) continue;
      const event = common(input.path, line, r, ["network"]);
      event["event.type"] = ["connection"];
      if (isIP(host)) event["destination.ip"] = host;
      else event["destination.domain"] = host.toLowerCase().replace(/\.$/, "");
      if (Number.isInteger(port) && port > 0 && port < 65536) event["destination.port"] = port;
      event["network.transport"] = "tcp";
      yield event;
      continue;
    }
    if (r.eventid === "cowrie.session.file_download") {
      const url = text_(r.url);
      if (url === undefined) continue;
      const event = common(input.path, line, r, ["network", "file"]);
      event["url.original"] = url;
      addUrlParts(event, url);
      const sha = text_(r.shasum);
      if (sha !== undefined && /^[0-9a-f]{64}$/i.test(sha)) event["file.hash.sha256"] = sha.toLowerCase();
      const dest = text_(r.destfile) ?? text_(r.outfile);
      if (dest !== undefined) event["file.path"] = dest;
      yield event;
    }
  }
}

function common(path: string, line: number, r: Record<string, unknown>, category: string[]): Event {
  const event = baseEvent({ path, line, format: COWRIE_ID, dataset: COWRIE_ID, category, kind: "event" });
  const time = text_(r.timestamp);
  if (time !== undefined && !Number.isNaN(Date.parse(time))) event["@timestamp"] = new Date(Date.parse(time)).toISOString();
  event["event.action"] = String(r.eventid).replace(/^cowrie\./, "");
  const src = text_(r.src_ip);
  if (src !== undefined && isIP(src)) event["source.ip"] = src;
  const sensor = text_(r.sensor);
  if (sensor !== undefined) event["host.name"] = sensor;
  const session = text_(r.session);
  if (session !== undefined) event["minerhunt.cowrie.session"] = session;
  return event;
}

function addUrlParts(event: Event, url: string): void {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return;
  }
  const host = parsed.hostname.replace(/^\[|\]$/g, "").toLowerCase();
  if (host === "") return;
  event["url.domain"] = host;
  if (isIP(host)) event["destination.ip"] = host;
  else event["destination.domain"] = host;
  if (parsed.port !== "") {
    event["url.port"] = Number(parsed.port);
    event["destination.port"] = Number(parsed.port);
  }
  event["url.path"] = parsed.pathname;
}

/** A string field, bounded; other types are absent. */
function text_(v: unknown): string | undefined {
  if (typeof v !== "string" || v === "") return undefined;
  return v.length > MAX_TEXT ? v.slice(0, MAX_TEXT) : v;
}
