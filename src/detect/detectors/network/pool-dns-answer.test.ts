import { test } from "node:test";
import assert from "node:assert/strict";
import type { Event } from "../../../model/index.js";
import { loadIntel } from "../../../intel/index.js";
import { buildPrefilter } from "../../prefilter.js";
import { runDetector, parseWith, testIntel } from "../../../test-helpers/index.js";
import { zeekDnsSource } from "../../../sources/network/index.js";
import { poolDnsDetector } from "./pool-dns.js";

/** Curated intel plus one imported IP list (as `minerhunt intel import` leaves it). */
const withIps = loadIntel({ importDirs: [], extraLists: [{
  name: "team-ips", source: "team.txt", importedAt: "2026-11-26T00:00:00Z", confidence: 0.6,
  domains: [], ips: [{ address: "203.0.113.50", ports: [3333] }],
}] });

function dns(query: string, answers: string[], line = 1): Event {
  return {
    "@timestamp": "2026-11-20T03:14:07.000Z", "event.dataset": "zeek.dns", "event.category": ["network", "dns"],
    "log.file.path": "dns.log", "minerhunt.line": line, "source.ip": "10.20.1.15", "destination.ip": "10.20.0.2",
    "dns.question.name": query, "dns.resolved_ip": answers,
  };
}

test("a name no list knows that resolves to a listed mining IP is a pool lookup (capped confidence)", () => {
  const [f, ...rest] = runDetector(poolDnsDetector, [dns("cdn-update.example.net", ["198.51.100.1", "203.0.113.50"])], { intel: withIps });
  assert.equal(rest.length, 0);
  assert.match(f!.title, /cdn-update\.example\.net resolves to known mining IP 203\.0\.113\.50/);
  assert.equal(f!.confidence, 0.6);
  assert.equal(f!.facts?.["dns.answer_listed"], "203.0.113.50");
  assert.ok(f!.entities.pools?.includes("cdn-update.example.net"));
  // Without the list the same lookup is nothing.
  assert.deepEqual(runDetector(poolDnsDetector, [dns("cdn-update.example.net", ["203.0.113.50"])], { intel: testIntel() }), []);
});

test("with IP intel loaded the Zeek fast path keeps DNS records for their answers; without it they are skipped", async () => {
  const header = [
    "#separator \\x09", "#set_separator\t,", "#empty_field\t(empty)", "#unset_field\t-", "#path\tdns",
    "#fields\tts\tuid\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p\tproto\ttrans_id\trtt\tquery\tqclass\tqclass_name\tqtype\tqtype_name\trcode\trcode_name\tAA\tTC\tRD\tRA\tZ\tanswers\tTTLs\trejected",
    "#types\ttime\tstring\taddr\tport\taddr\tport\tenum\tcount\tinterval\tstring\tcount\tstring\tcount\tstring\tcount\tstring\tbool\tbool\tbool\tbool\tcount\tvector[string]\tvector[interval]\tbool",
  ];
  const row = (q: string, a: string) => `1795038072.000000\tCx1\t10.20.1.15\t50001\t10.20.0.2\t53\tudp\t1\t0.001\t${q}\t1\tC_INTERNET\t1\tA\t0\tNOERROR\tF\tF\tT\tT\t0\t${a}\t300.0\tF`;
  const text = [...header, row("cdn-update.example.net", "203.0.113.50"), row("www.example.com", "93.184.216.34")].join("\n") + "\n";
  const kept = await parseWith(zeekDnsSource, text, "dns.log", buildPrefilter(withIps));
  assert.deepEqual(kept.events.map((e) => e["dns.question.name"]), ["cdn-update.example.net"]);
  assert.equal(kept.skipped, 1);
  const plain = await parseWith(zeekDnsSource, text, "dns.log", buildPrefilter(testIntel()));
  assert.deepEqual(plain.events, []);
  assert.equal(plain.skipped, 2);
});

test("Zeek DNS JSON: the answers are read from the raw line, so only records with a listed answer are parsed", async () => {
  const rec = (q: string, answers: string) => `{"ts":1795038072.0,"uid":"Cx1","id.orig_h":"10.20.1.15","id.orig_p":50001,"id.resp_h":"10.20.0.2","id.resp_p":53,"proto":"udp","trans_id":1,"query":"${q}","qclass":1,"qclass_name":"C_INTERNET","qtype":1,"qtype_name":"A","rcode":0,"rcode_name":"NOERROR","AA":false,"TC":false,"RD":true,"RA":true,"Z":0,"answers":${answers},"TTLs":[300.0],"rejected":false}`;
  const text = [
    rec("cdn-update.example.net", '["edge.cdn.example.net","203.0.113.50"]'),
    rec("www.example.com", '["93.184.216.34","2606:2800:220:1::"]'),
    rec("static.example.org", "[]"),
  ].join("\n") + "\n";
  const kept = await parseWith(zeekDnsSource, text, "dns.json", buildPrefilter(withIps));
  assert.deepEqual(kept.events.map((e) => e["dns.question.name"]), ["cdn-update.example.net"]);
  assert.equal(kept.skipped, 2);
  const plain = await parseWith(zeekDnsSource, text, "dns.json", buildPrefilter(testIntel()));
  assert.deepEqual(plain.events, []);
});
