/**
 * The response engine at scale, against the in-memory fake cloud of src/respond/test-helpers (no provider
 * latency: this measures minerhunt's own cost): plan, dry run, execute and undo an incident of N instances
 * (snapshot, isolate, terminate each: 3N steps, 3N+ store records each with its audit record), on SQLite.
 *
 *   node --import tsx bench/respond.ts            # N = 2000
 *   BENCH_INSTANCES=500 node --import tsx bench/respond.ts
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openStore } from "../src/store/index.js";
import { guardDutyFinding, incidentOf } from "../src/store/test-helpers/fixtures.js";
import { approvePlan, executePlan, planIncident, undoPlan } from "../src/respond/service.js";
import { FakeCloud, fakeRegistry, testPlaybook, testPrices } from "../src/respond/test-helpers/fake-actions.js";

const N = Number(process.env.BENCH_INSTANCES ?? 2000);
const dir = mkdtempSync(join(tmpdir(), "minerhunt-bench-respond-"));
try {
  const store = await openStore(join(dir, "db.sqlite"));
  const cloud = new FakeCloud();
  const ids = Array.from({ length: N }, (_, i) => `i-0${i.toString(16).padStart(16, "0")}`);
  for (const [i, id] of ids.entries()) cloud.addInstance(id, i % 2 ? "us-east-1" : "eu-west-1", "c5.4xlarge");
  const f = guardDutyFinding(ids[0]!, "us-east-1");
  f.entities.instances = ids;
  await store.saveScan({ findings: [f], incidents: [incidentOf("inc-bench", [f])] });
  const ctx = { clients: {}, actor: "alice", now: () => new Date(), prices: testPrices(), protect: { ids: [], pids: [1] }, registry: fakeRegistry(cloud) };
  const exec = { ...ctx, actor: "carol" };
  const time = async <T>(label: string, fn: () => Promise<T>): Promise<T> => {
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    const out = await fn();
    const cpu = process.cpuUsage(cpu0);
    console.log(`${label.padEnd(28)} ${((performance.now() - t0) / 1000).toFixed(2).padStart(7)} s wall  ${((cpu.user + cpu.system) / 1e6).toFixed(2).padStart(7)} s CPU`);
    return out;
  };
  const plan = await time(`plan (${N} instances)`, () => planIncident(store, ctx, { incidentId: "inc-bench", mode: "preserve-evidence", playbook: testPlaybook(), items: ["containment.isolate", "eradication.delete-instances"] }));
  console.log(`  ${plan.steps.length} steps, $${plan.usdPerHour.toFixed(2)}/hour at stake`);
  await approvePlan(store, plan.id, { by: "bob", reason: "bench", fourEyes: true });
  await time("dry run", () => executePlan(store, ctx, plan.id, { execute: false, yes: true, fourEyes: true }));
  const runs = await time("execute + verify", () => executePlan(store, exec, plan.id, { execute: true, yes: true, fourEyes: true }));
  console.log(`  ${runs.length} step runs recorded`);
  await time("second execute (no-op)", () => executePlan(store, exec, plan.id, { execute: true, yes: true, fourEyes: true }));
  await time("undo", () => undoPlan(store, exec, plan.id));
  const audit = await time("audit verify", () => store.verifyAuditChain());
  console.log(`  ${audit.count} audit records, chain ${audit.ok ? "ok" : "BROKEN"}`);
  await store.close();
} finally {
  rmSync(dir, { recursive: true, force: true });
}
