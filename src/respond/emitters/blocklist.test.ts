/**
 * Building the blocklist from an incident (attacker-side only) and from the intel, and the billing-credit
 * case draft in both languages with hostile incident text escaped.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { loadIntel } from "../../intel/index.js";
import { hostileFinding, incidentFrom, realisticFindings } from "../../report/test-helpers/incident.js";
import type { PriceTable } from "../types.js";
import { blocklistFromIncident, blocklistFromIntel, cleanBlocklist, emitSupportCase, splitHostPort } from "./index.js";

const intel = loadIntel({ importDirs: [] });

test("an incident's blocklist holds its pools, their addresses and ports, and dropper hosts; never the victims", () => {
  const findings = realisticFindings();
  const incident = incidentFrom(findings);
  const { list, dropped } = blocklistFromIncident(incident, findings, { intel });
  const clean = cleanBlocklist(list);
  // pool.supportxmr.com is seen; supportxmr.com is the pool's listed domain (its other hosts too).
  for (const d of ["pool.supportxmr.com", "supportxmr.com", "xmr-eu1.nanopool.org", "nanopool.org"]) assert.ok(clean.domains.includes(d), d);
  const v4 = clean.v4.map((i) => i.cidr);
  assert.ok(v4.includes("203.0.113.77"), "the pool address of the connection");
  assert.ok(v4.includes("198.51.100.23"), "the host the cron job downloads from");
  assert.ok(!v4.includes("10.20.0.15"), "the victim's own address is never blocked");
  assert.ok(!v4.includes("203.0.113.50"), "the API caller's address in a CloudTrail finding is not a pool");
  assert.deepEqual(clean.ports, [{ port: 3333, protocol: "tcp" }]);
  assert.equal(list.refs.incidentId, incident.id);
  assert.equal(list.refs.findingIds.length, findings.length);
  assert.deepEqual(dropped, []);
});

test("allowlisted look-alikes and private pool addresses are dropped with a reason", () => {
  const findings = realisticFindings();
  const incident = incidentFrom(findings, { entities: { pools: ["pool.ntp.org", "10.0.0.8:3333", "[2001:db8::7]:4444", "evil\"pool.example:5555"] } });
  const { list, dropped } = blocklistFromIncident(incident, [], { intel });
  assert.deepEqual(dropped.map((d) => d.value), ["pool.ntp.org"]);
  const clean = cleanBlocklist(list);
  assert.deepEqual(clean.v6.map((i) => i.cidr), ["2001:db8::7"]);
  assert.deepEqual(clean.v4, []);
  assert.deepEqual(clean.dropped.map((d) => d.kind).sort(), ["domain", "ip"]);
  assert.deepEqual(clean.ports.map((p) => p.port), [3333, 4444, 5555]);
});

test("a pool on a service port (443) or an unusual port is blocked by address and name, never by port", () => {
  const findings = realisticFindings();
  const incident = incidentFrom(findings, { entities: { pools: ["pool.supportxmr.com:443", "203.0.113.80:7019", "203.0.113.81:3333"] } });
  const { list, dropped } = blocklistFromIncident(incident, [], { intel });
  assert.deepEqual(dropped.map((d) => [d.value, d.reason.startsWith("not a known mining port")]), [["7019", true]]);
  const clean = cleanBlocklist(list);
  assert.deepEqual(clean.ports.map((p) => p.port), [3333]);
  assert.ok(clean.dropped.some((d) => d.value === "443"));
  assert.deepEqual(clean.v4.map((i) => i.cidr), ["203.0.113.80", "203.0.113.81"]);
  assert.ok(clean.domains.includes("pool.supportxmr.com"));
});

test("splitHostPort reads names, IPv4 and bracketed IPv6 with ports", () => {
  assert.deepEqual(splitHostPort("pool.example:3333"), { host: "pool.example", port: "3333" });
  assert.deepEqual(splitHostPort("203.0.113.7:14444"), { host: "203.0.113.7", port: "14444" });
  assert.deepEqual(splitHostPort("[2001:db8::1]:3333"), { host: "2001:db8::1", port: "3333" });
  assert.deepEqual(splitHostPort("2001:db8::1"), { host: "2001:db8::1" });
  assert.deepEqual(splitHostPort("pool.example"), { host: "pool.example" });
});

test("--from-intel: the curated pools and donation hosts, PB-31's ports, no allowlisted name", () => {
  const clean = cleanBlocklist(blocklistFromIntel(intel));
  for (const d of ["supportxmr.com", "nanopool.org", "donate.v2.xmrig.com", "c3pool.com"]) assert.ok(clean.domains.includes(d), d);
  for (const d of ["pool.ntp.org", "github.com", "xmrig.com"]) assert.ok(!clean.domains.includes(d), d);
  assert.deepEqual(clean.ports.map((p) => p.port), [3333, 4444, 5555, 8333, 14444]);
  assert.equal(clean.refs.source, "intel");
});

const PRICES: PriceTable = {
  instanceUsdPerHour: (provider, type, region) => (provider === "aws" && type === "p3.16xlarge" && region === "us-east-1" ? 24.48 : undefined),
};

test("support case draft: English and Thai, billing and burn in USD, evidence cited, hostile text escaped", () => {
  const findings = [...realisticFindings(), hostileFinding()];
  const incident = incidentFrom(findings);
  const en = emitSupportCase({ incident, findings, lang: "en", prices: PRICES, actions: [{ at: "2026-11-20T07:00:00Z", what: "Stopped i-0a1b2c3d4e5f60718 <b>", status: "verified" }] });
  const th = emitSupportCase({ incident, findings, lang: "th", prices: PRICES });
  assert.match(en, /^# Request for a billing adjustment/);
  assert.match(th, /^# คำขอปรับปรุงค่าบริการ/);
  for (const text of [en, th]) {
    assert.ok(text.includes("$18,342.55"), "billing impact from the evidence");
    // 4 × p3.16xlarge at $24.48/h.
    assert.ok(text.includes("$97.92"), "burn per hour from the price table");
    assert.ok(text.includes("<code>123456789012</code>"), "account");
    assert.ok(text.includes("cloudtrail/2026-11-20.json:212"), "evidence cited by file and line");
    assert.ok(!text.includes("<img"), "hostile HTML is escaped");
    assert.ok(!text.includes("[link](http://evil.example)"), "hostile Markdown link is escaped");
    assert.ok(text.includes("&lt;img src=x onerror=alert(1)&gt;"));
  }
  assert.ok(en.includes("Stopped i-0a1b2c3d4e5f60718 &lt;b&gt; (verified)"));
  assert.ok(th.includes("ระบุขั้นตอนการควบคุม"), "no actions given: the draft asks for them");
  // No price known: said so, no number made up.
  const unpriced = emitSupportCase({ incident, findings, lang: "en" });
  assert.ok(unpriced.includes("No price known for p3.16xlarge"));
  assert.ok(!unpriced.includes("per hour ("));
});
