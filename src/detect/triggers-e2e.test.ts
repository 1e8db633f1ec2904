/**
 * Every PB-31 trigger decides on real data (issue 8, items 1-3): files in the products' own formats (a metrics
 * CSV, Cost Explorer GetCostAndUsage JSON, Zeek conn.log TSV, VPC Flow Logs default format, Route 53 Resolver
 * query logs) go through the whole scan (sources, engine, correlation, PB-31), each positive beside its trap.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runScan } from "../pipeline/run.js";
import type { Finding, Incident } from "../model/index.js";
import { pcapFile, tcpConversation, udpFrame } from "../sources/network/test-helpers/packets.js";

function folder(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), "mh-triggers-"));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

const iso = (ms: number): string => new Date(ms).toISOString().replace(".000Z", "Z");
const T0 = Date.parse("2026-11-18T20:00:00Z");

function metricsCsv(rows: [minute: number, host: string, cpu: number | "", gpu: number | ""][]): string {
  return ["timestamp,host,cpu_percent,gpu_util_percent", ...rows.map(([m, h, c, g]) => `${iso(T0 + m * 60_000)},${h},${c},${g}`)].join("\n") + "\n";
}

const pools = (inc: Incident): string[] => [...(inc.entities.pools ?? [])].sort();
const findingsOf = (inc: Incident, all: readonly Finding[]): Finding[] => all.filter((f) => inc.findingIds.includes(f.id));

test("host triggers: sustained CPU and unexpected GPU open incidents; a 12-minute batch spike and a declared GPU host do not", async () => {
  const rows: [number, string, number | "", number | ""][] = [];
  for (let m = 0; m <= 180; m += 5) {
    rows.push([m, "web-01", m >= 60 && m <= 150 ? 97 : 12, ""]); // 90 minutes over 80 %
    rows.push([m, "batch-02", m >= 100 && m <= 112 ? 99 : 9, ""]); // a 12-minute batch job
    rows.push([m, "kiosk-07", 20, m >= 30 && m <= 120 ? 94 : 1]); // GPU busy for 90 minutes, no GPU workload
    rows.push([m, "render-01", 40, m >= 30 && m <= 120 ? 99 : 2]); // a declared GPU host doing its job
  }
  const dir = folder({
    "host-metrics-5min.csv": metricsCsv(rows),
    "minerhunt.yaml": "gpu:\n  expectedHosts: [\"render-*\"]\n",
  });
  const { incidents, findings } = await runScan({ paths: [join(dir, "host-metrics-5min.csv")], configPath: join(dir, "minerhunt.yaml") });
  const hosts = incidents.map((i) => i.entities.hosts?.join(",")).sort();
  assert.deepEqual(hosts, ["kiosk-07", "web-01"], incidents.map((i) => i.title).join("\n"));
  const web = incidents.find((i) => i.entities.hosts?.includes("web-01"))!;
  assert.equal(findingsOf(web, findings)[0]?.rule.id, "minerhunt.host.high-cpu");
  assert.equal(findingsOf(web, findings)[0]?.facts?.["cpu.minutes"], 90);
  // The checklist says what would confirm it: the miner binary and the pool are still open items.
  const open = web.checklist.filter((c) => c.phase === "analysis" && !c.done).map((c) => c.id);
  assert.ok(open.includes("analysis.binary-hash") && open.includes("analysis.pool"), open.join(","));
  assert.equal(findings.filter((f) => f.entities.hosts?.includes("batch-02")).length, 0, "a 12-minute spike is nothing");
  assert.equal(findings.filter((f) => f.entities.hosts?.includes("render-01")).length, 0, "a declared GPU host is silent");
});

function costExplorer(days: { day: string; account: string; service: string; usd: number }[]): string {
  const byDay = new Map<string, typeof days>();
  for (const d of days) byDay.set(d.day, [...(byDay.get(d.day) ?? []), d]);
  const next = (day: string) => new Date(Date.parse(`${day}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
  return JSON.stringify({
    GroupDefinitions: [{ Type: "DIMENSION", Key: "LINKED_ACCOUNT" }, { Type: "DIMENSION", Key: "SERVICE" }],
    ResultsByTime: [...byDay].map(([day, list]) => ({
      TimePeriod: { Start: day, End: next(day) }, Total: {},
      Groups: list.map((d) => ({ Keys: [d.account, d.service], Metrics: { UnblendedCost: { Amount: d.usd.toFixed(4), Unit: "USD" } } })),
      Estimated: false,
    })),
    DimensionValueAttributes: [],
  }, null, 2);
}

test("billing: an EC2 cost jump of many times opens an incident that escalates to Finance; a recurring month-end rise produces nothing", async () => {
  const EC2 = "Amazon Elastic Compute Cloud - Compute";
  const rows: { day: string; account: string; service: string; usd: number }[] = [];
  for (let n = 0; n < 92; n++) {
    const day = new Date(Date.parse("2026-09-01T00:00:00Z") + n * 86_400_000).toISOString().slice(0, 10);
    const dom = Number(day.slice(8, 10));
    const dim = new Date(Date.UTC(Number(day.slice(0, 4)), Number(day.slice(5, 7)), 0)).getUTCDate();
    // Account A: ~$40/day, then from 2026-11-20 a miner fleet at ~$1,400/day.
    rows.push({ day, account: "111122223333", service: EC2, usd: day >= "2026-11-20" ? 1400 + (n % 3) * 10 : 40 + (n % 5) });
    // Account B: ~$60/day and a month-end close at ~$700/day on the last three days of every month.
    rows.push({ day, account: "444455556666", service: EC2, usd: dim - dom < 3 ? 700 + (n % 4) * 5 : 60 + (n % 3) });
  }
  const dir = folder({ "cost-explorer-daily.json": costExplorer(rows) });
  const { incidents, findings } = await runScan({ paths: [dir] });
  assert.equal(incidents.length, 1, incidents.map((i) => i.title).join("\n"));
  const inc = incidents[0]!;
  assert.deepEqual(inc.entities.accounts, ["111122223333"]);
  assert.equal(findingsOf(inc, findings)[0]?.facts?.["billing.onset"], "2026-11-20");
  assert.ok((inc.billingUsd ?? 0) > 1000);
  assert.ok(inc.escalations.some((e) => e.id === "billing-over-threshold" && /Finance/.test(e.target.en)), JSON.stringify(inc.escalations));
  assert.equal(findings.filter((f) => f.entities.accounts?.includes("444455556666")).length, 0, "the month-end close is the account's rhythm");
});

const ZEEK_HEADER = [
  "#separator \\x09", "#set_separator\t,", "#empty_field\t(empty)", "#unset_field\t-", "#path\tconn", "#open\t2026-11-18-20-00-00",
  "#fields\tts\tuid\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p\tproto\tservice\tduration\torig_bytes\tresp_bytes\tconn_state\tlocal_orig\tlocal_resp\tmissed_bytes\thistory\torig_pkts\torig_ip_bytes\tresp_pkts\tresp_ip_bytes\ttunnel_parents",
  "#types\ttime\tstring\taddr\tport\taddr\tport\tenum\tstring\tinterval\tcount\tcount\tstring\tbool\tbool\tcount\tstring\tcount\tcount\tcount\tcount\tset[string]",
];

function connLine(n: number, startMin: number, src: string, sport: number, dst: string, dport: number, service: string, seconds: number, outB: number, inB: number, outP: number, inP: number): string {
  const ts = ((T0 + startMin * 60_000) / 1000).toFixed(6);
  return [ts, `C${String(n).padStart(6, "0")}kQ3nYwe`, src, sport, dst, dport, "tcp", service, seconds.toFixed(6), outB, inB, "SF", "T", "F", 0, "ShADadFf",
    outP, outB + outP * 40, inP, inB + inP * 40, "(empty)"].join("\t");
}

test("flow shape: hour-long quiet sessions with failover open one on-premise single-host incident naming both pool endpoints; 5555 inside, SMTP and a Bitcoin node do not join", async () => {
  const server = "10.20.5.10";
  const lines: string[] = [];
  let n = 0;
  // Three hour-long sessions to 203.0.113.50:3333 (reconnects), then failover to 198.51.100.77:14444.
  for (let s = 0; s < 3; s++) lines.push(connLine(++n, s * 62, server, 40100 + s, "203.0.113.50", 3333, "-", 3600, 61_000, 152_000, 720, 810));
  for (let s = 0; s < 2; s++) lines.push(connLine(++n, 190 + s * 62, server, 40200 + s, "198.51.100.77", 14444, "-", 3600, 59_000, 149_000, 700, 790));
  // Traps on the same server: an internal service on 5555, mail on 25, and a Bitcoin full node on 8333.
  lines.push(connLine(++n, 5, server, 40300, "10.20.5.20", 5555, "-", 7200, 40_000, 90_000, 500, 600));
  lines.push(connLine(++n, 30, server, 40301, "192.0.2.25", 25, "smtp", 2400, 3_000, 1_200, 30, 25));
  for (let p = 0; p < 12; p++) {
    lines.push(connLine(++n, 10 + p, `198.18.${p}.9`, 50000 + p, server, 8333, "-", 5400, 2_000_000, 9_000_000, 3000, 8000)); // peers connecting in
    lines.push(connLine(++n, 12 + p, server, 40400 + p, `198.19.${p}.7`, 8333, "-", 5400, 8_000_000, 3_000_000, 7000, 4000));
  }
  const dir = folder({ "conn.log": [...ZEEK_HEADER, ...lines.sort(), "#close\t2026-11-19-02-00-00"].join("\n") + "\n" });
  const { incidents, findings } = await runScan({ paths: [dir] });
  assert.equal(incidents.length, 1, incidents.map((i) => i.title).join("\n"));
  const inc = incidents[0]!;
  assert.equal(inc.environment, "on-premise");
  assert.equal(inc.scope.hosts, 1);
  assert.equal(inc.decision?.outcome, "single");
  assert.deepEqual(pools(inc), ["198.51.100.77:14444", "203.0.113.50:3333"]);
  const texts = findingsOf(inc, findings).map((f) => `${f.title} ${JSON.stringify(f.facts)}`).join("\n");
  assert.doesNotMatch(texts, /5555|:25\b|8333/, "no trap joined the incident");
  const node = findings.find((f) => f.facts?.["node.port"] === 8333);
  assert.ok(node?.tags?.includes("policy"), "the Bitcoin node is a policy observation outside the incident");
  // Both pool-shaped endpoints of the server are one finding (model/pool-endpoints.ts) that says so.
  const shaped = findingsOf(inc, findings).filter((f) => f.tags?.includes("flow-shape"));
  assert.equal(shaped.length, 1, shaped.map((f) => f.title).join("; "));
  const first = shaped[0]!;
  assert.deepEqual(first.entities.pools, ["198.51.100.77:14444", "203.0.113.50:3333"]);
  assert.equal(first.facts?.["pool.endpoints"], 2);
  assert.equal(first.title, "Pool-shaped sessions to 2 miner-port endpoints from 10.20.5.10");
  assert.match(first.description ?? "", /the strongest: port 3333 .*fails over to 198\.51\.100\.77:14444/);
  assert.ok(first.confidence >= 0.5, `${first.confidence}`);
});

/** VPC Flow Logs, default format (version 2). */
function vpcLine(srcaddr: string, dstaddr: string, sport: number, dport: number, packets: number, bytes: number, startMin: number, endMin: number): string {
  const t = (m: number) => Math.floor((T0 + m * 60_000) / 1000);
  return `2 111122223333 eni-0a1b2c3d4e5f60718 ${srcaddr} ${dstaddr} ${sport} ${dport} 6 ${packets} ${bytes} ${t(startMin)} ${t(endMin)} ACCEPT OK`;
}

