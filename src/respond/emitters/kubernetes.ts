/**
 * Kubernetes egress policies that block mining pools and nothing else (pure; no I/O).
 *
 * NetworkPolicy can only ALLOW: once a policy selects a pod for Egress, the pod may reach only what some
 * policy allows. So the policy allows egress to 0.0.0.0/0 and ::/0 EXCEPT the pool addresses (ipBlock.except),
 * to every pod in the cluster (ipBlock is meant for addresses outside the cluster; some plugins do not apply
 * it to pod addresses) and to the cluster DNS, and the pods keep every other destination. Falco Talon's
 * policy cuts all egress (its issue #151); this one names only the pools.
 *
 * Limits a person must know (also in docs/respond-kubernetes-azure-gcp.md):
 * - NetworkPolicy cannot match domain names. Pool domains are listed in an annotation and must be blocked by
 *   DNS (the RPZ/dnsmasq/Unbound emitters) or by a CNI policy.
 * - Policies add up: another policy in the namespace that allows egress to 0.0.0.0/0 without the except
 *   re-opens the pools. The action's verify step looks for such policies.
 * - Cilium (cilium.io/v2) deny rules win over every allow, so the CiliumNetworkPolicy emitted beside it
 *   (egressDeny toCIDR) holds even then. Cilium's toFQDNs only allows: it cannot deny a domain either.
 *   Calico's own NetworkPolicy has ordered Deny rules on nets; domain rules are a Calico Enterprise feature.
 */
import { isIP } from "node:net";
import { isPrivateIp } from "../../intel/index.js";

export const POLICY_NAME = "minerhunt-block-pools";
export const MANAGED_BY = { "app.kubernetes.io/managed-by": "minerhunt" } as const;

export interface PoolBlockInput {
  namespace: string;
  /** Pool addresses: "1.2.3.4", "1.2.3.0/24", "2001:db8::1", also "1.2.3.4:3333" and "[2001:db8::1]:3333". */
  addresses: readonly string[];
  /** Pool domains, recorded in an annotation (NetworkPolicy cannot use them). */
  domains?: readonly string[];
  /** Incident id, recorded in an annotation. */
  incident?: string;
  name?: string;
}

export interface PoolBlock {
  /** CIDRs blocked, IPv4 then IPv6, sorted and unique. */
  v4: string[];
  v6: string[];
  /** Values refused and why (not an address, private, too broad). */
  rejected: { value: string; reason: string }[];
  networkPolicy: Record<string, unknown>;
  ciliumNetworkPolicy: Record<string, unknown>;
}

/** Shortest prefixes accepted: anything broader would cut far more than a pool. */
const MIN_V4_PREFIX = 16;
const MIN_V6_PREFIX = 32;

/** "1.2.3.4:3333" -> "1.2.3.4"; "[2001:db8::1]:3333" -> "2001:db8::1"; CIDRs stay as they are. */
function stripPort(value: string): string {
  const v = value.trim();
  const bracket = /^\[([0-9a-fA-F:.]+)\](?::\d{1,5})?$/.exec(v);
  if (bracket) return bracket[1]!;
  const v4port = /^(\d{1,3}(?:\.\d{1,3}){3})(?::\d{1,5})?$/.exec(v);
  if (v4port) return v4port[1]!;
  return v;
}

/** A pool address as a CIDR, or why not. */
export function poolCidr(value: string): { cidr: string; family: 4 | 6 } | { reason: string } {
  const [addr, len] = stripPort(value).split("/", 2) as [string, string | undefined];
  const family = isIP(addr);
  if (family !== 4 && family !== 6) return { reason: "not an IP address" };
  const max = family === 4 ? 32 : 128;
  const prefix = len === undefined ? max : Number(len);
  if (!/^\d{1,3}$/.test(len ?? String(max)) || !Number.isInteger(prefix) || prefix > max) return { reason: "bad prefix length" };
  if (prefix < (family === 4 ? MIN_V4_PREFIX : MIN_V6_PREFIX)) return { reason: "prefix too broad to be a pool" };
  if (isPrivateIp(addr)) return { reason: "private, loopback or link-local address: a victim or the cluster, not a pool" };
  return { cidr: `${family === 6 ? addr.toLowerCase() : addr}/${prefix}`, family };
}

