import type { Event } from "../../../model/index.js";
import { WEAK_CONFIDENCE, hasCategory, isProtocolRecord, num, str, strs } from "../../../model/index.js";
import type { IpMatch } from "../../../intel/index.js";
import { isPrivateIp } from "../../../intel/ips.js";
import { normaliseDomain } from "../../../intel/domains.js";
import type { Detector, DetectorContext } from "../../types.js";
import { obs } from "../common.js";
import { Aggregate, BoundedMap, addEntity, draftFromAggregate } from "../host/aggregate.js";
import { PoolAnswers } from "../../pool-answers.js";
import { askedBy, PoolNames, type PoolName } from "./pool-names.js";
import { endpointText, flowSides, localEntities, type FlowSides } from "./site.js";
import { FlowSummary, NodeSummary, shapeOf } from "./flow-shape.js";

/**
 * Connections to mining pools in flow records (Zeek conn, Suricata flow/netflow, VPC Flow Logs, pcap flows),
 * summed per (local machine, far address, port) over the whole log (docs/confidence.md):
 *
 *  - the far address is what a pool name resolved to FOR THIS CLIENT in this data (a DNS answer to the same
 *    address or instance: Zeek/Suricata dns, a capture, Route 53 Resolver joined to VPC Flow Logs by source
 *    address or instance id): 0.85, and the finding names domain, address, port and the instance that asked;
 *    resolved for another client only: 0.7. Answers are applied when the finding is written (flush/finish),
 *    so a flow read before the DNS log is joined all the same;
 *  - the far address is on an intel list: 0.6, or 0.75 when the list pins the port seen;
 *  - a miner port alone: 0.15; with the shape of a pool session (flow-shape.ts: long-lived, low and steady
 *    both ways): 0.3, long (30 min+ sessions or an hour altogether) 0.35, +0.05 on one of PB-31's own ports,
 *    +0.05 for reconnects, +0.1 when the same machine fails over to another miner endpoint of that shape.
 *
 * One finding per (local machine, strength class): a learned pool is one per domain, every other endpoint of one
 * class (listed, port alone, pool-shaped) is counted in one finding with the list of endpoints
 * (model/pool-endpoints.ts), so a miner failing over across fifty pools is one finding, not fifty.
 *
 * Not pools: private far ends; port-only flows the sensor identified as another protocol (Zeek service,
 * Suricata app_proto; TLS excepted, as stratum+ssl is TLS); the shape of a peer-to-peer node (peers
 * connecting in, many peers, large volume) and any flow on a cryptocurrency node port (8333, 30303...)
 * without intel: those are one policy observation per machine and port (0.1, tag "policy"), which
 * correlation keeps out of mining incidents.
 */
export const POOL_CONNECTION_ID = "minerhunt.network.pool-connection";
const TITLE = "Connection to a mining pool";

export const LEARNED_SAME_CLIENT = 0.85;
export const LEARNED_OTHER_CLIENT = 0.7;
const LISTED_IP_AND_PORT = 0.75;
const LISTED_IP = 0.6;
export const PORT_ALONE = 0.15;
export const PORT_AND_SHAPE = 0.3;
export const PORT_AND_LONG_SHAPE = 0.35;
const PLAYBOOK_PORT_BONUS = 0.05;
const RECONNECT_BONUS = 0.05;
const FAILOVER_BONUS = 0.1;
const SHAPE_CAP = 0.6;
export const NODE_CONFIDENCE = 0.1;
/** Protocols a sensor may name on a pool session: TLS (stratum+ssl) and, should a sensor know it, Stratum. */
const POOL_PROTOCOLS = new Set(["tls", "ssl", "stratum", "unknown", "failed", "-"]);

export interface PoolConnectionLimits {
  /** (local, pool ip:port) pairs with a listed or learned pool; beyond it the least recently seen is reported early. */
  maxStrong: number;
  /**
   * Pairs seen only on a miner port. Beyond it NEW pairs are dropped (counted in the facts): port-only
   * findings are weak and common ports (8888, 9000, 9999) see plenty of ordinary traffic.
   */
  maxPortOnly: number;
  /** Addresses learned from pool-domain answers; beyond it the least recently learned is forgotten. */
  maxLearned: number;
  /**
   * Addresses kept per pool name, its oldest forgotten first: a name with endless answers cannot push the other
   * pools' addresses out (detect/pool-answers.ts).
   */
  maxAnswersPerName: number;
  /**
   * Pairs to public addresses on other ports, held until DNS answers are known (so a flow read before its
   * lookup is still joined); beyond it the least recently seen is forgotten without a finding.
   */
  maxPending: number;
  /** (local, node port) summaries. */
  maxNodes: number;
}


