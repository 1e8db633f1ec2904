/**
 * The detection core as issue 7 states it: findings aggregate per fact, results do not depend on file
 * order, campaigns answer "one machine or many?" while each incident keeps its environment, the stream
 * ends where the batch does, and a playbook that reads an unknown tag does not load.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, mkdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Event, Finding } from "../model/index.js";
import { EVIDENCE_FIRST, MAX_KEPT_POOL_ENDPOINTS } from "../model/index.js";
import type { Detector } from "../detect/types.js";
import { pcapFile, tcpConversation, type FrameRecord } from "../sources/network/test-helpers/packets.js";
import { defaultConfig } from "../detect/config.js";
import { DetectionEngine } from "../detect/engine.js";
import { builtinDetectors } from "../detect/detectors/index.js";
import { loadPlaybook, parsePlaybook, PlaybookError } from "../playbook/index.js";
import { testIntel } from "../test-helpers/index.js";
import { assessFindings } from "./incident.js";
import { runScan } from "./run.js";
import { StreamPipeline } from "./stream.js";

const POOL_IP = "51.15.65.182";

/** A Zeek conn record as Zeek writes it in JSON: one flow from a host to the pool's Stratum port. */
function zeekConn(i: number, host: string, start = 1_763_600_000): string {
  return JSON.stringify({
    ts: start + i * 60, uid: `C${i.toString(36)}`, "id.orig_h": host, "id.orig_p": 40000 + (i % 20000), "id.resp_h": POOL_IP, "id.resp_p": 14444,
    proto: "tcp", duration: 3600.5, orig_bytes: 2100, resp_bytes: 1800, conn_state: "SF", missed_bytes: 0, history: "ShADadFf",
    orig_pkts: 40, orig_ip_bytes: 4200, resp_pkts: 38, resp_ip_bytes: 3900,
  });
}

/** A Zeek dns record: the host resolving the pool's name to its address. */
function zeekDns(i: number, host: string, start = 1_763_600_000): string {
  return JSON.stringify({
    ts: start + i * 60 - 1, uid: `D${i.toString(36)}`, "id.orig_h": host, "id.orig_p": 53000, "id.resp_h": "10.0.0.2", "id.resp_p": 53,
    proto: "udp", trans_id: i & 0xffff, query: "xmr-eu1.nanopool.org", qclass: 1, qclass_name: "C_INTERNET", qtype: 1, qtype_name: "A",
    rcode: 0, rcode_name: "NOERROR", AA: false, TC: false, RD: true, RA: true, Z: 0, answers: [POOL_IP], TTLs: [300.0], rejected: false,
  });
}

function folder(files: Record<string, string[]>): string {
  const dir = mkdtempSync(join(tmpdir(), "mh-core-"));
  for (const [name, lines] of Object.entries(files)) {
    mkdirSync(join(dir, name, ".."), { recursive: true });
    writeFileSync(join(dir, name), lines.join("\n") + "\n");
  }
  return dir;
}

test("10,000 identical flows make one finding with count 10,000 and a bounded evidence sample", async () => {
  const lines = Array.from({ length: 10_000 }, (_, i) => zeekConn(i, "10.1.2.3"));
  const dir = folder({ "dns.log": [zeekDns(0, "10.1.2.3")], "conn.log": lines });
  const { findings } = await runScan({ paths: [dir], defaultRules: true });
  const flows = findings.filter((f) => f.rule.id === "minerhunt.network.pool-connection");
  assert.equal(flows.length, 1, JSON.stringify(flows.map((f) => f.title)));
  const f = flows[0]!;
  assert.equal(f.evidenceCount, 10_000);
  assert.ok(f.evidence.length <= EVIDENCE_FIRST + 1, `${f.evidence.length} pointers`);
  assert.deepEqual(f.evidence.slice(0, 3).map((e) => e.line), [1, 2, 3], "the earliest records first");
  assert.equal(f.evidence.at(-1)?.line, 10_000, "the latest record last");
  assert.equal(f.bytes, 10_000 * (4200 + 3900), "Zeek's IP-level byte counts, both ways, added up");
  assert.equal(f.packets, 10_000 * (40 + 38));
  // The Sigma pack sees the same flows: one fact per rule, however many records.
  const byRule = new Map<string, number>();
  for (const x of findings) byRule.set(x.rule.id, (byRule.get(x.rule.id) ?? 0) + 1);
  for (const [rule, n] of byRule) assert.ok(n <= 2, `${rule}: ${n} findings`);
});

