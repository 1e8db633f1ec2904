/**
 * Whether a text is an IP address, and which family, as net.isIP says. Why not net.isIP alone: it runs two
 * large regular expressions whose first few thousand runs are interpreted (about 2 µs each), which a scan
 * pays for every DNS answer it builds and every pool entity of every finding (most are names, which fail
 * both). Text without a colon can only be IPv4 and is checked by hand; the rest goes to net.isIP.
 */
import { isIP } from "node:net";

/** 4, 6, or 0 for text that is not an address (net.isIP's answer). */
export function ipFamily(text: string): 0 | 4 | 6 {
  if (text.includes(":")) return isIP(text) as 0 | 4 | 6;
  return parseV4(text) !== undefined ? 4 : 0;
}

export function isIpAddress(text: string): boolean {
  return ipFamily(text) !== 0;
}

/**
 * Dotted-quad IPv4 to a number, without allocating (this runs once per flow record): four decimal parts 0-255
 * without leading zeros, what net.isIPv4 accepts.
 */
export function parseV4(addr: string): number | undefined {
  let n = 0;
  let part = 0;
  let digits = 0;
  let dots = 0;
  for (let i = 0; i < addr.length; i++) {
    const c = addr.charCodeAt(i);
    if (c >= 0x30 && c <= 0x39) {
      if (digits === 3 || (digits > 0 && part === 0)) return undefined; // four digits, or a leading zero
      part = part * 10 + (c - 0x30);
      digits++;
      if (part > 255) return undefined;
    } else if (c === 0x2e) {
      if (digits === 0 || dots === 3) return undefined;
      n = n * 256 + part;
      part = 0;
      digits = 0;
      dots++;
    } else {
      return undefined;
    }
  }
  if (dots !== 3 || digits === 0) return undefined;
  return n * 256 + part;
}
