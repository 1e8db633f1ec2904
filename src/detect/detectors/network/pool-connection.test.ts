import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import type { Event, Finding } from "../../../model/index.js";
import { WEAK_CONFIDENCE, makeFinding } from "../../../model/index.js";
import { importList, loadIntel } from "../../../intel/index.js";
import { defaultConfig } from "../../config.js";
import { runDetector, sharedFixture } from "../../../test-helpers/index.js";
import { createPoolConnectionDetector, poolConnectionDetector } from "./pool-connection.js";

/** A Zeek conn.log record as the zeek.conn source writes it (docs/events.md, Network flows). */
function conn(line: number, src: string, dst: string, dport: number, extra: Partial<Record<string, number | string>> = {}): Event {
  return {
    "@timestamp": "2026-11-20T03:14:07.000Z", "event.dataset": "zeek.conn", "event.category": ["network"], "event.kind": "event",
    "log.file.path": "/cases/zeek/conn.log", "minerhunt.line": line, "source.ip": src, "source.port": 50312, "destination.ip": dst,
    "destination.port": dport, "network.transport": "tcp", ...extra,
  };
}

function dns(line: number, client: string, name: string, answers: string[]): Event {
  return {
    "@timestamp": "2026-11-20T03:14:06.000Z", "event.dataset": "zeek.dns", "event.category": ["network", "dns"], "log.file.path": "/cases/zeek/dns.log",
    "minerhunt.line": line, "source.ip": client, "destination.ip": "10.0.0.2", "destination.port": 53, "dns.question.name": name, "dns.resolved_ip": answers,
  };
}

/** A long, quiet, small-packet flow: Stratum's shape (a job every ~30 s, a share now and then). */
const stratumShape = { "event.duration": 1_800 * 1e9, "source.bytes": 42_000, "destination.bytes": 96_000, "source.packets": 260, "destination.packets": 300 };
/** A download: short and heavy. */
const downloadShape = { "event.duration": 12 * 1e9, "source.bytes": 3_000, "destination.bytes": 48_000_000, "source.packets": 900, "destination.packets": 33_000 };

test("an IP learned from a pool lookup earlier in the run makes the connection strong and names the domain", () => {
  // The nesfit capture's pool: xmr-eu1.nanopool.org answered 185.71.66.20, the miner connected on 14444.
  const findings = runDetector(poolConnectionDetector, [
    dns(1, "147.229.13.222", "xmr-eu1.nanopool.org", ["185.71.66.20"]),
    conn(5, "147.229.13.222", "185.71.66.20", 14444, stratumShape),
  ]);
  assert.equal(findings.length, 1);
  const f = findings[0]!;
  assert.equal(f.confidence, 0.85, "resolved for this same client");
  assert.equal(f.facts?.["dns.same_client"], true);
  assert.equal(f.facts?.["pool.domain"], "xmr-eu1.nanopool.org");
  // The pool's name first, then the endpoints it answered on (model/pool-endpoints.ts).
  assert.deepEqual(f.entities.pools, ["xmr-eu1.nanopool.org", "185.71.66.20:14444"]);
  assert.equal(f.facts?.["pool.endpoints"], 1);
  assert.deepEqual(f.entities.ips, ["147.229.13.222"]);
  assert.deepEqual([f.evidence[0]?.file, f.evidence[0]?.line], ["/cases/zeek/conn.log", 5]);
  assert.ok(f.observables.some((o) => o.type === "domain" && o.value === "xmr-eu1.nanopool.org"));
  // Without the lookup first, only the miner port speaks (weak).
  const [portOnly] = runDetector(poolConnectionDetector, [conn(5, "147.229.13.222", "185.71.66.20", 14444)]);
  assert.equal(portOnly?.confidence, 0.15);
});

test("listed IPs: 0.75 when the list pins the port, 0.6 on another port, never surer than the list", () => {
  const intel = loadIntel({ importDirs: [], extraLists: [{
    name: "test-pools", source: "test", importedAt: "2026-11-01T00:00:00Z", confidence: 0.8, domains: [],
    ips: [{ address: "172.65.200.133", ports: [3333, 3334] }, { address: "198.51.100.0/24" }],
  }] });
  const findings = runDetector(poolConnectionDetector, [
    conn(1, "10.0.0.5", "172.65.200.133", 3333), conn(2, "10.0.0.5", "172.65.200.133", 443), conn(3, "10.0.0.6", "198.51.100.77", 8443),
  ], { intel });
  const byPort = new Map(findings.map((f) => [f.facts?.["destination.port"], f]));
  assert.equal(byPort.get(3333)?.confidence, 0.75);
  assert.equal(byPort.get(443)?.confidence, 0.6);
  assert.equal(byPort.get(8443)?.confidence, 0.6);
  assert.equal(byPort.get(8443)?.facts?.["ip.listed"], "198.51.100.0/24");
  const doubtful = loadIntel({ importDirs: [], extraLists: [{ name: "old", source: "test", importedAt: "2018-06-01T00:00:00Z", confidence: 0.5, domains: [], ips: [{ address: "172.65.200.133" }] }] });
  assert.equal(runDetector(poolConnectionDetector, [conn(1, "10.0.0.5", "172.65.200.133", 3333)], { intel: doubtful })[0]?.confidence, 0.5);
});

