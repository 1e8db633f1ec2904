import type { Entities, Event } from "../../../model/index.js";
import { num, str } from "../../../model/index.js";
import { isPrivateIp } from "../../../intel/ips.js";
import { entitiesOf } from "../common.js";
import { addEntity } from "../host/aggregate.js";

/**
 * Site knowledge and flow orientation for the network detectors.
 */

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
  // A DNS answer travels server → client; it belongs to the client that asked, never to the resolver.
  const dnsAnswer = event["dns.type"] === "answer" && (srcPort === 53 || srcPort === 5353) && dstPort !== 53;
  const reversed = dnsAnswer || (src !== undefined && dst !== undefined && !isPrivateIp(src) && isPrivateIp(dst));
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