export function poolBlockPolicies(input: PoolBlockInput): PoolBlock {
  const v4 = new Set<string>();
  const v6 = new Set<string>();
  const rejected: PoolBlock["rejected"] = [];
  for (const value of input.addresses) {
    const r = poolCidr(value);
    if ("reason" in r) rejected.push({ value: value.slice(0, 100), reason: r.reason });
    else (r.family === 4 ? v4 : v6).add(r.cidr);
  }
  const sorted4 = [...v4].sort();
  const sorted6 = [...v6].sort();
  const name = input.name ?? POLICY_NAME;
  const annotations: Record<string, string> = {
    "minerhunt.io/why": "Blocks egress to mining pool addresses only; every other destination stays allowed.",
  };
  if (input.incident) annotations["minerhunt.io/incident"] = input.incident;
  if (input.domains?.length) annotations["minerhunt.io/pool-domains-not-blocked-here"] = [...input.domains].sort().join(",").slice(0, 4000);
  const metadata = { name, namespace: input.namespace, labels: { ...MANAGED_BY }, annotations };

  const ipBlock = (cidr: string, except: string[]) => ({ ipBlock: except.length ? { cidr, except } : { cidr } });
  const networkPolicy = {
    apiVersion: "networking.k8s.io/v1",
    kind: "NetworkPolicy",
    metadata,
    spec: {
      podSelector: {},
      policyTypes: ["Egress"],
      egress: [
        { to: [ipBlock("0.0.0.0/0", sorted4), ipBlock("::/0", sorted6)] },
        { to: [{ namespaceSelector: {} }] },
        {
          to: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "kube-system" } }, podSelector: { matchLabels: { "k8s-app": "kube-dns" } } }],
          ports: [{ protocol: "UDP", port: 53 }, { protocol: "TCP", port: 53 }],
        },
      ],
    },
  };
  const ciliumNetworkPolicy = {
    apiVersion: "cilium.io/v2",
    kind: "CiliumNetworkPolicy",
    metadata,
    spec: {
      endpointSelector: {},
      // A selected endpoint goes default-deny for egress, so everything is allowed first; the deny wins.
      egress: [{ toEntities: ["all"] }],
      egressDeny: [{ toCIDR: [...sorted4, ...sorted6] }],
    },
  };
  return { v4: sorted4, v6: sorted6, rejected, networkPolicy, ciliumNetworkPolicy };
}

interface EgressPeer { ipBlock?: { cidr?: string; except?: string[] }; namespaceSelector?: unknown; podSelector?: unknown }
interface EgressRule { to?: EgressPeer[]; ports?: unknown[] }

/**
 * The pool CIDRs another policy re-opens: NetworkPolicies add up, so a rule that allows egress to everywhere
 * (no `to`) or an ipBlock covering a pool without excepting it lets the pool through. Pod selectors are not
 * compared: any policy in the namespace that could select the same pods counts (conservative).
 */
export function reopenedPools(policy: Record<string, unknown>, pools: readonly string[]): string[] {
  const spec = (policy["spec"] ?? {}) as { policyTypes?: string[]; egress?: EgressRule[] };
  const isEgress = spec.policyTypes ? spec.policyTypes.includes("Egress") : Array.isArray(spec.egress);
  if (!isEgress || !spec.egress) return [];
  const out = new Set<string>();
  for (const rule of spec.egress) {
    if (!rule.to || rule.to.length === 0) { for (const p of pools) out.add(p); continue; }
    for (const peer of rule.to) {
      const block = peer.ipBlock;
      if (!block?.cidr) continue;
      for (const p of pools) if (cidrContains(block.cidr, p) && !(block.except ?? []).some((e) => cidrContains(e, p))) out.add(p);
    }
  }
  return [...out].sort();
}

/** Whether CIDR `outer` contains every address of CIDR `inner` (same family). */
export function cidrContains(outer: string, inner: string): boolean {
  const a = parseCidr(outer);
  const b = parseCidr(inner);
  if (!a || !b || a.bits !== b.bits || a.len > b.len) return false;
  const shift = BigInt(a.bits - a.len);
  return (a.value >> shift) === (b.value >> shift);
}

function parseCidr(cidr: string): { value: bigint; len: number; bits: 32 | 128 } | undefined {
  const [addr, lenText] = cidr.split("/", 2) as [string, string | undefined];
  const family = isIP(addr);
  if (family === 4) {
    const value = addr.split(".").reduce((acc, o) => (acc << 8n) + BigInt(Number(o)), 0n);
    return { value, len: lenText === undefined ? 32 : Number(lenText), bits: 32 };
  }
  if (family === 6) {
    const [head, tail] = addr.split("::", 2) as [string, string | undefined];
    const h = head ? head.split(":") : [];
    const t = tail !== undefined && tail !== "" ? tail.split(":") : [];
    if (h.concat(t).some((g) => g.includes("."))) return undefined; // embedded IPv4: not a pool form we emit
    const groups = tail === undefined ? h : [...h, ...Array(8 - h.length - t.length).fill("0"), ...t];
    const value = groups.reduce((acc, g) => (acc << 16n) + BigInt(parseInt(g || "0", 16)), 0n);
    return { value, len: lenText === undefined ? 128 : Number(lenText), bits: 128 };
  }
  return undefined;
}
