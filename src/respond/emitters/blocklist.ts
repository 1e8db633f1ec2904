/**
 * The one blocklist every emitter writes from: pool domains, pool addresses (IPv4 and IPv6, prefixes
 * allowed) and pool ports, with the incident and findings they come from.
 *
 * Only attacker-side observables go in: the pools an incident's findings name, the addresses of those
 * pools, the ports miners dial, the hosts scripts were downloaded from. Never the victims: an incident's
 * `entities.ips` are our own machines, and private addresses are refused whatever finding names them.
 */
import { isIP } from "node:net";
import type { Finding, Incident } from "../../model/index.js";
import type { Intel } from "../../intel/index.js";
import { IpTable } from "../../intel/ips.js";
import { checkDomain, checkIp, checkPort, quoteRejected, type CheckedIp } from "./validate.js";

export type PortProtocol = "tcp" | "udp";
export interface BlockPort { port: number; protocol: PortProtocol }

export interface BlocklistRefs {
  /** "incident" (from an incident's findings) or "intel" (the whole curated pool list). */
  source: "incident" | "intel";
  incidentId?: string;
  findingIds: string[];
}

/** What to block, as collected: values are raw until cleanBlocklist() checks them. */
export interface Blocklist {
  domains: string[];
  /** IPv4 and IPv6 addresses or prefixes ("203.0.113.77", "2001:db8::/48"). */
  ips: string[];
  ports: BlockPort[];
  refs: BlocklistRefs;
}

/** A value left out, and why (shown to the person; escape it for where it is shown). */
export interface Rejected {
  kind: "domain" | "ip" | "port";
  value: string;
  reason: string;
}

/** A blocklist whose every value passed validate.ts: what the emitters write. */
export interface CleanBlocklist {
  /** Sorted, unique, lower case LDH names. */
  domains: string[];
  v4: CheckedIp[];
  v6: CheckedIp[];
  /** Sorted by protocol then port, unique. */
  ports: BlockPort[];
  refs: BlocklistRefs;
  dropped: Rejected[];
}

/**
 * Ports never blocked as ports, whatever a list says: a pool on 443 (pool.supportxmr.com:443 is common)
 * must not cut the web. The pool's address still is blocked; its name too, through the DNS formats.
 */
export const SERVICE_PORTS: ReadonlySet<number> = new Set([20, 21, 22, 25, 53, 80, 110, 123, 143, 389, 443, 465, 587, 636, 853, 993, 995, 3389, 8080, 8443]);

export const EMPTY_REFS: BlocklistRefs = { source: "incident", findingIds: [] };

/**
 * Check every value; drop (and report) what is not a name, an address or a port. Addresses inside a
 * listed prefix are dropped as already covered (nftables refuses overlapping intervals).
 */
export function cleanBlocklist(list: Blocklist): CleanBlocklist {
  const dropped: Rejected[] = [];
  const domains = new Set<string>();
  for (const raw of list.domains) {
    const c = checkDomain(String(raw));
    if (c.ok) domains.add(c.value);
    else dropped.push({ kind: "domain", value: quoteRejected(String(raw)), reason: c.reason });
  }
  const ips = new Map<string, CheckedIp>();
  for (const raw of list.ips) {
    const c = checkIp(String(raw));
    if (c.ok) ips.set(c.value.cidr, c.value);
    else dropped.push({ kind: "ip", value: quoteRejected(String(raw)), reason: c.reason });
  }
  // Widest prefixes first: anything a listed prefix already covers is left out.
  const covering = new IpTable<true>();
  const kept: CheckedIp[] = [];
  for (const ip of [...ips.values()].sort((a, b) => a.prefix - b.prefix)) {
    if (covering.lookup(ip.address)) continue;
    covering.add(ip.cidr, true);
    kept.push(ip);
  }
  const ports = new Map<string, BlockPort>();
  for (const p of list.ports) {
    const c = checkPort(p.port);
    if (!c.ok) { dropped.push({ kind: "port", value: quoteRejected(String(p.port)), reason: c.reason }); continue; }
    if (SERVICE_PORTS.has(c.value)) { dropped.push({ kind: "port", value: String(c.value), reason: "a common service port: only the pool's address and name are blocked" }); continue; }
    if (p.protocol !== "tcp" && p.protocol !== "udp") { dropped.push({ kind: "port", value: quoteRejected(String(p.protocol)), reason: "protocol is not tcp or udp" }); continue; }
    ports.set(`${p.protocol}/${c.value}`, { port: c.value, protocol: p.protocol });
  }
  const byAddress = (a: CheckedIp, b: CheckedIp): number => a.cidr < b.cidr ? -1 : a.cidr > b.cidr ? 1 : 0;
  return {
    domains: [...domains].sort(),
    v4: kept.filter((i) => i.family === 4).sort(byAddress),
    v6: kept.filter((i) => i.family === 6).sort(byAddress),
    ports: [...ports.values()].sort((a, b) => a.protocol.localeCompare(b.protocol) || a.port - b.port),
    refs: list.refs,
    dropped,
  };
}

