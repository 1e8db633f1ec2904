import { test } from "node:test";
import assert from "node:assert/strict";
import type { Event } from "../../../model/index.js";
import type { Prefilter } from "../../types.js";
import { parseWith, sniffWith } from "../../../test-helpers/index.js";
import { zeekConnSource, zeekDnsSource, zeekHttpSource, zeekSslSource } from "./source.js";

/** The header Zeek's ASCII writer puts before every log (as in a default Zeek 6 install). */
function tsvHeader(path: string, fields: string, types: string): string {
  return [
    "#separator \\x09", "#set_separator\t,", "#empty_field\t(empty)", "#unset_field\t-",
    `#path\t${path}`, "#open\t2025-11-20-03-00-00", `#fields\t${fields}`, `#types\t${types}`,
  ].join("\n") + "\n";
}

const DNS_FIELDS = "ts\tuid\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p\tproto\ttrans_id\trtt\tquery\tqclass\tqclass_name\tqtype\tqtype_name\trcode\trcode_name\tAA\tTC\tRD\tRA\tZ\tanswers\tTTLs\trejected";
const DNS_TYPES = "time\tstring\taddr\tport\taddr\tport\tenum\tcount\tinterval\tstring\tcount\tstring\tcount\tstring\tcount\tstring\tbool\tbool\tbool\tbool\tcount\tvector[string]\tvector[interval]\tbool";
const CONN_FIELDS = "ts\tuid\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p\tproto\tservice\tduration\torig_bytes\tresp_bytes\tconn_state\tlocal_orig\tlocal_resp\tmissed_bytes\thistory\torig_pkts\torig_ip_bytes\tresp_pkts\tresp_ip_bytes\ttunnel_parents";
const CONN_TYPES = "time\tstring\taddr\tport\taddr\tport\tenum\tstring\tinterval\tcount\tcount\tstring\tbool\tbool\tcount\tstring\tcount\tcount\tcount\tcount\tset[string]";
const SSL_FIELDS = "ts\tuid\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p\tversion\tcipher\tcurve\tserver_name\tresumed\tlast_alert\tnext_protocol\testablished\tssl_history\tcert_chain_fps\tclient_cert_chain_fps\tsni_matches_cert";
const SSL_TYPES = "time\tstring\taddr\tport\taddr\tport\tstring\tstring\tstring\tstring\tbool\tstring\tstring\tbool\tstring\tvector[string]\tvector[string]\tbool";
const HTTP_FIELDS = "ts\tuid\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p\ttrans_depth\tmethod\thost\turi\treferrer\tversion\tuser_agent\torigin\trequest_body_len\tresponse_body_len\tstatus_code\tstatus_msg\tinfo_code\tinfo_msg\ttags\tusername\tpassword\tproxied\torig_fuids\torig_filenames\torig_mime_types\tresp_fuids\tresp_filenames\tresp_mime_types";
const HTTP_TYPES = "time\tstring\taddr\tport\taddr\tport\tcount\tstring\tstring\tstring\tstring\tstring\tstring\tstring\tcount\tcount\tcount\tstring\tcount\tstring\tset[enum]\tstring\tstring\tset[string]\tvector[string]\tvector[string]\tvector[string]\tvector[string]\tvector[string]\tvector[string]";

const dnsTsv = tsvHeader("dns", DNS_FIELDS, DNS_TYPES) + [
  "1763608447.123456\tCHhAvVGS1DHFjwGM9\t10.0.0.5\t53211\t10.0.0.2\t53\tudp\t40312\t0.012345\tXMR-EU1.Nanopool.org.\t1\tC_INTERNET\t1\tA\t0\tNOERROR\tF\tF\tT\tT\t0\txmr-eu1.nanopool.org.cdn.example.net,104.18.2.3,2606:4700::6812:203\t300.000000,300.000000,300.000000\tF",
  "1763608448.000001\tCwXk3p1Qz8aB2mNd7\t10.0.0.5\t36844\t10.0.0.2\t53\tudp\t8555\t-\twww.example.com\t1\tC_INTERNET\t28\tAAAA\t-\t-\tF\tF\tT\tF\t0\t-\t-\tF",
  "#close\t2025-11-20-04-00-00",
].join("\n") + "\n";

