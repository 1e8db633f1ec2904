/**
 * The Kubernetes connector against the fake API server (real @kubernetes/client-node, real REST paths):
 * the sweep finds the seeded miners and nothing else; delete-workload deletes the owning controllers (and
 * the garbage collector their pods), leaves benign workloads alone, is idempotent, refuses protected
 * targets and undoes by re-creating; block-pools-kubernetes names only the pool addresses and its verify
 * sees a policy that re-opens them.
 */
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { loadIntel } from "../../../intel/index.js";
import { FakeKubernetesApi } from "./fake-api-server.js";
import { POOL_DOMAIN, POOL_IP, POOL_IP6, seedCompromisedCluster } from "./fake-cluster-seed.js";
import { createKubernetesClient } from "./client.js";
import { sweepKubernetes } from "./sweep.js";
import { deleteWorkload } from "./delete-workload.js";
import { blockPoolsKubernetes } from "./block-pools.js";
import { asPlanStep, testContext, testIncident } from "../test-context.js";
import type { KubernetesClient } from "./types.js";

const TOKEN = "test-token-6f2";
const intel = loadIntel();

async function cluster(opts: { forbid?: (r: { method: string; path: string }) => boolean } = {}): Promise<{ api: FakeKubernetesApi; client: KubernetesClient; close: () => Promise<void> }> {
  const api = new FakeKubernetesApi({ token: TOKEN, forbid: opts.forbid });
  seedCompromisedCluster(api);
  const url = await api.listen();
  return { api, client: createKubernetesClient({ server: url, token: TOKEN }), close: () => api.close() };
}

let shared: Awaited<ReturnType<typeof cluster>>;
before(async () => { shared = await cluster(); });
after(async () => { await shared.close(); });

test("the sweep finds the three seeded miners as their top-most controllers, and nothing benign", async () => {
  const sweep = await sweepKubernetes(shared.client, intel);
  const found = sweep.suspicious.map((w) => `${w.kind} ${w.namespace}/${w.name}`).sort();
  assert.deepEqual(found, ["CronJob batch/cache-warmup", "DaemonSet kube-system/kube-metrics", "Deployment prod/metrics-agent"]);
  const cron = sweep.suspicious.find((w) => w.kind === "CronJob")!;
  assert.ok(cron.signs.some((s) => s.kind === "stratum" && s.value === "stratum+tcp://"));
  assert.ok(cron.signs.some((s) => s.kind === "pool-domain" && s.value === POOL_DOMAIN));
  assert.equal(cron.pods, 1, "the CronJob's Job's pod is counted under the CronJob");
  const ds = sweep.suspicious.find((w) => w.kind === "DaemonSet")!;
  assert.ok(ds.signs.some((s) => s.kind === "image"));
  assert.equal(ds.pods, 2);
  const dep = sweep.suspicious.find((w) => w.kind === "Deployment")!;
  assert.equal(dep.pods, 2, "pods of the ReplicaSet count under the Deployment");
  assert.ok(dep.signs.some((s) => s.kind === "args" && s.value === "--algo=rx/0"));
  const etcd = sweep.all.find((w) => w.name === "etcd-control-plane")!;
  assert.equal(etcd.foreignOwner, "Node/control-plane");
  assert.equal(sweep.counts.Pod, 12);
  assert.deepEqual(sweep.unreachable, []);
});

test("lists are read page by page (limit/continue) on a big cluster", async () => {
  const c = await cluster();
  try {
    for (let i = 0; i < 1200; i++) {
      c.api.seed({ apiVersion: "v1", kind: "Pod", metadata: { name: `worker-${i}`, namespace: "default" }, spec: { containers: [{ name: "app", image: "busybox:1.36", command: ["sleep", "3600"] }] } });
    }
    const sweep = await sweepKubernetes(c.client, intel);
    assert.equal(sweep.counts.Pod, 12 + 1200);
    const podLists = c.api.requests.filter((r) => r.path === "/api/v1/pods");
    assert.equal(podLists.length, 3, "1212 pods at 500 a page");
    assert.ok(podLists.every((r) => r.query["limit"] === "500"));
    assert.equal(podLists.filter((r) => r.query["continue"]).length, 2);
    assert.equal(sweep.suspicious.length, 3);
  } finally { await c.close(); }
});