interface State {
  agg: Aggregate;
  local: string;
  remote: string;
  port?: number;
  ipMatch?: IpMatch;
  learned?: PoolName;
  sameClient?: boolean;
  /** The instance that asked for the pool name, when the DNS log named one (a cloud DNS log). */
  askingInstance?: string;
  /** Connection records (flows). */
  summary: FlowSummary;
  /**
   * Protocol records about the same sessions (a TLS, HTTP or Stratum record: ECS event.type protocol), counted
   * apart so a session described by two logs (Zeek conn and ssl, a capture's flow and Stratum events) counts
   * once. They count only where no connection record was seen (a folder of ssl.log alone).
   */
  protocolSummary?: FlowSummary;
  /** The instance ids the flow records name (VPC Flow Logs v3+ instance-id). */
  instances: Set<string>;
}

/**
 * A flow to a public address no list or answer names yet, kept small (it is most traffic): its first and latest
 * record and counts. It becomes a State only if a pool answer names its address later.
 */
interface Pending {
  local: string;
  remote: string;
  port?: number;
  /** Connection records and protocol records (State.protocolSummary says why apart). */
  count: number;
  protocolCount: number;
  first: { event: Event; sides: FlowSides };
  last: { event: Event; sides: FlowSides };
}

interface Node {
  agg: Aggregate;
  local: string;
  port: number;
  network?: string;
  summary: NodeSummary;
}