test("Zeek dns.log TSV: names normalised, answers split on the set separator, unset fields absent", async () => {
  const { events, issues } = await parseWith(zeekDnsSource, dnsTsv, "dns.log");
  assert.deepEqual(issues, []);
  assert.equal(events.length, 2);
  const [a, b] = events as [Event, Event];
  assert.deepEqual(a, {
    "log.file.path": "dns.log", "minerhunt.format": "zeek.dns", "event.dataset": "zeek.dns",
    "event.category": ["network", "dns"], "event.kind": "event", "minerhunt.line": 9,
    "@timestamp": "2025-11-20T03:14:07.123Z", "event.id": "CHhAvVGS1DHFjwGM9",
    "source.ip": "10.0.0.5", "source.port": 53211, "destination.ip": "10.0.0.2", "destination.port": 53,
    "network.transport": "udp", "dns.question.name": "xmr-eu1.nanopool.org", "dns.question.type": "A",
    "dns.question.class": "C_INTERNET", "dns.id": 40312, "dns.response_code": "NOERROR", "dns.type": "answer",
    "dns.answers.data": ["xmr-eu1.nanopool.org.cdn.example.net", "104.18.2.3", "2606:4700::6812:203"],
    "dns.resolved_ip": ["104.18.2.3", "2606:4700::6812:203"],
  });
  assert.equal(b["dns.type"], "query");
  assert.equal(b["dns.response_code"], undefined);
  assert.equal(b["dns.answers.data"], undefined);
  assert.equal(b["minerhunt.line"], 10);
});

test("Zeek conn, ssl and http TSV logs map to flow, TLS and HTTP fields", async () => {
  const conn = tsvHeader("conn", CONN_FIELDS, CONN_TYPES)
    + "1763608450.5\tC4J4Th3PJpwUYZZ6gc\t10.0.0.5\t49822\t185.71.66.20\t14444\ttcp\t-\t156.168930\t2103\t1230\tSF\tT\tF\t0\tShADadFf\t11\t2687\t10\t1750\t(empty)\n";
  const c = (await parseWith(zeekConnSource, conn, "conn.log")).events[0]!;
  assert.equal(c["event.dataset"], "zeek.conn");
  assert.deepEqual(c["event.category"], ["network"]);
  assert.equal(c["destination.port"], 14444);
  assert.equal(c["event.duration"], 156168930000);
  assert.equal(c["source.bytes"], 2687);
  assert.equal(c["destination.bytes"], 1750);
  assert.equal(c["source.packets"], 11);
  assert.equal(c["network.protocol"], undefined);
  assert.equal(c["minerhunt.zeek.conn_state"], "SF");

  const ssl = tsvHeader("ssl", SSL_FIELDS, SSL_TYPES)
    + "1763608451.25\tCsulWM1Px7fIyPpCVi\t10.0.0.5\t51544\t178.128.242.134\t443\tTLSv13\tTLS_AES_256_GCM_SHA384\tx25519\tdonate.ssl.xmrig.com\tF\t-\t-\tT\tCsiI\t(empty)\t(empty)\t-\n";
  const s = (await parseWith(zeekSslSource, ssl, "ssl.log")).events[0]!;
  assert.equal(s["tls.client.server_name"], "donate.ssl.xmrig.com");
  assert.equal(s["destination.domain"], "donate.ssl.xmrig.com");
  assert.equal(s["tls.version"], "1.3");
  assert.equal(s["tls.version_protocol"], "tls");
  assert.equal(s["tls.established"], true);

  const http = tsvHeader("http", HTTP_FIELDS, HTTP_TYPES)
    + "1763608452.0\tCtPZjS20MLrsMUOJi2\t10.0.0.5\t50123\t198.51.100.7\t8332\t1\tPOST\tpool.example.net:8332\t/?worker=1\t-\t1.1\tcgminer\\x093.7.2\t-\t44\t120\t200\tOK\t-\t-\t(empty)\t-\t-\t-\t-\t-\t-\tFg2pIs4KHk4TrFqXv1\t-\tapplication/json\n";
  const h = (await parseWith(zeekHttpSource, http, "http.log")).events[0]!;
  assert.equal(h["http.request.method"], "POST");
  assert.equal(h["url.domain"], "pool.example.net");
  assert.equal(h["url.port"], 8332);
  assert.equal(h["url.original"], "/?worker=1");
  assert.equal(h["url.path"], "/");
  assert.equal(h["url.query"], "worker=1");
  assert.equal(h["user_agent.original"], "cgminer\t3.7.2", "\\x09 escapes decode to the byte");
  assert.equal(h["http.response.status_code"], 200);
  assert.equal(h["http.request.body.bytes"], 44);
});

