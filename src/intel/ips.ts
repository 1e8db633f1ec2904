import { isIP } from "node:net";
import { parseV4 } from "../model/ip-text.js";

export { parseV4 };

/**
 * IP lookup by longest prefix. Prefixes are grouped by length; a lookup masks the address once per
 * distinct length present (a handful), so its cost does not grow with the list.
 */
export class IpTable<T> {
  private readonly v4 = new Map<number, Map<number, T>>(); // prefix length -> masked address -> value
  private readonly v6 = new Map<number, Map<bigint, T>>();
  private v4Lengths: number[] = [];
  private v6Lengths: number[] = [];
  private count = 0;

  /** Add "1.2.3.4", "1.2.3.0/24", "2001:db8::/32". Returns false for what is not an address. */
  add(cidr: string, value: T): boolean {
    const [addr, lenText] = cidr.trim().split("/", 2);
    if (!addr) return false;
    const family = isIP(addr);
    if (family === 4) {
      const len = lenText === undefined ? 32 : Number(lenText);
      if (!Number.isInteger(len) || len < 0 || len > 32) return false;
      const n = parseV4(addr);
      if (n === undefined) return false;
      let byLen = this.v4.get(len);
      if (!byLen) { byLen = new Map(); this.v4.set(len, byLen); this.v4Lengths = [...this.v4.keys()].sort((a, b) => b - a); }
      const key = maskV4(n, len);
      if (!byLen.has(key)) { byLen.set(key, value); this.count++; }
      return true;
    }
    if (family === 6) {
      const len = lenText === undefined ? 128 : Number(lenText);
      if (!Number.isInteger(len) || len < 0 || len > 128) return false;
      const n = parseV6(addr);
      if (n === undefined) return false;
      let byLen = this.v6.get(len);
      if (!byLen) { byLen = new Map(); this.v6.set(len, byLen); this.v6Lengths = [...this.v6.keys()].sort((a, b) => b - a); }
      const key = maskV6(n, len);
      if (!byLen.has(key)) { byLen.set(key, value); this.count++; }
      return true;
    }
    return false;
  }

  lookup(address: string): { prefix: string; value: T } | undefined {
    if (this.count === 0) return undefined;
    if (!address.includes(":")) {
      const n = parseV4(address);
      if (n === undefined) return undefined;
      for (const len of this.v4Lengths) {
        const v = this.v4.get(len)!.get(maskV4(n, len));
        if (v !== undefined) return { prefix: `${formatV4(maskV4(n, len))}/${len}`, value: v };
      }
      return undefined;
    }
    if (isIP(address) !== 6) return undefined;
    const n = parseV6(address);
    if (n === undefined) return undefined;
    const mapped = v4Mapped(n);
    if (mapped !== undefined) return this.lookup(formatV4(mapped));
    for (const len of this.v6Lengths) {
      const v = this.v6.get(len)!.get(maskV6(n, len));
      if (v !== undefined) return { prefix: `${address}/${len}`, value: v };
    }
    return undefined;
  }

  get size(): number {
    return this.count;
  }
}

function maskV4(n: number, len: number): number {
  if (len === 0) return 0;
  const mask = len === 32 ? 0xffffffff : (0xffffffff << (32 - len)) >>> 0;
  return (n & mask) >>> 0;
}

function formatV4(n: number): string {
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join(".");
}

function parseV6(addr: string): bigint | undefined {
  let a = addr.toLowerCase();
  const pct = a.indexOf("%");
  if (pct !== -1) a = a.slice(0, pct);
  // Embedded IPv4 tail (::ffff:1.2.3.4).
  const lastColon = a.lastIndexOf(":");
  const tail = a.slice(lastColon + 1);
  if (tail.includes(".")) {
    const v4 = parseV4(tail);
    if (v4 === undefined) return undefined;
    a = `${a.slice(0, lastColon + 1)}${(v4 >>> 16).toString(16)}:${(v4 & 0xffff).toString(16)}`;
  }
  const halves = a.split("::");
  if (halves.length > 2) return undefined;
  const head = halves[0] ? halves[0].split(":") : [];
  const rest = halves.length === 2 && halves[1] ? halves[1].split(":") : [];
  const missing = 8 - head.length - rest.length;
  if (halves.length === 1 && missing !== 0) return undefined;
  if (missing < 0) return undefined;
  const groups = [...head, ...Array<string>(halves.length === 2 ? missing : 0).fill("0"), ...rest];
  let n = 0n;
  for (const g of groups) {
    if (!/^[0-9a-f]{1,4}$/.test(g)) return undefined;
    n = (n << 16n) | BigInt(parseInt(g, 16));
  }
  return n;
}

function maskV6(n: bigint, len: number): bigint {
  if (len === 0) return 0n;
  const mask = ((1n << BigInt(len)) - 1n) << BigInt(128 - len);
  return n & mask;
}

function v4Mapped(n: bigint): number | undefined {
  return n >> 32n === 0xffffn ? Number(n & 0xffffffffn) : undefined;
}

/** RFC 1918, loopback, link-local, CGNAT, ULA: never a pool on the Internet. */
export function isPrivateIp(address: string): boolean {
  const v4 = parseV4(address);
  if (v4 !== undefined) {
    const a = v4 >>> 24, b = (v4 >>> 16) & 255;
    return a === 10 || a === 127 || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168) ||
      (a === 169 && b === 254) || (a === 100 && b >= 64 && b <= 127) || a === 0;
  }
  const lower = address.toLowerCase();
  return lower === "::1" || lower.startsWith("fe80:") || lower.startsWith("fc") || lower.startsWith("fd");
}