export function createPoolConnectionDetector(limits: PoolConnectionLimits = {
  maxStrong: 10_000, maxPortOnly: 20_000, maxLearned: 50_000, maxAnswersPerName: 256, maxPending: 5_000, maxNodes: 5_000,
}): Detector {
  return {
    id: POOL_CONNECTION_ID,
    title: TITLE,
    routes: { categories: ["network", "dns"] },
    start(ctx: DetectorContext) {
      let droppedPortOnly = 0;
      const learned = new PoolAnswers<PoolName>(limits.maxLearned, limits.maxAnswersPerName);
      const nodes = new BoundedMap<string, Node>(limits.maxNodes, (_k, n) => emitNode(n));
      const portOnly = new BoundedMap<string, State>(limits.maxPortOnly);
      const pending = new BoundedMap<string, Pending>(limits.maxPending);
      const strong = new BoundedMap<string, State>(limits.maxStrong, (_k, s) => emitFlow(s, new Map()));

      /** Join the DNS answers known now: a pool name this client (address or instance) asked itself counts most. */
      const resolve = (s: State): void => {
        for (const name of learned.namesOf(s.remote) ?? []) {
          const asker = askedBy(name, s.local, s.instances);
          const same = asker !== false;
          if (s.learned && (!same || s.sameClient)) continue;
          s.learned = name;
          s.sameClient = same;
          if (asker) s.askingInstance = asker; else delete s.askingInstance;
        }
      };

      const emitFlow = (s: State, failover: Map<string, string[]>): void => {
        resolve(s);
        if (!s.learned && !s.ipMatch) {
          if (s.port === undefined) return;
          // A node's port (peers in, many peers, big volume) is a policy matter: reported by emitNode.
          if (nodes.peek(`${s.local}\0${s.port}`)?.summary.isNode()) return;
        }
        ctx.emit(toDraft(s, droppedPortOnly, failover.get(s.local) ?? [], ctx));
      };

      const emitNode = (n: Node): void => {
        if (!n.network && !n.summary.isNode()) return;
        ctx.emit(nodeDraft(n));
      };

      /** Per local machine, the miner endpoints it keeps pool-shaped sessions with (failover needs two). */
      const failoverMap = (states: Iterable<State>): Map<string, string[]> => {
        const out = new Map<string, string[]>();
        for (const s of states) {
          if (s.learned || s.ipMatch || !shapeOf(counted(s), s.agg.spanMs() / 1000).miningLike) continue;
          if (nodes.peek(`${s.local}\0${s.port ?? ""}`)?.summary.isNode()) continue;
          const list = out.get(s.local) ?? [];
          if (list.length < 16) list.push(endpointText(s.remote, s.port));
          out.set(s.local, list);
        }
        return out;
      };

      // One object per pool name: every address learned from it points at that one.
      const poolNames = new PoolNames(ctx.intel);
      const learnFromDns = (event: Event) => {
        const raw = str(event, "dns.question.name");
        const normalised = raw ? normaliseDomain(raw) : undefined;
        const name = normalised ? poolNames.get(normalised) : undefined;
        if (!name) return;
        const client = dnsClientOf(event);
        const instance = str(event, "cloud.instance.id");
        const account = str(event, "cloud.account.id");
        for (const c of [client, instance]) if (c) poolNames.noteAsker(name, c, instance, account);
        for (const ip of strs(event, "dns.resolved_ip").slice(0, 64)) {
          if (isPrivateIp(ip)) continue;
          learned.learn(name, ip);
        }
      };

      const record = (state: State, event: Event, sides: FlowSides, local: string, remote: string, port: number | undefined): void => {
        const summary = isProtocolRecord(event) ? (state.protocolSummary ??= new FlowSummary()) : state.summary;
        summary.add(event, str(event, "source.ip") === remote, sides.localPort);
        const instance = str(event, "cloud.instance.id");
        if (instance && state.instances.size < 4) state.instances.add(instance);
        // Summary and entities are built only if the aggregate keeps them (Aggregate.add).
        state.agg.add(event, () => {
          const via = state.learned ? ` (${state.learned.domain})` : state.ipMatch ? ` (listed ${state.ipMatch.listed})` : "";
          return `${str(event, "network.transport") ?? "flow"} ${local || "?"} -> ${endpointText(remote, port)}${via}` +
            `${num(event, "source.bytes") !== undefined ? ` out ${num(event, "source.bytes")} B` : ""}` +
            `${num(event, "destination.bytes") !== undefined ? ` in ${num(event, "destination.bytes")} B` : ""}`;
        }, () => {
          const entities = localEntities(event, sides);
          addEntity(entities, "pools", endpointText(remote, port));
          return entities;
        });
        // The address and port are part of the state's key: every later record names the same two.
        if (state.agg.count === 1) state.agg.observe([...obs("ip", remote), ...obs("port", port)]);
      };

      /** A held flow as a State, replayed from its first and latest record. */
      const fromPending = (p: Pending): State => {
        const state = newState(p.local, p.remote, p.port);
        record(state, p.first.event, p.first.sides, p.local, p.remote, p.port);
        if (p.last.event !== p.first.event) record(state, p.last.event, p.last.sides, p.local, p.remote, p.port);
        state.summary.flows = p.count;
        if (state.protocolSummary) state.protocolSummary.flows = p.protocolCount;
        state.agg.count = p.count + p.protocolCount;
        return state;
      };
      const emitPending = (p: Pending, failover: Map<string, string[]>): void => {
        if (learned.has(p.remote)) emitFlow(fromPending(p), failover);
      };

      return {
        onEvent(event) {
          if (str(event, "event.kind") === "alert") return;
          if (hasCategory(event, "dns") || event["dns.question.name"] !== undefined) { learnFromDns(event); return; }
          const sides = flowSides(event);
          const remote = sides.remote;
          if (!remote || isPrivateIp(remote)) return;
          const port = sides.remotePort;
          const local = sides.local ?? (str(event, "host.name") ?? "").toLowerCase();
          const key = `${local}\0${remote}\0${port ?? ""}`;
          const ipMatch = ctx.intel.matchIp(remote);
          const known = ipMatch !== undefined || learned.has(remote);

          if (known) {
            // A pair first seen on a port alone (or held for DNS) becomes strong once intel or DNS names its address.
            const held = pending.delete(key);
            const earlier = portOnly.delete(key) ?? (held ? fromPending(held) : undefined);
            const state = strong.getOrCreate(key, () => earlier ?? newState(local, remote, port));
            if (ipMatch) state.ipMatch ??= ipMatch;
            resolve(state);
            record(state, event, sides, local, remote, port);
            return;
          }

          const nodePorts = ctx.intel.cryptoNodePorts;
          const out = port !== undefined && (nodePorts.has(port) || ctx.intel.minerPorts.has(port));
          // Inbound only when the far end started it (the record's source): a local ephemeral port that happens
          // to be a miner port (45560, 45700) is not a service.
          const inbound = !out && str(event, "source.ip") === remote && sides.localPort !== undefined &&
            (nodePorts.has(sides.localPort) || ctx.intel.minerPorts.has(sides.localPort));
          const servicePort = out ? port : inbound ? sides.localPort : undefined;
          if (servicePort !== undefined) {
            const node = nodes.getOrCreate(`${local}\0${servicePort}`, () => newNode(local, servicePort, nodePorts.get(servicePort)));
            node.summary.add(remote, !out, (num(event, "source.bytes") ?? 0) + (num(event, "destination.bytes") ?? 0));
            if (node.network || node.agg.count < 1000) {
              node.agg.add(event, () => `${local || "?"} ${out ? "->" : "<-"} ${endpointText(remote, out ? port : sides.remotePort)} (${node.network ?? "peer-to-peer"} port ${servicePort})`,
                () => localEntities(event, sides));
            }
            // A cryptocurrency node's port: a policy observation only, never a pool connection without intel.
            if (node.network) return;
          }

          const protocol = str(event, "network.protocol")?.toLowerCase();
          const otherProtocol = protocol !== undefined && !POOL_PROTOCOLS.has(protocol);
          if (out && !otherProtocol) {
            let state = portOnly.peek(key);
            if (!state) {
              if (portOnly.size >= portOnly.maxSize) { droppedPortOnly++; return; }
              state = newState(local, remote, port);
              portOnly.set(key, state);
            }
            record(state, event, sides, local, remote, port);
            return;
          }
          // Any other public flow waits, kept small, for DNS answers that may name its address (flush/finish).
          const held = pending.peek(key);
          const protocolRecord = isProtocolRecord(event);
          if (held) {
            if (protocolRecord) held.protocolCount++; else held.count++;
            held.last = { event, sides };
            return;
          }
          pending.set(key, { local, remote, ...(port !== undefined ? { port } : {}), count: protocolRecord ? 0 : 1,
            protocolCount: protocolRecord ? 1 : 0, first: { event, sides }, last: { event, sides } });
        },
        flush(watermarkMs) {
          const failover = failoverMap(portOnly.values());
          strong.drainWhere((s) => s.agg.idleBefore(watermarkMs), (_k, s) => emitFlow(s, failover));
          portOnly.drainWhere((s) => s.agg.idleBefore(watermarkMs), (_k, s) => emitFlow(s, failover));
          pending.drainWhere((p) => idleBefore(p.last.event, watermarkMs), (_k, p) => emitPending(p, failover));
          nodes.drainWhere((n) => n.agg.idleBefore(watermarkMs), (_k, n) => emitNode(n));
        },
        finish() {
          const failover = failoverMap(portOnly.values());
          strong.drain((_k, s) => emitFlow(s, failover));
          portOnly.drain((_k, s) => emitFlow(s, failover));
          pending.drain((_k, p) => emitPending(p, failover));
          nodes.drain((_k, n) => emitNode(n));
        },
      };
    },
  };
}

