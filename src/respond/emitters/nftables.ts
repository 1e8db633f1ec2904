/**
 * nftables: one table with named sets (pool addresses, pool ports), dropped on output, forward and input.
 * The file starts by creating and deleting the table, so `nft -f FILE` replaces an earlier version of the
 * list instead of adding to it. Domains cannot be matched by nftables (it sees addresses): the DNS formats
 * block those.
 */
import type { CleanBlocklist } from "./blocklist.js";
import { comment, headerLines, type EmitOptions, type Emitted } from "./common.js";

export const NFT_TABLE = "minerhunt_blocklist";

export function emitNftables(list: CleanBlocklist, opts: EmitOptions & { table?: string } = {}): Emitted {
  const table = opts.table ?? NFT_TABLE;
  if (!/^[a-z][a-z0-9_]{0,31}$/.test(table)) throw new Error(`nftables table name ${JSON.stringify(table)}: expected lower-case letters, digits and _`);
  const set = (name: string, type: string, elements: string[], interval: boolean): string[] => {
    const flags = interval ? ["    flags interval", "    auto-merge"] : [];
    const body = elements.length ? [`    elements = {`, ...elements.map((e, i) => `      ${e}${i < elements.length - 1 ? "," : ""}`), "    }"] : [];
    return [`  set ${name} {`, `    type ${type}`, ...flags, ...body, "  }"];
  };
  const tcp = list.ports.filter((p) => p.protocol === "tcp").map((p) => String(p.port));
  const udp = list.ports.filter((p) => p.protocol === "udp").map((p) => String(p.port));
  const rules = (direction: "daddr" | "saddr", ports: boolean): string[] => [
    `    ip ${direction} @pool_v4 counter drop`,
    `    ip6 ${direction} @pool_v6 counter drop`,
    ...(ports ? ["    tcp dport @pool_ports_tcp counter drop", "    udp dport @pool_ports_udp counter drop"] : []),
  ];
  const chain = (name: string, hook: string, direction: "daddr" | "saddr", ports: boolean): string[] => [
    `  chain ${name} {`, `    type filter hook ${hook} priority filter; policy accept;`, ...rules(direction, ports), "  }",
  ];
  const lines = [
    "#!/usr/sbin/nft -f",
    comment("#", headerLines(list, "nftables", opts)),
    "# Load with: nft -f FILE (replaces an earlier copy of this table); check with: nft -c -f FILE",
    `table inet ${table} {}`,
    `delete table inet ${table}`,
    `table inet ${table} {`,
    ...set("pool_v4", "ipv4_addr", list.v4.map((i) => i.cidr), true),
    ...set("pool_v6", "ipv6_addr", list.v6.map((i) => i.cidr), true),
    ...set("pool_ports_tcp", "inet_service", tcp, false),
    ...set("pool_ports_udp", "inet_service", udp, false),
    ...chain("output", "output", "daddr", true),
    ...chain("forward", "forward", "daddr", true),
    ...chain("input", "input", "saddr", false),
    "}",
    "",
  ];
  return {
    files: [{ name: `${table}.nft`, content: lines.join("\n"), deploy: "nft -c -f FILE && nft -f FILE (or include it from /etc/nftables.conf)" }],
    dropped: [],
  };
}
