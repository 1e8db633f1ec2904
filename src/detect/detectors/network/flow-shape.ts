import type { Event } from "../../../model/index.js";
import { num, str } from "../../../model/index.js";

/**
 * The shape of the traffic between one local machine and one far end (address and port), summed over the
 * whole log with bounded memory: a miner keeps one long, quiet, steady session to its pool, both ways (jobs in,
 * shares out), reconnects when it drops, and fails over to the next pool in its list. A download, a web page,
 * a backup or a peer-to-peer node looks different.
 *
 * Sessions are told apart by the local port (a reconnect takes a new ephemeral port); a session seen in several
 * records (VPC Flow Logs' aggregation windows, Zeek's long-connection updates) is one session spanning them.
 */

/** Sessions tracked by local port per far end; past it more sessions are counted but not timed. */
const MAX_SESSIONS = 64;
/** Under this a flow is not "long-lived" at all. */
export const LONG_LIVED_SECONDS = 300;
/** A session this long, or this much time in sessions altogether, is what a miner keeps. */
export const LONG_SESSION_SECONDS = 1800;
export const LONG_TOTAL_SECONDS = 3600;
/** Average bytes per second each way at most: Stratum sends a job every few tens of seconds and a share now and then. */
export const LOW_RATE_BYTES_PER_SECOND = 1024;
/** Steady: no record of a minute or more ran faster than this (a burst is a transfer, not a pool session). */
const STEADY_MAX_RATE = 4 * LOW_RATE_BYTES_PER_SECOND;
const SMALL_PACKET_BYTES = 512;
/** Sessions that make "reconnects". */
export const RECONNECT_SESSIONS = 3;

export class FlowSummary {
  flows = 0;
  bytesOut = 0;
  bytesIn = 0;
  packetsOut = 0;
  packetsIn = 0;
  haveBytes = false;
  havePackets = false;
  maxDurationSeconds = 0;
  maxRecordRate = 0;
  /** Local port → [start, end] ms of the session using it. */
  private readonly sessions = new Map<number, [number, number]>();
  untimedSessions = 0;

  /** Add one record; `out` is local → far end whichever way the record was written. */
  add(event: Event, reversed: boolean, localPort: number | undefined): void {
    this.flows++;
    const srcBytes = num(event, "source.bytes");
    const dstBytes = num(event, "destination.bytes");
    if (srcBytes !== undefined || dstBytes !== undefined) this.haveBytes = true;
    const srcPackets = num(event, "source.packets");
    const dstPackets = num(event, "destination.packets");
    if (srcPackets !== undefined || dstPackets !== undefined) this.havePackets = true;
    const out = (reversed ? dstBytes : srcBytes) ?? 0;
    const inb = (reversed ? srcBytes : dstBytes) ?? 0;
    this.bytesOut += out;
    this.bytesIn += inb;
    this.packetsOut += (reversed ? dstPackets : srcPackets) ?? 0;
    this.packetsIn += (reversed ? srcPackets : dstPackets) ?? 0;

    const { startMs, endMs } = timesOf(event);
    const seconds = Number.isFinite(startMs) && Number.isFinite(endMs) ? (endMs - startMs) / 1000 : 0;
    if (seconds > this.maxDurationSeconds) this.maxDurationSeconds = seconds;
    if (seconds >= 60) this.maxRecordRate = Math.max(this.maxRecordRate, out / seconds, inb / seconds);
    if (localPort === undefined || !Number.isFinite(startMs)) { this.untimedSessions++; return; }
    const s = this.sessions.get(localPort);
    if (s) { s[0] = Math.min(s[0], startMs); s[1] = Math.max(s[1], endMs); return; }
    if (this.sessions.size >= MAX_SESSIONS) { this.untimedSessions++; return; }
    this.sessions.set(localPort, [startMs, Number.isFinite(endMs) ? endMs : startMs]);
  }

  get sessionCount(): number {
    return this.sessions.size + (this.sessions.size === 0 ? Math.min(this.untimedSessions, this.flows) : 0);
  }