test("VPC Flow Logs + the Resolver lookup of a pool name: a cloud single-instance P1 incident naming instance, domain, address and port, in any file order", async () => {
  const instance = "i-0d15cd0d3a9e8f7b6";
  const flows = ["version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status"];
  for (let w = 0; w < 9; w++) {
    flows.push(vpcLine("10.0.1.57", "51.15.69.136", 48812, 3333, 38, 5200, 10 + w * 10, 20 + w * 10));
    flows.push(vpcLine("51.15.69.136", "10.0.1.57", 3333, 48812, 41, 11800, 10 + w * 10, 20 + w * 10));
  }
  const resolver = {
    version: "1.100000", account_id: "111122223333", region: "us-east-1", vpc_id: "vpc-0f1e2d3c4b5a69788",
    query_timestamp: iso(T0 + 9 * 60_000), query_name: "pool.supportxmr.com.", query_type: "A", query_class: "IN", rcode: "NOERROR",
    answers: [{ Rdata: "51.15.69.136", Type: "A", Class: "IN" }], srcaddr: "10.0.1.57", srcport: "41822", transport: "UDP",
    srcids: { instance },
  };
  // The flow log's name sorts before the DNS log's: flows are read first.
  const dir = folder({
    "111122223333_vpcflowlogs_us-east-1_fl-0a1b2c3d_20261118T2000Z_1a2b3c4d.log": flows.join("\n") + "\n",
    "zz-resolver-query-log.json": JSON.stringify(resolver) + "\n",
  });
  const { incidents, findings } = await runScan({ paths: [dir] });
  assert.equal(incidents.length, 1, incidents.map((i) => i.title).join("\n"));
  const inc = incidents[0]!;
  assert.equal(inc.environment, "cloud");
  assert.deepEqual(inc.entities.instances, [instance]);
  assert.equal(inc.scope.instances, 1);
  assert.equal(inc.priority, "P1");
  assert.equal(inc.decision?.outcome, "single");
  const flow = findingsOf(inc, findings).find((f) => f.rule.id === "minerhunt.network.pool-connection")!;
  assert.equal(flow.facts?.["pool.domain"], "pool.supportxmr.com");
  assert.equal(flow.facts?.["destination.ip"], "51.15.69.136");
  assert.equal(flow.facts?.["destination.port"], 3333);
  assert.equal(flow.facts?.["dns.same_client"], true);
  assert.deepEqual(flow.entities.instances, [instance]);
  assert.match(flow.title, new RegExp(`51\\.15\\.69\\.136:3333 \\(pool\\.supportxmr\\.com\\) from ${instance}`));
});

