import type { Event } from "../../../model/index.js";
import { hasCategory, num, str, strs } from "../../../model/index.js";
import type { DomainMatch, IpMatch } from "../../../intel/index.js";
import { isPrivateIp, normaliseDomain } from "../../../intel/index.js";
import type { Detector, DetectorContext } from "../../types.js";
import { obs } from "../common.js";
import { Aggregate, BoundedMap, addEntity, draftFromAggregate } from "../host/aggregate.js";
import { endpointText, flowSides, localEntities } from "./site.js";

/**
 * Connections to mining pools in flow records (Zeek conn, Suricata flow, VPC flow logs, pcap flows).
 *
 *  - destination IP in intel (intel.matchIp): 0.6, or 0.75 when the list pins the port seen;
 *  - destination IP that a pool domain resolved to earlier in this run (dns.resolved_ip of a lookup that
 *    intel.matchDomain knows): 0.8, and the finding names the domain. The scan reads DNS logs first so
 *    this works across files;
 *  - destination port in intel.minerPorts alone: weak (0.15), or 0.3 when the flow looks like mining —
 *    long-lived (minutes), low volume both ways, small packets: Stratum sends a job every few tens of
 *    seconds and a share now and then, nothing like a download or a web page.
 * Private destinations are never pools (a local proxy is found by its process, not here); return records
 * (pool → local) are read as the connection they answer. Aggregated per (local, pool ip:port).
 */
export const POOL_CONNECTION_ID = "minerhunt.network.pool-connection";
const TITLE = "Connection to a mining pool";

const LEARNED_FROM_DNS = 0.8;
const LISTED_IP_AND_PORT = 0.75;
const LISTED_IP = 0.6;
const PORT_ALONE = 0.15;
const PORT_AND_SHAPE = 0.3;

/** What "mining-like" means for a flow aggregate. */
const LONG_LIVED_SECONDS = 300;
const LOW_RATE_BYTES_PER_SECOND = 1024;
const SMALL_PACKET_BYTES = 512;

export interface PoolConnectionLimits {
  /** (local, pool ip:port) pairs with a listed or learned pool; beyond it the least recently seen is reported early. */
  maxStrong: number;
  /**
   * Pairs seen only on a miner port. Beyond it NEW pairs are dropped (counted in the facts): port-only
   * findings are weak and common ports (8888, 9000, 9999) see plenty of ordinary traffic.
   */
  maxPortOnly: number;
  /** IPs learned from pool-domain answers; beyond it the oldest is forgotten. */
  maxLearned: number;
}

interface Learned {
  domain: string;
  match: DomainMatch;
}

interface State {
  agg: Aggregate;
  local: string;
  remote: string;
  port?: number;
  ipMatch?: IpMatch;
  learned?: Learned;
  flows: number;
  bytesOut: number;
  bytesIn: number;
  packetsOut: number;
  packetsIn: number;
  /** Some record carried byte counts / packet counts (absent fields must not read as "low volume"). */
  haveBytes: boolean;
  havePackets: boolean;
  maxDurationSeconds: number;
}

export interface FlowShape {
  seconds: number;
  miningLike: boolean;
}

/** Long-lived, low volume both ways, small packets. Unknown volume is never "mining-like". */
export function flowShape(s: Pick<State, "bytesOut" | "bytesIn" | "packetsOut" | "packetsIn" | "haveBytes" | "havePackets" | "maxDurationSeconds">, spanSeconds: number): FlowShape {
  const seconds = Math.max(s.maxDurationSeconds, spanSeconds);
  if (!s.haveBytes || seconds < LONG_LIVED_SECONDS) return { seconds, miningLike: false };
  const lowRate = s.bytesOut / seconds <= LOW_RATE_BYTES_PER_SECOND && s.bytesIn / seconds <= LOW_RATE_BYTES_PER_SECOND;
  const smallPackets = !s.havePackets ||
    ((s.packetsOut === 0 || s.bytesOut / s.packetsOut <= SMALL_PACKET_BYTES) && (s.packetsIn === 0 || s.bytesIn / s.packetsIn <= SMALL_PACKET_BYTES));
  const bothWays = s.bytesOut > 0 && s.bytesIn > 0;
  return { seconds, miningLike: lowRate && smallPackets && bothWays };
}

