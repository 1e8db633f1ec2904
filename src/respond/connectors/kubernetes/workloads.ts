/**
 * The workload kinds the connector finds and acts on, one table: how to list, read, delete and re-create
 * each through the typed client, the REST path shown in a plan, and where its pod template is.
 * Objects leave this module as plain JSON (the API's own field names, dates as RFC 3339 strings), so they
 * can be matched, stored as undo data and shown without the client's classes.
 */
import type { TargetKind } from "../../../model/index.js";
import type { KubernetesClient } from "./types.js";

export type WorkloadKind = "Pod" | "Deployment" | "ReplicaSet" | "DaemonSet" | "StatefulSet" | "Job" | "CronJob";

/** A Kubernetes object as JSON. */
export type KubeJson = Record<string, unknown> & {
  metadata?: { name?: string; namespace?: string; uid?: string; deletionTimestamp?: string; labels?: Record<string, string>; ownerReferences?: OwnerRef[]; [k: string]: unknown };
};
export interface OwnerRef { apiVersion: string; kind: string; name: string; uid: string; controller?: boolean }

export interface ListPage { limit: number; _continue?: string }

export interface KindOps {
  kind: WorkloadKind;
  apiVersion: string;
  plural: string;
  targetKind: TargetKind;
  /** One page of every namespace's objects (`limit`/`continue`, as kubectl pages). */
  listAll(c: KubernetesClient, page: ListPage): Promise<{ items: unknown[]; metadata?: { _continue?: string } }>;
  read(c: KubernetesClient, namespace: string, name: string): Promise<unknown>;
  /** Delete with propagationPolicy Background: the owner goes now and the garbage collector takes its pods. */
  remove(c: KubernetesClient, namespace: string, name: string): Promise<unknown>;
  create(c: KubernetesClient, namespace: string, body: unknown): Promise<unknown>;
  /** The pod spec its pods run (the template's, or the pod's own). */
  podSpec(obj: KubeJson): KubeJson | undefined;
}

// Why Background, always, and explicitly: a Job deleted through the API with no policy orphans its pods
// (batch/v1's default), so the miner would keep running; Foreground keeps the owner visible until every
// pod is gone, which makes the read-back ambiguous.
const BG = "Background";

function at(obj: KubeJson, ...path: string[]): KubeJson | undefined {
  let cur: unknown = obj;
  for (const p of path) {
    if (cur === null || typeof cur !== "object") return undefined;
    cur = (cur as Record<string, unknown>)[p];
  }
  return cur !== null && typeof cur === "object" ? (cur as KubeJson) : undefined;
}

export const KINDS: Readonly<Record<WorkloadKind, KindOps>> = {
  Pod: {
    kind: "Pod", apiVersion: "v1", plural: "pods", targetKind: "pod",
    listAll: (c, page) => c.core.listPodForAllNamespaces(page),
    read: (c, namespace, name) => c.core.readNamespacedPod({ namespace, name }),
    remove: (c, namespace, name) => c.core.deleteNamespacedPod({ namespace, name, propagationPolicy: BG }),
    create: (c, namespace, body) => c.core.createNamespacedPod({ namespace, body: body as never }),
    podSpec: (o) => at(o, "spec"),
  },
  Deployment: {
    kind: "Deployment", apiVersion: "apps/v1", plural: "deployments", targetKind: "deployment",
    listAll: (c, page) => c.apps.listDeploymentForAllNamespaces(page),
    read: (c, namespace, name) => c.apps.readNamespacedDeployment({ namespace, name }),
    remove: (c, namespace, name) => c.apps.deleteNamespacedDeployment({ namespace, name, propagationPolicy: BG }),
    create: (c, namespace, body) => c.apps.createNamespacedDeployment({ namespace, body: body as never }),
    podSpec: (o) => at(o, "spec", "template", "spec"),
  },
  ReplicaSet: {
    kind: "ReplicaSet", apiVersion: "apps/v1", plural: "replicasets", targetKind: "replicaset",
    listAll: (c, page) => c.apps.listReplicaSetForAllNamespaces(page),
    read: (c, namespace, name) => c.apps.readNamespacedReplicaSet({ namespace, name }),
    remove: (c, namespace, name) => c.apps.deleteNamespacedReplicaSet({ namespace, name, propagationPolicy: BG }),
    create: (c, namespace, body) => c.apps.createNamespacedReplicaSet({ namespace, body: body as never }),
    podSpec: (o) => at(o, "spec", "template", "spec"),
  },
  DaemonSet: {
    kind: "DaemonSet", apiVersion: "apps/v1", plural: "daemonsets", targetKind: "daemonset",
    listAll: (c, page) => c.apps.listDaemonSetForAllNamespaces(page),
    read: (c, namespace, name) => c.apps.readNamespacedDaemonSet({ namespace, name }),
    remove: (c, namespace, name) => c.apps.deleteNamespacedDaemonSet({ namespace, name, propagationPolicy: BG }),
    create: (c, namespace, body) => c.apps.createNamespacedDaemonSet({ namespace, body: body as never }),
    podSpec: (o) => at(o, "spec", "template", "spec"),
  },
  StatefulSet: {
    kind: "StatefulSet", apiVersion: "apps/v1", plural: "statefulsets", targetKind: "statefulset",
    listAll: (c, page) => c.apps.listStatefulSetForAllNamespaces(page),
    read: (c, namespace, name) => c.apps.readNamespacedStatefulSet({ namespace, name }),
    remove: (c, namespace, name) => c.apps.deleteNamespacedStatefulSet({ namespace, name, propagationPolicy: BG }),
    create: (c, namespace, body) => c.apps.createNamespacedStatefulSet({ namespace, body: body as never }),
    podSpec: (o) => at(o, "spec", "template", "spec"),
  },
  Job: {
    kind: "Job", apiVersion: "batch/v1", plural: "jobs", targetKind: "job",
    listAll: (c, page) => c.batch.listJobForAllNamespaces(page),
    read: (c, namespace, name) => c.batch.readNamespacedJob({ namespace, name }),
    remove: (c, namespace, name) => c.batch.deleteNamespacedJob({ namespace, name, propagationPolicy: BG }),
    create: (c, namespace, body) => c.batch.createNamespacedJob({ namespace, body: body as never }),
    podSpec: (o) => at(o, "spec", "template", "spec"),
  },
  CronJob: {
    kind: "CronJob", apiVersion: "batch/v1", plural: "cronjobs", targetKind: "cronjob",
    listAll: (c, page) => c.batch.listCronJobForAllNamespaces(page),
    read: (c, namespace, name) => c.batch.readNamespacedCronJob({ namespace, name }),
    remove: (c, namespace, name) => c.batch.deleteNamespacedCronJob({ namespace, name, propagationPolicy: BG }),
    create: (c, namespace, body) => c.batch.createNamespacedCronJob({ namespace, body: body as never }),
    podSpec: (o) => at(o, "spec", "jobTemplate", "spec", "template", "spec"),
  },
};

