import { test } from "node:test";
import assert from "node:assert/strict";
import type { Event } from "../../../model/index.js";
import type { Prefilter } from "../../types.js";
import { parseWith, sniffWith } from "../../../test-helpers/index.js";
import { suricataEveSource } from "./source.js";

// EVE lines in the layout Suricata writes them (compact JSON, one per line).
const dnsQueryV1 = '{"timestamp":"2025-11-20T10:14:07.123456+0700","flow_id":1846387218447025,"in_iface":"eth0","event_type":"dns","src_ip":"10.0.0.5","src_port":53211,"dest_ip":"10.0.0.2","dest_port":53,"proto":"UDP","dns":{"type":"query","id":40312,"rrname":"XMR-EU1.nanopool.org","rrtype":"A","tx_id":0}}';
const dnsAnswerV1 = '{"timestamp":"2025-11-20T03:14:07.135000+0000","flow_id":1846387218447025,"in_iface":"eth0","event_type":"dns","src_ip":"10.0.0.2","src_port":53,"dest_ip":"10.0.0.5","dest_port":53211,"proto":"UDP","dns":{"type":"answer","id":40312,"flags":"8180","qr":true,"rd":true,"ra":true,"rcode":"NOERROR","rrname":"xmr-eu1.nanopool.org","rrtype":"A","ttl":300,"rdata":"185.71.66.20"}}';
const dnsAnswerV2 = '{"timestamp":"2025-11-20T03:15:00.000001+0000","flow_id":712863411836119,"in_iface":"eth0","event_type":"dns","src_ip":"10.0.0.2","src_port":53,"dest_ip":"10.0.0.5","dest_port":40001,"proto":"UDP","dns":{"version":2,"type":"answer","id":4242,"flags":"8180","qr":true,"rd":true,"ra":true,"rcode":"NOERROR","rrname":"pool.minexmr.com","rrtype":"A","answers":[{"rrname":"pool.minexmr.com","rrtype":"CNAME","ttl":60,"rdata":"lb.minexmr.com"},{"rrname":"lb.minexmr.com","rrtype":"A","ttl":60,"rdata":"94.130.165.87"}],"grouped":{"CNAME":["lb.minexmr.com"],"A":["94.130.165.87"]}}}';
const dnsGroupedV2 = '{"timestamp":"2025-11-20T03:15:01.000001+0000","flow_id":712863411836120,"event_type":"dns","src_ip":"10.0.0.2","src_port":53,"dest_ip":"10.0.0.5","dest_port":40002,"proto":"UDP","dns":{"version":2,"type":"answer","id":4243,"flags":"8180","qr":true,"rd":true,"ra":true,"rcode":"NOERROR","rrname":"pool.minexmr.com","rrtype":"A","grouped":{"A":["94.130.165.87","94.130.164.60"]}}}';
const dnsRequestV3 = '{"timestamp":"2025-11-20T03:16:00.000001+0000","flow_id":99,"event_type":"dns","src_ip":"10.0.0.5","src_port":40003,"dest_ip":"10.0.0.2","dest_port":53,"proto":"UDP","pkt_src":"wire/pcap","dns":{"version":3,"type":"request","tx_id":0,"id":7,"flags":"100","rd":true,"opcode":0,"rcode":"NOERROR","queries":[{"rrname":"gulf.moneroocean.stream","rrtype":"A"}]}}';
const dnsResponseV3 = '{"timestamp":"2025-11-20T03:16:00.020001+0000","flow_id":99,"event_type":"dns","src_ip":"10.0.0.2","src_port":53,"dest_ip":"10.0.0.5","dest_port":40003,"proto":"UDP","pkt_src":"wire/pcap","dns":{"version":3,"type":"response","tx_id":0,"id":7,"flags":"8180","qr":true,"rd":true,"ra":true,"opcode":0,"rcode":"NOERROR","queries":[{"rrname":"gulf.moneroocean.stream","rrtype":"A"}],"answers":[{"rrname":"gulf.moneroocean.stream","rrtype":"A","ttl":300,"rdata":"18.210.126.40"}]}}';
const flow = '{"timestamp":"2025-11-20T03:16:40.000123+0000","flow_id":1846387218447099,"in_iface":"eth0","event_type":"flow","src_ip":"10.0.0.5","src_port":49822,"dest_ip":"185.71.66.20","dest_port":14444,"proto":"TCP","app_proto":"failed","flow":{"pkts_toserver":11,"pkts_toclient":10,"bytes_toserver":2687,"bytes_toclient":1750,"start":"2025-11-20T03:14:04.331000+0000","end":"2025-11-20T03:16:40.500000+0000","age":156,"state":"closed","reason":"timeout","alerted":true},"tcp":{"tcp_flags":"1b","tcp_flags_ts":"1b","tcp_flags_tc":"1b","syn":true,"fin":true,"psh":true,"ack":true,"state":"closed"}}';
const netflow = '{"timestamp":"2025-11-20T03:16:40.000123+0000","flow_id":1846387218447099,"event_type":"netflow","src_ip":"10.0.0.5","src_port":49822,"dest_ip":"185.71.66.20","dest_port":14444,"proto":"TCP","app_proto":"failed","netflow":{"pkts":11,"bytes":2687,"start":"2025-11-20T03:14:04.331000+0000","end":"2025-11-20T03:16:40.500000+0000","age":156,"min_ttl":64,"max_ttl":64},"tcp":{"tcp_flags":"1b","syn":true,"fin":true,"psh":true,"ack":true}}';
const tls = '{"timestamp":"2025-11-20T03:17:00.000001+0000","flow_id":5,"in_iface":"eth0","event_type":"tls","src_ip":"10.0.0.5","src_port":51544,"dest_ip":"178.128.242.134","dest_port":443,"proto":"TCP","tls":{"subject":"CN=*.xmrig.com","issuerdn":"C=US, O=Let\'s Encrypt, CN=R3","serial":"04:1A:7C","fingerprint":"a1:b2:c3:d4:e5:f6:07:18:29:3a:4b:5c:6d:7e:8f:90:01:12:23:34","sni":"donate.ssl.xmrig.com","version":"TLS 1.2","notbefore":"2025-09-01T00:00:00","notafter":"2025-11-30T00:00:00","ja3":{"hash":"e7d705a3286e19ea42f587b344ee6865","string":"771,4865-4866"},"ja3s":{"hash":"eb1d94daa7e0344597e756a1fb6e7054","string":"771,49199,65281"}}}';
const http = '{"timestamp":"2025-11-20T03:18:00.000001+0000","flow_id":6,"in_iface":"eth0","event_type":"http","src_ip":"10.0.0.5","src_port":50123,"dest_ip":"198.51.100.7","dest_port":8332,"proto":"TCP","tx_id":0,"http":{"hostname":"pool.example.net","http_port":8332,"url":"/?w=1","http_user_agent":"cgminer 3.7.2","http_content_type":"application/json","http_method":"POST","protocol":"HTTP/1.1","status":200,"length":120,"request_headers":[{"name":"Host","value":"pool.example.net:8332"},{"name":"User-Agent","value":"cgminer 3.7.2"},{"name":"X-Mining-Extensions","value":"longpoll midstate rollntime"}],"response_headers":[{"name":"Content-Type","value":"application/json"},{"name":"X-Stratum","value":"stratum+tcp://pool.example.net:3333"}]}}';
const alert = '{"timestamp":"2025-11-20T03:14:04.400000+0000","flow_id":1846387218447099,"in_iface":"eth0","event_type":"alert","src_ip":"10.0.0.5","src_port":49822,"dest_ip":"185.71.66.20","dest_port":14444,"proto":"TCP","pkt_src":"wire/pcap","alert":{"action":"allowed","gid":1,"signature_id":2024792,"rev":4,"signature":"ET POLICY Cryptocurrency Miner Checkin","category":"Crypto Currency Mining Activity Detected","severity":2,"metadata":{"created_at":["2017_10_02"],"updated_at":["2017_10_02"]}},"app_proto":"failed","direction":"to_server","flow":{"pkts_toserver":4,"pkts_toclient":3,"bytes_toserver":456,"bytes_toclient":280,"start":"2025-11-20T03:14:04.331000+0000"}}';
const stats = '{"timestamp":"2025-11-20T03:20:00.000001+0000","event_type":"stats","stats":{"uptime":3600,"capture":{"kernel_packets":12000,"kernel_drops":0}}}';