export function createPoolConnectionDetector(limits: PoolConnectionLimits = { maxStrong: 10_000, maxPortOnly: 20_000, maxLearned: 50_000 }): Detector {
  return {
    id: POOL_CONNECTION_ID,
    title: TITLE,
    routes: { categories: ["network", "dns"] },
    start(ctx: DetectorContext) {
      let droppedPortOnly = 0;
      const emit = (s: State) => ctx.emit(toDraft(s, droppedPortOnly));
      const strong = new BoundedMap<string, State>(limits.maxStrong, (_k, s) => emit(s));
      const portOnly = new BoundedMap<string, State>(limits.maxPortOnly);
      const learned = new BoundedMap<string, Learned>(limits.maxLearned);

      const learnFromDns = (event: Event) => {
        const raw = str(event, "dns.question.name");
        const name = raw ? normaliseDomain(raw) : undefined;
        if (!name) return;
        const match = ctx.intel.matchDomain(name);
        if (!match) return;
        for (const ip of strs(event, "dns.resolved_ip").slice(0, 64)) {
          if (!isPrivateIp(ip)) learned.set(ip, { domain: name, match });
        }
      };

      return {
        onEvent(event) {
          if (str(event, "event.kind") === "alert") return;
          if (hasCategory(event, "dns") || event["dns.question.name"] !== undefined) { learnFromDns(event); return; }
          const sides = flowSides(event);
          const remote = sides.remote;
          if (!remote || isPrivateIp(remote)) return;
          const port = sides.remotePort;
          const ipMatch = ctx.intel.matchIp(remote);
          const learnedPool = learned.peek(remote);
          const minerPort = port !== undefined && ctx.intel.minerPorts.has(port);
          if (!ipMatch && !learnedPool && !minerPort) return;

          const local = sides.local ?? (str(event, "host.name") ?? "").toLowerCase();
          const key = `${local}\0${remote}\0${port ?? ""}`;
          let state: State | undefined;
          if (ipMatch || learnedPool) {
            // A pair first seen on a port alone becomes strong once intel or DNS names its address.
            const earlier = portOnly.delete(key);
            state = strong.getOrCreate(key, () => earlier ?? newState(local, remote, port));
          } else {
            state = portOnly.peek(key);
            if (!state) {
              if (portOnly.size >= portOnly.maxSize) { droppedPortOnly++; return; }
              state = newState(local, remote, port);
              portOnly.set(key, state);
            }
          }
          if (ipMatch) state.ipMatch ??= ipMatch;
          if (learnedPool) state.learned ??= learnedPool;
          addFlow(state, event);
          const entities = localEntities(event, sides);
          addEntity(entities, "pools", endpointText(remote, port));
          if (state.learned) addEntity(entities, "pools", state.learned.domain);
          const via = state.learned ? ` (${state.learned.domain})` : ipMatch ? ` (listed ${ipMatch.listed})` : "";
          state.agg.add(event, `${str(event, "network.transport") ?? "flow"} ${local || "?"} -> ${endpointText(remote, port)}${via}` +
            `${num(event, "source.bytes") !== undefined ? ` out ${num(event, "source.bytes")} B` : ""}` +
            `${num(event, "destination.bytes") !== undefined ? ` in ${num(event, "destination.bytes")} B` : ""}`, entities);
          state.agg.observe([...obs("ip", remote), ...obs("port", port), ...obs("domain", state.learned?.domain)]);
        },
        flush(watermarkMs) {
          strong.drainWhere((s) => s.agg.idleBefore(watermarkMs), (_k, s) => emit(s));
          portOnly.drainWhere((s) => s.agg.idleBefore(watermarkMs), (_k, s) => emit(s));
        },
        finish() {
          strong.drain((_k, s) => emit(s));
          portOnly.drain((_k, s) => emit(s));
        },
      };
    },
  };
}

function newState(local: string, remote: string, port: number | undefined): State {
  const s: State = {
    agg: new Aggregate(), local, remote, flows: 0, bytesOut: 0, bytesIn: 0, packetsOut: 0, packetsIn: 0,
    haveBytes: false, havePackets: false, maxDurationSeconds: 0,
  };
  if (port !== undefined) s.port = port;
  return s;
}

