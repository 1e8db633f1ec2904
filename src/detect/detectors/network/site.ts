import type { Entities, Event } from "../../../model/index.js";
import { num, str } from "../../../model/index.js";
import { isPrivateIp, normaliseDomain } from "../../../intel/index.js";
import { IpTable } from "../../../intel/ips.js";
import type { DetectConfig } from "../../config.js";
import { entitiesOf } from "../common.js";
import { addEntity } from "../host/aggregate.js";

/**
 * Site knowledge and flow orientation for the network detectors.
 */

/** The site allowlist from --config, compiled once per run. */
export interface SiteAllowlist {
  domain(name: string): boolean;
  ip(address: string): boolean;
}

export function siteAllowlist(config: DetectConfig): SiteAllowlist {
  const domains = new Set(config.allowlist.domains.map((d) => normaliseDomain(d)).filter((d): d is string => d !== undefined));
  const ips = new IpTable<true>();
  for (const ip of config.allowlist.ips) ips.add(ip, true);
  return {
    /** "example.com" allows example.com and every name under it (whole labels). */
    domain(name) {
      if (domains.size === 0) return false;
      const n = normaliseDomain(name);
      if (!n) return false;
      let at = 0;
      for (;;) {
        if (domains.has(at === 0 ? n : n.slice(at))) return true;
        const dot = n.indexOf(".", at);
        if (dot === -1) return false;
        at = dot + 1;
      }
    },
    ip(address) {
      return ips.size > 0 && ips.lookup(address) !== undefined;
    },
  };
}

/** Which end of a network record is this site's machine and which the far end. */
export interface FlowSides {
  local?: string;
  remote?: string;
  remotePort?: number;
  localPort?: number;
}

/**
 * Records are written client→server, so the source is the local machine, except when a sensor logs
 * the server's packet (a Suricata alert on a pool's answer, a flow log's return record): a public
 * source talking to a private destination is read the other way round.
 */
export function flowSides(event: Event): FlowSides {
  const src = str(event, "source.ip");
  const dst = str(event, "destination.ip");
  const srcPort = num(event, "source.port");
  const dstPort = num(event, "destination.port");
  const reversed = src !== undefined && dst !== undefined && !isPrivateIp(src) && isPrivateIp(dst);
  const sides: FlowSides = {};
  const local = reversed ? dst : src;
  const remote = reversed ? src : dst;
  const remotePort = reversed ? srcPort : dstPort;
  const localPort = reversed ? dstPort : srcPort;
  if (local !== undefined) sides.local = local;
  if (remote !== undefined) sides.remote = remote;
  if (remotePort !== undefined) sides.remotePort = remotePort;
  if (localPort !== undefined) sides.localPort = localPort;
  return sides;
}

/** The entities of a network record: host fields plus the local address. */
export function localEntities(event: Event, sides: FlowSides): Entities {
  const e = entitiesOf(event);
  addEntity(e, "ips", sides.local);
  return e;
}

/** "1.2.3.4:3333", "[2001:db8::1]:3333", or the address alone. */
export function endpointText(ip: string, port: number | undefined): string {
  if (port === undefined) return ip;
  return ip.includes(":") ? `[${ip}]:${port}` : `${ip}:${port}`;
}