test("a kind the caller may not list is reported as unreachable, the rest is still swept", async () => {
  const c = await cluster({ forbid: (r) => r.path === "/apis/apps/v1/daemonsets" });
  try {
    const sweep = await sweepKubernetes(c.client, intel);
    assert.equal(sweep.unreachable.length, 1);
    assert.match(sweep.unreachable[0]!.scope, /daemonsets$/);
    assert.match(sweep.unreachable[0]!.reason, /HTTP 403/);
    // The DaemonSet's pods are still seen; their owner is unknown, so they are reported as owned by it.
    const dsPods = sweep.suspicious.filter((w) => w.kind === "Pod" && w.foreignOwner === "DaemonSet/kube-metrics");
    assert.equal(dsPods.length, 2);
  } finally { await c.close(); }
});

test("a wrong token is a reported failure, not a crash", async () => {
  const api = new FakeKubernetesApi({ token: TOKEN });
  seedCompromisedCluster(api);
  const url = await api.listen();
  try {
    const sweep = await sweepKubernetes(createKubernetesClient({ server: url, token: "wrong" }), intel);
    assert.equal(sweep.unreachable.length, 7);
    assert.ok(sweep.unreachable.every((u) => /HTTP 401/.test(u.reason)));
    assert.equal(sweep.suspicious.length, 0);
  } finally { await api.close(); }
});

test("plain http is refused except on loopback; an unreadable kubeconfig is named", () => {
  assert.throws(() => createKubernetesClient({ server: "http://10.0.0.1:6443", token: "x" }), /refusing plain http/);
  assert.throws(() => createKubernetesClient({ kubeconfig: "/nonexistent/kubeconfig" }), /cannot read the kubeconfig \/nonexistent\/kubeconfig/);
});

test("delete-workload: plan, execute, verify, idempotent re-run, undo", async () => {
  const c = await cluster();
  try {
    const ctx = testContext({ kubernetes: c.client });
    const incident = testIncident({ pools: [`${POOL_DOMAIN}:3333`], clusters: ["test"] });
    const planned = await deleteWorkload.plan({ incident, findings: [], params: {}, mode: "terminate-now", checklistItem: "containment.delete-workload" }, ctx);
    assert.deepEqual(planned.map((s) => s.key).sort(), ["CronJob/batch/cache-warmup", "DaemonSet/kube-system/kube-metrics", "Deployment/prod/metrics-agent"]);
    assert.ok(planned.every((s) => !s.refused));
    const cronPlanned = planned.find((s) => s.key.startsWith("CronJob"))!;
    assert.equal(cronPlanned.target.kind, "cronjob");
    assert.match(cronPlanned.call, /DELETE \/apis\/batch\/v1\/namespaces\/batch\/cronjobs\/cache-warmup\?propagationPolicy=Background/);
    assert.equal(c.api.requests.filter((r) => r.method !== "GET").length, 0, "planning changes nothing");

    const benignBefore = c.api.all().filter((o) => !/cache-warmup|kube-metrics|metrics-agent/.test(o.metadata.name)).map((o) => `${o.kind}/${o.metadata.name}/${o.metadata.resourceVersion}`).sort();
    const steps = planned.map((s) => asPlanStep("delete-workload", s));
    const kept: Record<string, Record<string, unknown>> = {};
    for (const step of steps) {
      assert.equal(await deleteWorkload.precondition(step, ctx), undefined);
      const result = await deleteWorkload.execute(step, ctx);
      kept[step.id] = result.undo!;
      const v = await deleteWorkload.verify(step, ctx);
      assert.ok(v.ok, `${step.id}: ${v.reason}`);
    }
    const deletes = c.api.requests.filter((r) => r.method === "DELETE");
    assert.equal(deletes.length, 3);
    assert.ok(deletes.every((r) => r.query["propagationPolicy"] === "Background"));
    // Controllers and everything they owned are gone; benign objects are untouched (same resourceVersion).
    assert.equal(c.api.get("CronJob", "batch", "cache-warmup"), undefined);
    assert.equal(c.api.get("Job", "batch", "cache-warmup-29412345"), undefined);
    assert.equal(c.api.all("Pod").filter((p) => /cache-warmup|kube-metrics|metrics-agent/.test(p.metadata.name)).length, 0);
    const benignAfter = c.api.all().map((o) => `${o.kind}/${o.metadata.name}/${o.metadata.resourceVersion}`).sort();
    assert.deepEqual(benignAfter, benignBefore);

    // A second run changes nothing.
    for (const step of steps) assert.deepEqual(await deleteWorkload.execute(step, ctx), { detail: { alreadyAbsent: true } });
    assert.equal(c.api.requests.filter((r) => r.method === "DELETE").length, 3);

    // Undo re-creates the CronJob from its manifest (no server-assigned fields, same schedule and pod template).
    const cronStep = steps.find((s) => s.id.includes("CronJob"))!;
    await deleteWorkload.undo!(cronStep, kept[cronStep.id]!, ctx);
    const back = c.api.get("CronJob", "batch", "cache-warmup")!;
    assert.ok(back);
    assert.equal((back["spec"] as { schedule: string }).schedule, "*/15 * * * *");
    assert.notEqual(back.metadata.uid, cronStep.before["uid"]);
    assert.equal(back["status"], undefined);
    // Undo twice is harmless; verify now says the miner is back.
    await deleteWorkload.undo!(cronStep, kept[cronStep.id]!, ctx);
    const v = await deleteWorkload.verify(cronStep, ctx);
    assert.equal(v.ok, false);
    assert.match(v.reason!, /new uid/);
    // And the precondition refuses to act on the re-created object with the old plan.
    assert.match((await deleteWorkload.precondition(cronStep, ctx))!.en, /changed since the plan/);
  } finally { await c.close(); }
});

