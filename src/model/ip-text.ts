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
  return isDottedQuad(text) ? 4 : 0;
}

export function isIpAddress(text: string): boolean {
  return ipFamily(text) !== 0;
}

/** Four decimal parts 0-255 without leading zeros, separated by dots: what net.isIPv4 accepts. */
function isDottedQuad(text: string): boolean {
  let part = 0;
  let digits = 0;
  let dots = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0x30 && c <= 0x39) {
      if (digits > 0 && part === 0) return false; // a leading zero
      part = part * 10 + (c - 0x30);
      if (++digits > 3 || part > 255) return false;
    } else if (c === 0x2e) {
      if (digits === 0 || ++dots > 3) return false;
      part = 0;
      digits = 0;
    } else {
      return false;
    }
  }
  return dots === 3 && digits > 0;
}