const DNS_PORTS = new Set([53, 5353, 853]);

function idleBefore(event: Event, watermarkMs: number): boolean {
  const t = Date.parse(str(event, "@timestamp") ?? "");
  return Number.isFinite(t) && t < watermarkMs;
}

/**
 * The machine that asked: the source of a query record (whatever its address: a public client of a private
 * resolver is still the client), the destination of a record written from the server's side, else the local
 * end. Never the resolver.
 */
function dnsClientOf(event: Event): string | undefined {
  const dport = num(event, "destination.port");
  const sport = num(event, "source.port");
  if (dport !== undefined && DNS_PORTS.has(dport)) return str(event, "source.ip");
  if (sport !== undefined && DNS_PORTS.has(sport)) return str(event, "destination.ip");
  return flowSides(event).local ?? str(event, "source.ip");
}

/** The records a State counts: its connection records, or its protocol records where it has no connection record. */
function counted(s: State): FlowSummary {
  return s.summary.flows > 0 || !s.protocolSummary ? s.summary : s.protocolSummary;
}

function newState(local: string, remote: string, port: number | undefined): State {
  const s: State = { agg: new Aggregate(), local, remote, summary: new FlowSummary(), instances: new Set() };
  if (port !== undefined) s.port = port;
  return s;
}

