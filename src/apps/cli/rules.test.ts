import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Command, CommanderError } from "commander";
import { sharedFixture } from "../../test-helpers/index.js";
import { UsageError } from "./errors.js";
import { registerRulesCommand } from "./rules.js";

const dir = mkdtempSync(join(tmpdir(), "minerhunt-cli-rules-"));
after(() => rmSync(dir, { recursive: true, force: true }));

const GOOD = `title: Miner binary
id: 0c1d2e3f-4a5b-4c6d-8e7f-8091a2b3c4d5
status: test
level: high
logsource: {category: process_creation}
detection:
  sel:
    Image|endswith: '/xmrig'
  condition: sel
tests:
  - event: {event.dataset: auditd, event.category: [process], process.executable: /tmp/xmrig}
    match: true
  - event: {event.dataset: auditd, event.category: [process], process.executable: /bin/ls}
    match: false
`;
const BAD = `title: Broken modifier
id: 1d2e3f4a-5b6c-4d7e-8f80-91a2b3c4d5e6
logsource: {category: process_creation}
detection:
  sel:
    Image|endwith: '/xmrig'
  condition: sel
`;
const WRONG_TEST = GOOD.replace("process.executable: /bin/ls}\n    match: false", "process.executable: /bin/ls}\n    match: true");

function file(name: string, text: string): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}

async function run(args: string[]): Promise<{ out: string; code: number | undefined }> {
  let out = "";
  let code: number | undefined;
  const program = new Command("minerhunt").exitOverride().configureOutput({ writeErr: () => undefined, writeOut: () => undefined });
  registerRulesCommand(program, { write: (t) => { out += t; }, setExitCode: (c) => { code = c; }, throwOnExit: true });
  await program.parseAsync(["node", "minerhunt", "rules", ...args]);
  return { out, code };
}

describe("minerhunt rules", () => {
  it("validate prints each refused rule with file, line and reason, then one summary line; exit 1", async () => {
    const good = file("good.yml", GOOD);
    const bad = file("bad.yml", BAD);
    const { out, code } = await run(["validate", good, bad]);
    const lines = out.trim().split("\n");
    assert.equal(lines.length, 2);
    assert.match(lines[0]!, new RegExp(`^${bad.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}:6: refused \\[1d2e3f4a-5b6c-4d7e-8f80-91a2b3c4d5e6\\] Broken modifier: unknown modifier 'endwith'`));
    assert.equal(lines[1], "rules: 2 read, 1 compiled, 1 refused, 0 warnings, 0 not routed");
    assert.equal(code, 1);
  });

  it("validate exits 0 when nothing is refused, and speaks JSON", async () => {
    const { out, code } = await run(["validate", "--format", "json", file("good2.yml", GOOD)]);
    const parsed = JSON.parse(out) as { stats: { compiled: number }; refused: unknown[] };
    assert.equal(parsed.stats.compiled, 1);
    assert.deepEqual(parsed.refused, []);
    assert.equal(code, 0);
  });

  it("test runs the embedded tests: 0 when they pass, 1 with the failing test named", async () => {
    const ok = await run(["test", file("t-good.yml", GOOD)]);
    assert.equal(ok.code, 0);
    assert.match(ok.out, /tests: 2 run, 2 passed, 0 failed/);
    const bad = await run(["test", file("t-bad.yml", WRONG_TEST)]);
    assert.equal(bad.code, 1);
    assert.match(bad.out, /FAIL .*t-bad\.yml:\d+: Miner binary \/ test 2: expected a match, got none/);
  });

  it("test says why a test event does not reach the rule (routing)", async () => {
    const unrouted = GOOD.replace("event.dataset: auditd, event.category: [process], process.executable: /tmp/xmrig", "event.dataset: zeek.dns, process.executable: /tmp/xmrig");
    const { out, code } = await run(["test", file("t-route.yml", unrouted)]);
    assert.equal(code, 1);
    assert.match(out, /not routed to this rule \(event\.dataset "zeek\.dns"/);
  });

  it("list shows rules with their route, as text and JSON", async () => {
    const text = await run(["list", file("l.yml", GOOD)]);
    assert.match(text.out, /high\s+test\s+category process_creation\s+Miner binary/);
    const json = await run(["list", "--format", "json", file("l2.yml", GOOD)]);
    const rows = JSON.parse(json.out) as { title: string; route: string; tests: number }[];
    assert.deepEqual(rows.map((r) => [r.title, r.route, r.tests]), [["Miner binary", "category process_creation", 2]]);
  });

  it("usage errors: a bad --format or a missing path is a UsageError (exit 2 in main), unknown options exit 2", async () => {
    await assert.rejects(run(["validate", "--format", "yaml", file("u.yml", GOOD)]), UsageError);
    await assert.rejects(run(["list", join(dir, "missing")]), /no such file or folder/);
    await assert.rejects(run(["validate", "--nope"]), (e: unknown) => e instanceof CommanderError && e.exitCode === 2);
  });

  it("the PB-31 pack (default path) validates cleanly and all its tests pass", async () => {
    const v = await run(["validate"]);
    assert.equal(v.code, 0, v.out);
    const t = await run(["test", "--require-tests"]);
    assert.equal(t.code, 0, t.out);
  });

  it("validate on the SigmaHQ collection reports the counts", async (t) => {
    const corpus = sharedFixture(t, "sigmahq");
    if (!corpus) return;
    const { out } = await run(["validate", corpus]);
    const summary = out.trim().split("\n").pop()!;
    const m = /^rules: (\d+) read, (\d+) compiled, (\d+) refused/.exec(summary);
    assert.ok(m, summary);
    assert.ok(Number(m[2]) / Number(m[1]) >= 0.995, summary);
    t.diagnostic(summary);
  });
});
