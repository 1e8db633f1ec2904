/**
 * iptables-restore files (one for iptables, one for ip6tables): a chain of its own, MINERHUNT-BLOCK, with a
 * DROP per pool address and per group of pool ports, jumped to from OUTPUT and FORWARD (destinations) and
 * a MINERHUNT-BLOCK-IN chain from INPUT (sources). Load with `--noflush` so the host's other rules stay; the
 * chains' own declarations flush them, so loading again replaces the list (the jumps are inserted once:
 * see docs/respond-host-and-emitters.md).
 */
import type { CleanBlocklist } from "./blocklist.js";
import type { CheckedIp } from "./validate.js";
import { comment, headerLines, type EmitOptions, type Emitted } from "./common.js";

export const DEFAULT_CHAIN = "MINERHUNT-BLOCK";
export const DEFAULT_CHAIN_IN = "MINERHUNT-BLOCK-IN";
/** The multiport match takes at most 15 ports. */
const MULTIPORT_MAX = 15;

export interface IptablesOptions extends EmitOptions {
  /** Chain names (at most 28 characters): two lists loaded side by side need their own. */
  chain?: string;
  chainIn?: string;
  /** File name prefix. */
  fileName?: string;
}

function restoreFile(list: CleanBlocklist, family: 4 | 6, ips: CheckedIp[], opts: IptablesOptions): string {
  const IPT_CHAIN = opts.chain ?? DEFAULT_CHAIN, IPT_CHAIN_IN = opts.chainIn ?? DEFAULT_CHAIN_IN;
  for (const c of [IPT_CHAIN, IPT_CHAIN_IN]) if (!/^[A-Z][A-Z0-9_-]{0,27}$/.test(c)) throw new Error(`iptables chain ${JSON.stringify(c)}: expected upper-case letters, digits, _ and -, at most 28`);
  const tool = family === 4 ? "iptables" : "ip6tables";
  const lines = [
    comment("#", headerLines(list, tool, opts)),
    `# Load with: ${tool}-restore --noflush FILE; check with: ${tool}-restore --test --noflush FILE`,
    "*filter",
    `:${IPT_CHAIN} - [0:0]`,
    `:${IPT_CHAIN_IN} - [0:0]`,
  ];
  for (const ip of ips) {
    lines.push(`-A ${IPT_CHAIN} -d ${ip.cidr} -j DROP`);
    lines.push(`-A ${IPT_CHAIN_IN} -s ${ip.cidr} -j DROP`);
  }
  for (const protocol of ["tcp", "udp"] as const) {
    const ports = list.ports.filter((p) => p.protocol === protocol).map((p) => p.port);
    for (let i = 0; i < ports.length; i += MULTIPORT_MAX) {
      lines.push(`-A ${IPT_CHAIN} -p ${protocol} -m multiport --dports ${ports.slice(i, i + MULTIPORT_MAX).join(",")} -j DROP`);
    }
  }
  lines.push(`-I OUTPUT 1 -j ${IPT_CHAIN}`, `-I FORWARD 1 -j ${IPT_CHAIN}`, `-I INPUT 1 -j ${IPT_CHAIN_IN}`, "COMMIT", "");
  return lines.join("\n");
}

export function emitIptables(list: CleanBlocklist, opts: IptablesOptions = {}): Emitted {
  const name = opts.fileName ?? "minerhunt-blocklist";
  return {
    files: [
      { name: `${name}.iptables`, content: restoreFile(list, 4, list.v4, opts), deploy: "iptables-restore --test --noflush FILE && iptables-restore --noflush FILE" },
      { name: `${name}.ip6tables`, content: restoreFile(list, 6, list.v6, opts), deploy: "ip6tables-restore --test --noflush FILE && ip6tables-restore --noflush FILE" },
    ],
    dropped: [],
  };
}
