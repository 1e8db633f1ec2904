/**
 * Emitters: one pool blocklist written in the formats teams deploy. Pure functions: a blocklist in,
 * file names and contents out; nothing is written or applied here (the CLI and the block-pools action do).
 */
import { cleanBlocklist, type Blocklist, type Rejected } from "./blocklist.js";
import type { EmitOptions, Emitted, EmittedFile } from "./common.js";
import { emitNftables } from "./nftables.js";
import { emitIptables } from "./iptables.js";
import { emitHosts } from "./hosts.js";
import { emitRpz } from "./rpz.js";
import { emitDnsmasq } from "./dnsmasq.js";
import { emitUnbound } from "./unbound.js";
import { emitRoute53Firewall } from "./route53-firewall.js";
import { emitSuricata } from "./suricata.js";
import { emitAwsNetwork } from "./aws-network.js";

export * from "./blocklist.js";
export type { EmitOptions, Emitted, EmittedFile } from "./common.js";
export { emitSupportCase, type SupportCaseInput } from "./support-case.js";
export { NFT_TABLE, emitNftables } from "./nftables.js";
export { DEFAULT_CHAIN, DEFAULT_CHAIN_IN, emitIptables } from "./iptables.js";
export { emitHosts } from "./hosts.js";
export { RPZ_ZONE } from "./rpz.js";

export const BLOCK_FORMATS = ["nft", "iptables", "hosts", "rpz", "dnsmasq", "unbound", "route53-firewall", "suricata", "nacl"] as const;
export type BlockFormat = (typeof BLOCK_FORMATS)[number];

const EMITTERS: Record<BlockFormat, (list: ReturnType<typeof cleanBlocklist>, opts: EmitOptions) => Emitted> = {
  nft: emitNftables,
  iptables: emitIptables,
  hosts: emitHosts,
  rpz: emitRpz,
  dnsmasq: emitDnsmasq,
  unbound: emitUnbound,
  "route53-firewall": emitRoute53Firewall,
  suricata: emitSuricata,
  nacl: emitAwsNetwork,
};

export function isBlockFormat(name: string): name is BlockFormat {
  return (BLOCK_FORMATS as readonly string[]).includes(name);
}

export interface EmitResult {
  files: EmittedFile[];
  /** Every value left out: invalid ones (once) and those a format could not hold (per format). */
  dropped: (Rejected & { format?: BlockFormat })[];
}

/** Write one blocklist in the given formats. Values are checked here again, whoever built the list. */
export function emitBlocklist(list: Blocklist, formats: readonly BlockFormat[], opts: EmitOptions = {}): EmitResult {
  const clean = cleanBlocklist(list);
  const result: EmitResult = { files: [], dropped: [...clean.dropped] };
  for (const format of formats) {
    const out = EMITTERS[format](clean, opts);
    result.files.push(...out.files);
    result.dropped.push(...out.dropped.map((d) => ({ ...d, format })));
  }
  return result;
}
