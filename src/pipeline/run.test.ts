import { test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { REPO_ROOT, sharedFixture } from "../test-helpers/index.js";
import { runScan } from "./run.js";

/**
 * The bundled example end to end: three incidents, each on the PB-31 path its evidence calls for.
 * (Built-in detectors and the PB-31 Sigma pack both run, as `minerhunt scan examples/` does.)
 */
const examples = join(REPO_ROOT, "examples");

test("the example story: on-premise host, cloud account in three regions, Kubernetes miner", async () => {
  const { incidents, campaigns, findings, result } = await runScan({ paths: [examples] });
  assert.equal(result.files.filter((f) => f.error).length, 0, JSON.stringify(result.files.filter((f) => f.error)));
  assert.equal(result.issuesTotal, 0, JSON.stringify(result.issues));
  assert.equal(incidents.length, 3, incidents.map((i) => i.title).join("\n"));

  const onprem = incidents.find((i) => i.entities.hosts?.includes("db-prod-01"));
  assert.ok(onprem, "an incident for db-prod-01");
  assert.equal(onprem.environment, "on-premise");
  // One actor behind all three (a shared wallet, pool and attacker address): the server's incident keeps its
  // on-premise branch but answers "one machine or many?" with the campaign's machines.
  assert.deepEqual(onprem.decision?.path, ["Alert", "Env", "OnPrem", "Scope", "Multi", "IAM"]);
  assert.equal(onprem.priority, "P1");
  assert.equal(onprem.hostType, "production");
  // PB-31 1.3 "Entry vector": the database that ran `curl … | sh` answers it.
  assert.ok(onprem.checklist.find((c) => c.id === "analysis.entry-vector")?.done, "entry vector answered by evidence");
  const onpremRules = new Set(findings.filter((f) => onprem.findingIds.includes(f.id)).map((f) => f.rule.id));
  for (const r of ["minerhunt.host.miner-process", "minerhunt.host.persistence", "minerhunt.host.miner-config", "minerhunt.network.pool-dns", "minerhunt.network.pool-connection", "minerhunt.host.entry-vector"]) {
    assert.ok(onpremRules.has(r), `on-premise incident has ${r}: ${[...onpremRules].join(", ")}`);
  }

  const cloud = incidents.find((i) => i.entities.accounts?.includes("111122223333"));
  assert.ok(cloud, "an incident for the AWS account");
  assert.equal(cloud.environment, "cloud");
  assert.equal(cloud.scope.regions, 3);
  assert.equal(cloud.scope.instances, 7);
  assert.deepEqual(cloud.decision?.path, ["Alert", "Env", "Cloud", "Scope", "Multi", "IAM"]);
  assert.ok((cloud.billingUsd ?? 0) > 1000, `billing ${cloud.billingUsd}`);
  const targets = cloud.escalations.map((e) => e.id);
  assert.ok(targets.some((t) => /billing/.test(t)), targets.join(","));
  assert.ok(cloud.escalations.some((e) => e.playbook === "PB-16"), "stolen IAM credentials hand over to PB-16");

  const k8s = incidents.find((i) => i.triggers.includes("container"));
  assert.ok(k8s, "an incident for the Kubernetes miner");
  assert.ok(k8s.entities.namespaces?.includes("kube-system"));

  // Kept apart, but one campaign: the container miner uses the database server's wallet, the cloud miners its
  // pool, and the stolen key and the Kubernetes service account were used from one address.
  assert.equal(campaigns.length, 1);
  const campaign = campaigns[0]!;
  assert.deepEqual([...campaign.incidentIds].sort(), [onprem.id, cloud.id, k8s.id].sort());
  for (const inc of [onprem, cloud, k8s]) assert.equal(inc.campaignId, campaign.id);
  assert.ok(campaign.links.some((l) => l.kind === "wallet"), JSON.stringify(campaign.links));
  assert.ok(campaign.links.some((l) => l.kind === "attacker-ip" && l.value === "45.137.21.9"), JSON.stringify(campaign.links));
  assert.ok(campaign.links.some((l) => l.kind === "pool" && l.value.includes("supportxmr")), JSON.stringify(campaign.links));
  assert.deepEqual(campaign.environments, ["cloud", "on-premise"]);
  assert.equal(campaign.scope.machines, 9, "1 server + 7 instances + 1 cluster workload");

  // Traps: the ML job and the port-only flow stay weak findings outside incidents.
  const inIncidents = new Set(incidents.flatMap((i) => i.findingIds));
  const ml = findings.filter((f) => f.entities.hosts?.includes("ml-train-01"));
  assert.ok(ml.length > 0 && ml.every((f) => !inIncidents.has(f.id) && f.confidence < 0.4));
  assert.ok(!findings.some((f) => f.entities.hosts?.includes("batch-etl-02")), "a 12-minute batch spike is not sustained");
  assert.ok(!findings.some((f) => f.observables.some((o) => o.value.includes("ntp.org"))), "pool.ntp.org is not a pool");
});

test("real provider findings: Cloud Logging's cryptomining detector opens an incident; GuardDuty and Defender samples open none", async (t) => {
  const dir = sharedFixture(t, "cloud-findings");
  if (!dir) return;
  const { incidents, findings, result } = await runScan({ paths: [dir] });
  // The folder's SOURCE.txt (provenance notes) is the one file that is no log.
  assert.deepEqual(result.issues.map((i) => i.file.split("/").pop()), ["SOURCE.txt"]);
  assert.equal(incidents.length, 1, incidents.map((i) => i.title).join("\n"));
  const gcp = incidents[0]!;
  assert.equal(gcp.entities.providers?.[0], "gcp");
  assert.equal(gcp.sample, undefined);
  assert.deepEqual(gcp.entities.instances, ["715447017152936528"]);
  // The samples are still findings, marked, outside every incident.
  const samples = findings.filter((f) => f.sample === true);
  assert.deepEqual([...new Set(samples.flatMap((f) => f.entities.providers ?? []))].sort(), ["aws", "azure"]);
  for (const f of samples) assert.ok(!gcp.findingIds.includes(f.id));
});

test("progress: bytes grow to the total across files and never pass it", async () => {
  const seen: { bytesDone: number; bytesTotal: number; filesDone: number }[] = [];
  await runScan({ paths: [join(REPO_ROOT, "examples/network")], onProgress: (p) => seen.push(p) });
  assert.ok(seen.length >= 2);
  const last = seen.at(-1)!;
  assert.equal(last.filesDone, 2);
  assert.equal(last.bytesDone, last.bytesTotal);
  for (let i = 1; i < seen.length; i++) assert.ok(seen[i]!.bytesDone >= seen[i - 1]!.bytesDone && seen[i]!.bytesDone <= seen[i]!.bytesTotal);
});
