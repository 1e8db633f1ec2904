/**
 * End to end on real formats: Falco json_output lines and Kubernetes audit Events, written by hand in
 * the exact shape Falco and the API server produce, parsed by the project's sources, then detected.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { falcoSource, k8sAuditSource } from "../../../sources/container/index.js";
import { parseWith, runDetector } from "../../../test-helpers/index.js";
import { falcoMiner, k8sWorkload } from "./index.js";

test("Falco json_output alerts: the Stratum rule fires, a shell alert on a plain process does not", async () => {
  const alerts = [
    {
      hostname: "ip-10-0-12-34", priority: "Critical", rule: "Detect crypto miners using the Stratum protocol", source: "syscall",
      tags: ["T1496", "maturity_sandbox", "mitre_impact", "process"], time: "2026-11-20T03:44:12.123456789Z",
      output: "2026-11-20T03:44:12.123456789+0000: Critical Possible miner running (command=/tmp/.x/xmrig -o stratum+tcp://pool.supportxmr.com:3333 -u 4AbCdEf -p x pid=30512 container=api image=ghcr.io/acme/api)",
      output_fields: {
        "container.id": "3ad7b26ded6d", "container.image.repository": "ghcr.io/acme/api", "container.image.tag": "1.42.0", "container.name": "api",
        "evt.time": 1795153452123456768, "k8s.ns.name": "prod", "k8s.pod.name": "api-7d9c5b6f4-x2k8q",
        "proc.cmdline": "/tmp/.x/xmrig -o stratum+tcp://pool.supportxmr.com:3333 -u 4AbCdEf -p x", "proc.name": "xmrig", "proc.exepath": "/tmp/.x/xmrig", "proc.pid": 30512,
      },
    },
    {
      hostname: "ip-10-0-12-34", priority: "Notice", rule: "Terminal shell in container", source: "syscall",
      tags: ["T1059", "container", "maturity_stable", "mitre_execution", "shell"], time: "2026-11-20T03:45:00.000000000Z",
      output: "2026-11-20T03:45:00.000000000+0000: Notice A shell was spawned in a container with an attached terminal (evt_type=execve user=root process=bash)",
      output_fields: { "container.id": "3ad7b26ded6d", "container.name": "api", "proc.cmdline": "bash", "proc.name": "bash", "user.name": "root", "evt.type": "execve" },
    },
  ];
  const { events, issues } = await parseWith(falcoSource, alerts.map((a) => JSON.stringify(a)).join("\n") + "\n", "/var/log/falco/events.json");
  assert.deepEqual(issues, []);
  const findings = runDetector(falcoMiner, events);
  assert.equal(findings.length, 1);
  const f = findings[0]!;
  assert.equal(f.trigger, "container");
  assert.equal(f.severity, "critical");
  assert.deepEqual(f.entities.pods, ["api-7d9c5b6f4-x2k8q"]);
  assert.deepEqual(f.entities.containers, ["3ad7b26ded6d"]);
  assert.equal(f.evidence[0]!.line, 1);
});

test("Kubernetes audit: a Deployment of a miner image is found, an nginx Deployment is not", async () => {
  const deployment = (name: string, image: string, args: string[]) => ({
    kind: "Event", apiVersion: "audit.k8s.io/v1", level: "RequestResponse", auditID: `a1b2c3d4-0000-4000-8000-${name.padEnd(12, "0").slice(0, 12)}`,
    stage: "ResponseComplete", requestURI: "/apis/apps/v1/namespaces/default/deployments?fieldManager=kubectl-create", verb: "create",
    user: { username: "system:anonymous", groups: ["system:unauthenticated"] }, sourceIPs: ["198.51.100.23"],
    userAgent: "kubectl/v1.29.2 (linux/amd64) kubernetes/4b8e819",
    objectRef: { resource: "deployments", namespace: "default", name, apiGroup: "apps", apiVersion: "v1" },
    responseStatus: { metadata: {}, code: 201 },
    requestObject: {
      kind: "Deployment", apiVersion: "apps/v1", metadata: { name, namespace: "default", creationTimestamp: null },
      spec: {
        replicas: 3, selector: { matchLabels: { app: name } },
        template: {
          metadata: { labels: { app: name }, creationTimestamp: null },
          spec: { containers: [{ name, image, args, resources: {}, imagePullPolicy: "Always" }], restartPolicy: "Always" },
        },
        strategy: {},
      },
      status: {},
    },
    requestReceivedTimestamp: "2026-11-20T03:14:07.123456Z", stageTimestamp: "2026-11-20T03:14:07.223456Z",
  });
  const lines = [
    deployment("web", "nginx:1.25.4", []),
    deployment("metrics-agent", "docker.io/metal3d/xmrig:latest", ["-o", "pool.hashvault.pro:443", "--tls", "-u", "4AbCdEf"]),
  ].map((e) => JSON.stringify(e)).join("\n") + "\n";
  const { events, issues } = await parseWith(k8sAuditSource, lines, "/var/log/kubernetes/audit/audit.log");
  assert.deepEqual(issues, []);
  const findings = runDetector(k8sWorkload, events);
  assert.equal(findings.length, 1);
  const f = findings[0]!;
  assert.match(f.title, /^deployment default\/metrics-agent runs a miner \(image docker\.io\/metal3d\/xmrig:latest\)/);
  assert.deepEqual(f.entities.users, ["system:anonymous"]);
  assert.equal(f.evidence[0]!.line, 2);
});