async function one(line: string): Promise<Event> {
  const { events, issues } = await parseWith(suricataEveSource, line + "\n", "eve.json");
  assert.deepEqual(issues, []);
  assert.equal(events.length, 1);
  return events[0]!;
}

test("DNS v1 query and answer records", async () => {
  const q = await one(dnsQueryV1);
  assert.equal(q["event.dataset"], "suricata.dns");
  assert.deepEqual(q["event.category"], ["network", "dns"]);
  assert.equal(q["@timestamp"], "2025-11-20T03:14:07.123Z", "the +0700 offset is applied");
  assert.equal(q["dns.question.name"], "xmr-eu1.nanopool.org");
  assert.equal(q["dns.type"], "query");
  assert.equal(q["source.ip"], "10.0.0.5");
  assert.equal(q["destination.port"], 53);
  assert.equal(q["network.transport"], "udp");
  assert.equal(q["minerhunt.suricata.flow_id"], "1846387218447025");
  assert.equal(q["minerhunt.line"], 1);
  const a = await one(dnsAnswerV1);
  assert.equal(a["dns.type"], "answer");
  assert.deepEqual(a["dns.resolved_ip"], ["185.71.66.20"]);
  assert.equal(a["dns.response_code"], "NOERROR");
});

test("DNS v2 detailed and grouped answers, and v3 (Suricata 8) request/response with queries[]", async () => {
  const v2 = await one(dnsAnswerV2);
  assert.equal(v2["dns.question.name"], "pool.minexmr.com");
  assert.deepEqual(v2["dns.answers.data"], ["lb.minexmr.com", "94.130.165.87"]);
  assert.deepEqual(v2["dns.resolved_ip"], ["94.130.165.87"]);
  const grouped = await one(dnsGroupedV2);
  assert.deepEqual(grouped["dns.resolved_ip"], ["94.130.165.87", "94.130.164.60"]);
  const req = await one(dnsRequestV3);
  assert.equal(req["dns.question.name"], "gulf.moneroocean.stream");
  assert.equal(req["dns.question.type"], "A");
  assert.equal(req["dns.type"], "query");
  const resp = await one(dnsResponseV3);
  assert.equal(resp["dns.type"], "answer");
  assert.deepEqual(resp["dns.resolved_ip"], ["18.210.126.40"]);
});

