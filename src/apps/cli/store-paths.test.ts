/**
 * Store paths: a --db that names no store is refused (exit 2, the path named) by every command that only
 * reads or works a store; scan and --create make one. A mistyped path never turns into an empty store.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { REPO_ROOT } from "../../test-helpers/index.js";
import { cliCommand } from "../../test-helpers/cli.js";

function cli(args: string[]) {
  const mh = cliCommand(args);
  const r = spawnSync(mh.command, mh.args, {
    encoding: "utf8", cwd: REPO_ROOT, maxBuffer: 64 << 20,
    env: { ...process.env, NO_COLOR: "1", MINERHUNT_INTEL_DIR: join(tmpdir(), "mh-no-intel"), MINERHUNT_DB: "", MINERHUNT_AUDIT_HEAD: "" },
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

const dir = mkdtempSync(join(tmpdir(), "mh-store-paths-"));

test("a --db that does not exist is refused by incident, report and audit (exit 2), and is not created", () => {
  const typo = join(dir, "minerhnt.db");
  for (const args of [["incident", "list", "--db", typo], ["report", "inc-1", "--db", typo], ["audit", "verify", "--db", typo]]) {
    const r = cli(args);
    assert.equal(r.code, 2, `${args.join(" ")}: ${r.err}`);
    assert.match(r.err, new RegExp(`no incident store at ${typo.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")} \\(no such file\\)`), r.err);
    assert.match(r.err, /--create/);
    assert.equal(existsSync(typo), false, `${args[0]} did not create ${typo}`);
  }
});

test("scan creates the store; --create makes an empty one on purpose; then the commands open it", () => {
  const made = join(dir, "made.db");
  const r = cli(["incident", "list", "--db", made, "--create"]);
  assert.equal(r.code, 0, r.err);
  assert.ok(existsSync(made));
  assert.equal(cli(["incident", "list", "--db", made]).code, 0);

  const scanned = join(dir, "scanned.db");
  const ps = join(dir, "ps.txt");
  writeFileSync(ps, [
    "USER PID %CPU %MEM VSZ RSS TTY STAT START TIME COMMAND",
    "www-data 4242 390.5 2.1 2553412 170432 ? Ssl 03:14 812:10 ./xmrig -o pool.supportxmr.com:3333 -u 44AFFq5kSiGBoZ4NMDwYtN18obc8AemS33DBLWs3H7otXft3XjrpDtQGv7SqSsaBYBb98uNbr2VBBEt7f2wfn3RVGQBEP3A",
  ].join("\n") + "\n");
  assert.equal(cli(["scan", ps, "-q", "--db", scanned]).code, 1);
  assert.ok(existsSync(scanned), "scan creates its store");
  const list = cli(["incident", "list", "--db", scanned, "--format", "json"]);
  assert.equal(list.code, 0, list.err);
  assert.equal((JSON.parse(list.out) as unknown[]).length, 1);
});