test("delete-workload: scope incident takes only what the incident names; protected namespaces are refused", async () => {
  const ctx = testContext({ kubernetes: shared.client }, ["kube-system"]);
  const incident = testIncident({ pods: ["batch/cache-warmup-29412345-7xk2q"] });
  const onlyIncident = await deleteWorkload.plan({ incident, findings: [], params: { scope: "incident" }, mode: "terminate-now", checklistItem: "containment.delete-workload" }, ctx);
  assert.deepEqual(onlyIncident.map((s) => s.key), ["CronJob/batch/cache-warmup"]);
  const all = await deleteWorkload.plan({ incident, findings: [], params: {}, mode: "terminate-now", checklistItem: "containment.delete-workload" }, ctx);
  const ds = all.find((s) => s.key.startsWith("DaemonSet"))!;
  assert.match(ds.refused!.reason.en, /protected/);
  assert.ok(ds.refused!.reason.th.length > 0);
  assert.equal(await deleteWorkload.precondition(asPlanStep("delete-workload", ds), ctx).then((r) => r !== undefined), true);
});

test("delete-workload without a client plans one refused step", async () => {
  const steps = await deleteWorkload.plan({ incident: testIncident({ clusters: ["prod-eks"] }), findings: [], params: {}, mode: "terminate-now", checklistItem: "x" }, testContext({}));
  assert.equal(steps.length, 1);
  assert.ok(steps[0]!.refused);
  // An incident that is not about a cluster gets nothing from it.
  assert.deepEqual(await deleteWorkload.plan({ incident: testIncident({ hosts: ["web-1"] }), findings: [], params: {}, mode: "terminate-now", checklistItem: "x" }, testContext({})), []);
  assert.deepEqual(await blockPoolsKubernetes.plan({ incident: testIncident({ pools: ["198.51.100.23"] }), findings: [], params: {}, mode: "terminate-now", checklistItem: "x" }, testContext({})), []);
});

