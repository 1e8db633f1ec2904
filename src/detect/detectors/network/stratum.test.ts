import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import type { Event } from "../../../model/index.js";
import { WEAK_CONFIDENCE } from "../../../model/index.js";
import { runDetector, sharedFixture } from "../../../test-helpers/index.js";
import { jsonRpcMethods, stratumDetector, userAgentProduct } from "./stratum.js";

const XMR = "44AFFtB4nLqvK7GBTt8m5QgiL1DPzWHrNL2ZK1Ze3vH6o2E5xSbXdyw7Zq3p4nkrQGdEcXr6cJbGDzBUx5oG4tFvH9MW3XE";

/** One pcap.stratum event: a TCP stream carrying mining JSON-RPC (docs/events.md, Stratum). */
function stream(packet: number, src: string, dst: string, fields: Record<string, string | number | string[]>, file = "/cases/capture.pcapng"): Event {
  const [sip, sport] = src.split(":");
  const [dip, dport] = dst.split(":");
  return {
    "@timestamp": "2018-03-02T10:11:12.000Z", "event.dataset": "pcap.stratum", "event.category": ["network"], "event.kind": "event",
    "log.file.path": file, "minerhunt.packet": packet, "source.ip": sip!, "source.port": Number(sport), "destination.ip": dip!,
    "destination.port": Number(dport), "network.transport": "tcp", ...fields,
  };
}

test("the nesfit captures' streams (shared fixture, tshark's own reading): every Stratum stream is reported, TLS and LAN noise is not", (t) => {
  const files = ["cgminer.s0", "xmr-eu1.nanopool.org", "zec-eu1.nanopool.org"].map((n) => sharedFixture(t, `pcap/nesfit-${n}.tshark-streams.tsv`));
  if (files.some((f) => f === undefined)) return;
  const events: Event[] = [];
  const notMining: string[] = [];
  for (const file of files as string[]) {
    for (const row of readFileSync(file, "latin1").split("\n")) {
      if (row.startsWith("#") || row.trim() === "") continue;
      const [, frame, sender, receiver, payload = ""] = row.split("\t");
      const methods = jsonRpcMethods(payload);
      // What a pcap source emits as pcap.stratum: the streams whose payload carries mining JSON-RPC.
      if (methods.length === 0) { notMining.push(`${sender}->${receiver}`); continue; }
      events.push(stream(Number(frame), sender!, receiver!, { "minerhunt.stratum.methods": methods, "minerhunt.stratum.messages": methods.length }, file));
    }
  }
  assert.ok(notMining.some((s) => s.includes("162.125.18.133:443")), "the Dropbox TLS stream has no JSON-RPC methods");
  const findings = runDetector(stratumDetector, events);
  // One finding per machine and dialect: every stream is counted in it, each endpoint listed.
  assert.equal(findings.length, 3, findings.map((f) => f.title).join("; "));
  assert.equal(findings.reduce((n, f) => n + f.evidenceCount, 0), events.length);
  const endpoints = new Set(events.map((e) => `${e["destination.ip"]}:${e["destination.port"]}`));
  assert.equal(findings.reduce((n, f) => n + (f.entities.pools?.length ?? 0), 0), endpoints.size, "every endpoint listed once");
  for (const f of findings) assert.ok(f.confidence >= WEAK_CONFIDENCE, f.title);
  const zec = findings.find((f) => f.entities.pools?.includes("185.71.66.20:6666"))!;
  assert.equal(zec.confidence, 0.95);
  assert.equal(zec.facts?.["stratum.dialect"], "v1");
  assert.deepEqual(zec.entities.ips, ["147.229.13.222"]);
  assert.equal(zec.title, "Stratum (v1) mining traffic to 185.71.66.20:6666 from 147.229.13.222");
  const xmr = findings.find((f) => f.entities.pools?.includes("185.71.66.20:14444"))!;
  assert.equal(xmr.facts?.["stratum.methods"], "login");
  assert.notEqual(xmr, zec, "another dialect is another finding");
  const cgminer = findings.find((f) => f.entities.ips?.includes("192.168.1.100"))!;
  assert.equal(cgminer.entities.pools?.filter((p) => p.endsWith(":25")).length, 14, "cgminer mining on the SMTP port");
  assert.equal(cgminer.facts?.["pool.endpoints"], cgminer.entities.pools?.length);
  assert.equal(cgminer.title, `Stratum (v1) mining traffic to ${cgminer.entities.pools?.length} pool endpoints from 192.168.1.100`);
  assert.equal(typeof cgminer.evidence[0]?.packet, "number");
});