function newNode(local: string, port: number, network: string | undefined): Node {
  const n: Node = { agg: new Aggregate(), local, port, summary: new NodeSummary() };
  if (network) n.network = network;
  return n;
}

function toDraft(s: State, droppedPortOnly: number, failoverTo: readonly string[], ctx: DetectorContext) {
  const flows = counted(s);
  const shape = shapeOf(flows, s.agg.spanMs() / 1000);
  const pinnedPort = s.ipMatch?.ports !== undefined && s.port !== undefined && s.ipMatch.ports.includes(s.port);
  const here = endpointText(s.remote, s.port);
  const others = failoverTo.filter((e) => e !== here);
  let confidence: number;
  let why: string;
  /** The strength class: endpoints of one class and one subject are one fact (model/pool-endpoints.ts). */
  let strength: string;
  const reasons: string[] = [];
  if (s.learned) {
    confidence = s.sameClient ? LEARNED_SAME_CLIENT : LEARNED_OTHER_CLIENT;
    strength = s.sameClient ? "dns-same-client" : "dns-other-client";
    why = s.sameClient
      ? `${s.remote} is what pool domain ${s.learned.domain} resolved to for this same client`
      : `${s.remote} is what pool domain ${s.learned.domain} resolved to for another client in this data`;
    if (s.sameClient) {
      // The cloud DNS log names the instance that asked: the flow log's address is that instance.
      if (s.askingInstance) addEntity(s.agg.entities, "instances", s.askingInstance);
      for (const a of s.learned.accounts ?? []) addEntity(s.agg.entities, "accounts", a);
    }
    addEntity(s.agg.entities, "pools", s.learned.domain);
    s.agg.observe(obs("domain", s.learned.domain));
  } else if (s.ipMatch) {
    // Never surer than the list that named the address.
    confidence = Math.min(pinnedPort ? LISTED_IP_AND_PORT : LISTED_IP, Math.max(s.ipMatch.confidence, PORT_AND_SHAPE));
    strength = pinnedPort ? "listed-port" : "listed";
    why = `${s.remote} is on the ${s.ipMatch.list} list (${s.ipMatch.listed}${pinnedPort ? `, port ${s.port} pinned` : ""})`;
  } else {
    confidence = PORT_ALONE;
    strength = "port";
    if (shape.miningLike) {
      strength = "shape";
      confidence = shape.long ? PORT_AND_LONG_SHAPE : PORT_AND_SHAPE;
      reasons.push(shape.long ? "long-lived (30 min+ sessions or an hour altogether)" : "long-lived", "low and steady both ways");
      if (s.port !== undefined && ctx.intel.playbookPorts.has(s.port)) { confidence += PLAYBOOK_PORT_BONUS; reasons.push("a PB-31 pool port"); }
      if (shape.reconnects) { confidence += RECONNECT_BONUS; reasons.push(`${flows.sessionCount} sessions (reconnects)`); }
      if (others.length > 0) { confidence += FAILOVER_BONUS; reasons.push(`fails over to ${others.slice(0, 4).join(", ")}`); }
      confidence = Math.min(confidence, SHAPE_CAP);
    }
    why = `port ${s.port} is a known miner port${reasons.length ? `, and the traffic has a pool session's shape: ${reasons.join(", ")}` : ""}`;
  }
  const facts: Record<string, string | number | boolean> = {
    "flow.count": flows.flows, "flow.sessions": flows.sessionCount, "network.bytes_out": flows.bytesOut, "network.bytes_in": flows.bytesIn,
    "flow.seconds": Math.round(shape.seconds), "flow.longest_session_seconds": Math.round(flows.longestSessionSeconds()),
    "flow.mining_like": shape.miningLike, "destination.ip": s.remote,
  };
  if (s.port !== undefined) facts["destination.port"] = s.port;
  if (others.length && !s.learned && !s.ipMatch) facts["flow.failover_to"] = others.slice(0, 8).join(",");
  if (s.learned) {
    facts["pool.domain"] = s.learned.domain;
    facts["dns.same_client"] = s.sameClient === true;
    if (s.learned.match.label) facts["pool.label"] = s.learned.match.label;
  }
  if (s.ipMatch) { facts["ip.list"] = s.ipMatch.list; facts["ip.listed"] = s.ipMatch.listed; if (s.ipMatch.label) facts["pool.label"] = s.ipMatch.label; }
  if (!s.learned && !s.ipMatch && droppedPortOnly > 0) facts["port_only.dropped"] = droppedPortOnly;
  const target = `${here}${s.learned ? ` (${s.learned.domain})` : ""}`;
  const strongOne = s.learned !== undefined || s.ipMatch !== undefined;
  const instance = s.agg.entities.instances?.[0];
  const from = s.local ? ` from ${instance && instance !== s.local ? `${instance} (${s.local})` : s.local}` : "";
  const shaped = !strongOne && shape.miningLike;
  const confirm = " To confirm it: the process holding the connection (EDR, ss -tp), the pool's name in DNS or proxy logs, or Stratum in a capture.";
  // Once the finding covers several endpoints (the same subject, rule and class), it says so; the reasons
  // quoted are the strongest endpoint's, and named as such.
  const manyEndpoints = s.learned
    ? { title: `Connection to mining pool ${s.learned.domain} ({n} endpoints)${from}`,
        description: `PB-31 §1.2 network indicator: {n} endpoints (listed) are what pool domain ${s.learned.domain} resolved to for ${s.sameClient ? "this same client" : "another client in this data"}.` }
    : s.ipMatch
      ? { title: `Connections to {n} listed mining pool endpoints${from}`,
          description: `PB-31 §1.2 network indicator: {n} endpoints (listed) are on intel lists${pinnedPort ? " with their port pinned" : ""}; the strongest: ${why}.` }
      : shaped
        ? { title: `Pool-shaped sessions to {n} miner-port endpoints${from}`,
            description: `PB-31 §1.2 network indicator: {n} endpoints (listed) on known miner ports carried traffic with a pool session's shape (long-lived, low and steady both ways); the strongest: ${why}.${confirm}` }
        : { title: `Connections to {n} miner-port endpoints${from}`,
            description: `PB-31 §1.2 network indicator: traffic to {n} endpoints (listed) on known miner ports, none with a pool session's shape: weak alone.${confirm}` };
  return draftFromAggregate({ id: POOL_CONNECTION_ID, title: TITLE }, s.agg, {
    title: strongOne ? `Connection to mining pool ${target}${from}`
      : shaped ? `Pool-shaped sessions to miner port ${target}${from}` : `Connection to miner port ${target}${from}`,
    description: `PB-31 §1.2 network indicator: ${why}.` + (strongOne ? "" : confirm),
    manyEndpoints,
    trigger: "network",
    confidence,
    facts,
    tags: strongOne ? ["pb-31:1.2:pool"] : ["pb-31:1.2:port", ...(shaped ? ["flow-shape" as const] : []), ...(confidence < WEAK_CONFIDENCE ? ["hint" as const] : [])],
    key: strength,
    ...(flows.haveBytes ? { bytes: flows.bytesOut + flows.bytesIn } : {}),
    ...(flows.havePackets ? { packets: flows.packetsOut + flows.packetsIn } : {}),
  });
}

/** A cryptocurrency node, or a peer-to-peer shape on a miner port: a policy observation outside incidents. */
function nodeDraft(n: Node) {
  const what = n.network ? `${n.network} node port ${n.port}` : `peer-to-peer shape on port ${n.port}`;
  return draftFromAggregate({ id: POOL_CONNECTION_ID, title: TITLE }, n.agg, {
    title: `Cryptocurrency node traffic on ${n.local || "?"}: ${what} (${n.summary.peers.size}${n.summary.peers.size >= 256 ? "+" : ""} peers, ${n.summary.inbound} inbound)`,
    description: "A cryptocurrency node (or a peer-to-peer service) relays blocks and transactions; it does not mine. " +
      "A policy observation for the site to judge, never part of a mining incident.",
    trigger: "network",
    confidence: NODE_CONFIDENCE,
    facts: {
      "node.port": n.port, "node.peers": n.summary.peers.size, "node.inbound": n.summary.inbound, "network.bytes": n.summary.bytes,
      "flow.count": n.summary.flows, ...(n.network ? { "node.network": n.network } : {}),
    },
    tags: ["policy", "hint"],
    key: `node\0${n.port}`,
  });
}

export const poolConnectionDetector: Detector = createPoolConnectionDetector();