test("block-pools-kubernetes: the NetworkPolicy names only the pool addresses; a policy that re-opens them fails verify; undo removes it", async () => {
  const c = await cluster();
  try {
    const ctx = testContext({ kubernetes: c.client });
    const incident = testIncident({ pools: [`${POOL_IP}:443`, `${POOL_DOMAIN}:3333`, `[${POOL_IP6}]:14444`, "10.0.0.5:3333"], ips: ["10.0.0.11"] });
    const planned = await blockPoolsKubernetes.plan({ incident, findings: [], params: {}, mode: "terminate-now", checklistItem: "containment.block-pools" }, ctx);
    // Namespaces come from the sweep (where the miners run).
    assert.deepEqual(planned.map((s) => s.key), ["batch", "kube-system", "prod"]);
    assert.deepEqual(planned[0]!.params["addresses"], [`${POOL_IP}/32`, `${POOL_IP6}/128`]);
    assert.deepEqual(planned[0]!.params["domains"], [POOL_DOMAIN]);
    for (const s of planned) {
      const step = asPlanStep("block-pools-kubernetes", s);
      await blockPoolsKubernetes.execute(step, ctx);
      const np = c.api.get("NetworkPolicy", s.key, "minerhunt-block-pools")!;
      const spec = np["spec"] as { podSelector: object; policyTypes: string[]; egress: { to?: { ipBlock?: { cidr: string; except?: string[] } }[] }[] };
      assert.deepEqual(spec.policyTypes, ["Egress"]);
      const blocks = spec.egress.flatMap((r) => r.to ?? []).flatMap((p) => (p.ipBlock ? [p.ipBlock] : []));
      assert.deepEqual(blocks, [{ cidr: "0.0.0.0/0", except: [`${POOL_IP}/32`] }, { cidr: "::/0", except: [`${POOL_IP6}/128`] }]);
      assert.ok(!JSON.stringify(np).includes("10.0.0.5"), "a private address is never blocked");
      const v = await blockPoolsKubernetes.verify(step, ctx);
      if (s.key === "prod") {
        assert.equal(v.ok, false);
        assert.match(v.reason!, /allow-all-egress/);
      } else {
        assert.ok(v.ok, v.reason);
      }
    }
    // With the Cilium deny, prod's allow-all policy no longer matters.
    const prod = asPlanStep("block-pools-kubernetes", { ...planned[2]!, params: { ...planned[2]!.params, cilium: true } });
    const r = await blockPoolsKubernetes.execute(prod, ctx);
    const cnp = c.api.get("CiliumNetworkPolicy", "prod", "minerhunt-block-pools")!;
    assert.deepEqual((cnp["spec"] as { egressDeny: unknown }).egressDeny, [{ toCIDR: [`${POOL_IP}/32`, `${POOL_IP6}/128`] }]);
    assert.ok((await blockPoolsKubernetes.verify(prod, ctx)).ok);
    // Undo: the policy existed before this second execute (ours), so it is put back as it was; the Cilium one goes.
    await blockPoolsKubernetes.undo!(prod, r.undo!, ctx);
    assert.equal(c.api.get("CiliumNetworkPolicy", "prod", "minerhunt-block-pools"), undefined);
    assert.ok(c.api.get("NetworkPolicy", "prod", "minerhunt-block-pools"));
    const first = asPlanStep("block-pools-kubernetes", planned[0]!);
    await blockPoolsKubernetes.undo!(first, { namespace: "batch", previous: null }, ctx);
    assert.equal(c.api.get("NetworkPolicy", "batch", "minerhunt-block-pools"), undefined);
  } finally { await c.close(); }
});

test("block-pools-kubernetes refuses when the incident has no pool address, and leaves another's policy of the same name alone", async () => {
  const c = await cluster();
  try {
    const ctx = testContext({ kubernetes: c.client });
    const none = await blockPoolsKubernetes.plan({ incident: testIncident({ pools: [POOL_DOMAIN] }), findings: [], params: {}, mode: "terminate-now", checklistItem: "x" }, ctx);
    assert.equal(none.length, 1);
    assert.match(none[0]!.refused!.reason.en, /no pool IP address/);
    c.api.seed({ apiVersion: "networking.k8s.io/v1", kind: "NetworkPolicy", metadata: { name: "minerhunt-block-pools", namespace: "default" }, spec: { podSelector: {}, policyTypes: ["Egress"], egress: [{}] } });
    const steps = await blockPoolsKubernetes.plan({ incident: testIncident({ pools: [POOL_IP], namespaces: ["default"] }), findings: [], params: {}, mode: "terminate-now", checklistItem: "x" }, ctx);
    assert.match(steps[0]!.refused!.reason.en, /not minerhunt's/);
    await assert.rejects(blockPoolsKubernetes.execute(asPlanStep("block-pools-kubernetes", steps[0]!), ctx), /not minerhunt's/);
  } finally { await c.close(); }
});
