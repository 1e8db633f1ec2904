/**
 * The observables of an incident, gathered once from its findings for every output (report tables,
 * STIX, TheHive, OCSF): observables plus the mining pools named in entities, deduplicated, each with
 * the findings that show it, and each marked as an indicator or as context.
 *
 * Exports only accuse the attacker. Indicators are attacker-side: pool domains, addresses and ports (a
 * port as part of its pool; a port alone, 443 say, accuses nobody),
 * wallets, miner hashes, attacker addresses (public ones, not the incident's own hosts) and the keys
 * they used, download URLs. What names the victim's own machine is context, never an indicator:
 * process names (a miner hiding as "postgres" makes "postgres" no indicator), local file paths
 * (config.json), command lines, users, instances, instance types, provider finding types, user
 * agents (an administrator's kubectl), container images, private addresses.
 */
import { BlockList, isIP } from "node:net";
import type { Finding } from "../model/index.js";

export const IOC_TYPES = [
  "pool", "domain", "ip", "port", "url", "wallet", "hash", "process", "file", "command-line", "image",
  "access-key", "user", "instance", "instance-type", "finding-type", "user-agent",
] as const;
export type IocType = (typeof IOC_TYPES)[number];

/** Types that are attacker-side observables (see the module comment). */
/** A port alone is context: it accuses only together with the pool's address (the "pool" indicator carries it). */
export const INDICATOR_TYPES: ReadonlySet<IocType> = new Set<IocType>(["pool", "domain", "ip", "url", "wallet", "hash", "access-key"]);

export interface Ioc {
  type: IocType;
  value: string;
  findings: string[];
  /** "indicator": attacker-side, shared as an IOC; "context": the victim's side, shown but never accused. */
  role: "indicator" | "context";
}

/** Reports stay bounded whatever the input: past this many indicators the rest are counted, not listed. */
export const MAX_IOCS = 2000;

export function collectIocs(findings: readonly Finding[]): { iocs: Ioc[]; omitted: number } {
  const byKey = new Map<string, Ioc>();
  let omitted = 0;
  const ownIps = new Set(findings.flatMap((f) => f.entities.ips ?? []));
  const add = (type: IocType, raw: string, findingId: string) => {
    const value = raw.trim();
    if (value === "") return;
    const role = INDICATOR_TYPES.has(type) && !(type === "ip" && (isLocalAddress(value) || ownIps.has(value))) &&
      !(type === "url" && !isAttackerUrl(value)) ? "indicator" : "context";
    const key = `${type}\0${type === "domain" || type === "pool" ? value.toLowerCase() : value}`;
    const hit = byKey.get(key);
    if (hit) {
      if (!hit.findings.includes(findingId)) hit.findings.push(findingId);
    } else if (byKey.size < MAX_IOCS) {
      byKey.set(key, { type, value, findings: [findingId], role });
    } else omitted++;
  };
  for (const f of findings) {
    for (const pool of f.entities.pools ?? []) add("pool", pool, f.id);
    for (const o of f.observables) add(o.type, o.value, f.id);
  }
  const order = (t: IocType) => IOC_TYPES.indexOf(t);
  const iocs = [...byKey.values()].sort((a, b) => order(a.type) - order(b.type) || a.value.localeCompare(b.value));
  return { iocs, omitted };
}

const LOCAL = new BlockList();
for (const [net, bits] of [["10.0.0.0", 8], ["172.16.0.0", 12], ["192.168.0.0", 16], ["127.0.0.0", 8], ["169.254.0.0", 16], ["100.64.0.0", 10], ["0.0.0.0", 8]] as const) {
  LOCAL.addSubnet(net, bits, "ipv4");
}
for (const [net, bits] of [["fc00::", 7], ["fe80::", 10], ["::1", 128], ["::", 128]] as const) LOCAL.addSubnet(net, bits, "ipv6");

/** Private, loopback, link-local and shared addresses: the organisation's own network, never an attacker's address. */
export function isLocalAddress(value: string): boolean {
  const v = isIP(value);
  return v !== 0 && LOCAL.check(value, v === 4 ? "ipv4" : "ipv6");
}

/** A URL that names a remote place (with a scheme, or a schemeless host:port endpoint), not a bare path. */
function isAttackerUrl(value: string): boolean {
  return urlWithScheme(value) !== undefined;
}

/**
 * The URL with its scheme: as given when it has one; a schemeless "host:port[/path]" is a miner's
 * endpoint, which miners read as stratum+tcp (xmrig's -o), so it gets that scheme; a path alone is no URL.
 */
export function urlWithScheme(value: string): string | undefined {
  if (/^[a-z][a-z0-9+.-]*:\/\/[^/\s]+/i.test(value)) return value;
  if (/^[a-z0-9.-]+\.[a-z]{2,}:\d{1,5}(\/\S*)?$/i.test(value) || /^\d{1,3}(\.\d{1,3}){3}:\d{1,5}(\/\S*)?$/.test(value)) return `stratum+tcp://${value}`;
  return undefined;
}

/** A pool written "host:port", "[v6]:port" or "host" split into its parts; host is a domain or an IP. */
export function splitPool(pool: string): { host: string; port?: number; isIp: boolean } {
  let host = pool.trim();
  let port: number | undefined;
  if (host.startsWith("[")) {
    const end = host.indexOf("]");
    if (end > 0) {
      const rest = host.slice(end + 1);
      host = host.slice(1, end);
      if (rest.startsWith(":")) port = toPort(rest.slice(1));
    }
  } else if (host.indexOf(":") === host.lastIndexOf(":") && host.includes(":")) {
    const i = host.lastIndexOf(":");
    port = toPort(host.slice(i + 1));
    host = host.slice(0, i);
  }
  const out: { host: string; port?: number; isIp: boolean } = { host, isIp: isIP(host) !== 0 };
  if (port !== undefined) out.port = port;
  return out;
}

function toPort(s: string): number | undefined {
  if (!/^\d{1,5}$/.test(s)) return undefined;
  const n = Number(s);
  return n >= 1 && n <= 65535 ? n : undefined;
}

/** Which algorithm a hex digest is, by its length. */
export function hashAlgorithm(value: string): "SHA-256" | "SHA-1" | "MD5" | "SHA-512" | undefined {
  if (!/^[0-9a-fA-F]+$/.test(value)) return undefined;
  switch (value.length) {
    case 32: return "MD5";
    case 40: return "SHA-1";
    case 64: return "SHA-256";
    case 128: return "SHA-512";
    default: return undefined;
  }
}