test("results do not depend on the order files are given or events arrive in", async () => {
  // Besides the named pool, 10.1.2.3 fails over across unnamed endpoints whose flows are split over files:
  // they are one fact, and its endpoint list and total must not depend on which file came first.
  const failover = (i: number, ip: string, port: number) => zeekConn(20 + i, "10.1.2.3").replace(`"${POOL_IP}"`, `"${ip}"`).replace('"id.resp_p":14444', `"id.resp_p":${port}`);
  const dir = folder({
    "a/dns.log": [zeekDns(0, "10.1.2.3"), zeekDns(5, "10.1.2.4")],
    "b/conn.log": [zeekConn(3, "10.1.2.4"), zeekConn(1, "10.1.2.3"), zeekConn(2, "10.1.2.3"), failover(1, "198.51.100.9", 3333), failover(2, "203.0.113.4", 5555)],
    "c/conn.log": [zeekConn(7, "10.1.2.5"), zeekConn(4, "10.1.2.3"), failover(0, "203.0.113.4", 3333), failover(3, "198.51.100.10", 3333)],
  });
  const orders = [["a", "b", "c"], ["c", "b", "a"], ["b", "a", "c"]];
  const shapes = [];
  for (const order of orders) {
    const { incidents, campaigns, findings } = await runScan({ paths: order.map((d) => join(dir, d)) });
    shapes.push(JSON.stringify({ incidents, campaigns, findings }));
    const unnamed = findings.filter((f) => f.rule.id === "minerhunt.network.pool-connection" && f.facts?.["pool.endpoints"] === 4);
    assert.equal(unnamed.length, 1, "the four unnamed endpoints of 10.1.2.3 are one finding");
    assert.deepEqual(unnamed[0]!.entities.pools, ["198.51.100.9:3333", "198.51.100.10:3333", "203.0.113.4:3333", "203.0.113.4:5555"]);
  }
  assert.equal(shapes[1], shapes[0]);
  assert.equal(shapes[2], shapes[0]);

  // Events in reverse time order through the engine: the same findings.
  const events: Event[] = [
    { "@timestamp": "2026-11-20T03:00:00.000Z", "event.dataset": "zeek.conn", "event.category": ["network"], "source.ip": "10.1.2.3", "destination.ip": POOL_IP, "destination.port": 14444, "log.file.path": "x", "minerhunt.line": 1 },
    { "@timestamp": "2026-11-20T03:05:00.000Z", "event.dataset": "zeek.conn", "event.category": ["network"], "source.ip": "10.1.2.3", "destination.ip": POOL_IP, "destination.port": 14444, "log.file.path": "x", "minerhunt.line": 2 },
    { "@timestamp": "2026-11-20T03:09:00.000Z", "event.dataset": "zeek.conn", "event.category": ["network"], "source.ip": "10.1.2.3", "destination.ip": POOL_IP, "destination.port": 14444, "log.file.path": "x", "minerhunt.line": 3 },
  ];
  const run = (list: Event[]) => {
    const engine = new DetectionEngine(builtinDetectors, testIntel(), defaultConfig());
    for (const e of list) engine.onEvent(e);
    return JSON.stringify(engine.finish());
  };
  assert.equal(run([...events].reverse()), run(events));
});