test("a CryptoNote stream with login, agent and wallet is 0.95 with the wallet and agent as observables", () => {
  const [f] = runDetector(stratumDetector, [stream(5, "147.229.13.222:55758", "185.71.66.20:14444", {
    "minerhunt.stratum.methods": ["login", "job", "submit"], "minerhunt.stratum.dialect": "cryptonote",
    "minerhunt.stratum.login": XMR, "minerhunt.stratum.agent": "XMRig/6.21.0 (Linux x86_64) libuv/1.44.2 gcc/11.4.0", "minerhunt.stratum.messages": 14,
  })]);
  assert.ok(f);
  assert.equal(f.confidence, 0.95);
  assert.equal(f.facts?.["stratum.dialect"], "cryptonote");
  assert.equal(f.facts?.["stratum.messages"], 14);
  assert.ok(f.observables.some((o) => o.type === "wallet" && o.value === XMR));
  assert.ok(f.observables.some((o) => o.type === "user-agent" && o.value.startsWith("XMRig/6.21.0")));
  assert.ok(f.observables.some((o) => o.type === "ip" && o.value === "185.71.66.20"));
  assert.deepEqual([f.evidence[0]?.file, f.evidence[0]?.packet], ["/cases/capture.pcapng", 5]);
  // "login" alone, no agent, no wallet: any JSON-RPC API may say it.
  const [weak] = runDetector(stratumDetector, [stream(9, "10.0.0.5:41000", "203.0.113.8:8080", { "minerhunt.stratum.methods": ["login"], "minerhunt.stratum.login": "bob" })]);
  assert.equal(weak?.confidence, 0.7);
});

/** A Zeek http.log / pcap.http record (docs/events.md, TLS, HTTP). */
function http(line: number, fields: Record<string, string | number | string[]>): Event {
  return {
    "@timestamp": "2014-02-01T10:00:00Z", "event.dataset": "pcap.http", "event.category": ["network"], "log.file.path": "/cases/http.pcap",
    "minerhunt.line": line, "source.ip": "192.168.1.100", "source.port": 50100, "destination.ip": "107.191.99.227", "destination.port": 8332,
    "http.request.method": "POST", "url.original": "/", ...fields,
  };
}

test("mining over HTTP: getwork bodies, X-Mining-Extensions, miner user agents", () => {
  const both = runDetector(stratumDetector, [http(1, {
    "http.request.body.content": '{"method": "getwork", "params": [], "id": 0}', "user_agent.original": "cgminer 3.7.2",
    "minerhunt.http.headers": ["X-Mining-Extensions: longpoll midstate rollntime submitold"],
  })]);
  assert.equal(both[0]?.confidence, 0.9);
  assert.equal(both[0]?.facts?.["stratum.dialect"], "getwork");
  const header = runDetector(stratumDetector, [http(2, { "minerhunt.http.headers": ["Host: pool.example:8332", "x-stratum: stratum+tcp://pool.example:3333"] })]);
  assert.equal(header[0]?.confidence, 0.8);
  const ua = runDetector(stratumDetector, [{ ...http(3, { "user_agent.original": "XMRig/6.26.0 (Windows NT 10.0; Win64; x64) libuv/1.48.0 msvc/2022" }), "event.dataset": "zeek.http" }]);
  assert.equal(ua[0]?.confidence, 0.8);
});

test("HTTP traps: API logins, browsers, a URL naming a miner", () => {
  const events = [
    http(1, { "http.request.body.content": '{"jsonrpc":"2.0","method":"login","params":{"user":"bob","pass":"x"},"id":1}' }),
    http(2, { "user_agent.original": "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36" }),
    http(3, { "url.original": "/xmrig/xmrig/releases/download/v6.21.0/xmrig-6.21.0-linux-x64.tar.gz", "http.request.method": "GET", "user_agent.original": "curl/8.5.0" }),
    http(4, { "user_agent.original": "MinerBot/1.0", "minerhunt.http.headers": ["X-Forwarded-For: 1.2.3.4"] }),
  ];
  assert.deepEqual(runDetector(stratumDetector, events).map((f) => f.title), []);
});