  /** The longest session (s): one local port's first start to its last end, or the longest record. */
  longestSessionSeconds(): number {
    let best = this.maxDurationSeconds;
    for (const [a, b] of this.sessions.values()) best = Math.max(best, (b - a) / 1000);
    return best;
  }

  /** Time in sessions altogether (s). */
  totalSessionSeconds(): number {
    let total = 0;
    for (const [a, b] of this.sessions.values()) total += (b - a) / 1000;
    return Math.max(total, this.maxDurationSeconds);
  }
}

export interface Shape {
  /** Seconds the summary covers (longest session, or the span of its records). */
  seconds: number;
  /** Long-lived (5 min+), low rate both ways, small packets: what PB-31's pool sessions look like. */
  miningLike: boolean;
  /** A session of 30 min+ or an hour in sessions. */
  long: boolean;
  steady: boolean;
  reconnects: boolean;
}

/** Judge a summary. Unknown volume is never "mining-like". */
export function shapeOf(s: FlowSummary, spanSeconds: number): Shape {
  const seconds = Math.max(s.longestSessionSeconds(), spanSeconds);
  const total = Math.max(s.totalSessionSeconds(), spanSeconds);
  const steady = s.maxRecordRate <= STEADY_MAX_RATE;
  const reconnects = s.sessionCount >= RECONNECT_SESSIONS;
  if (!s.haveBytes || seconds < LONG_LIVED_SECONDS) return { seconds, miningLike: false, long: false, steady, reconnects };
  const lowRate = s.bytesOut / total <= LOW_RATE_BYTES_PER_SECOND && s.bytesIn / total <= LOW_RATE_BYTES_PER_SECOND;
  const smallPackets = !s.havePackets ||
    ((s.packetsOut === 0 || s.bytesOut / s.packetsOut <= SMALL_PACKET_BYTES) && (s.packetsIn === 0 || s.bytesIn / s.packetsIn <= SMALL_PACKET_BYTES));
  // Flow logs that count one direction per record (VPC Flow Logs) show "both ways" as two records.
  const bothWays = s.bytesOut > 0 && s.bytesIn > 0;
  const miningLike = lowRate && smallPackets && bothWays && steady;
  const long = miningLike && (seconds >= LONG_SESSION_SECONDS || total >= LONG_TOTAL_SECONDS);
  return { seconds, miningLike, long, steady, reconnects };
}

function timesOf(event: Event): { startMs: number; endMs: number } {
  const start = str(event, "event.start") ?? str(event, "@timestamp");
  const startMs = start ? Date.parse(start) : Number.NaN;
  const end = str(event, "event.end");
  const durationNs = num(event, "event.duration");
  const endMs = end ? Date.parse(end) : durationNs !== undefined && Number.isFinite(startMs) ? startMs + durationNs / 1e6 : startMs;
  return { startMs, endMs };
}

/**
 * A peer-to-peer node's shape on one local port: many distinct peers, peers connecting IN, large volume. A
 * Bitcoin or Ethereum full node is a policy matter, not mining, and never joins a mining incident.
 */
export const NODE_MIN_PEERS = 8;
export const NODE_LARGE_BYTES = 50 * 1024 * 1024;
const MAX_PEERS = 256;

export class NodeSummary {
  readonly peers = new Set<string>();
  inbound = 0;
  bytes = 0;
  flows = 0;

  add(remote: string, inbound: boolean, bytes: number): void {
    this.flows++;
    if (this.peers.size < MAX_PEERS) this.peers.add(remote);
    if (inbound) this.inbound++;
    this.bytes += bytes;
  }

  /**
   * The shape of a node rather than of a miner: peers connect in, or many peers AND large volume (a miner
   * also meets several pool addresses behind one name, but moves little).
   */
  isNode(): boolean {
    return this.inbound > 0 || (this.peers.size >= NODE_MIN_PEERS && this.bytes >= NODE_LARGE_BYTES);
  }
}