/** A DNS message (RFC 1035): header, one A question, raw answer records. */
function dnsMessage(id: number, flags: number, name: string, answers: Buffer[] = []): Buffer {
  const h = Buffer.alloc(12);
  h.writeUInt16BE(id, 0);
  h.writeUInt16BE(flags, 2);
  h.writeUInt16BE(1, 4);
  h.writeUInt16BE(answers.length, 6);
  const q = Buffer.concat([...name.split(".").map((l) => Buffer.concat([Buffer.of(l.length), Buffer.from(l)])), Buffer.of(0, 0, 1, 0, 1)]);
  return Buffer.concat([h, q, ...answers]);
}

test("a capture: the pool lookup's answer labels the client's session to that address; the resolver is never a suspect", async () => {
  const answer = Buffer.from([0xc0, 12, 0, 1, 0, 1, 0, 0, 1, 44, 0, 4, 185, 71, 66, 20]); // A 185.71.66.20, TTL 300
  const t0 = 1_795_046_400;
  const frames = [
    { frame: udpFrame({ src: "192.168.1.50", dst: "192.168.1.1", sport: 41000, dport: 53, payload: dnsMessage(0x2a, 0x0100, "xmr-eu1.nanopool.org") }), time: t0 },
    { frame: udpFrame({ src: "192.168.1.1", dst: "192.168.1.50", sport: 53, dport: 41000, payload: dnsMessage(0x2a, 0x8180, "xmr-eu1.nanopool.org", [answer]) }), time: t0 + 0.02 },
    // An opaque session on a port no list knows: only the answer names the far end.
    ...tcpConversation({ ip: "192.168.1.50", port: 51000 }, { ip: "185.71.66.20", port: 10300 }, [
      { from: "client", data: Buffer.alloc(90, 0x17) }, { from: "server", data: Buffer.alloc(300, 0x17) },
    ], t0 + 1),
  ];
  const dir = folder({});
  writeFileSync(join(dir, "capture.pcap"), pcapFile(frames));
  const { incidents, findings } = await runScan({ paths: [dir] });
  assert.equal(incidents.length, 1, incidents.map((i) => i.title).join("\n"));
  assert.deepEqual(incidents[0]!.entities.ips, ["192.168.1.50"]);
  assert.ok(findings.every((f) => !f.entities.ips?.includes("192.168.1.1")), findings.map((f) => `${f.title} ${f.entities.ips}`).join("\n"));
  const flow = findings.find((f) => f.rule.id === "minerhunt.network.pool-connection");
  assert.equal(flow?.facts?.["pool.domain"], "xmr-eu1.nanopool.org");
  assert.equal(flow?.facts?.["destination.port"], 10300);
  assert.equal(flow?.facts?.["dns.same_client"], true);
});