/** Stratum v1 as cgminer speaks it (the nesfit capture), one session. */
function stratumSession(client: string, clientPort: number, pool: string, port: number, t: number): FrameRecord[] {
  const subscribe = '{"id": 1, "method": "mining.subscribe", "params": ["cgminer/3.7.2"]}\n';
  const authorize = '{"id": 2, "method": "mining.authorize", "params": ["worker1", "x"]}\n';
  const notify = '{"id": null, "method": "mining.notify", "params": ["1a2b", "00", "01", "02", [], "20000000", "1d00ffff", "5a5b5c5d", true]}\n';
  return tcpConversation({ ip: client, port: clientPort }, { ip: pool, port }, [
    { from: "client", data: subscribe }, { from: "server", data: '{"id": 1, "result": [[["mining.notify", "ae6812eb4cd7735a302a8a9dd95cf71f"]], "08000002", 4], "error": null}\n' },
    { from: "client", data: authorize }, { from: "server", data: notify },
  ], t);
}

test("a capture of one host failing over across 30 unnamed pool endpoints gives a few findings, each naming the total", async () => {
  const host = "10.40.0.7";
  // 15 addresses x 2 ports, three rounds of failover: 90 Stratum sessions, no DNS (the miner was given addresses).
  const endpoints: { ip: string; port: number }[] = [];
  for (let a = 0; a < 15; a++) for (const port of [3333, 14444]) endpoints.push({ ip: a % 2 ? `203.0.113.${20 + a}` : `198.51.100.${20 + a}`, port });
  const records: FrameRecord[] = [];
  let t = 1_763_600_000;
  for (let round = 0; round < 3; round++) {
    endpoints.forEach((e, i) => { records.push(...stratumSession(host, 41000 + round * 100 + i, e.ip, e.port, t)); t += 20; });
  }
  const dir = mkdtempSync(join(tmpdir(), "mh-core-pcap-"));
  writeFileSync(join(dir, "failover.pcap"), pcapFile(records));
  const { findings, incidents } = await runScan({ paths: [dir] });
  assert.ok(findings.length <= 6, `${findings.length} findings: ${findings.map((f) => f.title).join("; ")}`);
  assert.equal(incidents.length, 1);
  const naming = findings.filter((f) => f.entities.pools?.length);
  assert.ok(naming.length >= 3, "built-in flow and Stratum detectors and the Sigma pack each report");
  for (const f of naming) {
    assert.equal(f.facts?.["pool.endpoints"], 30, f.title);
    assert.equal(f.entities.pools?.length, 30, "all of them listed (under the cap)");
    assert.match(f.title, /\b30\b/, f.title);
    assert.ok(!("destination.ip" in (f.facts ?? {})), "no fact claims one endpoint for the whole finding");
  }
  const stratum = naming.find((f) => f.rule.id === "minerhunt.network.stratum")!;
  assert.equal(stratum.title, `Stratum (v1) mining traffic to 30 pool endpoints from ${host}`);
  assert.equal(stratum.evidenceCount, 90, "every session counted");
  assert.ok(stratum.evidence.length <= EVIDENCE_FIRST + 1);
  assert.deepEqual(stratum.observables.filter((o) => o.type === "port").map((o) => o.value), ["3333", "14444"]);
  assert.equal(stratum.observables.filter((o) => o.type === "ip").length, 15);
});