const dnsJson = '{"ts":1763608447.123456,"uid":"CHhAvVGS1DHFjwGM9","id.orig_h":"10.0.0.5","id.orig_p":53211,"id.resp_h":"10.0.0.2","id.resp_p":53,"proto":"udp","trans_id":40312,"rtt":0.012345,"query":"xmr-eu1.nanopool.org","qclass":1,"qclass_name":"C_INTERNET","qtype":1,"qtype_name":"A","rcode":0,"rcode_name":"NOERROR","AA":false,"TC":false,"RD":true,"RA":true,"Z":0,"answers":["104.18.2.3"],"TTLs":[300.0],"rejected":false}';
const connJson = '{"ts":"2025-11-20T03:14:10.500000Z","uid":"C4J4Th3PJpwUYZZ6gc","id.orig_h":"10.0.0.5","id.orig_p":49822,"id.resp_h":"185.71.66.20","id.resp_p":14444,"proto":"tcp","duration":156.16893,"orig_bytes":2103,"resp_bytes":1230,"conn_state":"SF","local_orig":true,"local_resp":false,"missed_bytes":0,"history":"ShADadFf","orig_pkts":11,"orig_ip_bytes":2687,"resp_pkts":10,"resp_ip_bytes":1750}';
const sslJson = '{"ts":1763608451.25,"uid":"CsulWM1Px7fIyPpCVi","id.orig_h":"10.0.0.5","id.orig_p":51544,"id.resp_h":"178.128.242.134","id.resp_p":443,"version":"TLSv12","cipher":"TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256","curve":"secp256r1","server_name":"donate.ssl.xmrig.com","resumed":false,"established":true,"ssl_history":"CsxknGIi"}';
const httpJson = '{"ts":1763608452.0,"uid":"CtPZjS20MLrsMUOJi2","id.orig_h":"10.0.0.5","id.orig_p":50123,"id.resp_h":"198.51.100.7","id.resp_p":8332,"trans_depth":1,"method":"POST","host":"pool.example.net","uri":"/","version":"1.1","user_agent":"cgminer 3.7.2","request_body_len":44,"response_body_len":120,"status_code":200,"status_msg":"OK","tags":[]}';

test("Zeek JSON: each line's log comes from its keys; epoch and ISO ts both read", async () => {
  const mixed = [dnsJson, connJson, sslJson, httpJson].join("\n") + "\n";
  const { events, issues } = await parseWith(zeekDnsSource, mixed, "zeek.json");
  assert.deepEqual(issues, []);
  assert.deepEqual(events.map((e) => e["event.dataset"]), ["zeek.dns", "zeek.conn", "zeek.ssl", "zeek.http"]);
  assert.deepEqual(events.map((e) => e["minerhunt.line"]), [1, 2, 3, 4]);
  assert.equal(events[1]!["@timestamp"], "2025-11-20T03:14:10.500Z");
  assert.equal(events[2]!["tls.version"], "1.2");
  assert.equal(events[3]!["user_agent.original"], "cgminer 3.7.2");
});

test("json-streaming-logs `_path` decides the log; logs minerhunt does not read are reported once", async () => {
  const files = '{"_path":"files","_write_ts":"2025-11-20T03:14:11.000000Z","ts":1763608451.0,"fuid":"FMnxxt3xjVcWNS2141","uid":"C1","id.orig_h":"10.0.0.5","source":"HTTP"}';
  const input = ['{"_path":"dns","_write_ts":"2025-11-20T03:14:07.200000Z",' + dnsJson.slice(1), files, files].join("\n");
  const { events, issues } = await parseWith(zeekDnsSource, input, "all.json");
  assert.equal(events.length, 1);
  assert.equal(events[0]!["event.dataset"], "zeek.dns");
  assert.equal(issues.length, 1);
  assert.match(issues[0]!.message, /Zeek "files" records are not read/);
  assert.equal(issues[0]!.line, 2);
});