test("Maltrail's crypto_mining trail (shared fixture) as an imported list", (t) => {
  const path = sharedFixture(t, "poollists/maltrail/crypto_mining.txt");
  if (!path) return;
  const list = importList(readFileSync(path, "utf8"), "maltrail-crypto_mining", path);
  const intel = loadIntel({ importDirs: [], extraLists: [{ ...list, importedAt: "2026-11-01T00:00:00Z", confidence: 0.75 }] });
  const [f] = runDetector(poolConnectionDetector, [conn(1, "10.0.0.5", "107.191.47.239", 3333, stratumShape)], { intel });
  assert.equal(f?.confidence, 0.75);
  assert.equal(f?.facts?.["ip.list"], "import:maltrail-crypto_mining");
});

test("a miner port alone is weak; a 30-minute quiet session on a PB-31 port crosses the line; volume or brevity keep it 0.15", () => {
  const findings = runDetector(poolConnectionDetector, [
    conn(1, "10.0.0.5", "203.0.113.10", 3333, stratumShape),
    conn(2, "10.0.0.5", "203.0.113.11", 3333, downloadShape),
    conn(3, "10.0.0.5", "203.0.113.12", 8333, { "event.duration": 2e9, "source.bytes": 300, "destination.bytes": 400, "source.packets": 4, "destination.packets": 4 }),
    conn(4, "10.0.0.5", "203.0.113.13", 4444),
  ]);
  // One finding per strength class of this machine, naming its endpoints.
  const byPool = (endpoint: string) => findings.filter((f) => f.entities.pools?.includes(endpoint));
  const [shaped] = byPool("203.0.113.10:3333");
  assert.equal(shaped?.confidence, 0.4, "long (0.35) on PB-31's port 3333 (+0.05)");
  assert.equal(shaped?.facts?.["flow.mining_like"], true);
  assert.deepEqual(shaped?.entities.pools, ["203.0.113.10:3333"], "the pool-shaped session is a finding of its own");
  const [weak, ...more] = byPool("203.0.113.11:3333");
  assert.equal(more.length, 0);
  assert.equal(weak?.confidence, 0.15);
  assert.deepEqual(weak?.entities.pools, ["203.0.113.11:3333", "203.0.113.13:4444"], "the download and the flow without byte counts (shape unknown): both a port alone");
  assert.equal(weak?.facts?.["pool.endpoints"], 2);
  assert.match(weak!.title, /^Connections to 2 miner-port endpoints from 10\.0\.0\.5$/);
  assert.equal(byPool("203.0.113.12:8333").length, 0, "8333 is a Bitcoin node port: a policy observation, no pool finding");
  assert.equal(findings.find((f) => f.facts?.["node.port"] === 8333)?.confidence, 0.1);
  for (const f of findings) if (f !== shaped) assert.ok(f.confidence < WEAK_CONFIDENCE);
});

test("a long connection logged as many short flow records (VPC flow logs) still reads as long-lived", () => {
  const events: Event[] = [];
  for (let i = 0; i < 12; i++) {
    events.push({
      ...conn(i + 1, "10.0.0.5", "203.0.113.10", 5555, { "event.duration": 60e9, "source.bytes": 1_400, "destination.bytes": 3_100, "source.packets": 10, "destination.packets": 11 }),
      "event.dataset": "aws.vpcflow", "@timestamp": new Date(Date.parse("2026-11-20T03:00:00Z") + i * 60_000).toISOString(),
    });
  }
  const [f] = runDetector(poolConnectionDetector, events);
  assert.equal(f?.confidence, 0.35, "mining-like (12 min, not yet long) on PB-31's port 5555");
  assert.equal(f?.evidenceCount, 12);
  assert.equal(f?.facts?.["flow.count"], 12);
});

