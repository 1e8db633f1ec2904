/**
 * Mining JSON-RPC in a TCP stream: Stratum v1 (mining.*), the CryptoNote/Monero dialect
 * (login/job/submit/keepalived), the Ethereum pool dialect (eth_submitLogin, eth_getWork...) and
 * getwork/getblocktemplate over HTTP.
 *
 * Stratum is newline-delimited JSON over a long-lived TCP connection, client first. Each line
 * of either direction that is a JSON object is a message; a stream is mining when at least one
 * message is recognisably mining, by its method and the shape of its params, not by a port.
 * Generic JSON-RPC (an app with a "login" method taking a password) is not enough: the
 * CryptoNote names count only with their mining shape (a wallet login with an agent, a job
 * with a blob, a submit with a nonce).
 */
import { asObject, getString } from "../common.js";
import type { DirectionStream, PacketRef } from "./tcp-stream.js";

export type Dialect = "v1" | "cryptonote" | "ethereum" | "getwork";

const V1_METHODS = new Set([
  "mining.subscribe", "mining.authorize", "mining.submit", "mining.notify", "mining.set_difficulty",
  "mining.set_target", "mining.extranonce.subscribe", "mining.set_extranonce", "mining.configure",
  "mining.suggest_difficulty", "mining.ping",
]);
const ETHEREUM_METHODS = new Set(["eth_submitLogin", "eth_getWork", "eth_submitWork", "eth_submitHashrate"]);
const GETWORK_METHODS = new Set(["getwork", "getblocktemplate"]);

/** A JSON object found in a stream, with where it was. */
export interface JsonMessage {
  obj: Record<string, unknown>;
  /** 0 client→server, 1 server→client. */
  direction: 0 | 1;
  ref: PacketRef | undefined;
  /** Position in its stream, to keep order among messages of one packet. */
  at: number;
}

export interface StratumSummary {
  methods: string[];
  dialect: Dialect;
  login?: string;
  agent?: string;
  messages: number;
  /** The packet of the first mining message. */
  first: PacketRef | undefined;
}

const MAX_MESSAGES_PER_DIRECTION = 4096;

/** Every line of the stream that parses as a JSON object, added to `into`. */
export function jsonLines(stream: DirectionStream, direction: 0 | 1, into: JsonMessage[] = []): JsonMessage[] {
  const bytes = stream.bytes();
  let found = 0;
  let start = 0;
  while (start < bytes.length && found < MAX_MESSAGES_PER_DIRECTION) {
    let end = bytes.indexOf(0x0a, start);
    if (end === -1) end = bytes.length;
    let s = start;
    while (s < end && (bytes[s] === 0x20 || bytes[s] === 0x09 || bytes[s] === 0x0d)) s++;
    if (bytes[s] === 0x7b) {
      const obj = parseObject(bytes.toString("utf8", s, end));
      if (obj) {
        into.push({ obj, direction, ref: stream.refAt(s), at: s });
        found++;
      }
    }
    start = end + 1;
  }
  return into;
}

export function parseObject(text: string): Record<string, unknown> | undefined {
  try {
    return asObject(JSON.parse(text));
  } catch {
    return undefined; // a line cut by the keep bound (tcp-stream.ts), or not JSON at all
  }
}

/** The mining dialect a message belongs to, judged by method and params shape; undefined if none. */
export function miningDialect(obj: Record<string, unknown>): Dialect | undefined {
  const method = getString(obj, "method");
  const params = obj.params;
  const p = asObject(params);
  if (method !== undefined) {
    if (V1_METHODS.has(method)) return "v1";
    if (ETHEREUM_METHODS.has(method)) return "ethereum";
    if (GETWORK_METHODS.has(method)) return "getwork";
    switch (method) {
      // XMRig and kin send {login, pass, agent}; an app's own "login" method rarely has both.
      case "login": return p && ("agent" in p || ("login" in p && "pass" in p)) ? "cryptonote" : undefined;
      case "job": return p && ("blob" in p || "job_id" in p) ? "cryptonote" : undefined;
      case "submit": return p && ("nonce" in p || "job_id" in p) ? "cryptonote" : undefined;
      case "keepalived": return "cryptonote";
      default: return undefined;
    }
  }
  // Replies: a CryptoNote login answer carries "status":"OK" and the first job (blob, job_id).
  // "status":"OK" alone is any API's success, so the job must be there.
  const job = asObject(asObject(obj.result)?.job);
  if (job && ("blob" in job || "job_id" in job)) return "cryptonote";
  return undefined;
}

/** The wallet/user a login or authorize message names. */
function loginOf(obj: Record<string, unknown>): string | undefined {
  const method = getString(obj, "method");
  const params = obj.params;
  if (method === "login") return getString(asObject(params), "login");
  if ((method === "mining.authorize" || method === "eth_submitLogin") && Array.isArray(params) && typeof params[0] === "string") return params[0];
  return undefined;
}

/** The miner's own name for itself: login "agent", or the first mining.subscribe parameter. */
function agentOf(obj: Record<string, unknown>): string | undefined {
  const method = getString(obj, "method");
  const params = obj.params;
  if (method === "login") return getString(asObject(params), "agent");
  if (method === "mining.subscribe" && Array.isArray(params) && typeof params[0] === "string") return params[0];
  return undefined;
}

const MAX_METHODS = 64;
const MAX_TEXT = 256;

/**
 * Summarise the messages of one connection (Stratum lines of both directions, JSON-RPC bodies of
 * HTTP messages); undefined when none of them is mining. Messages are taken in packet order.
 */
export function summariseStratum(messages: JsonMessage[]): StratumSummary | undefined {
  const ordered = [...messages].sort((a, b) =>
    (a.ref?.packet ?? Infinity) - (b.ref?.packet ?? Infinity) || a.direction - b.direction || a.at - b.at);
  let dialect: Dialect | undefined;
  let first: PacketRef | undefined;
  const methods: string[] = [];
  let login: string | undefined;
  let agent: string | undefined;
  for (const m of ordered) {
    const d = miningDialect(m.obj);
    if (d !== undefined && dialect === undefined) {
      dialect = d;
      first = m.ref;
    }
    const method = getString(m.obj, "method");
    if (method !== undefined && methods.length < MAX_METHODS && !methods.includes(method)) methods.push(method.slice(0, MAX_TEXT));
    login ??= loginOf(m.obj)?.slice(0, MAX_TEXT);
    agent ??= agentOf(m.obj)?.slice(0, MAX_TEXT);
  }
  if (dialect === undefined) return undefined;
  const summary: StratumSummary = { methods, dialect, messages: ordered.length, first };
  if (login) summary.login = login;
  if (agent) summary.agent = agent;
  return summary;
}
