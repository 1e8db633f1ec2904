/**
 * End to end through the respond service (plan → approve → execute → verify → undo) with the real registry,
 * PB-31 and a SQLite store: a real process posing as a miner is killed, its binary quarantined, its cron
 * lines, systemd unit and ld.so.preload entry removed with backups, the pool blocklists written; undo of
 * remove-persistence restores every file byte for byte; the audit chain verifies.
 */
import { after, test } from "node:test";
import assert from "node:assert/strict";
import type { ChildProcess } from "node:child_process";
import { existsSync, readFileSync, readlinkSync, rmSync } from "node:fs";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadIntel } from "../../../intel/index.js";
import { incidentFrom, realisticFindings } from "../../../report/test-helpers/incident.js";
import { openStore, type Store } from "../../../store/index.js";
import { approvePlan, executePlan, planIncident, planState, undoPlan, type ResponseStore } from "../../service.js";
import type { ResponseContext } from "../../types.js";
import { createHostClient } from "./client.js";
import { readProc } from "./proc.js";
import { FILES, LINKS, MINER_PATH, exited, makeRoot, startMiner } from "./test-helpers/fake-host.js";

const dir = mkdtempSync(join(tmpdir(), "minerhunt-host-e2e-"));
const children: ChildProcess[] = [];
const stores: Store[] = [];
after(async () => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill("SIGKILL");
  for (const s of stores) await s.close().catch(() => undefined);
  rmSync(dir, { recursive: true, force: true });
});

const ITEMS = ["containment.kill", "containment.block-pools", "containment.block-ports", "eradication.remove-persistence"];

test("respond on a local host: plan changes nothing, execute kills and cleans with backups, a second execute does nothing, undo restores", { timeout: 60_000 }, async () => {
  const root = makeRoot();
  const miner = await startMiner(root);
  children.push(miner);
  const location = join(dir, "store.db");
  const store = await openStore(location, { auditHead: `${location}.audit-head` }) as ResponseStore;
  stores.push(store);
  const findings = realisticFindings();
  const incident = incidentFrom(findings);
  await store.saveScan({ findings, incidents: [incident] });

  const host = createHostClient({ fsRoot: root, hostName: "build-01.corp.example.com", intel: loadIntel({ importDirs: [] }), scansProcess: (p) => p.ppid === process.pid });
  let now = Date.parse("2026-11-20T08:00:00Z");
  const ctx: ResponseContext = {
    clients: { host }, protect: { ids: [], pids: [1, process.pid, process.ppid] }, actor: "alice",
    now: () => new Date((now += 1000)), prices: { instanceUsdPerHour: () => undefined },
  };

  const plan = await planIncident(store, ctx, { incidentId: incident.id, mode: "preserve-evidence", items: ITEMS });
  const ids = plan.steps.map((s) => s.id);
  const killId = `kill-process:${miner.pid}@${readProc("/proc", miner.pid!)!.startTime}`;
  for (const id of [killId, `remove-miner:${MINER_PATH}`, "remove-persistence:/etc/crontab", "remove-persistence:/var/spool/cron/crontabs/jenkins",
    "remove-persistence:/etc/ld.so.preload", "remove-persistence:sysupdate.service", "block-pools:block-pools", "block-ports:block-ports"]) {
    assert.ok(ids.includes(id), `${id} in ${ids.join(", ")}`);
  }
  assert.ok(plan.steps.every((s) => !s.refused), "nothing refused");

  // A dry run records a preview and changes nothing.
  await executePlan(store, ctx, plan.id, { execute: false, yes: false, fourEyes: true });
  assert.ok(readProc("/proc", miner.pid!), "still running after plan and dry run");
  for (const [path, content] of Object.entries(FILES)) assert.equal(readFileSync(join(root, path), "utf8"), content);

  await approvePlan(store, plan.id, { by: "bob", reason: "XMRig on build-01, INC-4711", fourEyes: true });
  const runs = await executePlan(store, { ...ctx, actor: "carol" }, plan.id, { execute: true, yes: true, fourEyes: true });
  const final = new Map(runs.map((r) => [r.stepId, r]));
  for (const id of ids) assert.equal(final.get(id)?.status, "verified", `${id}: ${final.get(id)?.error ?? ""}`);
  assert.equal(await exited(miner), "SIGKILL");
  assert.ok(!existsSync(join(root, MINER_PATH)), "binary quarantined");
  assert.ok(!readFileSync(join(root, "etc/crontab"), "utf8").includes("xmrig -o"));
  assert.ok(!existsSync(join(root, "etc/systemd/system/multi-user.target.wants/sysupdate.service")));
  assert.ok(existsSync(join(root, "var/lib/minerhunt/blocklists", incident.id, "minerhunt_pools.nft")));

  // Nothing is done twice.
  const again = await executePlan(store, { ...ctx, actor: "carol" }, plan.id, { execute: true, yes: true, fourEyes: true });
  assert.deepEqual(again.filter((r) => r.status === "executed"), []);

  // Undo the persistence removal: every file and link is back exactly.
  const persistence = ids.filter((id) => id.startsWith("remove-persistence:"));
  const undone = await undoPlan(store, ctx, plan.id, persistence);
  assert.deepEqual(undone.map((r) => r.status), persistence.map(() => "undone"));
  for (const [path, content] of Object.entries(FILES)) assert.equal(readFileSync(join(root, path), "utf8"), content, `${path} restored`);
  for (const [link, target] of Object.entries(LINKS)) assert.equal(readlinkSync(join(root, link)), target);

  const state = await planState(store, plan.id);
  assert.equal(state.steps[killId]?.status, "verified");
  assert.equal(state.steps["remove-persistence:/etc/crontab"]?.status, "undone");
  const audit = await store.verifyAuditChain();
  assert.equal(audit.ok, true);
  rmSync(root, { recursive: true, force: true });
});