/** A Suricata EVE alert (docs/events.md: rule.name = signature, rule.category = alert.category). */
function alert(line: number, signature: string, category: string, src = "10.0.0.5", dst = "51.15.69.136"): Event {
  return {
    "@timestamp": "2026-11-20T03:14:07.000Z", "event.dataset": "suricata.alert", "event.category": ["network", "intrusion_detection"], "event.kind": "alert",
    "log.file.path": "/var/log/suricata/eve.json", "minerhunt.line": line, "source.ip": src, "source.port": 41234, "destination.ip": dst, "destination.port": 3333,
    "rule.name": signature, "rule.id": "2024792", "rule.category": category,
  };
}

test("Suricata coin-mining alerts: by classtype description or COINMINER signature; the pool side is read from either direction", () => {
  const findings = runDetector(stratumDetector, [
    alert(1, "ET POLICY Cryptocurrency Miner Checkin", "Crypto Currency Mining Activity Detected"),
    alert(2, "ET COINMINER CoinMiner Known Malicious Stratum Authline (2018-01-16 1)", "A Network Trojan was detected", "10.0.0.6"),
    alert(3, "ET POLICY Stratum mining.notify Response", "Crypto Currency Mining Activity Detected", "51.15.69.136", "10.0.0.7"),
    alert(4, "ET POLICY curl User-Agent Outbound", "Attempted Information Leak"),
  ]);
  assert.equal(findings.length, 3);
  for (const f of findings) assert.equal(f.confidence, 0.8);
  const reversed = findings.find((f) => f.entities.ips?.includes("10.0.0.7"))!;
  assert.ok(reversed, "a pool → miner alert names the local machine");
  assert.deepEqual(reversed.entities.pools, ["51.15.69.136:41234"]);
});

test("routing: flows and DNS are not this detector's", () => {
  const conn = { ...stream(1, "10.0.0.5:1", "185.71.66.20:14444", { "minerhunt.stratum.methods": ["mining.subscribe"] }), "event.dataset": "zeek.conn" };
  assert.equal(runDetector(stratumDetector, [conn]).length, 0);
});

test("helpers: JSON-RPC method scan and user-agent product, bounded on hostile text", () => {
  assert.deepEqual(jsonRpcMethods('{"id": 1, "method": "mining.subscribe"}\n{"id":2,"method" : "mining.authorize"}'), ["mining.subscribe", "mining.authorize"]);
  assert.deepEqual(jsonRpcMethods('{"method": 5} {"method":"x'), []);
  assert.equal(jsonRpcMethods(`${'"method":"a",'.repeat(100_000)}`).length, 1);
  assert.equal(userAgentProduct("cgminer 3.7.2"), "cgminer");
  assert.equal(userAgentProduct("XMRig/6.21.0 (Linux)"), "XMRig");
});

test("ET Open's coin-mining rules count by their message alone (ET POLICY classes); browser mining is its own kind", () => {
  // ET POLICY rules carry a policy class, not the coin-mining one: their message says what they are about.
  const policy = runDetector(stratumDetector, [alert(1, "ET POLICY Crypto Coin Miner Login", "Potential Corporate Privacy Violation")]);
  assert.equal(policy.length, 1);
  assert.ok(policy[0]!.confidence >= WEAK_CONFIDENCE);
  assert.match(policy[0]!.title, /IDS coin-mining alert/);
  assert.match(String(policy[0]!.facts?.["alert.signature"]), /Crypto Coin Miner Login/);

  const browser = runDetector(stratumDetector, [alert(2, "ET POLICY Coinhive In-Browser Miner Detected", "Potential Corporate Privacy Violation", "10.0.0.7", "104.20.84.105")]);
  assert.equal(browser.length, 1);
  assert.match(browser[0]!.title, /Browser mining script/);
  assert.match(browser[0]!.description ?? "", /browser/);
  assert.equal(browser[0]!.facts?.["stratum.kind"], "browser");

  // A policy alert about something else is not about mining.
  assert.deepEqual(runDetector(stratumDetector, [alert(3, "ET POLICY Dropbox.com Offsite File Backup in Use", "Potential Corporate Privacy Violation")]), []);
});
