/**
 * Sweep a cluster for workloads that run miners: list pods, Deployments, ReplicaSets, DaemonSets,
 * StatefulSets, Jobs and CronJobs in every namespace, read each pod template's images, commands, arguments
 * and literal env values against intel (connectors/miner-signs.ts), and report each miner once, as the
 * top-most controller that owns it (a pod of a ReplicaSet of a Deployment is reported as the Deployment;
 * a Job's pod as its CronJob): deleting anything lower down only gets it re-created.
 * A kind the caller may not list (RBAC) is reported as unreachable, never fatal.
 */
import type { Intel } from "../../../intel/index.js";
import { looksLikeMiner, scanImage, scanText, type MinerSign } from "../miner-signs.js";
import { KINDS, WORKLOAD_KINDS, apiMessage, listEvery, toJson, type KubeJson, type WorkloadKind } from "./workloads.js";
import type { KubernetesClient } from "./types.js";

export interface WorkloadRef {
  kind: WorkloadKind;
  namespace: string;
  name: string;
  uid: string;
}

export interface SweptWorkload extends WorkloadRef {
  signs: MinerSign[];
  images: string[];
  /** Pods running under it now (its own pod for a bare pod). */
  pods: number;
  podNames: string[];
  /** Set when a controller minerhunt does not manage owns it (an operator's resource): deleting it will not last. */
  foreignOwner?: string;
  /** The object as read (plain JSON). */
  object: KubeJson;
}

export interface KubernetesSweep {
  cluster: string;
  /** Workloads with enough signs of a miner, top-most owner only. */
  suspicious: SweptWorkload[];
  /** Every top-most workload read, miner or not (for matching an incident's pods and images). */
  all: SweptWorkload[];
  /** Objects read per kind. */
  counts: Partial<Record<WorkloadKind, number>>;
  unreachable: { scope: string; reason: string }[];
}

interface Entry extends WorkloadRef { object: KubeJson; signs: MinerSign[]; images: string[] }

function containersOf(spec: KubeJson | undefined): KubeJson[] {
  if (!spec) return [];
  const out: KubeJson[] = [];
  for (const field of ["initContainers", "containers", "ephemeralContainers"]) {
    const list = spec[field];
    if (Array.isArray(list)) for (const c of list) if (c && typeof c === "object") out.push(c as KubeJson);
  }
  return out;
}

/** Signs of a miner in one pod spec, and the images it runs. */
export function podSpecSigns(intel: Intel, spec: KubeJson | undefined): { signs: MinerSign[]; images: string[] } {
  const signs: MinerSign[] = [];
  const images: string[] = [];
  for (const c of containersOf(spec)) {
    const where = `container ${typeof c["name"] === "string" ? c["name"] : "?"}`;
    const image = typeof c["image"] === "string" ? c["image"] : "";
    if (image) { images.push(image); signs.push(...scanImage(intel, image, where)); }
    const words: string[] = [];
    for (const field of ["command", "args"]) {
      const v = c[field];
      if (Array.isArray(v)) for (const w of v) if (typeof w === "string") words.push(w);
    }
    const env = c["env"];
    if (Array.isArray(env)) for (const e of env) if (e && typeof (e as KubeJson)["value"] === "string") words.push((e as { value: string }).value);
    if (words.length) signs.push(...scanText(intel, words.join("\n"), where));
  }
  return { signs, images: [...new Set(images)] };
}

export async function sweepKubernetes(client: KubernetesClient, intel: Intel, opts: { namespaces?: string[] } = {}): Promise<KubernetesSweep> {
  const wanted = opts.namespaces && opts.namespaces.length ? new Set(opts.namespaces) : undefined;
  const byUid = new Map<string, Entry>();
  const counts: Partial<Record<WorkloadKind, number>> = {};
  const unreachable: KubernetesSweep["unreachable"] = [];
  const lists = await Promise.allSettled(WORKLOAD_KINDS.map((k) => listEvery(client, KINDS[k])));
  lists.forEach((result, i) => {
    const ops = KINDS[WORKLOAD_KINDS[i]!];
    if (result.status === "rejected") {
      unreachable.push({ scope: `${client.cluster} ${ops.plural}`, reason: apiMessage(result.reason) });
      return;
    }
    counts[ops.kind] = result.value.length;
    for (const item of result.value) {
      const object = toJson(item);
      const meta = object.metadata ?? {};
      if (!meta.uid || !meta.name) continue;
      const namespace = meta.namespace ?? "default";
      if (wanted && !wanted.has(namespace)) continue;
      const { signs, images } = podSpecSigns(intel, ops.podSpec(object));
      byUid.set(meta.uid, { kind: ops.kind, namespace, name: meta.name, uid: meta.uid, object, signs, images });
    }
  });

  // Walk controller owner references up to the top-most object we know. An owner we did not read (a CRD
  // operator, a Node for a static pod's mirror) stops the walk and is named.
  const topOf = (e: Entry): { top: Entry; foreign?: string } => {
    let cur = e;
    for (let depth = 0; depth < 8; depth++) {
      const refs = cur.object.metadata?.ownerReferences ?? [];
      const ref = refs.find((r) => r.controller) ?? refs[0];
      if (!ref) return { top: cur };
      const owner = byUid.get(ref.uid);
      if (!owner) return { top: cur, foreign: `${ref.kind}/${ref.name}` };
      cur = owner;
    }
    return { top: cur };
  };

  const tops = new Map<string, SweptWorkload>();
  for (const e of byUid.values()) {
    const { top, foreign } = topOf(e);
    let w = tops.get(top.uid);
    if (!w) {
      w = { kind: top.kind, namespace: top.namespace, name: top.name, uid: top.uid, signs: [], images: [...top.images], pods: 0, podNames: [], object: top.object };
      if (foreign) w.foreignOwner = foreign;
      tops.set(top.uid, w);
    }
    for (const s of e.signs) if (!w.signs.some((x) => x.kind === s.kind && x.value === s.value)) w.signs.push(s);
    for (const i of e.images) if (!w.images.includes(i)) w.images.push(i);
    if (e.kind === "Pod") { w.pods++; w.podNames.push(e.name); }
  }
  const all = [...tops.values()].sort((a, b) => `${a.namespace}/${a.kind}/${a.name}`.localeCompare(`${b.namespace}/${b.kind}/${b.name}`));
  return { cluster: client.cluster, suspicious: all.filter((w) => looksLikeMiner(w.signs)), all, counts, unreachable };
}
