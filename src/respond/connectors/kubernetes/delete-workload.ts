/**
 * delete-workload: delete the controller that owns a miner's pods (CronJob, Deployment, DaemonSet,
 * StatefulSet, Job, or a bare pod), not the pods, so nothing re-creates them. The object's manifest is kept
 * (minus what the server assigns) and undo re-creates it. Targets: every workload the sweep calls a miner
 * (scope "cluster", the default) or only those running the incident's pods and images (scope "incident");
 * workloads that run the incident's pods or images are always included.
 */
import { z } from "zod";
import type { Incident } from "../../../model/index.js";
import { imageRepository } from "../../../model/index.js";
import type { ActionDefinition, PlannedStep, PlanStep, ResponseContext } from "../../types.js";
import { both } from "../bilingual.js";
import { defaultIntel } from "../miner-signs.js";
import { protectedBy } from "../protect.js";
import { sweepKubernetes, type SweptWorkload } from "./sweep.js";
import { KINDS, apiStatus, isWorkloadKind, manifestForUndo, readObject, restPath, type KubeJson } from "./workloads.js";
import type { KubernetesClient } from "./types.js";

export const DeleteWorkloadParams = z.object({
  scope: z.enum(["cluster", "incident"]).optional(),
  namespaces: z.array(z.string()).optional(),
});
export type DeleteWorkloadParams = z.infer<typeof DeleteWorkloadParams>;

function wid(w: { namespace: string; name: string }): string {
  return `${w.namespace}/${w.name}`;
}

/** What ties a workload to the incident: its pods or its images named there. */
function incidentLinks(w: SweptWorkload, incident: Incident): string[] {
  const links: string[] = [];
  const pods = new Set(incident.entities.pods ?? []);
  for (const p of w.podNames) if (pods.has(p) || pods.has(`${w.namespace}/${p}`)) links.push(`pod ${w.namespace}/${p}`);
  const images = new Set((incident.entities.images ?? []).map(imageRepository));
  for (const i of w.images) if (images.has(imageRepository(i))) links.push(`image ${i}`);
  return links;
}

/** Whether an incident is about a Kubernetes cluster (its pods, namespaces, clusters or provider). */
export function concernsKubernetes(incident: Incident): boolean {
  const e = incident.entities;
  return Boolean(e.pods?.length || e.clusters?.length || e.namespaces?.length || e.providers?.includes("kubernetes"));
}

function refusedStep(key: string, target: PlannedStep["target"], reason: PlannedStep["why"], params: Record<string, unknown>): PlannedStep {
  return { key, target, params, before: {}, after: {}, call: "-", risk: "high", undoable: true, requires: [], refused: { reason }, why: reason };
}

function targetOf(client: KubernetesClient, w: SweptWorkload): PlannedStep["target"] {
  return {
    kind: KINDS[w.kind].targetKind, id: wid(w), provider: "kubernetes", namespace: w.namespace, account: client.cluster,
    label: `${w.kind} ${wid(w)} (${w.images.join(", ").slice(0, 160)}) on ${client.cluster}`,
  };
}

function stepFor(client: KubernetesClient, w: SweptWorkload, links: string[], params: Record<string, unknown>, ctx: ResponseContext): PlannedStep {
  const ops = KINDS[w.kind];
  const target = targetOf(client, w);
  const key = `${w.kind}/${wid(w)}`;
  const signs = w.signs.filter((s) => s.strong).map((s) => s.value).slice(0, 4).join(", ") || w.signs.map((s) => s.value).slice(0, 3).join(", ");
  const why = w.signs.length
    ? both("respond.k8s.deleteWhy", { kind: w.kind, workload: wid(w), cluster: client.cluster, signs, pods: w.pods })
    : both("respond.k8s.relatedWhy", { kind: w.kind, workload: wid(w), cluster: client.cluster, evidence: links.join(", ") });
  const step: PlannedStep = {
    key, target, params,
    before: { exists: true, kind: w.kind, uid: w.uid, images: w.images, pods: w.pods, signs: w.signs.map((s) => `${s.kind}: ${s.value}`) },
    after: { exists: false, pods: 0 },
    call: `kubernetes DELETE ${restPath(ops, w.namespace, w.name)}?propagationPolicy=Background (cluster ${client.cluster})`,
    risk: "high", undoable: true, requires: [], why,
  };
  const pattern = protectedBy(ctx.protect.ids, [w.namespace, wid(w), `${w.kind}/${wid(w)}`, client.cluster, ...w.images]);
  if (pattern) step.refused = { reason: both("respond.k8s.protected", { target: `${w.kind} ${wid(w)}`, pattern }) };
  else if (w.foreignOwner) step.refused = { reason: both("respond.k8s.foreignOwner", { workload: `${w.kind} ${wid(w)}`, owner: w.foreignOwner }) };
  return step;
}

/** The planned object, from the step (kind, namespace, name, uid). */
function planned(step: PlanStep): { ops: (typeof KINDS)[keyof typeof KINDS]; namespace: string; name: string; uid: string } {
  const kind = String(step.before["kind"] ?? "");
  if (!isWorkloadKind(kind)) throw new Error(`delete-workload: step ${step.id} names no workload kind`);
  const [namespace, ...rest] = step.target.id.split("/");
  return { ops: KINDS[kind], namespace: namespace ?? "", name: rest.join("/"), uid: String(step.before["uid"] ?? "") };
}

