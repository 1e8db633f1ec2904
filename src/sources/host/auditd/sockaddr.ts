/**
 * SOCKADDR `saddr=` as the kernel logs it: the raw struct sockaddr in hex. The family is a 16-bit value
 * in the machine's byte order (little-endian on x86-64 and arm64, the platforms audit logs come from);
 * the port and an IPv4/IPv6 address are in network order.
 *   AF_INET  (2):  family(2) port(2) addr(4) zero(8)
 *   AF_INET6 (10): family(2) port(2) flowinfo(4) addr(16) scope(4)
 *   AF_UNIX  (1):  family(2) path (NUL-terminated; a leading NUL is an abstract name)
 */

export type SocketAddress =
  | { family: "inet" | "inet6"; ip: string; port: number }
  | { family: "unix"; path: string }
  | { family: "other"; number: number };

export function decodeSockaddr(hex: string): SocketAddress | undefined {
  if (hex.length < 4 || hex.length % 2 !== 0 || !/^[0-9A-Fa-f]+$/.test(hex)) return undefined;
  const bytes = Buffer.from(hex, "hex");
  const family = bytes.readUInt16LE(0);
  if (family === 2) {
    if (bytes.length < 8) return undefined;
    return { family: "inet", port: bytes.readUInt16BE(2), ip: `${bytes[4]}.${bytes[5]}.${bytes[6]}.${bytes[7]}` };
  }
  if (family === 10) {
    if (bytes.length < 24) return undefined;
    return { family: "inet6", port: bytes.readUInt16BE(2), ip: ipv6Text(bytes.subarray(8, 24)) };
  }
  if (family === 1) {
    const body = bytes.subarray(2);
    const abstract = body[0] === 0;
    const from = abstract ? 1 : 0;
    const nul = body.indexOf(0, from);
    const path = body.subarray(from, nul === -1 ? body.length : nul).toString("utf8");
    return { family: "unix", path: abstract ? `@${path}` : path };
  }
  return { family: "other", number: family };
}

/** RFC 5952 text: lower case, longest run of zero groups as "::", IPv4-mapped as ::ffff:a.b.c.d. */
function ipv6Text(b: Buffer): string {
  const groups: number[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(b.readUInt16BE(i));
  if (groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff) return `::ffff:${b[12]}.${b[13]}.${b[14]}.${b[15]}`;
  let bestStart = -1;
  let bestLen = 0;
  for (let i = 0; i < 8;) {
    if (groups[i] !== 0) { i++; continue; }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen && j - i > 1) { bestStart = i; bestLen = j - i; }
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (bestStart === -1) return hex.join(":");
  return `${hex.slice(0, bestStart).join(":")}::${hex.slice(bestStart + bestLen).join(":")}`;
}
