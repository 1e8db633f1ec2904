/**
 * IPv4 and IPv6 networks for the `cidr` modifier. Addresses are parsed by hand into bigints (no
 * regexes on log text); a network with host bits set (192.168.1.1/24) is refused, as in pySigma.
 */

export interface Cidr {
  version: 4 | 6;
  network: bigint;
  prefix: number;
  mask: bigint;
}

function parseIpv4(text: string): bigint | undefined {
  const parts = text.split(".");
  if (parts.length !== 4) return undefined;
  let n = 0n;
  for (const p of parts) {
    if (p.length === 0 || p.length > 3) return undefined;
    let v = 0;
    for (let i = 0; i < p.length; i++) {
      const c = p.charCodeAt(i) - 48;
      if (c < 0 || c > 9) return undefined;
      v = v * 10 + c;
    }
    if (v > 255) return undefined;
    n = (n << 8n) | BigInt(v);
  }
  return n;
}

function parseHexGroup(g: string): number | undefined {
  if (g.length === 0 || g.length > 4) return undefined;
  let v = 0;
  for (let i = 0; i < g.length; i++) {
    const c = g[i]!;
    const d = parseInt(c, 16);
    if (Number.isNaN(d)) return undefined;
    v = v * 16 + d;
  }
  return v;
}

function parseIpv6(input: string): bigint | undefined {
  let text = input;
  const zone = text.indexOf("%");
  if (zone >= 0) text = text.slice(0, zone);
  if (text.length < 2 || text.length > 45) return undefined;
  // An embedded IPv4 tail (::ffff:1.2.3.4) is rewritten as its two hex groups.
  const lastColon = text.lastIndexOf(":");
  if (text.indexOf(".", lastColon) > lastColon) {
    const v4 = parseIpv4(text.slice(lastColon + 1));
    if (v4 === undefined) return undefined;
    text = `${text.slice(0, lastColon + 1)}${(v4 >> 16n).toString(16)}:${(v4 & 0xffffn).toString(16)}`;
  }
  const halves = text.split("::");
  if (halves.length > 2) return undefined;
  const head = halves[0] === "" ? [] : halves[0]!.split(":");
  const rest = halves.length === 2 ? (halves[1] === "" ? [] : halves[1]!.split(":")) : [];
  const groups: number[] = [];
  for (const g of head) { const v = parseHexGroup(g); if (v === undefined) return undefined; groups.push(v); }
  const back: number[] = [];
  for (const g of rest) { const v = parseHexGroup(g); if (v === undefined) return undefined; back.push(v); }
  const missing = 8 - groups.length - back.length;
  if (halves.length === 2 ? missing < 1 : missing !== 0) return undefined;
  for (let i = 0; i < missing; i++) groups.push(0);
  groups.push(...back);
  let n = 0n;
  for (const g of groups) n = (n << 16n) | BigInt(g);
  return n;
}

/** Parse an IPv4 or IPv6 address; undefined when it is not one. */
export function parseIp(text: string): { version: 4 | 6; value: bigint } | undefined {
  const t = text.trim();
  if (t.includes(":")) {
    const v = parseIpv6(t.startsWith("[") && t.endsWith("]") ? t.slice(1, -1) : t);
    return v === undefined ? undefined : { version: 6, value: v };
  }
  const v = parseIpv4(t);
  return v === undefined ? undefined : { version: 4, value: v };
}

/** Parse "10.0.0.0/8" or "fd00::/8"; a bare address is a /32 or /128. Throws with the reason. */
export function parseCidr(text: string): Cidr {
  const slash = text.indexOf("/");
  const addrText = slash >= 0 ? text.slice(0, slash) : text;
  const ip = parseIp(addrText);
  if (!ip) throw new Error(`'${text}' is not an IPv4 or IPv6 network`);
  const bits = ip.version === 4 ? 32 : 128;
  let prefix = bits;
  if (slash >= 0) {
    const p = text.slice(slash + 1);
    if (!/^\d{1,3}$/.test(p)) throw new Error(`'${text}' has an invalid prefix length`);
    prefix = Number(p);
    if (prefix > bits) throw new Error(`'${text}' has a prefix longer than ${bits} bits`);
  }
  const all = (1n << BigInt(bits)) - 1n;
  const mask = prefix === 0 ? 0n : (all << BigInt(bits - prefix)) & all;
  if ((ip.value & ~mask & all) !== 0n) throw new Error(`'${text}' has host bits set (not a network address)`);
  return { version: ip.version, network: ip.value, prefix, mask };
}

export function cidrContains(cidr: Cidr, address: string): boolean {
  const ip = parseIp(address);
  if (!ip || ip.version !== cidr.version) return false;
  return (ip.value & cidr.mask) === cidr.network;
}