test("malformed lines become issues with their line numbers and the scan goes on", async () => {
  const tsv = dnsTsv.replace("#close", "1763608449.0\tCbad\t10.0.0.5\tnot-a-port\t10.0.0.2\t53\tudp\t1\t-\tx.example\t1\tC_INTERNET\t1\tA\t0\tNOERROR\tF\tF\tT\tT\t0\t-\t-\tF\n1763608449.5\ttoo\tfew\tcolumns\n#close");
  const r1 = await parseWith(zeekDnsSource, tsv, "dns.log");
  assert.equal(r1.events.length, 2);
  assert.deepEqual(r1.issues.map((i) => i.line), [11, 12]);
  assert.match(r1.issues[0]!.message, /column id\.orig_p: expected a number \(port\), got "not-a-port"/);
  assert.match(r1.issues[1]!.message, /4 columns but #fields names 24/);

  const json = [dnsJson, '{"ts":1763608447.2,"uid":"C2","query":"cut.example', '["an","array"]', '{"event_type":"dns","timestamp":"x"}', dnsJson].join("\n");
  const r2 = await parseWith(zeekDnsSource, json, "dns.json");
  assert.equal(r2.events.length, 2);
  assert.deepEqual(r2.issues.map((i) => i.line), [2, 3, 4]);
  assert.match(r2.issues[0]!.message, /not valid JSON/);
  assert.match(r2.issues[2]!.message, /without Zeek's ts/);

  const r3 = await parseWith(zeekDnsSource, "1763608447.1\tC1\t10.0.0.5\n", "headless.log");
  assert.match(r3.issues[0]!.message, /before any #fields header/);
});

test("a second header after data (concatenated logs) switches the layout", async () => {
  const conn = tsvHeader("conn", CONN_FIELDS, CONN_TYPES)
    + "1763608450.5\tC4J4Th3PJpwUYZZ6gc\t10.0.0.5\t49822\t185.71.66.20\t14444\ttcp\t-\t1.0\t1\t1\tSF\tT\tF\t0\tShADadFf\t1\t41\t1\t41\t(empty)\n";
  const { events, issues } = await parseWith(zeekConnSource, dnsTsv + conn, "both.log");
  assert.deepEqual(issues, []);
  assert.deepEqual(events.map((e) => e["event.dataset"]), ["zeek.dns", "zeek.dns", "zeek.conn"]);
});

test("sniffing: each Zeek source claims its own log, TSV or JSON, and nothing else", async () => {
  assert.ok(await sniffWith(zeekDnsSource, dnsTsv) >= 0.9);
  assert.equal(await sniffWith(zeekConnSource, dnsTsv), 0);
  assert.ok(await sniffWith(zeekConnSource, connJson + "\n" + connJson + "\n") >= 0.9);
  assert.equal(await sniffWith(zeekDnsSource, connJson + "\n"), 0);
  const mixed = [dnsJson, dnsJson, connJson].join("\n");
  assert.ok(await sniffWith(zeekDnsSource, mixed) > await sniffWith(zeekConnSource, mixed), "the majority log wins");
  const suricata = '{"timestamp":"2025-11-20T03:14:07.123456+0000","flow_id":1,"event_type":"dns","src_ip":"10.0.0.5","src_port":53211,"dest_ip":"10.0.0.2","dest_port":53,"proto":"UDP","dns":{"type":"query","id":1,"rrname":"a.example","rrtype":"A","tx_id":0}}';
  const ecs = '{"@timestamp":"2025-11-20T03:14:07.123Z","event":{"dataset":"zeek.dns"},"dns":{"question":{"name":"a.example"}},"source":{"ip":"10.0.0.5"}}';
  for (const s of [zeekDnsSource, zeekConnSource, zeekSslSource, zeekHttpSource]) {
    assert.equal(await sniffWith(s, suricata + "\n"), 0, s.id);
    assert.equal(await sniffWith(s, ecs + "\n"), 0, s.id);
    assert.equal(await sniffWith(s, "USER PID %CPU %MEM VSZ RSS TTY STAT START TIME COMMAND\n"), 0, s.id);
  }
});

/** A prefilter that keeps pool names and the pool's address/port, counting how often it is asked. */
function poolPrefilter(): Prefilter & { asked: number } {
  const pf = {
    asked: 0,
    domain(name: string) { pf.asked++; return name.endsWith("nanopool.org") || name === "xmrig.com" || name.endsWith(".xmrig.com"); },
    ip(address: string) { return address === "185.71.66.20"; },
    port(port: number) { return port === 3333 || port === 14444; },
    text(raw: string) { return /xmrig|cgminer/i.test(raw); },
  };
  return pf;
}

function dnsLine(i: number, query: string): string {
  return dnsJson.replace('"query":"xmr-eu1.nanopool.org"', `"query":${JSON.stringify(query)}`).replace('"trans_id":40312', `"trans_id":${i}`);
}

test("fast path: DNS JSON records a prefilter rejects are counted as skipped; kept ones parse exactly as without it", async () => {
  const queries: string[] = [];
  for (let i = 0; i < 300; i++) {
    queries.push(i % 50 === 0 ? `xmr-eu${i}.nanopool.org` : i % 77 === 0 ? `Donate.V2.XMRig.com.` : `host${i}.example.com`);
  }
  queries.push("esc\\aped.nanopool.org", "esc\\aped.example.com"); // escapes: the parser decides
  const lines = queries.map((q, i) => dnsLine(i, q));
  // A record whose key "original_query" must not be taken for "query", and a broken line the fast
  // path skips without parsing (so it raises no issue), while without a prefilter it is an issue.
  lines.push(dnsJson.replace('"query":"xmr-eu1.nanopool.org"', '"original_query":"XMR-EU1.nanopool.org","query":"xmr-eu1.nanopool.org"'));
  lines.push('{"ts":1,"uid":"Cbroken","query":"skipme.example.com","qtype_name":"A", BROKEN');
  const text = lines.join("\n") + "\n";

  const pf = poolPrefilter();
  const fast = await parseWith(zeekDnsSource, text, "dns.json", pf);
  const slow = await parseWith(zeekDnsSource, text, "dns.json");
  const keep = (e: Event) => pf.domain(String(e["dns.question.name"]));
  const expected = slow.events.filter(keep);
  assert.ok(expected.length >= 10);
  assert.deepEqual(fast.events, expected);
  assert.equal(fast.skipped, lines.length - expected.length);
  assert.equal(fast.events.filter((e) => e["dns.question.name"] === "donate.v2.xmrig.com").length, 3); // i = 77, 154, 231
  assert.ok(fast.events.some((e) => e["dns.question.name"] === "esc\\aped.nanopool.org"));
  assert.deepEqual(fast.issues, []);
  assert.equal(slow.issues.length, 1);
  assert.equal(slow.skipped, 0);
});

test("fast path: Zeek DNS TSV and conn JSON/TSV are judged on raw columns and bytes", async () => {
  const pf = poolPrefilter();
  const tsvFast = await parseWith(zeekDnsSource, dnsTsv, "dns.log", pf);
  assert.deepEqual(tsvFast.events, (await parseWith(zeekDnsSource, dnsTsv, "dns.log")).events.slice(0, 1));
  assert.equal(tsvFast.skipped, 1);

  const other = connJson.replace('"id.resp_h":"185.71.66.20","id.resp_p":14444', '"id.resp_h":"93.184.216.34","id.resp_p":443');
  const byPort = connJson.replace('"id.resp_h":"185.71.66.20"', '"id.resp_h":"203.0.113.9"');
  const text = [connJson, other, byPort, other].join("\n");
  const fast = await parseWith(zeekConnSource, text, "conn.json", pf);
  assert.deepEqual(fast.events, (await parseWith(zeekConnSource, text, "conn.json")).events.filter((e) => e["destination.ip"] !== "93.184.216.34"));
  assert.equal(fast.skipped, 2);

  const connTsv = tsvHeader("conn", CONN_FIELDS, CONN_TYPES)
    + "1763608450.5\tC1\t10.0.0.5\t49822\t185.71.66.20\t14444\ttcp\t-\t1.0\t1\t1\tSF\tT\tF\t0\tShADadFf\t1\t41\t1\t41\t(empty)\n"
    + "1763608451.5\tC2\t10.0.0.5\t49823\t93.184.216.34\t443\ttcp\tssl\t1.0\t1\t1\tSF\tT\tF\t0\tShADadFf\t1\t41\t1\t41\t(empty)\n";
  const t = await parseWith(zeekConnSource, connTsv, "conn.log", pf);
  assert.deepEqual(t.events.map((e) => e["event.id"]), ["C1"]);
  assert.equal(t.skipped, 1);
});

test("with a prefilter, SSL and HTTP records are kept when their SNI, host, address or user agent could matter", async () => {
  const pf = poolPrefilter();
  const boring = sslJson.replace("donate.ssl.xmrig.com", "www.example.com");
  const r = await parseWith(zeekSslSource, [sslJson, boring, httpJson].join("\n"), "x.json", pf);
  assert.deepEqual(r.events.map((e) => e["event.dataset"]), ["zeek.ssl", "zeek.http"]);
  assert.equal(r.skipped, 1);
});
