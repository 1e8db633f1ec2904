/**
 * `minerhunt respond` over a real SQLite store with the shipped registry (manual stand-ins until the
 * connectors land): plan, dry run, approve (four eyes), execute with confirmations, exit codes, undo, audit.
 */
import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Command } from "commander";
import { checkAudit, openStore } from "../../store/index.js";
import { guardDutyFinding, incidentOf } from "../../store/test-helpers/fixtures.js";
import type { Plan } from "../../model/index.js";
import type { PlanState } from "../../respond/service.js";
import { registerRespondCommand } from "./respond.js";

const dir = mkdtempSync(join(tmpdir(), "minerhunt-cli-respond-"));
after(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;

async function seeded(): Promise<string> {
  const db = join(dir, `db-${++n}.db`);
  const store = await openStore(db);
  const f = guardDutyFinding("i-0a1b2c3d4e5f60001", "us-east-1");
  f.observables.push({ type: "instance-type", value: "p3.2xlarge" });
  await store.saveScan({ findings: [f], incidents: [incidentOf("inc-5e7a11", [f])] });
  await store.close();
  return db;
}

async function run(args: string[], user = "alice"): Promise<{ out: string; code: number }> {
  let out = "";
  let code = 0;
  const program = new Command("minerhunt").exitOverride().configureOutput({ writeErr: () => undefined, writeOut: () => undefined });
  registerRespondCommand(program, { write: (s) => { out += s; }, setExitCode: (c) => { code = c; }, env: { LANG: "en_US.UTF-8", USER: user } });
  await program.parseAsync(["node", "minerhunt", "respond", ...args]);
  return { out, code };
}

describe("minerhunt respond", () => {
  it("lists the actions and prints the least-privilege policy as JSON", async () => {
    const actions = await run(["actions"]);
    assert.match(actions.out, /^NAME +PROVIDER +RISK +UNDO +PERMISSIONS +TITLE/);
    assert.match(actions.out, /\nterminate-instance +aws +destructive +no /);
    const policy = JSON.parse((await run(["policy"])).out) as { byAction: Record<string, string[]> };
    assert.equal(typeof policy.byAction, "object");
    await assert.rejects(run(["policy", "--action", "nuke-everything"]), /unknown action nuke-everything/);
  });

  it("plans, previews, refuses the author's approval, executes what a person confirms, and exits 1 on a refusal", async () => {
    const db = await seeded();
    const planned = await run(["plan", "inc-5e7a", "--db", db, "--item", "containment.isolate"]);
    assert.equal(planned.code, 0);
    assert.match(planned.out, /^Plan plan-[0-9a-f]{12} for incident inc-5e7a11: preserve evidence first/);
    assert.match(planned.out, /At stake: \$3\.06 per hour across 1 priced target/, "p3.2xlarge in us-east-1");
    assert.match(planned.out, /terminate-instance:i-0a1b2c3d4e5f60001 +i-0a1b2c3d4e5f60001 \(p3\.2xlarge, us-east-1\) .* destructive +no +3\.0600 +1\n/);
    assert.match(planned.out, /Nothing was changed/);
    const plan = JSON.parse((await run(["show", /plan-[0-9a-f]{12}/.exec(planned.out)![0], "--db", db, "--json"])).out) as PlanState;
    const id = plan.plan.id;
    assert.deepEqual(plan.plan.steps.map((s) => s.id), ["capture-evidence:i-0a1b2c3d4e5f60001", "isolate-instance:i-0a1b2c3d4e5f60001", "terminate-instance:i-0a1b2c3d4e5f60001"]);

    const dry = await run(["execute", id, "--db", db]);
    assert.equal(dry.code, 0);
    assert.match(dry.out, /Dry run: nothing was changed/);
    await assert.rejects(run(["execute", id, "--db", db, "--execute"]), /no approval for its current content/);
    await assert.rejects(run(["approve", id, "--db", db, "--reason", "mine"]), /four eyes: alice made plan/);
    assert.match((await run(["approve", id, "--db", db, "--reason", "GuardDuty BitcoinTool.B"], "bob")).out, /approved by bob/);

    const [evidence, isolate, terminate] = plan.plan.steps.map((s) => s.id) as [string, string, string];
    const first = await run(["execute", id, "--db", db, "--execute", "--confirm", `${evidence},${isolate},${terminate}`], "carol");
    assert.equal(first.code, 1, "the terminate was refused without --yes");
    assert.match(first.out, /terminate-instance:i-0a1b2c3d4e5f60001 .* refused: destructive: needs the second confirmation \(--yes\)/);
    assert.match(first.out, /2 verified, 0 failed, 1 refused/);
    assert.match(first.out, /Not done, by place \(provider \/ account \/ region \/ host\):\n {2}manual \/ 123456789012 \/ us-east-1\n {4}terminate-instance:i-0a1b2c3d4e5f60001: refused: destructive/);
    const second = await run(["execute", id, "--db", db, "--execute", "--yes", "--confirm", terminate], "carol");
    assert.equal(second.code, 0);
    assert.match(second.out, /3 verified, 0 failed, 0 refused, 0 skipped/);
    const third = await run(["execute", id, "--db", db, "--execute", "--yes"], "carol");
    assert.match(third.out, /Nothing to do/);
    assert.match((await run(["undo", id, "--db", db])).out, /Nothing to undo/, "manual steps keep no undo");
    assert.match((await run(["list", "inc-5e7a11", "--db", db])).out, new RegExp(`\\n${id} +inc-5e7a11 +preserve-evidence +3 +3\\.0600 +alice`));

    const store = await openStore(db);
    try {
      const inc = await store.getIncident("inc-5e7a11");
      assert.match(inc?.checklist.find((c) => c.id === "containment.isolate")?.answer ?? "", new RegExp(`plan ${id}`));
      assert.equal((await checkAudit(store, `${db}.audit-head`)).ok, true);
    } finally {
      await store.close();
    }
  });

  it("a protected instance in --config is refused at plan time", async () => {
    const db = await seeded();
    const config = join(dir, "site.yaml");
    writeFileSync(config, "respond:\n  protect: [\"i-0a1b2c3d4e5f6*\"]\n");
    const plan = JSON.parse((await run(["plan", "inc-5e7a11", "--db", db, "--config", config, "--json"])).out) as Plan;
    const instanceSteps = plan.steps.filter((s) => s.target.kind === "instance");
    assert.ok(instanceSteps.length >= 3);
    assert.ok(instanceSteps.every((s) => /matches "i-0a1b2c3d4e5f6\*"/.test(s.refused?.reason.en ?? "")));
    writeFileSync(config, "respond:\n  protekt: []\n");
    await assert.rejects(run(["plan", "inc-5e7a11", "--db", db, "--config", config]), /site\.yaml:2: respond\.protekt: unknown setting/);
  });
});
