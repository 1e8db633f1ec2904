/**
 * A DNS Response Policy Zone (BIND, Knot, PowerDNS Recursor, Unbound's rpz module): every pool name and
 * its subdomains answer NXDOMAIN ("CNAME ."), and every pool address in an answer is rewritten the same way
 * (rpz-ip triggers). Checked with `named-checkzone ZONE FILE`.
 */
import type { CleanBlocklist, Rejected } from "./blocklist.js";
import { comment, headerLines, type EmitOptions, type Emitted } from "./common.js";
import { checkDomain, ipToBig, v6Groups, type CheckedIp } from "./validate.js";

export const RPZ_ZONE = "rpz.minerhunt.local";
/** A name in wire form is at most 255 octets: its text with the final dot, plus one. */
const MAX_NAME_TEXT = 254;

export function emitRpz(list: CleanBlocklist, opts: EmitOptions & { zone?: string; serial?: number } = {}): Emitted {
  const zone = opts.zone ?? RPZ_ZONE;
  if (!checkDomain(zone).ok) throw new Error(`RPZ zone name ${JSON.stringify(zone)}: expected a DNS name`);
  const serial = opts.serial ?? (opts.generatedAt ? Math.floor(Date.parse(opts.generatedAt) / 1000) || 1 : 1);
  const dropped: Rejected[] = [];
  const records: string[] = [];
  for (const d of list.domains) {
    // The wildcard owner is the longest name written: if it does not fit under the zone, neither entry is kept.
    if (`*.${d}.${zone}.`.length > MAX_NAME_TEXT) { dropped.push({ kind: "domain", value: d, reason: `too long to fit under the zone ${zone}` }); continue; }
    records.push(`${d} CNAME .`, `*.${d} CNAME .`);
  }
  for (const ip of [...list.v4, ...list.v6]) records.push(`${rpzIpOwner(ip)} CNAME .`);
  const lines = [
    comment(";", headerLines(list, "DNS RPZ", opts)),
    `; Zone ${zone}: check with named-checkzone ${zone} FILE; BIND: response-policy { zone "${zone}"; };`,
    "$TTL 300",
    `@ IN SOA localhost. hostmaster.localhost. ( ${serial} 3600 600 86400 300 )`,
    "@ IN NS localhost.",
    ...records,
    "",
  ];
  return { files: [{ name: `${zone}.zone`, content: lines.join("\n"), deploy: `named-checkzone ${zone} FILE, then load it as a response-policy zone` }], dropped };
}

/**
 * The rpz-ip trigger owner of an address or prefix: the prefix length, then the address reversed
 * (IPv4 octets; IPv6 16-bit groups with the longest run of zero groups written "zz").
 */
export function rpzIpOwner(ip: CheckedIp): string {
  if (ip.family === 4) return `${ip.prefix}.${ip.address.split(".").reverse().join(".")}.rpz-ip`;
  const groups = v6Groups(ipToBig(6, ip.address)).map((g) => g.toString(16));
  let best = -1, bestLen = 0;
  for (let i = 0; i < 8;) {
    if (groups[i] !== "0") { i++; continue; }
    let j = i;
    while (j < 8 && groups[j] === "0") j++;
    if (j - i > bestLen && j - i >= 2) { best = i; bestLen = j - i; }
    i = j;
  }
  const parts = best === -1 ? groups : [...groups.slice(0, best), "zz", ...groups.slice(best + bestLen)];
  return `${ip.prefix}.${parts.reverse().join(".")}.rpz-ip`;
}