function clientOf(ctx: ResponseContext): KubernetesClient {
  const c = ctx.clients.kubernetes;
  if (!c) throw new Error(both("respond.k8s.noClient").en);
  return c;
}

export const deleteWorkload: ActionDefinition<DeleteWorkloadParams> = {
  name: "delete-workload",
  title: both("respond.k8s.deleteTitle"),
  provider: "kubernetes",
  params: DeleteWorkloadParams,
  // RBAC verbs on resources ("<group>/<resource>:<verb>", the registry's form), what a ClusterRole must grant.
  permissions: [
    ...rbac("list,get,delete,create", "pods"),
    ...["apps/deployments", "apps/daemonsets", "apps/statefulsets", "batch/jobs", "batch/cronjobs"].flatMap((r) => rbac("list,get,delete,create", r)),
    ...rbac("list", "apps/replicasets"),
  ],
  risk: "high",
  undoable: true,

  async plan(input, ctx) {
    const params = { ...input.params } as Record<string, unknown>;
    const client = ctx.clients.kubernetes;
    if (!client) {
      // Say so only when the incident is about a cluster; other incidents simply have nothing here.
      return concernsKubernetes(input.incident) ? [refusedStep("no-client", { kind: "namespace", id: "*", provider: "kubernetes" }, both("respond.k8s.noClient"), params)] : [];
    }
    const sweep = await sweepKubernetes(client, defaultIntel(), { namespaces: input.params.namespaces });
    const scope = input.params.scope ?? "cluster";
    const steps: PlannedStep[] = [];
    for (const w of sweep.all) {
      const links = incidentLinks(w, input.incident);
      const suspicious = sweep.suspicious.includes(w);
      if (!links.length && !(scope === "cluster" && suspicious)) continue;
      steps.push(stepFor(client, w, links, params, ctx));
    }
    // A kind we could not list may hide a miner: the plan says so (Plan.unreachable) rather than silently plan less.
    for (const u of sweep.unreachable) input.unreachable?.(u.scope, u.reason);
    return steps;
  },

  async precondition(step, ctx) {
    const client = ctx.clients.kubernetes;
    if (!client) return both("respond.k8s.noClient");
    const p = planned(step);
    const pattern = protectedBy(ctx.protect.ids, [p.namespace, step.target.id, `${p.ops.kind}/${step.target.id}`, client.cluster]);
    if (pattern) return both("respond.k8s.protected", { target: `${p.ops.kind} ${step.target.id}`, pattern });
    const now = await readObject(client, p.ops, p.namespace, p.name);
    if (now && now.metadata?.uid !== p.uid) return both("respond.k8s.changed", { workload: `${p.ops.kind} ${step.target.id}`, planned: p.uid, now: now.metadata?.uid ?? "?" });
    return undefined;
  },

  async execute(step, ctx) {
    const client = clientOf(ctx);
    const p = planned(step);
    const obj = await readObject(client, p.ops, p.namespace, p.name);
    if (!obj) return { detail: { alreadyAbsent: true } }; // idempotent: done before (or by someone else)
    if (obj.metadata?.uid !== p.uid) throw new Error(both("respond.k8s.changed", { workload: `${p.ops.kind} ${step.target.id}`, planned: p.uid, now: obj.metadata?.uid ?? "?" }).en);
    const manifest = manifestForUndo(p.ops, obj);
    try {
      await p.ops.remove(client, p.namespace, p.name);
    } catch (err) {
      if (apiStatus(err) !== 404) throw err;
    }
    return { undo: { manifest, kind: p.ops.kind, namespace: p.namespace, name: p.name }, detail: { deletedUid: p.uid } };
  },

  async verify(step, ctx) {
    const client = clientOf(ctx);
    const p = planned(step);
    const obj = await readObject(client, p.ops, p.namespace, p.name);
    if (!obj) return { ok: true, observed: { exists: false } };
    const observed = { exists: true, uid: obj.metadata?.uid, deletionTimestamp: obj.metadata?.deletionTimestamp };
    if (obj.metadata?.uid !== p.uid) return { ok: false, observed, reason: `${p.ops.kind} ${step.target.id} exists again with a new uid: something re-creates it (an operator, GitOps, a CronJob elsewhere)` };
    return { ok: false, observed, reason: obj.metadata?.deletionTimestamp ? `${p.ops.kind} ${step.target.id} is still terminating (finalizers)` : `${p.ops.kind} ${step.target.id} still exists` };
  },

  async undo(_step, undo, ctx) {
    const client = clientOf(ctx);
    const kind = String(undo["kind"] ?? "");
    if (!isWorkloadKind(kind)) throw new Error("delete-workload undo: no kind kept");
    const ops = KINDS[kind];
    const manifest = undo["manifest"] as KubeJson | undefined;
    if (!manifest) throw new Error("delete-workload undo: no manifest kept");
    try {
      await ops.create(client, String(undo["namespace"]), manifest);
    } catch (err) {
      if (apiStatus(err) !== 409) throw err; // already there: undo is done
    }
  },
};

/** "get,list" on "apps/deployments" → ["apps/deployments:get", "apps/deployments:list"]. */
function rbac(verbs: string, resource: string): string[] {
  return verbs.split(",").map((v) => `${resource}:${v}`);
}
