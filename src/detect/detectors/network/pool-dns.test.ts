import { test } from "node:test";
import assert from "node:assert/strict";
import type { Event, Finding } from "../../../model/index.js";
import { WEAK_CONFIDENCE, makeFinding } from "../../../model/index.js";
import { defaultConfig } from "../../config.js";
import { runDetector, testIntel } from "../../../test-helpers/index.js";
import { createPoolDnsDetector, poolDnsDetector } from "./pool-dns.js";

/** A Zeek dns.log record as the zeek.dns source writes it (docs/events.md, DNS). */
function dns(line: number, client: string, name: string, answers: string[] = [], ts = "2026-11-20T03:14:07.000Z"): Event {
  const e: Event = {
    "@timestamp": ts, "event.dataset": "zeek.dns", "event.category": ["network", "dns"], "event.kind": "event",
    "log.file.path": "/cases/zeek/dns.log", "minerhunt.line": line, "source.ip": client, "source.port": 53211,
    "destination.ip": "10.0.0.2", "destination.port": 53, "network.transport": "udp", "dns.question.name": name, "dns.question.type": "A",
    "dns.response_code": "NOERROR",
  };
  if (answers.length) e["dns.resolved_ip"] = answers;
  return e;
}

test("a pool lookup repeated: one finding per (client, name) with counts, first/last seen and the answers", () => {
  const events = [
    dns(10, "10.0.0.5", "xmr-eu1.nanopool.org", ["185.71.66.20"], "2026-11-20T03:14:07.000Z"),
    dns(11, "10.0.0.5", "XMR-EU1.NANOPOOL.ORG.", ["185.71.66.20"], "2026-11-20T04:00:00.000Z"),
    dns(9, "10.0.0.5", "xmr-eu1.nanopool.org", ["185.71.66.20"], "2026-11-20T02:00:00.000Z"),
    dns(12, "10.0.0.6", "xmr-eu1.nanopool.org", ["185.71.66.20"]),
  ];
  const findings = runDetector(poolDnsDetector, events);
  assert.equal(findings.length, 2);
  const f = findings.find((x) => x.entities.ips?.includes("10.0.0.5"))!;
  assert.equal(f.confidence, 0.85);
  assert.equal(f.evidenceCount, 3);
  assert.equal(f.facts?.["dns.count"], 3);
  assert.equal(f.facts?.["pool.label"], "Nanopool");
  assert.equal(f.firstSeen, "2026-11-20T02:00:00.000Z");
  assert.equal(f.lastSeen, "2026-11-20T04:00:00.000Z");
  assert.deepEqual(f.entities.pools, ["xmr-eu1.nanopool.org"]);
  assert.deepEqual(f.observables.filter((o) => o.type !== "domain"), [{ type: "ip", value: "185.71.66.20" }]);
  // The sample is ordered by time: line 9 (02:00) is the earliest lookup.
  assert.deepEqual([f.evidence[0]?.file, f.evidence[0]?.line], ["/cases/zeek/dns.log", 9]);
  assert.equal(f.trigger, "network");
});

test("donation hosts are high; TLS SNI and HTTP hosts count too", () => {
  const tls: Event = {
    "@timestamp": "2026-11-20T03:15:00Z", "event.dataset": "zeek.ssl", "event.category": ["network"], "log.file.path": "/cases/zeek/ssl.log", "minerhunt.line": 4,
    "source.ip": "10.0.0.7", "destination.ip": "51.15.55.162", "destination.port": 443, "tls.client.server_name": "donate.ssl.xmrig.com",
  };
  const http: Event = {
    "@timestamp": "2026-11-20T03:16:00Z", "event.dataset": "zeek.http", "event.category": ["network"], "log.file.path": "/cases/zeek/http.log", "minerhunt.line": 8,
    "source.ip": "10.0.0.8", "destination.ip": "104.21.1.1", "destination.port": 80, "url.domain": "coinhive.com", "url.original": "/lib/coinhive.min.js",
    "http.request.method": "GET", "user_agent.original": "Mozilla/5.0 (Windows NT 10.0; Win64; x64)",
  };
  const findings = runDetector(poolDnsDetector, [tls, http]);
  const donation = findings.find((f) => f.facts?.["domain.list"] === "donation")!;
  assert.equal(donation.confidence, 0.9);
  assert.equal(donation.facts?.["tls.count"], 1);
  const browser = findings.find((f) => f.facts?.["domain.list"] === "browser-miners")!;
  assert.equal(browser.confidence, 0.6);
  assert.ok(browser.observables.some((o) => o.type === "user-agent"));
});