test("past the cap a finding lists the first endpoints in address order and counts them all, whatever order they came in", () => {
  // A detector that reports every flow as it comes: the engine alone aggregates.
  const echo: Detector = {
    id: "test.echo", title: "echo", routes: { datasets: ["zeek.conn"] },
    start: (ctx) => ({
      onEvent(e) {
        const endpoint = `${e["destination.ip"]}:${e["destination.port"]}`;
        ctx.emit({
          rule: { id: "test.echo", name: "echo", kind: "detector" }, title: `Flow to ${endpoint}`, trigger: "network", severity: "low",
          confidence: 0.15, firstSeen: String(e["@timestamp"]), lastSeen: String(e["@timestamp"]), entities: { ips: ["10.1.2.3"], pools: [endpoint] },
          observables: [{ type: "ip", value: String(e["destination.ip"]) }, { type: "port", value: String(e["destination.port"]) }],
          evidence: [{ file: "conn.log", line: Number(e["minerhunt.line"]) }], manyEndpoints: { title: "Flows to {n} endpoints" },
        });
      },
      finish() {},
    }),
  };
  // 250 endpoints (125 addresses x 2 ports), 300 flows: some endpoints seen twice.
  const events: Event[] = Array.from({ length: 300 }, (_, i) => {
    const k = (i * 7) % 250;
    return {
      "@timestamp": new Date(Date.parse("2026-11-20T03:00:00Z") + i * 1000).toISOString(), "event.dataset": "zeek.conn", "event.category": ["network"],
      "source.ip": "10.1.2.3", "destination.ip": `203.0.113.${k >> 1}`, "destination.port": k & 1 ? 14444 : 3333, "log.file.path": "conn.log", "minerhunt.line": i + 1,
    };
  });
  const run = (list: Event[]): Finding[] => {
    const engine = new DetectionEngine([echo], testIntel(), defaultConfig());
    for (const e of list) engine.onEvent(e);
    return engine.finish();
  };
  const shuffled = [...events].sort((a, b) => (Number(a["minerhunt.line"]) * 37) % 61 - (Number(b["minerhunt.line"]) * 37) % 61);
  const [f, ...rest] = run(events);
  assert.equal(rest.length, 0);
  assert.equal(f!.facts?.["pool.endpoints"], 250);
  assert.equal(f!.title, "Flows to 250 endpoints");
  assert.equal(f!.evidenceCount, 300);
  assert.equal(f!.entities.pools?.length, MAX_KEPT_POOL_ENDPOINTS);
  assert.deepEqual(f!.entities.pools?.slice(0, 4), ["203.0.113.0:3333", "203.0.113.0:14444", "203.0.113.1:3333", "203.0.113.1:14444"], "by address and port number, not as text");
  assert.equal(f!.entities.pools?.at(-1), `203.0.113.${MAX_KEPT_POOL_ENDPOINTS / 2 - 1}:14444`);
  assert.equal(f!.observables.filter((o) => o.type === "ip").length, MAX_KEPT_POOL_ENDPOINTS / 2, "the kept endpoints' addresses, each once");
  assert.equal(JSON.stringify(run(shuffled)), JSON.stringify([f]));
  assert.equal(JSON.stringify(run([...events].reverse())), JSON.stringify([f]));
});