export interface BuildOptions {
  /** Allowlisted look-alikes (pool.ntp.org...) are dropped; a pool's listed domain is added beside the name seen. */
  intel?: Intel;
}

/**
 * The blocklist of an incident: the pools its findings name (entities.pools "domain" or "ip:port"),
 * domain observables, address and port observables of findings about a pool connection, and the hosts of
 * downloaded URLs. Private addresses and allowlisted names are dropped by cleanBlocklist / the intel.
 */
export function blocklistFromIncident(incident: Incident, findings: readonly Finding[], opts: BuildOptions = {}): { list: Blocklist; dropped: Rejected[] } {
  const domains: string[] = [];
  const ips: string[] = [];
  const ports: BlockPort[] = [];
  const dropped: Rejected[] = [];
  const addHost = (host: string): void => {
    const bare = host.startsWith("[") && host.endsWith("]") ? host.slice(1, -1) : host;
    if (isIP(bare) || bare.includes("/")) { ips.push(bare); return; }
    if (opts.intel?.isAllowlisted(bare)) { dropped.push({ kind: "domain", value: quoteRejected(bare), reason: "on the intel allowlist (a look-alike, not a pool)" }); return; }
    domains.push(bare);
    const listed = opts.intel?.matchDomain(bare);
    if (listed && (listed.list === "pools" || listed.list === "donation") && listed.listed !== bare) domains.push(listed.listed);
  };
  const addPool = (pool: string): void => {
    const { host, port } = splitHostPort(pool);
    addHost(host);
    if (port !== undefined) ports.push({ port: Number(port), protocol: "tcp" });
  };

  for (const pool of incident.entities.pools ?? []) addPool(pool);
  for (const f of findings) {
    for (const pool of f.entities.pools ?? []) addPool(pool);
    const aboutPool = (f.entities.pools?.length ?? 0) > 0;
    for (const o of f.observables) {
      if (o.type === "domain") addHost(o.value);
      else if (o.type === "url") { const h = urlHost(o.value); if (h) addHost(h); }
      // An address or port is the pool's only in a finding about a pool (elsewhere it may be the caller's API source).
      else if (o.type === "ip" && aboutPool) addHost(o.value);
      else if (o.type === "port" && aboutPool) ports.push({ port: Number(o.value), protocol: "tcp" });
    }
  }
  // With the intel, a port is blocked as a port only when pools are known to use it (intel minerPorts);
  // another one (a pool on 7019) is covered by blocking the pool's address and name instead.
  const minerPorts = opts.intel?.minerPorts;
  const kept = minerPorts ? ports.filter((p) => minerPorts.has(p.port) || SERVICE_PORTS.has(p.port)) : ports;
  for (const p of new Set(ports.filter((x) => !kept.includes(x)).map((x) => x.port))) {
    dropped.push({ kind: "port", value: String(p), reason: "not a known mining port: only the pool's address and name are blocked" });
  }
  const list: Blocklist = { domains, ips, ports: kept, refs: { source: "incident", incidentId: incident.id, findingIds: findings.map((f) => f.id) } };
  return { list, dropped };
}

/** The whole curated pool list (pools, XMRig donation hosts, campaign hosts) and PB-31's pool ports. */
export function blocklistFromIntel(intel: Intel): Blocklist {
  const domains = [...intel.curatedPoolDomains, ...intel.campaigns.flatMap((c) => c.domains)].filter((d) => !intel.isAllowlisted(d));
  const ports = [...intel.playbookPorts].map((port): BlockPort => ({ port, protocol: "tcp" }));
  return { domains, ips: [], ports, refs: { source: "intel", findingIds: [] } };
}

/** "pool.example:3333", "203.0.113.7:3333", "[2001:db8::1]:3333", a bare name or address. */
export function splitHostPort(text: string): { host: string; port?: string } {
  const v6 = /^\[([^\]]*)\]:(\d+)$/.exec(text);
  if (v6) return { host: v6[1]!, port: v6[2]! };
  if (isIP(text) === 6) return { host: text };
  const colon = text.lastIndexOf(":");
  if (colon > 0 && /^\d+$/.test(text.slice(colon + 1))) return { host: text.slice(0, colon), port: text.slice(colon + 1) };
  return { host: text };
}

function urlHost(url: string): string | undefined {
  try {
    const host = new URL(url).hostname;
    return host || undefined;
  } catch {
    return undefined;
  }
}
