import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { REPO_ROOT, sharedFixture } from "../../test-helpers/index.js";
import { cliCommand } from "../../test-helpers/cli.js";

function cli(args: string[], intelDir: string) {
  const mh = cliCommand(args);
  const r = spawnSync(mh.command, mh.args, {
    encoding: "utf8", cwd: REPO_ROOT, env: { ...process.env, MINERHUNT_INTEL_DIR: intelDir, NO_COLOR: "1" },
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

test("intel import keeps a real blocklist for later scans; lookup and scan use it", (t) => {
  const list = sharedFixture(t, "poollists/maltrail/crypto_mining.txt");
  if (!list) return;
  const dir = mkdtempSync(join(tmpdir(), "mh-intel-cli-"));
  const imported = cli(["intel", "import", list, "--name", "maltrail-mining"], dir);
  assert.equal(imported.code, 0, imported.err);
  assert.match(imported.out, /plain list "maltrail-mining": \d+ domains, \d+ IPs/);
  assert.deepEqual(readdirSync(dir), ["maltrail-mining.json"]);
  const lookup = cli(["intel", "lookup", "107.191.47.239", "pool.ntp.org", "xmrig"], dir);
  assert.match(lookup.out, /107\.191\.47\.239: mining IP \(import:maltrail-mining; 107\.191\.47\.239\/32 ports 3333,7777\)/);
  assert.match(lookup.out, /pool\.ntp\.org: allowlisted look-alike/);
  assert.match(lookup.out, /xmrig: miner process/);
});

test("a bad list line is reported with its line number; a bad --confidence is a usage error", () => {
  const dir = mkdtempSync(join(tmpdir(), "mh-intel-cli-"));
  const file = join(dir, "team.txt");
  writeFileSync(file, "pool.team-blocklist.example\nnot a domain!\n");
  const r = cli(["intel", "import", file, "--dir", dir], dir);
  assert.equal(r.code, 0);
  assert.match(r.err, /team\.txt:2: not a domain/);
  const bad = cli(["intel", "import", file, "--confidence", "7"], dir);
  assert.equal(bad.code, 2);
  assert.match(bad.err, /--confidence must be a number from 0 to 1/);
});

test("intel list shows built-in and imported intel (text and JSON); intel remove drops a list, an unknown name exits 2", () => {
  const dir = mkdtempSync(join(tmpdir(), "mh-intel-cli-"));
  const file = join(dir, "team.txt");
  writeFileSync(file, "pool.team-blocklist.example\n203.0.113.50:3333\n");
  assert.equal(cli(["intel", "import", file, "--name", "team"], dir).code, 0);
  const text = cli(["intel", "list"], dir);
  assert.equal(text.code, 0, text.err);
  assert.match(text.out, /Built-in \(7 file\(s\)\):/);
  assert.match(text.out, /campaigns\.yaml +\d+ campaigns/);
  assert.match(text.out, /team +1 domains, 1 ips; confidence 0\.6; from .*team\.txt; imported \d{4}-\d\d-\d\dT/);
  const json = JSON.parse(cli(["intel", "list", "--format", "json"], dir).out) as { name: string; kind: string; counts: Record<string, number> }[];
  assert.deepEqual(json.find((s) => s.name === "team")?.counts, { domains: 1, ips: 1 });
  const unknown = cli(["intel", "remove", "tema"], dir);
  assert.equal(unknown.code, 2);
  assert.match(unknown.err, /no imported list named "tema"; imported lists: team/);
  const removed = cli(["intel", "remove", "team"], dir);
  assert.equal(removed.code, 0, removed.err);
  assert.deepEqual(readdirSync(dir), ["team.txt"]);
  assert.match(cli(["intel", "list"], dir).out, /Imported \(0 list\(s\)\):\n {2}none/);
  assert.match(cli(["intel", "lookup", "setup_c3pool_miner.sh"], dir).out, /campaign Miner installer abuse \(C3Pool, MoneroOcean\)/);
});

test("intel import of invalid YAML, or of a file with no indicator, exits 2 and writes nothing", () => {
  const dir = mkdtempSync(join(tmpdir(), "mh-intel-cli-"));
  const store = join(dir, "lists");
  const broken = join(dir, "miner_domains.yaml");
  writeFileSync(broken, "- list: miner_domains\n  items: [pool.supportxmr.com, \"xmr.pool.minergate.com\n");
  const bad = cli(["intel", "import", broken, "--dir", store], dir);
  assert.equal(bad.code, 2);
  assert.match(bad.err, /miner_domains\.yaml:\d+: not valid YAML.*nothing imported/);
  assert.ok(!existsSync(store), "no list written, not even the folder");

  const notAList = join(dir, "config.yaml");
  writeFileSync(notAList, "pools: {main: pool.supportxmr.com}\n");
  assert.equal(cli(["intel", "import", notAList, "--dir", store], dir).code, 2, "YAML that is not a Falco list");

  // Two files, the second bad: the first is not written either.
  const good = join(dir, "good.txt");
  writeFileSync(good, "pool.team-blocklist.example\n");
  const garbage = join(dir, "garbage.txt");
  writeFileSync(garbage, "{\"not\": \"a list\"}\n");
  const two = cli(["intel", "import", good, garbage, "--dir", store], dir);
  assert.equal(two.code, 2);
  assert.match(two.err, /garbage\.txt:1: no line is a domain/);
  assert.ok(!existsSync(store));
});