test("traps: private destinations, ordinary ports, site-allowed IPs; the return record joins its connection", () => {
  const none = runDetector(poolConnectionDetector, [
    conn(1, "10.0.0.5", "10.0.0.9", 3333, stratumShape),
    conn(2, "10.0.0.5", "192.168.1.20", 14444),
    conn(3, "10.0.0.5", "93.184.216.34", 443, stratumShape),
    conn(4, "10.0.0.5", "203.0.113.50", 3333),
  ], { config: { allowlist: { domains: [], ips: ["203.0.113.0/24"], processes: [], hosts: [], images: [] } } });
  assert.deepEqual(none.map((f) => f.title), []);
  const both = runDetector(poolConnectionDetector, [
    conn(1, "10.0.0.5", "198.51.100.20", 4444),
    { ...conn(2, "198.51.100.20", "10.0.0.5", 50312), "source.port": 4444 },
  ]);
  assert.equal(both.length, 1);
  assert.equal(both[0]!.evidenceCount, 2);
});

test("provider alerts are not read here (the cloud detectors report them)", () => {
  const alert = { ...conn(1, "10.0.0.5", "185.71.66.20", 14444), "event.kind": "alert", "event.dataset": "aws.guardduty" };
  assert.equal(runDetector(poolConnectionDetector, [alert]).length, 0);
});

test("bounded: port-only pairs beyond the cap are dropped and counted; strong pairs are reported early", () => {
  const early: Finding[] = [];
  const late: Finding[] = [];
  let finished = false;
  const intel = loadIntel({ importDirs: [], extraLists: [{ name: "net", source: "test", importedAt: "2026-11-01T00:00:00Z", confidence: 0.8, domains: [], ips: [{ address: "100.128.0.0/9" }] }] });
  const run = createPoolConnectionDetector({ maxStrong: 50, maxPortOnly: 50, maxLearned: 10, maxAnswersPerName: 10, maxPending: 10, maxNodes: 10 }).start({
    intel, config: defaultConfig(), emit: (d) => (finished ? late : early).push(makeFinding(d)),
  });
  for (let i = 0; i < 20_000; i++) run.onEvent(conn(i, "10.0.0.5", `203.0.${(i >> 8) & 255}.${i & 255}`, 3333));
  for (let i = 0; i < 1_000; i++) run.onEvent(conn(i, "10.0.0.5", `100.200.${(i >> 8) & 255}.${i & 255}`, 443));
  finished = true;
  run.finish();
  assert.equal(early.length, 950, "strong pairs past the cap are reported early");
  assert.equal(late.length, 100);
  const weak = late.filter((f) => f.confidence < WEAK_CONFIDENCE);
  assert.equal(weak.length, 50);
  assert.equal(weak[0]!.facts?.["port_only.dropped"], 19_950);
});

test("DNS joined at finish: a flow read before its lookup is joined all the same, and another client's answer counts less", () => {
  const flowFirst = runDetector(poolConnectionDetector, [
    conn(5, "10.0.0.7", "185.71.66.20", 10343, stratumShape),
    dns(9, "10.0.0.7", "xmr-eu1.nanopool.org", ["185.71.66.20"]),
  ]);
  assert.equal(flowFirst.length, 1);
  assert.equal(flowFirst[0]!.confidence, 0.85);
  assert.equal(flowFirst[0]!.facts?.["pool.domain"], "xmr-eu1.nanopool.org");
  const other = runDetector(poolConnectionDetector, [
    conn(5, "10.0.0.8", "185.71.66.20", 10343, stratumShape),
    dns(9, "10.0.0.7", "xmr-eu1.nanopool.org", ["185.71.66.20"]),
  ]);
  assert.equal(other[0]?.confidence, 0.7);
  assert.equal(other[0]?.facts?.["dns.same_client"], false);
  // An unrelated public flow with no answer naming it is nothing.
  assert.equal(runDetector(poolConnectionDetector, [conn(5, "10.0.0.8", "93.184.216.34", 10343, stratumShape)]).length, 0);
});

test("answers are joined per pool name: a client that asked gets every address the name resolved to, for anyone", () => {
  // A pool behind rotating addresses: 10.0.0.7 got .20, someone else got .21; 10.0.0.7 then mines on .21.
  // Two pool names share a server (.30): the asker of either is the same client.
  const findings = runDetector(poolConnectionDetector, [
    dns(1, "10.0.0.7", "xmr-eu1.nanopool.org", ["185.71.66.20"]),
    dns(2, "10.0.0.9", "xmr-eu1.nanopool.org", ["185.71.66.21"]),
    dns(3, "10.0.0.9", "xmr-eu1.nanopool.org", ["185.71.66.30"]),
    dns(4, "10.0.0.8", "pool.supportxmr.com", ["185.71.66.30"]),
    conn(5, "10.0.0.7", "185.71.66.21", 14444, stratumShape),
    conn(6, "10.0.0.8", "185.71.66.30", 443, stratumShape),
    conn(7, "10.0.0.6", "185.71.66.30", 443, stratumShape),
  ]);
  const of = (ip: string) => findings.find((f) => f.entities.ips?.includes(ip));
  assert.equal(of("10.0.0.7")?.confidence, 0.85, "the name this client asked resolved to .21 for another client");
  assert.equal(of("10.0.0.8")?.confidence, 0.85);
  assert.equal(of("10.0.0.8")?.facts?.["pool.domain"], "pool.supportxmr.com", "the name this client asked, not the first learned");
  assert.equal(of("10.0.0.6")?.confidence, 0.7, "a client that asked neither name");
});