test("traps: pool.ntp.org and its kin, ordinary names, 2-label hint look-alikes, site-allowed names, provider alerts", () => {
  const events = [
    dns(1, "10.0.0.5", "pool.ntp.org"), dns(2, "10.0.0.5", "0.debian.pool.ntp.org"), dns(3, "10.0.0.5", "2.pool.ntp.org"),
    dns(4, "10.0.0.5", "www.example.com"), dns(5, "10.0.0.5", "mining.com"), dns(6, "10.0.0.5", "pool.com"),
    dns(7, "10.0.0.5", "archive.ubuntu.com"), dns(8, "10.0.0.5", "getmonero.org"), dns(9, "10.0.0.5", "1.0.0.127.in-addr.arpa"),
    { ...dns(10, "10.0.0.5", "xmr.pool.minergate.com"), "event.kind": "alert", "event.dataset": "aws.guardduty" },
  ];
  assert.deepEqual(runDetector(poolDnsDetector, events).map((f) => f.title), []);
  const sanctioned = [dns(1, "10.0.0.5", "pool.corp-mining.example"), dns(2, "10.0.0.5", "xmr-us.nanopool.org")];
  assert.equal(runDetector(poolDnsDetector, sanctioned, { config: { allowlist: { domains: ["corp-mining.example", "nanopool.org"], ips: [], processes: [], hosts: [], images: [] } } }).length, 0);
});

test("PB-31 label hints are weak: pool.* and xmr.* subdomains that no list knows", () => {
  const findings = runDetector(poolDnsDetector, [dns(1, "10.0.0.5", "pool.unknown-coin.example"), dns(2, "10.0.0.5", "xmr.some-host.example")]);
  assert.equal(findings.length, 2);
  for (const f of findings) {
    assert.equal(f.confidence, 0.2);
    assert.ok(f.confidence < WEAK_CONFIDENCE);
  }
});

test("routing: process and metric events are not routed here", () => {
  const proc: Event = { ...dns(1, "10.0.0.5", "xmr-eu1.nanopool.org"), "event.category": ["process"] };
  assert.equal(runDetector(poolDnsDetector, [proc]).length, 0);
});

function runTimed(maxMatched: number, maxHinted: number, events: Iterable<Event>): { early: Finding[]; late: Finding[] } {
  const early: Finding[] = [];
  const late: Finding[] = [];
  let finished = false;
  const run = createPoolDnsDetector({ maxMatched, maxHinted }).start({ intel: testIntel(), config: defaultConfig(), emit: (d) => (finished ? late : early).push(makeFinding(d)) });
  for (const e of events) run.onEvent(e);
  finished = true;
  run.finish();
  return { early, late };
}

test("bounded: 20,000 distinct names (40 times the cap) cost a capped map, whatever they are", () => {
  function* distinct(make: (i: number) => string): Generator<Event> {
    for (let i = 0; i < 20_000; i++) yield dns(i + 1, "10.0.0.5", make(i));
  }
  // Pool subdomains: each is a real match; beyond the cap the oldest is reported early, so nothing is lost.
  const pools = runTimed(500, 500, distinct((i) => `w${i}.nanopool.org`));
  assert.equal(pools.early.length, 19_500);
  assert.equal(pools.late.length, 500);
  // Hint-only names: beyond the cap new ones are dropped and counted, never a flood of weak findings.
  const hints = runTimed(500, 500, distinct((i) => `pool.h${i}.example`));
  assert.equal(hints.early.length, 0);
  assert.equal(hints.late.length, 500);
  assert.equal(hints.late[0]!.facts?.["hints.dropped"], 19_500);
  // Ordinary names are never held at all.
  const plain = runTimed(500, 500, distinct((i) => `host${i}.example.com`));
  assert.equal(plain.early.length + plain.late.length, 0);
});

test("a DNS answer in a capture belongs to the client that asked, never to the resolver", () => {
  // As the pcap source writes them: the query client → resolver, the answer resolver → client (both private).
  const packet = (n: number, src: string, srcPort: number, dst: string, dstPort: number, type: "query" | "answer"): Event => ({
    "@timestamp": `2026-11-20T03:14:0${n}.000Z`, "event.dataset": "pcap.dns", "event.category": ["network", "dns"],
    "source.ip": src, "source.port": srcPort, "destination.ip": dst, "destination.port": dstPort, "dns.type": type,
    "dns.question.name": "xmr-eu1.nanopool.org", ...(type === "answer" ? { "dns.resolved_ip": ["51.15.65.182"] } : {}),
    "log.file.path": "capture.pcapng", "minerhunt.packet": n,
  });
  const findings = runDetector(poolDnsDetector, [
    packet(1, "192.168.1.50", 51515, "192.168.1.1", 53, "query"),
    packet(2, "192.168.1.1", 53, "192.168.1.50", 51515, "answer"),
  ]);
  const ips = new Set(findings.flatMap((f) => f.entities.ips ?? []));
  assert.deepEqual([...ips], ["192.168.1.50"], "the resolver 192.168.1.1 is never a suspect");
});