test("flow and netflow records carry counters and times", async () => {
  const f = await one(flow);
  assert.equal(f["event.dataset"], "suricata.flow");
  assert.equal(f["source.packets"], 11);
  assert.equal(f["destination.bytes"], 1750);
  assert.equal(f["event.start"], "2025-11-20T03:14:04.331Z");
  assert.equal(f["event.duration"], 156169000000);
  assert.equal(f["network.protocol"], undefined, "app_proto failed is no protocol");
  const n = await one(netflow);
  assert.equal(n["event.dataset"], "suricata.flow");
  assert.equal(n["minerhunt.suricata.event_type"], "netflow");
  assert.equal(n["source.bytes"], 2687);
  assert.equal(n["destination.bytes"], undefined);
});

test("tls and http records: SNI, certificate, URL parts and X- headers", async () => {
  const t = await one(tls);
  assert.equal(t["tls.client.server_name"], "donate.ssl.xmrig.com");
  assert.equal(t["tls.server.x509.subject.common_name"], "*.xmrig.com");
  assert.equal(t["tls.version"], "1.2");
  assert.equal(t["tls.server.hash.sha1"], "A1B2C3D4E5F60718293A4B5C6D7E8F9001122334");
  assert.equal(t["tls.client.ja3"], "e7d705a3286e19ea42f587b344ee6865");
  const h = await one(http);
  assert.equal(h["url.domain"], "pool.example.net");
  assert.equal(h["url.port"], 8332);
  assert.equal(h["url.path"], "/");
  assert.equal(h["http.request.method"], "POST");
  assert.equal(h["http.version"], "1.1");
  assert.equal(h["user_agent.original"], "cgminer 3.7.2");
  assert.deepEqual(h["minerhunt.http.headers"], ["X-Mining-Extensions: longpoll midstate rollntime", "X-Stratum: stratum+tcp://pool.example.net:3333"]);
});