export const WORKLOAD_KINDS = Object.keys(KINDS) as WorkloadKind[];

export function isWorkloadKind(kind: string): kind is WorkloadKind {
  return Object.hasOwn(KINDS, kind);
}

/** Objects per list call: bounded pages keep the API server's and our memory flat on big clusters. */
export const LIST_PAGE = 500;

/** Every object of a kind in every namespace, page by page. */
export async function listEvery(c: KubernetesClient, ops: KindOps): Promise<unknown[]> {
  const out: unknown[] = [];
  let next: string | undefined;
  for (let pages = 0; pages < 10_000; pages++) {
    const list = await ops.listAll(c, { limit: LIST_PAGE, ...(next ? { _continue: next } : {}) });
    out.push(...list.items);
    next = list.metadata?._continue;
    if (!next) return out;
  }
  throw new Error(`kubernetes: listing ${ops.plural} did not end after 10000 pages`);
}

/** The REST path of one object, as a plan shows it. */
export function restPath(ops: KindOps, namespace: string, name: string): string {
  const base = ops.apiVersion === "v1" ? "/api/v1" : `/apis/${ops.apiVersion}`;
  return `${base}/namespaces/${encodeURIComponent(namespace)}/${ops.plural}/${encodeURIComponent(name)}`;
}

/**
 * A typed client object as plain JSON. The client's models for these kinds use the API's own field names,
 * so JSON round-tripping gives the API's JSON (dates become RFC 3339 strings). The client's serializer
 * accepts such plain JSON back as a request body (it passes strings through where it expects dates).
 */
export function toJson(obj: unknown): KubeJson {
  return JSON.parse(JSON.stringify(obj)) as KubeJson;
}

/** The HTTP status of a failed API call (the client's ApiException carries `code`). */
export function apiStatus(err: unknown): number | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === "number" ? code : undefined;
}

/** The API server's own message from a failed call (its Status body), short. */
export function apiMessage(err: unknown): string {
  const e = err as { code?: number; body?: unknown; message?: string };
  let msg = e.message ?? String(err);
  if (typeof e.body === "string") {
    try { msg = (JSON.parse(e.body) as { message?: string }).message ?? msg; } catch { /* not JSON: keep the client's message */ }
  } else if (e.body && typeof e.body === "object" && typeof (e.body as { message?: unknown }).message === "string") {
    msg = (e.body as { message: string }).message;
  }
  return (e.code !== undefined ? `HTTP ${e.code}: ` : "") + msg.slice(0, 300);
}

/** Read one object as JSON; undefined when it does not exist (404). */
export async function readObject(c: KubernetesClient, ops: KindOps, namespace: string, name: string): Promise<KubeJson | undefined> {
  try {
    return toJson(await ops.read(c, namespace, name));
  } catch (err) {
    if (apiStatus(err) === 404) return undefined;
    throw err;
  }
}

/**
 * The manifest to re-create an object from on undo: what a person would `kubectl apply`, without what the
 * server assigns (status, uid, resourceVersion, creationTimestamp, managedFields, generation, ownerReferences
 * to objects that may be gone). A Job's generated selector and the controller-uid labels it matches are
 * dropped too: the server refuses a Job that brings its own selector without manualSelector.
 */
export function manifestForUndo(ops: KindOps, obj: KubeJson): KubeJson {
  const copy = structuredClone(obj);
  delete copy["status"];
  const meta = { ...(copy.metadata ?? {}) };
  for (const k of ["uid", "resourceVersion", "creationTimestamp", "managedFields", "generation", "selfLink", "deletionTimestamp", "deletionGracePeriodSeconds", "ownerReferences"]) delete meta[k];
  copy.metadata = meta;
  copy["apiVersion"] = ops.apiVersion;
  copy["kind"] = ops.kind;
  if (ops.kind === "Job") {
    const spec = copy["spec"] as KubeJson | undefined;
    if (spec && spec["manualSelector"] !== true) {
      delete spec["selector"];
      const labels = at(spec, "template", "metadata", "labels") as Record<string, string> | undefined;
      if (labels) for (const k of ["controller-uid", "batch.kubernetes.io/controller-uid", "job-name", "batch.kubernetes.io/job-name"]) delete labels[k];
    }
  }
  if (ops.kind === "Pod") {
    const spec = copy["spec"] as KubeJson | undefined;
    if (spec) delete spec["nodeName"]; // let the scheduler place it again
  }
  return copy;
}
