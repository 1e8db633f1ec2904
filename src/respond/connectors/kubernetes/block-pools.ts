/**
 * block-pools-kubernetes: a NetworkPolicy per namespace that blocks egress to the incident's pool
 * addresses and nothing else (emitters/kubernetes.ts), optionally a CiliumNetworkPolicy deny beside it.
 * Verify reads the policy back and looks for other policies in the namespace that re-open the pools
 * (NetworkPolicies add up; only a Cilium deny wins over them). Undo restores what was there before.
 */
import { z } from "zod";
import { isIP } from "node:net";
import type { Incident } from "../../../model/index.js";
import type { ActionDefinition, PlannedStep, PlanStep, ResponseContext } from "../../types.js";
import { MANAGED_BY, POLICY_NAME, poolBlockPolicies, poolCidr, reopenedPools } from "../../emitters/kubernetes.js";
import { both } from "../bilingual.js";
import { defaultIntel } from "../miner-signs.js";
import { protectedBy } from "../protect.js";
import { sweepKubernetes } from "./sweep.js";
import { concernsKubernetes } from "./delete-workload.js";
import { apiStatus, toJson, type KubeJson } from "./workloads.js";
import type { KubernetesClient } from "./types.js";

export const BlockPoolsParams = z.object({
  /** Namespaces to protect; default: the incident's, else those the sweep finds miners in, else "default". */
  namespaces: z.array(z.string()).optional(),
  /** Extra pool addresses beside the incident's. */
  addresses: z.array(z.string()).optional(),
  domains: z.array(z.string()).optional(),
  /** Also apply a CiliumNetworkPolicy with egressDeny (wins over other policies; needs Cilium). */
  cilium: z.boolean().optional(),
});
export type BlockPoolsParams = z.infer<typeof BlockPoolsParams>;

const CILIUM = { group: "cilium.io", version: "v2", plural: "ciliumnetworkpolicies" } as const;

/** Pool addresses and domains the incident names (attacker side only: its pool entities and known pool IPs). */
export function incidentPools(incident: Incident): { addresses: string[]; domains: string[] } {
  const intel = defaultIntel();
  const addresses = new Set<string>();
  const domains = new Set<string>();
  for (const p of incident.entities.pools ?? []) {
    const r = poolCidr(p);
    if ("cidr" in r) addresses.add(r.cidr);
    else if (isIP(p) === 0 && !/^\[?[0-9a-f:.]+\]?(:\d+)?$/i.test(p)) domains.add(p.replace(/:\d+$/, "").toLowerCase());
  }
  for (const ip of incident.entities.ips ?? []) if (intel.matchIp(ip)) { const r = poolCidr(ip); if ("cidr" in r) addresses.add(r.cidr); }
  return { addresses: [...addresses].sort(), domains: [...domains].sort() };
}

function clientOf(ctx: ResponseContext): KubernetesClient {
  const c = ctx.clients.kubernetes;
  if (!c) throw new Error(both("respond.k8s.noClient").en);
  return c;
}

async function readPolicy(c: KubernetesClient, namespace: string, name: string): Promise<KubeJson | undefined> {
  try {
    return toJson(await c.networking.readNamespacedNetworkPolicy({ namespace, name }));
  } catch (err) {
    if (apiStatus(err) === 404) return undefined;
    throw err;
  }
}

async function readCilium(c: KubernetesClient, namespace: string, name: string): Promise<KubeJson | undefined> {
  try {
    return (await c.custom.getNamespacedCustomObject({ ...CILIUM, namespace, name })) as KubeJson;
  } catch (err) {
    if (apiStatus(err) === 404) return undefined;
    throw err;
  }
}

function isOurs(obj: KubeJson | undefined): boolean {
  return obj?.metadata?.labels?.["app.kubernetes.io/managed-by"] === MANAGED_BY["app.kubernetes.io/managed-by"];
}

function stepInput(step: PlanStep): { namespace: string; addresses: string[]; domains: string[]; cilium: boolean; incident?: string } {
  const p = step.params as BlockPoolsParams & { incident?: string };
  return { namespace: step.target.namespace ?? "default", addresses: p.addresses ?? [], domains: p.domains ?? [], cilium: p.cilium === true, incident: p.incident };
}

