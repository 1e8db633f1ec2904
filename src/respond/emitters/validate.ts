/**
 * Checks for every value an emitter writes. Domains, addresses and ports come from logs, that is from the
 * attacker: a value that is not exactly a DNS name, an address or a port is dropped and reported, never
 * quoted or escaped into a firewall or zone file. What passes here contains only [a-z0-9.-] (domains),
 * [0-9a-f.:/] (addresses) and digits (ports), so no format can be broken out of.
 */
import { isIP } from "node:net";
import { domainToASCII } from "node:url";
import { isPrivateIp } from "../../intel/index.js";

export type Checked<T> = { ok: true; value: T } | { ok: false; reason: string };

const LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
/** Longest text a rejected value is quoted with in a report (a huge label is cut, and shown escaped). */
const QUOTE_MAX = 80;

/** A value as it may appear in a "dropped" list: cut short; the caller escapes it for where it is shown. */
export function quoteRejected(value: string): string {
  return value.length > QUOTE_MAX ? `${value.slice(0, QUOTE_MAX)}…` : value;
}

/**
 * A DNS name to block: LDH labels of 1-63 characters, 253 characters at most, at least two labels, a
 * top-level label that is not all digits (that would be an address). Lower case, no trailing dot; a leading
 * "*." is dropped (every format here blocks the subdomains anyway). Internationalised names become their
 * punycode (xn--) form.
 */
export function checkDomain(raw: string): Checked<string> {
  let d = raw.toLowerCase();
  if (d.startsWith("*.")) d = d.slice(2);
  if (d.endsWith(".")) d = d.slice(0, -1);
  if (d.length === 0) return { ok: false, reason: "empty name" };
  if (d.length > 253) return { ok: false, reason: "longer than 253 characters" };
  if (/[^\x21-\x7e]/.test(d)) {
    // Anything outside printable ASCII: allowed only as an internationalised name (never with controls or spaces).
    if (hasControlOrSpace(d)) return { ok: false, reason: "control character or space in the name" };
    const ascii = domainToASCII(d);
    if (!ascii) return { ok: false, reason: "not a valid internationalised name" };
    d = ascii;
    if (d.length > 253) return { ok: false, reason: "longer than 253 characters" };
  }
  const labels = d.split(".");
  if (labels.length < 2) return { ok: false, reason: "a single label is not a pool domain" };
  for (const label of labels) {
    if (label.length > 63) return { ok: false, reason: "a label longer than 63 characters" };
    if (!LABEL.test(label)) return { ok: false, reason: "not letters, digits and hyphens (LDH)" };
  }
  if (/^[0-9]+$/.test(labels[labels.length - 1]!)) return { ok: false, reason: "an address, not a name" };
  return { ok: true, value: d };
}

function hasControlOrSpace(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c <= 0x20 || (c >= 0x7f && c <= 0x9f)) return true;
  }
  return false;
}

/** Shortest prefixes accepted: a pool is one host or a small range, never a /8 (that would cut the Internet). */
export const MIN_PREFIX = { 4: 16, 6: 32 } as const;

export interface CheckedIp {
  /** Canonical text: "203.0.113.77" or "203.0.113.0/24", "2001:db8::5" or "2001:db8::/48" (host bits cleared). */
  cidr: string;
  family: 4 | 6;
  /** The network address without the length. */
  address: string;
  prefix: number;
}

/**
 * An address or prefix to block. Private, loopback, link-local, CGNAT, ULA, multicast and unspecified
 * addresses are refused: they are victims or infrastructure, never pools. Host bits are cleared
 * ("198.51.100.7/24" becomes "198.51.100.0/24").
 */
