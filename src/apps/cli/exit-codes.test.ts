/**
 * Exit codes for automation (issue 8, item 7): 0 nothing found, 1 incident(s) found, 2 nothing could be read or
 * the command was wrong; a partial read says so on stderr; `--fail-on new` with a store exits 1 only for
 * incidents the store did not know.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { REPO_ROOT } from "../../test-helpers/index.js";
import { cliCommand } from "../../test-helpers/cli.js";

function cli(args: string[]) {
  const mh = cliCommand(args);
  const r = spawnSync(mh.command, mh.args, {
    encoding: "utf8", cwd: REPO_ROOT, maxBuffer: 64 << 20,
    env: { ...process.env, NO_COLOR: "1", MINERHUNT_INTEL_DIR: join(tmpdir(), "mh-no-intel"), MINERHUNT_DB: "" },
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

const dir = mkdtempSync(join(tmpdir(), "mh-exit-"));
const miner = join(dir, "ps.txt");
writeFileSync(miner, [
  "USER PID %CPU %MEM VSZ RSS TTY STAT START TIME COMMAND",
  "www-data 4242 390.5 2.1 2553412 170432 ? Ssl 03:14 812:10 ./xmrig -o pool.supportxmr.com:3333 -u 44AFFq5kSiGBoZ4NMDwYtN18obc8AemS33DBLWs3H7otXft3XjrpDtQGv7SqSsaBYBb98uNbr2VBBEt7f2wfn3RVGQBEP3A --donate-level 1",
].join("\n") + "\n");
const clean = join(dir, "clean.txt");
writeFileSync(clean, "USER PID %CPU %MEM VSZ RSS TTY STAT START TIME COMMAND\nroot 1 0.0 0.1 168000 11000 ? Ss 03:00 0:01 /sbin/init\n");

test("0 nothing found, 1 found, 2 for a usage error or nothing read", () => {
  assert.equal(cli(["scan", clean, "-q"]).code, 0);
  assert.equal(cli(["scan", miner, "-q"]).code, 1);
  assert.equal(cli(["scan", "-q", "--format", "yaml", miner]).code, 2, "an unknown output format is a usage error");
  assert.equal(cli(["scan", "--no-such-option", miner]).code, 2);
  assert.equal(cli(["scan", join(dir, "missing.log"), "-q"]).code, 2, "nothing could be read");
});

test("a partial read says so on stderr and still reports what was found", () => {
  const r = cli(["scan", miner, join(dir, "missing.log"), "-q", "--format", "json"]);
  assert.equal(r.code, 1);
  assert.match(r.err, /1 of 2 input\(s\) could not be read/);
  assert.ok((JSON.parse(r.out) as { summary: { incidents: number } }).summary.incidents >= 1);
});

test("--fail-on new: 1 only for incidents the store did not know; without --db it is a usage error", () => {
  const db = join(dir, "store.db");
  assert.equal(cli(["scan", miner, "-q", "--db", db, "--fail-on", "new"]).code, 1, "first time: a new incident");
  const again = cli(["scan", miner, "-q", "--db", db, "--fail-on", "new"]);
  assert.equal(again.code, 0, `nothing new the second time: ${again.err}`);
  assert.equal(cli(["scan", miner, "-q", "--db", db]).code, 1, "--fail-on any (the default) still reports the known incident");
  const usage = cli(["scan", miner, "-q", "--fail-on", "new"]);
  assert.equal(usage.code, 2);
  assert.match(usage.err, /--fail-on new .* --db/);
});
