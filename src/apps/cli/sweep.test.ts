/**
 * `minerhunt sweep kubernetes|gcp` against the fake Kubernetes API server and the fake Compute server: what
 * it lists, its exit codes, and that attacker-controlled text (an image name with terminal escapes) is
 * escaped.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { Command } from "commander";
import { registerSweepCommand } from "./sweep.js";
import { FakeKubernetesApi } from "../../respond/connectors/kubernetes/fake-api-server.js";
import { seedCompromisedCluster } from "../../respond/connectors/kubernetes/fake-cluster-seed.js";
import { createKubernetesClient } from "../../respond/connectors/kubernetes/client.js";
import { FakeCompute } from "../../respond/connectors/gcp/fake-compute-server.js";
import { createGcpClients, staticTokenAuth } from "../../respond/connectors/gcp/client.js";
import type { ResponseClients } from "../../respond/types.js";

async function runSweep(args: string[], clients: Partial<ResponseClients>): Promise<{ out: string; code: number | undefined; asked: unknown[] }> {
  let out = "";
  let code: number | undefined;
  const asked: unknown[] = [];
  const program = new Command("minerhunt").exitOverride();
  registerSweepCommand(program, { write: (t) => { out += t; }, setExitCode: (c) => { code = c; }, connect: async (o) => { asked.push(o); return clients; } });
  await program.parseAsync(["node", "minerhunt", "sweep", ...args]);
  return { out, code, asked };
}

test("sweep kubernetes lists the miners by owning controller, exits 1, and escapes hostile text", async () => {
  const api = new FakeKubernetesApi({ token: "t" });
  seedCompromisedCluster(api);
  api.seed({ apiVersion: "v1", kind: "Pod", metadata: { name: "dbg", namespace: "default" }, spec: { containers: [{ name: "c", image: "evil\u001b[2J\u001b]0;pwned\u0007/xmrig:latest" }] } });
  const url = await api.listen();
  try {
    const kubernetes = createKubernetesClient({ server: url, token: "t" });
    const text = await runSweep(["kubernetes", "--context", "prod", "--lang", "en"], { kubernetes });
    assert.equal(text.code, 1);
    assert.deepEqual(text.asked, [{ kubernetes: true, kubeconfig: undefined, kubeContext: "prod" }]);
    assert.match(text.out, /Kubernetes sweep of .*: 4 suspicious of \d+ read\./);
    for (const w of ["CronJob batch/cache-warmup", "DaemonSet kube-system/kube-metrics", "Deployment prod/metrics-agent", "Pod default/dbg"]) assert.ok(text.out.includes(w), w);
    assert.ok(!text.out.includes("nginx") && !text.out.includes("coredns"));
    assert.ok(!text.out.includes("\u001b"), "no raw escape reaches the terminal");
    const json = await runSweep(["kubernetes", "--json", "--namespace", "batch"], { kubernetes });
    const parsed = JSON.parse(json.out) as { suspicious: { name: string }[] };
    assert.deepEqual(parsed.suspicious.map((w) => w.name), ["cache-warmup"]);
    const th = await runSweep(["kubernetes", "--lang", "th", "--namespace", "prod"], { kubernetes });
    assert.match(th.out, /ผลการกวาดตรวจ Kubernetes/);
  } finally { await api.close(); }
});

test("sweep kubernetes with nothing readable exits 2; sweep gcp reports the forbidden project and exits 1", async () => {
  const api = new FakeKubernetesApi({ token: "t" });
  const url = await api.listen();
  try {
    const denied = await runSweep(["kubernetes"], { kubernetes: createKubernetesClient({ server: url, token: "wrong" }) });
    assert.equal(denied.code, 2);
    assert.match(denied.out, /Could not read .*pods: HTTP 401/);
  } finally { await api.close(); }

  const fake = new FakeCompute("tok");
  fake.instances.push({ project: "p1", zone: "us-central1-a", name: "x1", id: "1", machineType: "n2-standard-96", status: "RUNNING", metadata: { "startup-script": "./xmrig -o stratum+tcp://pool.supportxmr.com:3333" } });
  fake.forbidden.add("p2");
  const { host, port } = await fake.listen();
  const gcp = createGcpClients({ projects: ["p1", "p2"], apiEndpoint: host, port, protocol: "http", authClient: staticTokenAuth("tok") });
  try {
    const r = await runSweep(["gcp", "--project", "p1", "p2", "--lang", "en"], { gcp });
    assert.equal(r.code, 1);
    assert.match(r.out, /x1 {2}n2-standard-96 {2}us-central1-a {2}p1 {2}running/);
    assert.match(r.out, /Could not read project p2: .*compute\.instances\.list/);
  } finally {
    await gcp.instances.close();
    await gcp.zoneOperations.close();
    await fake.close();
  }
});