test("an outbreak: the first 4,096 hosts that asked a pool name keep their own-lookup strength, the rest count as another client's", () => {
  const events: Event[] = [];
  const host = (i: number) => `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`;
  for (let i = 1; i <= 5_000; i++) events.push(dns(i, host(i), "xmr-eu1.nanopool.org", ["185.71.66.20"]));
  events.push(conn(6_001, host(1), "185.71.66.20", 14444, stratumShape), conn(6_002, host(5_000), "185.71.66.20", 14444, stratumShape));
  const findings = runDetector(poolConnectionDetector, events);
  const strength = new Map(findings.map((f) => [f.entities.ips?.[0], f.confidence]));
  assert.deepEqual([strength.get(host(1)), strength.get(host(5_000)), strength.size], [0.85, 0.7, 2]);
});

test("a flow the sensor identified as another protocol is no port-only pool session; TLS is (stratum+ssl)", () => {
  const findings = runDetector(poolConnectionDetector, [
    conn(1, "10.0.0.5", "203.0.113.20", 3333, { ...stratumShape, "network.protocol": "http" }),
    { ...conn(2, "10.0.0.5", "203.0.113.21", 4444, stratumShape), "event.dataset": "suricata.flow", "network.protocol": "smtp" },
    conn(3, "10.0.0.5", "203.0.113.22", 3333, { ...stratumShape, "network.protocol": "ssl" }),
  ]);
  assert.deepEqual(findings.map((f) => f.facts?.["destination.ip"]), ["203.0.113.22"]);
});

test("a peer-to-peer shape on a miner port (peers connecting in) is a policy observation, not a pool session", () => {
  const events: Event[] = [conn(1, "10.0.0.5", "203.0.113.30", 4444, stratumShape)];
  for (let p = 0; p < 3; p++) events.push({ ...conn(10 + p, `198.18.0.${p + 1}`, "10.0.0.5", 4444, stratumShape), "source.port": 40000 + p });
  const findings = runDetector(poolConnectionDetector, events);
  assert.deepEqual(findings.map((f) => f.tags?.includes("policy")), [true]);
  assert.equal(findings[0]!.facts?.["node.inbound"], 3);
});

test("a session described by a connection record and a protocol record counts once; protocol records alone still count", () => {
  // Zeek writes one TLS session to the pool twice: conn.log (the connection) and ssl.log (the protocol, no bytes);
  // a capture writes a Stratum flow as its pcap.flow event and its pcap.stratum event, both with the flow's counters.
  const session = { ...stratumShape, "event.id": "CHhAvVGS1DHFjwGM9" };
  const connRecord = { ...conn(5, "147.229.13.222", "185.71.66.20", 14444, session), "event.type": ["connection"] };
  const protocolRecord = { ...conn(6, "147.229.13.222", "185.71.66.20", 14444, session), "event.dataset": "pcap.stratum", "event.type": ["protocol"] };
  const lookup = dns(1, "147.229.13.222", "xmr-eu1.nanopool.org", ["185.71.66.20"]);
  const sessionBytes = stratumShape["source.bytes"] + stratumShape["destination.bytes"];
  for (const order of [[lookup, connRecord, protocolRecord], [lookup, protocolRecord, connRecord], [protocolRecord, connRecord, lookup]]) {
    const [f] = runDetector(poolConnectionDetector, order);
    assert.equal(f?.facts?.["flow.count"], 1, "one session");
    assert.equal(f?.bytes, sessionBytes, "its bytes once");
    assert.equal(f?.evidenceCount, 2, "two records back it");
  }
  const [alone] = runDetector(poolConnectionDetector, [lookup, protocolRecord, { ...protocolRecord, "minerhunt.line": 7 }]);
  assert.equal(alone?.facts?.["flow.count"], 2, "protocol records count where no connection record was seen");
  assert.equal(alone?.bytes, 2 * sessionBytes);
});