test("alerts keep signature, id, category and the flow tuple", async () => {
  const a = await one(alert);
  assert.equal(a["event.kind"], "alert");
  assert.equal(a["event.dataset"], "suricata.alert");
  assert.equal(a["rule.name"], "ET POLICY Cryptocurrency Miner Checkin");
  assert.equal(a["rule.id"], "2024792");
  assert.equal(a["rule.category"], "Crypto Currency Mining Activity Detected");
  assert.equal(a["event.severity"], 2);
  assert.equal(a["minerhunt.alert.severity"], "medium");
  assert.equal(a["source.ip"], "10.0.0.5");
  assert.equal(a["destination.ip"], "185.71.66.20");
  assert.equal(a["destination.port"], 14444);
  assert.equal(a["network.transport"], "tcp");
});

test("other event types pass quietly; malformed lines are issues with line numbers and the scan goes on", async () => {
  const text = [stats, "{not json", '{"timestamp":"2025-11-20T03:20:00Z","src_ip":"1.2.3.4"}', "", alert].join("\n");
  const { events, issues } = await parseWith(suricataEveSource, text, "eve.json");
  assert.deepEqual(events.map((e) => [e["event.dataset"], e["minerhunt.line"]]), [["suricata.alert", 5]]);
  assert.deepEqual(issues.map((i) => i.line), [2, 3]);
  assert.match(issues[1]!.message, /without event_type/);
});

function prefilter(): Prefilter {
  return {
    domain: (n) => n.endsWith("nanopool.org") || n.endsWith("moneroocean.stream"),
    ip: (a) => a === "185.71.66.20",
    port: (p) => p === 14444,
    text: () => false,
  };
}

test("fast path: dns and flow records that cannot matter are skipped and counted; the rest parse as without it", async () => {
  const boringDns = dnsQueryV1.replace("XMR-EU1.nanopool.org", "www.example.com");
  const boringFlow = flow.replace('"dest_ip":"185.71.66.20","dest_port":14444', '"dest_ip":"93.184.216.34","dest_port":443');
  const boringAlert = alert.replace('"dest_ip":"185.71.66.20","dest_port":14444', '"dest_ip":"93.184.216.34","dest_port":443');
  const lines = [dnsQueryV1, boringDns, dnsAnswerV2, dnsRequestV3, dnsResponseV3, flow, boringFlow, netflow, boringAlert, "{broken", tls];
  const text = lines.join("\n");
  const fast = await parseWith(suricataEveSource, text, "eve.json", prefilter());
  const slow = await parseWith(suricataEveSource, text, "eve.json");
  const dropped = new Set([2, 3, 7, 11]); // www.example.com, minexmr (not in this prefilter), 443 flow, tls to 443 without a pool SNI
  assert.deepEqual(fast.events, slow.events.filter((e) => !dropped.has(e["minerhunt.line"] as number)));
  assert.equal(fast.skipped, 4);
  assert.ok(fast.events.some((e) => e["event.kind"] === "alert"), "alerts are never skipped");
  assert.equal(fast.issues.length, 1);
});

test("sniffing: EVE is claimed, Zeek JSON and plain text are not", async () => {
  assert.equal(await sniffWith(suricataEveSource, [stats, flow, alert].join("\n")), 0.95);
  assert.equal(await sniffWith(suricataEveSource, '{"ts":1763608447.1,"uid":"C1","id.orig_h":"10.0.0.5","query":"a.example"}\n'), 0);
  assert.equal(await sniffWith(suricataEveSource, "2 123456789010 eni-1235b8ca123456789 172.31.16.139 172.31.16.21 20641 22 6 20 4249 1418530010 1418530070 ACCEPT OK\n"), 0);
  assert.equal(await sniffWith(suricataEveSource, '{"event_type":"whatever"}\n'), 0);
});