export function checkIp(raw: string): Checked<CheckedIp> {
  if (raw.length > 64) return { ok: false, reason: "too long for an address" };
  const slash = raw.indexOf("/");
  const addr = slash === -1 ? raw : raw.slice(0, slash);
  const lenText = slash === -1 ? undefined : raw.slice(slash + 1);
  const family = isIP(addr);
  if (family !== 4 && family !== 6) return { ok: false, reason: "not an IPv4 or IPv6 address" };
  if (family === 6 && addr.includes("%")) return { ok: false, reason: "a zone index is not an Internet address" };
  const bits = family === 4 ? 32 : 128;
  if (lenText !== undefined && !/^[0-9]{1,3}$/.test(lenText)) return { ok: false, reason: "prefix length is not a number" };
  const prefix = lenText === undefined ? bits : Number(lenText);
  if (prefix > bits) return { ok: false, reason: `prefix length over ${bits}` };
  if (prefix < MIN_PREFIX[family]) return { ok: false, reason: `prefix shorter than /${MIN_PREFIX[family]}: too wide to block` };
  const n = family === 4 ? v4ToBig(addr) : v6ToBig(addr);
  const masked = prefix === 0 ? 0n : (n >> BigInt(bits - prefix)) << BigInt(bits - prefix);
  const address = family === 4 ? bigToV4(masked) : bigToV6(masked);
  if (isPrivateIp(address) || isReserved(family, masked)) return { ok: false, reason: "private, local or reserved address (a victim, not a pool)" };
  const cidr = prefix === bits ? address : `${address}/${prefix}`;
  return { ok: true, value: { cidr, family, address, prefix } };
}

/** Multicast, broadcast, unspecified and v4-mapped addresses: never a pool to block. */
function isReserved(family: 4 | 6, n: bigint): boolean {
  if (family === 4) return n >> 28n === 0xen || n >> 28n === 0xfn; // 224/4 multicast, 240/4 reserved and broadcast
  return n === 0n || n >> 120n === 0xffn || n >> 32n === 0xffffn || n >> 118n === 0x3fan; // ::, ff00::/8, ::ffff:0:0/96, fe80::/10
}

/** A port number 1-65535 (from text or a number), or why not. */
export function checkPort(raw: string | number): Checked<number> {
  const text = String(raw);
  if (!/^[0-9]{1,5}$/.test(text)) return { ok: false, reason: "not a port number" };
  const n = Number(text);
  if (n < 1 || n > 65535) return { ok: false, reason: "outside 1-65535" };
  return { ok: true, value: n };
}

/** A reference (incident or finding id) written into comments: only [A-Za-z0-9._:-], at most 64 characters. */
export function safeRef(raw: string): string {
  return raw.replace(/[^A-Za-z0-9._:-]/g, "_").slice(0, 64);
}

function v4ToBig(addr: string): bigint {
  return addr.split(".").reduce((n, part) => (n << 8n) | BigInt(Number(part)), 0n);
}

function bigToV4(n: bigint): string {
  return [24n, 16n, 8n, 0n].map((s) => String((n >> s) & 255n)).join(".");
}

/** isIP() has already accepted it; expand "::" and an embedded IPv4 tail. */
function v6ToBig(addr: string): bigint {
  let a = addr.toLowerCase();
  const lastColon = a.lastIndexOf(":");
  const tail = a.slice(lastColon + 1);
  if (tail.includes(".")) {
    const v4 = v4ToBig(tail);
    a = `${a.slice(0, lastColon + 1)}${(v4 >> 16n).toString(16)}:${(v4 & 0xffffn).toString(16)}`;
  }
  const [head = "", rest] = a.split("::");
  const headGroups = head ? head.split(":") : [];
  const restGroups = rest ? rest.split(":") : [];
  const zeros = rest === undefined ? [] : Array<string>(8 - headGroups.length - restGroups.length).fill("0");
  return [...headGroups, ...zeros, ...restGroups].reduce((n, g) => (n << 16n) | BigInt(parseInt(g, 16)), 0n);
}

/** The eight 16-bit groups of an address, most significant first. */
export function v6Groups(n: bigint): number[] {
  return Array.from({ length: 8 }, (_, i) => Number((n >> BigInt(112 - 16 * i)) & 0xffffn));
}

/** RFC 5952 text: lower case, the longest run (two or more) of zero groups as "::". */
function bigToV6(n: bigint): string {
  const groups = v6Groups(n);
  let best = -1, bestLen = 0;
  for (let i = 0; i < 8;) {
    if (groups[i] !== 0) { i++; continue; }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen && j - i >= 2) { best = i; bestLen = j - i; }
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (best === -1) return hex.join(":");
  return `${hex.slice(0, best).join(":")}::${hex.slice(best + bestLen).join(":")}`;
}

/** Parse a canonical address (as checkIp returns) back to its number, for formats that spell addresses out. */
export function ipToBig(family: 4 | 6, address: string): bigint {
  return family === 4 ? v4ToBig(address) : v6ToBig(address);
}
