/**
 * The indicators of an incident, gathered once from its findings for every output (report tables,
 * STIX, TheHive, OCSF): observables plus the mining pools named in entities, deduplicated, each with
 * the findings that show it.
 */
import { isIP } from "node:net";
import type { Finding } from "../model/index.js";

export const IOC_TYPES = [
  "pool", "domain", "ip", "port", "url", "wallet", "hash", "process", "file", "command-line", "image",
  "access-key", "user", "instance", "instance-type", "finding-type", "user-agent",
] as const;
export type IocType = (typeof IOC_TYPES)[number];

export interface Ioc {
  type: IocType;
  value: string;
  findings: string[];
}

/** Reports stay bounded whatever the input: past this many indicators the rest are counted, not listed. */
export const MAX_IOCS = 2000;

export function collectIocs(findings: readonly Finding[]): { iocs: Ioc[]; omitted: number } {
  const byKey = new Map<string, Ioc>();
  let omitted = 0;
  const add = (type: IocType, raw: string, findingId: string) => {
    const value = raw.trim();
    if (value === "") return;
    const key = `${type}\0${type === "domain" || type === "pool" ? value.toLowerCase() : value}`;
    const hit = byKey.get(key);
    if (hit) {
      if (!hit.findings.includes(findingId)) hit.findings.push(findingId);
    } else if (byKey.size < MAX_IOCS) {
      byKey.set(key, { type, value, findings: [findingId] });
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