test("Suricata: a dns answer (from the resolver's side) labels a later flow of the client that asked, on a port no list knows", async () => {
  const records = [
    {
      timestamp: "2026-11-20T03:14:06.000120+0000", flow_id: 911, in_iface: "eth0", event_type: "dns", src_ip: "10.20.1.9", src_port: 53,
      dest_ip: "10.20.1.31", dest_port: 41555, proto: "UDP", pkt_src: "wire/pcap",
      dns: { version: 2, type: "answer", id: 4242, flags: "8180", qr: true, rd: true, ra: true, rrname: "gulf.moneroocean.stream", rrtype: "A", rcode: "NOERROR",
        answers: [{ rrname: "gulf.moneroocean.stream", rrtype: "A", ttl: 60, rdata: "18.210.126.40" }] },
    },
    {
      timestamp: "2026-11-20T04:20:00.000120+0000", flow_id: 912, in_iface: "eth0", event_type: "flow", src_ip: "10.20.1.31", src_port: 50990,
      dest_ip: "18.210.126.40", dest_port: 10128, proto: "TCP", app_proto: "failed",
      flow: { pkts_toserver: 410, pkts_toclient: 380, bytes_toserver: 61_000, bytes_toclient: 98_000, start: "2026-11-20T03:14:07.100000+0000",
        end: "2026-11-20T04:19:58.900000+0000", age: 3951, state: "closed", reason: "timeout", alerted: false },
    },
  ];
  const dir = folder({ "eve.json": records.map((r) => JSON.stringify(r)).join("\n") + "\n" });
  const { incidents, findings } = await runScan({ paths: [dir] });
  const flow = findings.find((f) => f.rule.id === "minerhunt.network.pool-connection");
  assert.ok(flow, findings.map((f) => f.title).join("\n"));
  assert.equal(flow.facts?.["dns.same_client"], true);
  assert.equal(flow.facts?.["pool.domain"], "gulf.moneroocean.stream");
  assert.equal(incidents.length, 1);
  assert.deepEqual(incidents[0]!.entities.ips, ["10.20.1.31"], "the client, not the resolver 10.20.1.9");
});
