import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { gzipSync } from "node:zlib";
import type { Prefilter } from "../../types.js";
import { parseWith, sharedFixture, sniffWith } from "../../../test-helpers/index.js";
import { suricataEveSource } from "./source.js";

// Records in the shapes Suricata writes (see suricata.test.ts); an export holds them as one array.
const dnsQuery = { timestamp: "2025-11-20T10:14:07.123456+0700", flow_id: 1846387218447025, in_iface: "eth0", event_type: "dns",
  src_ip: "10.0.0.5", src_port: 53211, dest_ip: "10.0.0.2", dest_port: 53, proto: "UDP",
  dns: { type: "query", id: 40312, rrname: "XMR-EU1.nanopool.org", rrtype: "A", tx_id: 0 } };
const flow = { timestamp: "2025-11-20T03:16:40.000123+0000", flow_id: 1846387218447099, event_type: "flow", src_ip: "10.0.0.5",
  src_port: 49822, dest_ip: "185.71.66.20", dest_port: 14444, proto: "TCP",
  flow: { pkts_toserver: 11, pkts_toclient: 10, bytes_toserver: 2687, bytes_toclient: 1750, start: "2025-11-20T03:14:04.331000+0000",
    end: "2025-11-20T03:16:40.500000+0000", age: 156, state: "closed", reason: "timeout", alerted: true } };
const benignDns = { ...dnsQuery, flow_id: 7, dns: { type: "query", id: 1, rrname: "www.example.org", rrtype: "A", tx_id: 0 } };
const stats = { timestamp: "2025-11-20T03:20:00.000001+0000", event_type: "stats", stats: { uptime: 3600 } };

test("a pretty-printed EVE array is sniffed and each element keeps the line it starts on", async (t) => {
  const text = JSON.stringify([dnsQuery, stats, flow], null, 2);
  assert.ok(await sniffWith(suricataEveSource, text, "alerts-export.json") >= 0.9);
  const { events, issues } = await parseWith(suricataEveSource, text, "alerts-export.json");
  assert.deepEqual(issues, []);
  assert.equal(events.length, 2, "stats is valid EVE but not read");
  const lines = text.split("\n");
  const dns = events[0]!;
  assert.equal(dns["event.dataset"], "suricata.dns");
  assert.equal(dns["dns.question.name"], "xmr-eu1.nanopool.org");
  assert.equal(dns["@timestamp"], "2025-11-20T03:14:07.123Z");
  assert.equal(lines[(dns["minerhunt.line"] as number) - 1]!.trim(), "{", "the line of the element's opening brace");
  assert.equal(dns["minerhunt.line"], 2);
  const fl = events[1]!;
  assert.equal(fl["event.dataset"], "suricata.flow");
  assert.equal(fl["destination.port"], 14444);
  const statsAt = lines.findIndex((l) => l.includes('"event_type": "stats"'));
  const flowStart = lines.findIndex((l, i) => i > statsAt && l === "  {") + 1;
  assert.equal(fl["minerhunt.line"], flowStart, "the line of the third element's opening brace");
  t.diagnostic(`flow element at line ${flowStart}`);
});

test("a compact array (one element per line), gzipped, reads like eve.json", async () => {
  const text = `[${[dnsQuery, flow].map((r) => JSON.stringify(r)).join(",\n")}]\n`;
  const { events, issues } = await parseWith(suricataEveSource, gzipSync(text), "eve-array.json.gz");
  assert.deepEqual(issues, []);
  assert.deepEqual(events.map((e) => e["minerhunt.line"]), [1, 2]);
});

test("a broken element is reported with its line and the others are still read", async () => {
  const text = `[\n${JSON.stringify(dnsQuery)},\n{"event_type": "flow", "src_ip": oops},\n${JSON.stringify(flow)},\n{"no_type": 1}\n]\n`;
  const { events, issues } = await parseWith(suricataEveSource, text, "broken.json");
  assert.equal(events.length, 2);
  assert.deepEqual(issues.map((i) => i.line), [3, 5]);
  assert.match(issues[0]!.message, /\[1\]: invalid JSON/);
  assert.match(issues[1]!.message, /not a Suricata EVE record/);
});

test("the prefilter judges array elements as it judges lines", async () => {
  const text = JSON.stringify([dnsQuery, benignDns, flow], null, 1);
  const pf: Prefilter = {
    domain: (n) => n.endsWith("nanopool.org"),
    ip: () => false,
    port: (p) => p === 14444,
    text: () => true,
  };
  const { events, skipped } = await parseWith(suricataEveSource, text, "eve-array.json", pf);
  assert.deepEqual(events.map((e) => e["dns.question.name"] ?? e["destination.port"]), ["xmr-eu1.nanopool.org", 14444]);
  assert.equal(skipped, 1);
});

test("the real pretty-printed EVE alert (QNSM doc), alone and as an array of two", async (t) => {
  const file = sharedFixture(t, "suricata-eve/qnsm-eve-alert-et-policy-cryptocurrency-miner-checkin.pretty.json");
  if (!file) return;
  const pretty = readFileSync(file, "utf8");
  assert.ok(await sniffWith(suricataEveSource, pretty, "alert.json") >= 0.9, "one pretty-printed record is sniffed");
  const alone = await parseWith(suricataEveSource, pretty, "alert.json");
  assert.deepEqual(alone.issues, []);
  assert.equal(alone.events.length, 1);
  assert.equal(alone.events[0]!["rule.id"], "2024792");
  assert.equal(alone.events[0]!["minerhunt.line"], 1);

  const array = `[\n${pretty.trim()},\n${pretty.trim()}\n]\n`;
  const both = await parseWith(suricataEveSource, array, "alerts.json");
  assert.deepEqual(both.issues, []);
  assert.equal(both.events.length, 2);
  const secondLine = pretty.trim().split("\n").length + 2;
  assert.deepEqual(both.events.map((e) => e["minerhunt.line"]), [2, secondLine]);
  assert.equal(both.events[1]!["rule.name"], "ET POLICY Cryptocurrency Miner Checkin");
  assert.equal(both.events[1]!["destination.ip"], "78.46.222.60");
});

test("an array of something else is not claimed", async () => {
  assert.equal(await sniffWith(suricataEveSource, JSON.stringify([{ eventName: "RunInstances" }]), "x.json"), 0);
});
