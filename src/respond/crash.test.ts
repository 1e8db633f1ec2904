/**
 * A process killed (SIGKILL) in the middle of executing a plan: the next execute finishes it, and no step's
 * change happens twice (the killed step is executed again, but the action is idempotent and changes nothing).
 */
import { after, test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { checkAudit, openStore } from "../store/index.js";
import { incidentOf, minerProcessFinding } from "../store/test-helpers/fixtures.js";
import { approvePlan, executePlan, planIncident, planState } from "./service.js";
import { markPlaybook, markRegistry } from "./test-helpers/file-actions.js";
import { testPrices } from "./test-helpers/fake-actions.js";
import { REPO_ROOT } from "../test-helpers/index.js";
import { scriptCommand } from "../test-helpers/child-script.js";

const HERE = dirname(fileURLToPath(import.meta.url));
const dir = mkdtempSync(join(tmpdir(), "minerhunt-respond-crash-"));
after(() => rmSync(dir, { recursive: true, force: true }));

test("SIGKILL mid-plan, then resume: every host is changed exactly once and the audit log is whole", { timeout: 120_000 }, async () => {
  const db = join(dir, "db.sqlite");
  const store = await openStore(db);
  try {
    const findings = ["web-01", "web-02", "web-03"].map((h, i) => minerProcessFinding(h, i + 1));
    await store.saveScan({ findings, incidents: [incidentOf("inc-crash01", findings)] });
    const ctx = { clients: {}, actor: "alice", now: () => new Date(), prices: testPrices(), protect: { ids: [], pids: [1] }, registry: markRegistry(dir) };
    const plan = await planIncident(store, ctx, { incidentId: "inc-crash01", mode: "preserve-evidence", playbook: markPlaybook() });
    assert.deepEqual(plan.steps.map((s) => s.id), ["mark-host:web-01", "mark-host:web-02", "mark-host:web-03"]);
    await approvePlan(store, plan.id, { by: "bob", reason: "test", fourEyes: true });

    const executor = await scriptCommand(join(HERE, "test-helpers", "execute-child.ts"), [db, dir, plan.id, "web-02"]);
    const child = spawn(executor.command, executor.args, { cwd: REPO_ROOT, stdio: ["ignore", "pipe", "pipe"] });
    let stderr = "";
    child.stderr.on("data", (d: Buffer) => { stderr += d.toString(); });
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on("exit", (code, signal) => resolve({ code, signal })));
    const reached = await new Promise<boolean>((resolve) => {
      let out = "";
      child.stdout.on("data", (d: Buffer) => { out += d.toString(); if (out.includes("MID")) resolve(true); });
      void exited.then(() => resolve(false));
    });
    assert.ok(reached, `the child never reached web-02: ${stderr}`);
    child.kill("SIGKILL");
    assert.equal((await exited).signal, "SIGKILL");
    const between = await planState(store, plan.id);
    assert.equal(between.steps["mark-host:web-01"]?.status, "verified");
    assert.equal(between.steps["mark-host:web-02"], undefined, "killed after the change, before the record");

    await executePlan(store, { ...ctx, actor: "carol" }, plan.id, { execute: true, yes: true, fourEyes: true });
    const changes = readFileSync(join(dir, "changes.log"), "utf8").trim().split("\n");
    assert.deepEqual(changes, ["web-01", "web-02", "web-03"], "each host changed once");
    const executes = readFileSync(join(dir, "executes.log"), "utf8").trim().split("\n");
    assert.deepEqual(executes, ["web-01", "web-02", "web-02", "web-03"], "web-01 not executed again; web-02 again but idempotent");
    const done = await planState(store, plan.id);
    assert.ok(plan.steps.every((s) => done.steps[s.id]?.status === "verified"));
    assert.equal((await checkAudit(store, `${db}.audit-head`)).ok, true);
  } finally {
    await store.close();
  }
});
