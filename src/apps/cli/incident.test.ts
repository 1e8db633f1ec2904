import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Command } from "commander";
import { openStore } from "../../store/index.js";
import type { Store } from "../../store/index.js";
import { incidentOf, minerProcessFinding, poolDnsFinding } from "../../store/test-helpers/fixtures.js";
import type { IncidentCommandDeps } from "./incident.js";
import { registerIncidentCommand, terminalSafe } from "./incident.js";

const dir = mkdtempSync(join(tmpdir(), "minerhunt-cli-incident-"));
after(() => rmSync(dir, { recursive: true, force: true }));

let n = 0;
/** A fresh database holding one incident on web-01 (a miner process and its pool lookup). */
async function seeded(extraSummary?: string): Promise<string> {
  const db = join(dir, `db-${++n}.db`);
  const store = await openStore(db);
  const f1 = minerProcessFinding("web-01", 12);
  if (extraSummary) f1.evidence[0]!.summary = extraSummary;
  const f2 = poolDnsFinding("web-01", 340);
  await store.saveScan({ findings: [f1, f2], incidents: [incidentOf("inc-7f3a9c", [f1, f2])] });
  await store.close();
  return db;
}

/** Run `minerhunt incident ...` and return what it printed. */
async function run(args: string[], deps: IncidentCommandDeps = {}, env: NodeJS.ProcessEnv = { LANG: "en_US.UTF-8", USER: "tester" }): Promise<string> {
  let out = "";
  const program = new Command("minerhunt").exitOverride().configureOutput({ writeErr: () => undefined, writeOut: () => undefined });
  registerIncidentCommand(program, { write: (s) => { out += s; }, env, ...deps });
  await program.parseAsync(["node", "minerhunt", "incident", ...args]);
  return out;
}

async function withStore<T>(db: string, fn: (s: Store) => Promise<T>): Promise<T> {
  const store = await openStore(db);
  try { return await fn(store); } finally { await store.close(); }
}