export const blockPoolsKubernetes: ActionDefinition<BlockPoolsParams> = {
  name: "block-pools-kubernetes",
  title: both("respond.k8s.blockTitle"),
  provider: "kubernetes",
  params: BlockPoolsParams,
  // "<group>/<resource>:<verb>"; the Cilium verbs are used only with `cilium: true`.
  permissions: [
    ...["get", "list", "create", "update", "delete"].map((v) => `networking.k8s.io/networkpolicies:${v}`),
    ...["get", "create", "update", "delete"].map((v) => `cilium.io/ciliumnetworkpolicies:${v}`),
  ],
  risk: "medium",
  undoable: true,

  async plan(input, ctx) {
    const client = ctx.clients.kubernetes;
    const fromIncident = incidentPools(input.incident);
    const addresses = [...new Set([...fromIncident.addresses, ...(input.params.addresses ?? []).flatMap((a) => { const r = poolCidr(a); return "cidr" in r ? [r.cidr] : []; })])].sort();
    const domains = [...new Set([...fromIncident.domains, ...(input.params.domains ?? [])])].sort();
    const cilium = input.params.cilium === true;
    const base = { addresses, domains, cilium, incident: input.incident.id };
    const noTarget = { kind: "network-policy" as const, id: `*/${POLICY_NAME}`, provider: "kubernetes" as const };
    if (!client && !concernsKubernetes(input.incident)) return [];
    if (!client) return [{ key: "no-client", target: noTarget, params: base, before: {}, after: {}, call: "-", risk: "medium", undoable: true, refused: { reason: both("respond.k8s.noClient") }, why: both("respond.k8s.noClient") }];
    if (addresses.length === 0) {
      const reason = both("respond.k8s.noPoolAddresses", { domains: domains.join(", ") || "-" });
      return [{ key: "no-addresses", target: noTarget, params: base, before: {}, after: {}, call: "-", risk: "medium", undoable: true, refused: { reason }, why: reason }];
    }
    let namespaces = input.params.namespaces ?? input.incident.entities.namespaces ?? [];
    if (namespaces.length === 0) namespaces = [...new Set((await sweepKubernetes(client, defaultIntel())).suspicious.map((w) => w.namespace))];
    if (namespaces.length === 0) namespaces = ["default"];
    const steps: PlannedStep[] = [];
    for (const namespace of [...new Set(namespaces)].sort()) {
      const existing = await readPolicy(client, namespace, POLICY_NAME);
      const path = `/apis/networking.k8s.io/v1/namespaces/${namespace}/networkpolicies`;
      const step: PlannedStep = {
        key: namespace,
        target: { kind: "network-policy", id: `${namespace}/${POLICY_NAME}`, provider: "kubernetes", namespace, account: client.cluster, label: `NetworkPolicy ${namespace}/${POLICY_NAME} on ${client.cluster}` },
        params: { ...base, namespaces: [namespace] },
        before: { exists: existing !== undefined, managedByMinerhunt: isOurs(existing) },
        after: { exists: true, egressBlocked: addresses, egressAllowed: ["0.0.0.0/0 and ::/0 except the pools", "every pod in the cluster", "cluster DNS"] },
        call: `kubernetes ${existing ? `PUT ${path}/${POLICY_NAME}` : `POST ${path}`}${cilium ? ` + POST /apis/cilium.io/v2/namespaces/${namespace}/ciliumnetworkpolicies` : ""} (cluster ${client.cluster})`,
        risk: "medium", undoable: true, requires: [],
        why: both("respond.k8s.blockWhy", { namespace, addresses: addresses.join(", "), domains: domains.join(", ") || "-" }),
      };
      const pattern = protectedBy(ctx.protect.ids, [namespace, step.target.id, client.cluster]);
      if (pattern) step.refused = { reason: both("respond.k8s.protected", { target: step.target.id, pattern }) };
      else if (existing && !isOurs(existing)) step.refused = { reason: both("respond.k8s.foreignPolicy", { name: POLICY_NAME, namespace }) };
      steps.push(step);
    }
    return steps;
  },

  async precondition(step, ctx) {
    const client = ctx.clients.kubernetes;
    if (!client) return both("respond.k8s.noClient");
    const { namespace } = stepInput(step);
    const pattern = protectedBy(ctx.protect.ids, [namespace, step.target.id, client.cluster]);
    if (pattern) return both("respond.k8s.protected", { target: step.target.id, pattern });
    const existing = await readPolicy(client, namespace, POLICY_NAME);
    if (existing && !isOurs(existing)) return both("respond.k8s.foreignPolicy", { name: POLICY_NAME, namespace });
    return undefined;
  },

  async execute(step, ctx) {
    const client = clientOf(ctx);
    const s = stepInput(step);
    const emitted = poolBlockPolicies({ namespace: s.namespace, addresses: s.addresses, domains: s.domains, incident: s.incident });
    const existing = await readPolicy(client, s.namespace, POLICY_NAME);
    if (existing && !isOurs(existing)) throw new Error(both("respond.k8s.foreignPolicy", { name: POLICY_NAME, namespace: s.namespace }).en);
    const undo: Record<string, unknown> = { namespace: s.namespace, previous: existing ? { metadata: { labels: existing.metadata?.labels, annotations: existing.metadata?.["annotations"] }, spec: existing["spec"] } : null };
    if (existing) {
      const body = { ...emitted.networkPolicy, metadata: { ...(emitted.networkPolicy["metadata"] as object), resourceVersion: existing.metadata?.["resourceVersion"] } };
      await client.networking.replaceNamespacedNetworkPolicy({ namespace: s.namespace, name: POLICY_NAME, body: body as never });
    } else {
      await client.networking.createNamespacedNetworkPolicy({ namespace: s.namespace, body: emitted.networkPolicy as never });
    }
    if (s.cilium) {
      const prior = await readCilium(client, s.namespace, POLICY_NAME);
      undo["previousCilium"] = prior ? { spec: prior["spec"] } : null;
      if (prior) {
        const body = { ...emitted.ciliumNetworkPolicy, metadata: { ...(emitted.ciliumNetworkPolicy["metadata"] as object), resourceVersion: prior.metadata?.["resourceVersion"] } };
        await client.custom.replaceNamespacedCustomObject({ ...CILIUM, namespace: s.namespace, name: POLICY_NAME, body });
      } else {
        await client.custom.createNamespacedCustomObject({ ...CILIUM, namespace: s.namespace, body: emitted.ciliumNetworkPolicy });
      }
    }
    return { undo, detail: { blocked: [...emitted.v4, ...emitted.v6], rejected: emitted.rejected } };
  },

  async verify(step, ctx) {
    const client = clientOf(ctx);
    const s = stepInput(step);
    const emitted = poolBlockPolicies({ namespace: s.namespace, addresses: s.addresses, domains: s.domains });
    const pools = [...emitted.v4, ...emitted.v6];
    const ours = await readPolicy(client, s.namespace, POLICY_NAME);
    if (!ours) return { ok: false, observed: { exists: false }, reason: `NetworkPolicy ${step.target.id} is not there` };
    const egress = ((ours["spec"] as { egress?: { to?: { ipBlock?: { except?: string[] } }[] }[] } | undefined)?.egress ?? []);
    const excepted = new Set(egress.flatMap((r) => (r.to ?? []).flatMap((p) => p.ipBlock?.except ?? [])));
    const missing = pools.filter((p) => !excepted.has(p));
    // Other policies in the namespace may allow the pools again (policies add up).
    const others = (await client.networking.listNamespacedNetworkPolicy({ namespace: s.namespace })).items.map((p) => toJson(p)).filter((p) => p.metadata?.name !== POLICY_NAME);
    const reopenedBy = others.map((p) => ({ name: p.metadata?.name ?? "?", pools: reopenedPools(p, pools) })).filter((r) => r.pools.length > 0);
    let ciliumDeny: string[] | undefined;
    if (s.cilium) {
      const c = await readCilium(client, s.namespace, POLICY_NAME);
      ciliumDeny = ((c?.["spec"] as { egressDeny?: { toCIDR?: string[] }[] } | undefined)?.egressDeny ?? []).flatMap((r) => r.toCIDR ?? []);
    }
    const denyHolds = ciliumDeny !== undefined && pools.every((p) => ciliumDeny!.includes(p));
    const observed = { exists: true, excepted: [...excepted].sort(), reopenedBy: reopenedBy.map((r) => `${r.name}: ${r.pools.join(", ")}`), ...(ciliumDeny ? { ciliumDeny } : {}) };
    if (missing.length) return { ok: false, observed, reason: `the policy does not except ${missing.join(", ")}` };
    if (reopenedBy.length && !denyHolds) {
      return { ok: false, observed, reason: `NetworkPolicies add up: ${reopenedBy.map((r) => r.name).join(", ")} still allow egress to ${[...new Set(reopenedBy.flatMap((r) => r.pools))].join(", ")}; narrow them or use a Cilium deny (cilium: true)` };
    }
    return { ok: true, observed };
  },

  async undo(step, undo, ctx) {
    const client = clientOf(ctx);
    const namespace = String(undo["namespace"] ?? step.target.namespace);
    const previous = undo["previous"] as { metadata?: Record<string, unknown>; spec?: unknown } | null | undefined;
    const current = await readPolicy(client, namespace, POLICY_NAME);
    if (previous && current) {
      const body = { apiVersion: "networking.k8s.io/v1", kind: "NetworkPolicy", metadata: { ...previous.metadata, name: POLICY_NAME, namespace, resourceVersion: current.metadata?.["resourceVersion"] }, spec: previous.spec };
      await client.networking.replaceNamespacedNetworkPolicy({ namespace, name: POLICY_NAME, body: body as never });
    } else if (!previous && current) {
      await client.networking.deleteNamespacedNetworkPolicy({ namespace, name: POLICY_NAME });
    }
    if ("previousCilium" in undo) {
      const prior = undo["previousCilium"] as { spec?: unknown } | null;
      const now = await readCilium(client, namespace, POLICY_NAME);
      if (prior === null && now) await client.custom.deleteNamespacedCustomObject({ ...CILIUM, namespace, name: POLICY_NAME });
      else if (prior && now) {
        const body = { ...now, spec: prior.spec, metadata: { ...now.metadata, resourceVersion: now.metadata?.["resourceVersion"] } };
        await client.custom.replaceNamespacedCustomObject({ ...CILIUM, namespace, name: POLICY_NAME, body });
      }
    }
  },
};
