/**
 * `minerhunt audit verify` and the warning every store command prints when the log fails (issue 12 item 7).
 * The analyst's changes go through the real `incident` commands; the attacker goes around them with SQL.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { REPO_ROOT } from "../../test-helpers/index.js";
import { openStore } from "../../store/index.js";
import { incidentOf, minerProcessFinding } from "../../store/test-helpers/fixtures.js";
import { cliCommand } from "../../test-helpers/cli.js";

function cli(args: string[], env: NodeJS.ProcessEnv) {
  const mh = cliCommand(args);
  const r = spawnSync(mh.command, mh.args, {
    encoding: "utf8", cwd: REPO_ROOT, env: { ...process.env, NO_COLOR: "1", LANG: "en_US.UTF-8", ...env },
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

test("audit verify: 0 when whole, 1 when the last record is cut off; every store command warns", { timeout: 120_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), "minerhunt-audit-cli-"));
  try {
    const db = join(dir, "minerhunt.db");
    const env = { MINERHUNT_DB: db, MINERHUNT_AUDIT_HEAD: "" };
    const store = await openStore(db);
    const f = minerProcessFinding("db-prod-01", 12);
    await store.saveScan({ findings: [f], incidents: [incidentOf("inc-a1", [f])] });
    await store.assign("inc-a1", "alice", { by: "alice" });
    await store.addNote("inc-a1", "xmrig found in /tmp/.x, hash sent to TI", { by: "alice" });
    await store.close();
    assert.ok(existsSync(`${db}.audit-head`), "the head is kept beside the SQLite file by default");

    const whole = cli(["audit", "verify"], env);
    assert.equal(whole.code, 0, whole.out + whole.err);
    assert.match(whole.out, /audit log: 2 record\(s\), newest #2 [0-9a-f]{16}…/);
    assert.match(whole.out, /^ok: every record is as written$/m);

    // Someone with the database file removes the last record (the note) and the guard trigger.
    const raw = new Database(db);
    raw.exec("DROP TRIGGER audit_no_delete; DELETE FROM audit WHERE seq = 2");
    raw.close();

    const cut = cli(["audit", "verify"], env);
    assert.equal(cut.code, 1, cut.out + cut.err);
    assert.match(cut.out, /BROKEN: the head file says 2 records, the database has 1: records were removed from the end/);
    const json = JSON.parse(cli(["audit", "verify", "--format", "json"], env).out) as { ok: boolean; count: number };
    assert.deepEqual([json.ok, json.count], [false, 1]);

    const list = cli(["incident", "list"], env);
    assert.equal(list.code, 0, list.err);
    assert.match(list.out, /inc-a1/, "the command still works");
    assert.match(list.err, /^minerhunt: warning: the audit log fails verification \(the head file says 2 records.*run minerhunt audit verify$/m);
    const report = cli(["report", "inc-a1", "--format", "md"], env);
    assert.match(report.err, /warning: the audit log fails verification/);

    // Another head file (e.g. the copy the SIEM keeps) is named with --head; a missing one is a note (nothing known wrong).
    const elsewhere = cli(["audit", "verify", "--head", join(dir, "siem-head")], env);
    assert.equal(elsewhere.code, 0);
    assert.match(elsewhere.out, /note: the audit head file .*siem-head does not exist/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
