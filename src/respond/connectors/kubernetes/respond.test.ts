/**
 * End to end through the respond service (plan, dry run, approve, execute, verify, resume, undo, audit) with
 * the real registry and PB-31, a SQLite store and the real Kubernetes client against the fake API server:
 * the miner CronJob (and DaemonSet, and Deployment) are deleted, benign workloads untouched, the
 * NetworkPolicy names only the pool addresses, a second execute changes nothing and undo re-creates.
 */
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { makeFinding } from "../../../model/index.js";
import { checkAudit, openStore } from "../../../store/index.js";
import { incidentOf } from "../../../store/test-helpers/fixtures.js";
import { defaultRegistry } from "../../actions/index.js";
import { approvePlan, executePlan, planIncident, planState, undoPlan, type ResponseStore } from "../../service.js";
import { testContext } from "../test-context.js";
import { FakeKubernetesApi } from "./fake-api-server.js";
import { POOL_DOMAIN, POOL_IP, seedCompromisedCluster } from "./fake-cluster-seed.js";
import { createKubernetesClient } from "./client.js";

const dir = mkdtempSync(join(tmpdir(), "minerhunt-k8s-respond-"));
after(() => rmSync(dir, { recursive: true, force: true }));

test("a Kubernetes incident: plan, dry run, approve, execute, verify, re-run, undo, audit", async () => {
  const api = new FakeKubernetesApi({ token: "t" });
  seedCompromisedCluster(api);
  const url = await api.listen();
  const location = join(dir, "respond.db");
  const head = `${location}.audit-head`;
  const store = (await openStore(location, { auditHead: head })) as ResponseStore;
  try {
    const finding = makeFinding({
      rule: { id: "container.miner-process", name: "Miner in a container", kind: "detector" },
      title: "xmrig in pod batch/cache-warmup-29412345-7xk2q",
      trigger: "container", severity: "high", confidence: 0.9,
      firstSeen: "2026-12-04T16:45:10Z", lastSeen: "2026-12-04T16:45:10Z",
      entities: { clusters: ["prod-eks"], namespaces: ["batch"], pods: ["batch/cache-warmup-29412345-7xk2q"], pools: [`${POOL_DOMAIN}:3333`, `${POOL_IP}:443`], providers: ["kubernetes"] },
      observables: [{ type: "process", value: "xmrig" }],
      evidence: [{ file: "falco.json", line: 3, summary: "Detect crypto miners using the Stratum protocol" }],
    });
    const incident = incidentOf("inc-k8s-e2e", [finding], { entities: finding.entities, environment: "cloud", hostType: "production" });
    await store.saveScan({ findings: [finding], incidents: [incident] });

    const ctx = { ...testContext({ kubernetes: createKubernetesClient({ server: url, token: "t" }) }), registry: defaultRegistry() };
    const items = ["containment.kill", "containment.block-pools", "eradication.remove-persistence"];
    const plan = await planIncident(store, ctx, { incidentId: incident.id, mode: "terminate-now", items });
    const ours = plan.steps.filter((s) => s.target.provider === "kubernetes");
    assert.deepEqual(ours.map((s) => s.id).sort(), [
      "block-pools-kubernetes:batch",
      "delete-workload:CronJob/batch/cache-warmup",
      "delete-workload:DaemonSet/kube-system/kube-metrics",
      "delete-workload:Deployment/prod/metrics-agent",
    ]);
    const cron = ours.find((s) => s.id === "delete-workload:CronJob/batch/cache-warmup")!;
    assert.deepEqual(cron.checklistItems, ["containment.kill", "eradication.remove-persistence"], "one step carries both items");
    assert.ok(ours.every((s) => !s.refused));
    assert.deepEqual(plan.unreachable, [], "every kind of the cluster was read");

    // A dry run changes nothing in the cluster.
    await executePlan(store, ctx, plan.id, { execute: false, yes: true, fourEyes: true });
    assert.equal(api.requests.filter((r) => r.method !== "GET").length, 0);

    await approvePlan(store, plan.id, { by: "bob", reason: "miner CronJob confirmed, INC-77", fourEyes: true });
    // Four eyes: the plan's author may not execute it; carol does.
    await assert.rejects(executePlan(store, ctx, plan.id, { execute: true, yes: true, fourEyes: true }), /four eyes/);
    const carol = { ...ctx, actor: "carol" };
    await executePlan(store, carol, plan.id, { execute: true, yes: true, fourEyes: true });
    const state = await planState(store, plan.id);
    for (const s of ours) assert.equal(state.steps[s.id]?.status, "verified", `${s.id}: ${state.steps[s.id]?.error ?? ""}`);
    assert.equal(api.get("CronJob", "batch", "cache-warmup"), undefined);
    assert.equal(api.get("DaemonSet", "kube-system", "kube-metrics"), undefined);
    assert.ok(api.get("Deployment", "prod", "web") && api.get("Deployment", "kube-system", "coredns") && api.get("CronJob", "batch", "nightly-backup"));
    const np = api.get("NetworkPolicy", "batch", "minerhunt-block-pools")!;
    const blocks = (np["spec"] as { egress: { to?: { ipBlock?: unknown }[] }[] }).egress.flatMap((r) => r.to ?? []).flatMap((p) => (p.ipBlock ? [p.ipBlock] : []));
    assert.deepEqual(blocks, [{ cidr: "0.0.0.0/0", except: [`${POOL_IP}/32`] }, { cidr: "::/0" }], "egress stays open except to the pool address");

    // A second execute does nothing again.
    const writes = api.requests.filter((r) => r.method !== "GET").length;
    await executePlan(store, carol, plan.id, { execute: true, yes: true, fourEyes: true });
    assert.equal(api.requests.filter((r) => r.method !== "GET").length, writes);

    // Undo the CronJob's deletion and the policy.
    await undoPlan(store, carol, plan.id, [cron.id, "block-pools-kubernetes:batch"]);
    assert.ok(api.get("CronJob", "batch", "cache-warmup"));
    assert.equal(api.get("NetworkPolicy", "batch", "minerhunt-block-pools"), undefined);
    const after = await planState(store, plan.id);
    assert.equal(after.steps[cron.id]?.status, "undone");

    const audit = await checkAudit(store, head);
    assert.ok(audit.ok, audit.problems.join("; "));
  } finally {
    await store.close();
    await api.close();
  }
});