describe("minerhunt incident", () => {
  let db = "";
  before(async () => { db = await seeded(); });

  it("list shows open incidents, most urgent first", async () => {
    const out = await run(["--db", db, "list"]);
    const lines = out.trimEnd().split("\n");
    assert.match(lines[0]!, /^ID\s+STATUS\s+SEVERITY/);
    assert.match(lines[1]!, /^inc-7f3a9c\s+Open\s+High\s+P1\s+2024-05-01 10:00:00Z\s+-\s+Cryptomining on web-01$/);
  });

  it("show prints decision path, checklist with item texts, findings with file:line, timeline", async () => {
    const out = await run(["show", "inc-7f", "--db", db]);
    assert.match(out, /^Incident inc-7f3a9c: Cryptomining on web-01$/m);
    assert.match(out, /Cryptomining Alert → Environment\? → Check CPU\/GPU usage → How many instances\? → Kill \+ Investigate Entry/);
    assert.match(out, /\[x\] analysis\.host-instance {2}Host\/instance doing the mining$/m, "evidence-answered item ticked");
    assert.match(out, /\[ \] analysis\.binary-hash {2}Mining binary and hash$/m);
    assert.match(out, /\[ \] containment\.kill {2}Kill the mining process$/m);
    assert.match(out, /\/var\/log\/minerhunt\/ps-aux\.txt:12 {2}root 4242/);
    assert.match(out, /\/data\/zeek\/dns\.log:340/);
    assert.match(out, /minerhunt {2}opened with 2 findings \(scan #1\)/);
  });

  it("show without the playbook falls back to item ids and says so", async () => {
    const out = await run(["--db", db, "show", "inc-7f3a9c"], { playbook: () => undefined });
    assert.match(out, /playbook PB-31 not available: item ids shown/);
    assert.match(out, /\[ \] analysis\.binary-hash$/m);
    assert.match(out, /Alert → Env → OnPrem → Scope → Single/);
  });

  it("check ticks an item with who, when and the answer; --undo unticks it", async () => {
    const local = await seeded();
    const out = await run(["--db", local, "check", "inc-7f3a9c", "analysis.binary-hash", "--by", "alice", "--answer", "sha256 9f86d081 of /tmp/.x/xmrig"]);
    assert.equal(out, "inc-7f3a9c: analysis.binary-hash ticked by alice\n");
    const item = (await withStore(local, (s) => s.getIncident("inc-7f3a9c")))?.checklist.find((c) => c.id === "analysis.binary-hash");
    assert.equal(item?.done, true);
    assert.equal(item?.by, "alice");
    assert.ok(item?.at);
    const shown = await run(["--db", local, "show", "inc-7f3a9c"]);
    assert.match(shown, /\[x\] analysis\.binary-hash {2}Mining binary and hash\n\s+alice, \d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ\n\s+answer: sha256 9f86d081 of \/tmp\/\.x\/xmrig/);

    await run(["--db", local, "check", "inc-7f3a9c", "analysis.binary-hash", "--undo"]);
    const undone = (await withStore(local, (s) => s.getIncident("inc-7f3a9c")))?.checklist.find((c) => c.id === "analysis.binary-hash");
    assert.equal(undone?.done, false);
    assert.equal(undone?.by, "tester", "--by defaults to the login name");
  });

  it("note, assign, status and close change the incident and its timeline; closed ones leave the default list", async () => {
    const local = await seeded();
    assert.equal(await run(["--db", local, "note", "inc-7f3a9c", "entry", "via", "exposed", "Redis", "--by", "bob"]), "inc-7f3a9c: note #1 added by bob\n");
    assert.equal(await run(["--db", local, "assign", "inc-7f", "bob"]), "inc-7f3a9c: assigned to bob\n");
    assert.equal(await run(["--db", local, "status", "inc-7f", "contained", "--reason", "xmrig killed"]), "inc-7f3a9c: status Contained\n");
    assert.equal(await run(["--db", local, "close", "inc-7f", "--reason", "host rebuilt", "--by", "bob"]), "inc-7f3a9c: closed by bob\n");
    const shown = await run(["--db", local, "show", "inc-7f3a9c"]);
    assert.match(shown, /#1 {2}.* {2}bob: entry via exposed Redis/);
    assert.match(shown, /tester {2}assigned to bob/);
    assert.match(shown, /tester {2}status Open → Contained; reason: xmrig killed/);
    assert.match(shown, /bob {2}closed; reason: host rebuilt/);
    assert.equal(await run(["--db", local, "list"]), "No incidents match.\n");
    assert.match(await run(["--db", local, "list", "--all"]), /inc-7f3a9c\s+Closed/);
  });

  it("speaks Thai with --lang th or a Thai locale", async () => {
    const out = await run(["--db", db, "--lang", "th", "show", "inc-7f3a9c"]);
    assert.match(out, /^เหตุการณ์ inc-7f3a9c/m);
    assert.match(out, /\[ \] analysis\.binary-hash {2}Mining binary และ hash$/m);
    assert.match(out, /ลำดับเหตุการณ์/);
    const byLocale = await run(["--db", db, "list"], {}, { LC_ALL: "th_TH.UTF-8", USER: "tester" });
    assert.match(byLocale, /^รหัส/);
  });

  it("--format json gives the stored objects", async () => {
    const shown = JSON.parse(await run(["--db", db, "--format", "json", "show", "inc-7f3a9c"])) as { incident: { id: string }; findings: unknown[]; timeline: unknown[] };
    assert.equal(shown.incident.id, "inc-7f3a9c");
    assert.equal(shown.findings.length, 2);
    assert.equal(shown.timeline.length, 1);
    const listed = JSON.parse(await run(["list", "--db", db, "--format", "json"])) as { id: string }[];
    assert.deepEqual(listed.map((i) => i.id), ["inc-7f3a9c"]);
  });

  it("escape sequences and bidi overrides from logs are printed escaped, never raw", async () => {
    const local = await seeded("root 4242 ./xmrig \u001b]0;owned\u0007\u001b[2J\u202eevil");
    const out = await run(["--db", local, "show", "inc-7f3a9c"]);
    assert.ok(!out.includes("\u001b") && !out.includes("\u202e") && !out.includes("\u0007"), "no raw control characters");
    assert.match(out, /\\u001b\]0;owned\\u0007\\u001b\[2J\\u202eevil/);
    assert.equal(terminalSafe("สวัสดี pool.supportxmr.com"), "สวัสดี pool.supportxmr.com", "Thai and plain text untouched");
  });

  it("an unknown incident or checklist item is an error saying what was expected", async () => {
    await assert.rejects(run(["--db", db, "show", "inc-nope"]), /no incident "inc-nope"/);
    await assert.rejects(run(["--db", db, "check", "inc-7f3a9c", "brew-coffee"]), /unknown checklist item "brew-coffee": expected one of analysis\.host-instance/);
    // A mistyped id that looks like one (right phase) is refused too, listing the playbook's items; nothing is counted.
    await assert.rejects(run(["--db", db, "check", "inc-7f3a9c", "containment.kil"]),
      (err: unknown) => err instanceof Error && /unknown checklist item "containment\.kil": expected one of .*containment\.kill.*recovery\./.test(err.message));
    const inc = await withStore(db, (s) => s.getIncident("inc-7f3a9c"));
    assert.equal(inc?.checklist.some((c) => c.id === "containment.kil"), false);
    // A playbook item the stored assessment did not list is accepted (the CLI passes the playbook's ids).
    await run(["--db", db, "check", "inc-7f3a9c", "recovery.budget-alerts", "--by", "bob"]);
  });
});