test("a campaign of on-premise hosts takes the several-machines branch; a cloud and an on-premise incident sharing a public pool keep their environments", async () => {
  const hosts = ["10.20.0.11", "10.20.0.12", "10.20.0.13"];
  const dir = folder(Object.fromEntries(hosts.map((h, n) => [`${h}/dns.log`, [zeekDns(n, h), zeekDns(n + 10, h)]])));
  const { incidents, campaigns } = await runScan({ paths: [dir] });
  assert.equal(incidents.length, 3, "one incident per host: no host is merged into another");
  assert.equal(campaigns.length, 1);
  assert.equal(campaigns[0]!.scope.machines, 3);
  for (const inc of incidents) {
    assert.equal(inc.environment, "on-premise");
    assert.deepEqual(inc.decision?.path, ["Alert", "Env", "OnPrem", "Scope", "Multi", "IAM"]);
    assert.equal(inc.campaignId, campaigns[0]!.id);
  }

  // A GuardDuty Stratum finding for an instance and an on-premise host, one public pool, the same night.
  const gd = {
    schemaVersion: "2.0", accountId: "111122223333", region: "us-east-1", partition: "aws", id: "a1b2c3", arn: "arn:aws:guardduty:us-east-1:111122223333:detector/d1/finding/a1b2c3",
    type: "CryptoCurrency:EC2/BitcoinTool.B!DNS", resource: { resourceType: "Instance", instanceDetails: { instanceId: "i-0a1b2c3d4e5f60718", instanceType: "c5.4xlarge" } },
    service: { serviceName: "guardduty", detectorId: "d1", action: { actionType: "DNS_REQUEST", dnsRequestAction: { domain: "xmr-eu1.nanopool.org", protocol: "UDP", blocked: false } },
      eventFirstSeen: "2025-11-20T00:53:00.000Z", eventLastSeen: "2025-11-20T01:10:00.000Z", count: 12, additionalInfo: { value: "{}", type: "default" } },
    severity: 8, createdAt: "2025-11-20T01:00:00.000Z", updatedAt: "2025-11-20T01:10:00.000Z", title: "Bitcoin-related domain name queried by EC2 instance i-0a1b2c3d4e5f60718.",
    description: "EC2 instance i-0a1b2c3d4e5f60718 is querying a domain name that is associated with Bitcoin-related activity.",
  };
  const mixed = folder({ "onprem/dns.log": [zeekDns(0, "10.30.0.5")], "cloud/guardduty.json": [JSON.stringify(gd)] });
  const both = await runScan({ paths: [mixed] });
  assert.equal(both.incidents.length, 2, both.incidents.map((i) => i.title).join("; "));
  assert.deepEqual(both.incidents.map((i) => i.environment).sort(), ["cloud", "on-premise"]);
  const onprem = both.incidents.find((i) => i.environment === "on-premise")!;
  assert.deepEqual(onprem.decision?.path.slice(0, 3), ["Alert", "Env", "OnPrem"], "the server never lands on the cloud branch");
});

test("the stream ends where the batch does, and closes windows as event time passes", () => {
  const config = defaultConfig();
  const playbook = loadPlaybook("PB-31");
  const flow = (minute: number, host: string): Event => ({
    "@timestamp": new Date(Date.parse("2026-11-20T00:00:00Z") + minute * 60_000).toISOString(),
    "event.dataset": "zeek.dns", "event.category": ["network", "dns"], "source.ip": host, "destination.ip": "10.0.0.2",
    "dns.question.name": "xmr-eu1.nanopool.org", "dns.resolved_ip": [POOL_IP], "log.file.path": "dns.log", "minerhunt.line": minute + 1,
  });
  const events = [flow(0, "10.9.0.1"), flow(1, "10.9.0.1"), flow(200, "10.9.0.2"), flow(201, "10.9.0.2")];
  const stream = new StreamPipeline({ detectors: builtinDetectors, intel: testIntel(), config, playbook });
  stream.push(events[0]!);
  stream.push(events[1]!);
  assert.equal(stream.advance().length, 0, "an hour of lateness: the first host's window is still open");
  stream.push(events[2]!);
  const closed = stream.advance();
  assert.ok(closed.some((f) => f.entities.ips?.includes("10.9.0.1")), "event time moved past the first host's window: its finding is out");
  assert.equal(stream.snapshot().incidents.length, 1);
  stream.push(events[3]!);
  const streamed = stream.finish();

  const engine = new DetectionEngine(builtinDetectors, testIntel(), config);
  for (const e of events) engine.onEvent(e);
  const batch = assessFindings(engine.finish(), config, playbook);
  assert.deepEqual(streamed.incidents, batch.incidents);
  assert.deepEqual(streamed.campaigns, batch.campaigns);
});

test("a playbook that reads a tag no detector emits does not load, and says where", () => {
  const text = `schemaVersion: 1
id: PB-99
name: { th: "ทดสอบ", en: "Test" }
severity: high
analysis:
  - id: supply
    text: { th: "ห่วงโซ่", en: "Supply chain" }
    answeredBy:
      finding: { anyTag: [miner-in-image, compromised-dependency] }
`;
  assert.throws(() => parsePlaybook(text, "pb-99.yaml"), (err: unknown) => {
    assert.ok(err instanceof PlaybookError);
    assert.match(err.message, /pb-99\.yaml:9: .*tag that no detector emits/);
    return true;
  });
});