/** Add a record's volume, oriented: "out" is local → pool whichever way the record was written. */
function addFlow(s: State, event: Event): void {
  s.flows++;
  const reversed = str(event, "source.ip") === s.remote;
  const srcBytes = num(event, "source.bytes");
  const dstBytes = num(event, "destination.bytes");
  if (srcBytes !== undefined || dstBytes !== undefined) s.haveBytes = true;
  const srcPackets = num(event, "source.packets");
  const dstPackets = num(event, "destination.packets");
  if (srcPackets !== undefined || dstPackets !== undefined) s.havePackets = true;
  s.bytesOut += (reversed ? dstBytes : srcBytes) ?? 0;
  s.bytesIn += (reversed ? srcBytes : dstBytes) ?? 0;
  s.packetsOut += (reversed ? dstPackets : srcPackets) ?? 0;
  s.packetsIn += (reversed ? srcPackets : dstPackets) ?? 0;
  const durationNs = num(event, "event.duration");
  if (durationNs !== undefined && durationNs > 0) s.maxDurationSeconds = Math.max(s.maxDurationSeconds, durationNs / 1e9);
}

function toDraft(s: State, droppedPortOnly: number) {
  const shape = flowShape(s, s.agg.spanMs() / 1000);
  const pinnedPort = s.ipMatch?.ports !== undefined && s.port !== undefined && s.ipMatch.ports.includes(s.port);
  let confidence: number;
  let why: string;
  if (s.learned) {
    confidence = LEARNED_FROM_DNS;
    why = `${s.remote} is what pool domain ${s.learned.domain} resolved to in this data`;
  } else if (s.ipMatch) {
    // Never surer than the list that named the address.
    confidence = Math.min(pinnedPort ? LISTED_IP_AND_PORT : LISTED_IP, Math.max(s.ipMatch.confidence, PORT_AND_SHAPE));
    why = `${s.remote} is on the ${s.ipMatch.list} list (${s.ipMatch.listed}${pinnedPort ? `, port ${s.port} pinned` : ""})`;
  } else {
    confidence = shape.miningLike ? PORT_AND_SHAPE : PORT_ALONE;
    why = `port ${s.port} is a known miner port${shape.miningLike ? " and the flow is long-lived, low-volume, small-packet" : ""}`;
  }
  const facts: Record<string, string | number | boolean> = {
    "flow.count": s.flows, "network.bytes_out": s.bytesOut, "network.bytes_in": s.bytesIn,
    "flow.seconds": Math.round(shape.seconds), "flow.mining_like": shape.miningLike, "destination.ip": s.remote,
  };
  if (s.port !== undefined) facts["destination.port"] = s.port;
  if (s.learned) { facts["pool.domain"] = s.learned.domain; if (s.learned.match.label) facts["pool.label"] = s.learned.match.label; }
  if (s.ipMatch) { facts["ip.list"] = s.ipMatch.list; facts["ip.listed"] = s.ipMatch.listed; if (s.ipMatch.label) facts["pool.label"] = s.ipMatch.label; }
  if (!s.learned && !s.ipMatch && droppedPortOnly > 0) facts["port_only.dropped"] = droppedPortOnly;
  const target = `${endpointText(s.remote, s.port)}${s.learned ? ` (${s.learned.domain})` : ""}`;
  const strongOne = s.learned !== undefined || s.ipMatch !== undefined;
  return draftFromAggregate({ id: POOL_CONNECTION_ID, title: TITLE }, s.agg, {
    title: strongOne ? `Connection to mining pool ${target}${s.local ? ` from ${s.local}` : ""}` : `Connection to miner port ${target}${s.local ? ` from ${s.local}` : ""}`,
    description: `PB-31 §1.2 network indicator: ${why}.`,
    trigger: "network",
    confidence,
    facts,
    tags: strongOne ? ["pb-31:1.2:pool"] : ["pb-31:1.2:port", "hint"],
    ...(s.haveBytes ? { bytes: s.bytesOut + s.bytesIn } : {}),
    ...(s.havePackets ? { packets: s.packetsOut + s.packetsIn } : {}),
  });
}

export const poolConnectionDetector: Detector = createPoolConnectionDetector();
