import { test, type TestContext } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { openBuffer, openFile } from "../../input.js";
import type { Event } from "../../../model/index.js";
import { cpuMsSince, parseFileWith, parseWith, sharedFixture, sniffWith } from "../../../test-helpers/index.js";
import { readCapture } from "./capture-reader.js";
import { decodeFrame } from "./decode.js";
import { FlowTable, type Flow } from "./flow-table.js";
import { parsePcap, pcapSource } from "./source.js";
import { pcapFile, pcapngFile, tcpConversation, udpFrame, type FrameRecord } from "../test-helpers/packets.js";

const CAPTURES = ["nesfit-cgminer.s0", "nesfit-xmr-eu1.nanopool.org", "nesfit-zec-eu1.nanopool.org"];

interface OracleRow {
  stream: number;
  firstFrame: number;
  sender: string;
  receiver: string;
  payload: string;
}

/** tshark's stream list: stream, first data frame, first sender, receiver, first payload (\r \n escaped). */
function readOracle(path: string): OracleRow[] {
  return readFileSync(path, "latin1").split("\n").filter((l) => l && !l.startsWith("#")).map((l) => {
    const [stream, firstFrame, sender, receiver, ...rest] = l.split("\t");
    return {
      stream: Number(stream), firstFrame: Number(firstFrame), sender: sender!, receiver: receiver!,
      payload: rest.join("\t").replace(/\\r/g, "\r").replace(/\\n/g, "\n"),
    };
  });
}

/** Our TCP flows with data, through the same reader, decoder and flow table the source uses. */
async function tcpFlowsWithData(path: string): Promise<Flow[]> {
  const { input } = await openFile(path, () => {});
  const flows: Flow[] = [];
  const table = new FlowTable((f) => flows.push(f));
  for await (const p of readCapture(input, (m) => assert.fail(m))) {
    const d = decodeFrame(p.linkType, p.data);
    if (d) table.add(d, { packet: p.number, offset: p.offset, timeMs: p.timeMs });
  }
  table.finishAll();
  return flows.filter((f) => f.streams && (f.streams[0].firstData || f.streams[1].firstData));
}

function firstData(f: Flow): { frame: number; sender: string; receiver: string; bytes: Buffer } {
  const [c2s, s2c] = f.streams!;
  const clientFirst = c2s.firstData !== undefined && (s2c.firstData === undefined || c2s.firstData.packet < s2c.firstData.packet);
  const c = `${f.client.ip}:${f.client.port}`;
  const s = `${f.server.ip}:${f.server.port}`;
  return clientFirst
    ? { frame: c2s.firstData!.packet, sender: c, receiver: s, bytes: c2s.bytes() }
    : { frame: s2c.firstData!.packet, sender: s, receiver: c, bytes: s2c.bytes() };
}

function fixture(t: TestContext, name: string, ext: string): string | undefined {
  return sharedFixture(t, `pcap/${name}.${ext}`);
}

for (const name of CAPTURES) {
  test(`${name}: TCP streams with data agree with tshark (frame, sender, receiver, first bytes)`, async (t) => {
    const pcap = fixture(t, name, "pcapng");
    const tsv = fixture(t, name, "tshark-streams.tsv");
    if (!pcap || !tsv) return;
    const oracle = readOracle(tsv);
    const ours = (await tcpFlowsWithData(pcap)).map(firstData);
    const key = (frame: number, sender: string, receiver: string) => `${frame} ${sender} -> ${receiver}`;
    assert.deepEqual(
      ours.map((o) => key(o.frame, o.sender, o.receiver)).sort(),
      oracle.map((r) => key(r.firstFrame, r.sender, r.receiver)).sort(),
    );
    for (const row of oracle.filter((r) => r.payload.startsWith("{"))) {
      const mine = ours.find((o) => o.frame === row.firstFrame)!;
      assert.equal(mine.bytes.toString("latin1", 0, row.payload.length), row.payload, `stream ${row.stream}`);
    }
  });

  test(`${name}: one Stratum event for each mining stream tshark lists, and none for the others`, async (t) => {
    const pcap = fixture(t, name, "pcapng");
    const tsv = fixture(t, name, "tshark-streams.tsv");
    if (!pcap || !tsv) return;
    const oracle = readOracle(tsv);
    const mining = oracle.filter((r) => /"method": ?"(mining\.subscribe|login)"/.test(r.payload));
    assert.ok(mining.length > 0);
    const { events, issues } = await parseFileWith(pcapSource, pcap);
    assert.deepEqual(issues, []);
    const stratum = events.filter((e) => e["event.dataset"] === "pcap.stratum");
    const tuple = (e: Event) => `${e["source.ip"]}:${e["source.port"]} -> ${e["destination.ip"]}:${e["destination.port"]}`;
    assert.deepEqual(stratum.map(tuple).sort(), mining.map((r) => `${r.sender} -> ${r.receiver}`).sort());
    for (const row of mining) {
      const ev = stratum.find((e) => tuple(e) === `${row.sender} -> ${row.receiver}`)!;
      const firstMethod = /"method": ?"([^"]+)"/.exec(row.payload)![1];
      assert.equal((ev["minerhunt.stratum.methods"] as string[])[0], firstMethod);
      assert.equal(ev["minerhunt.packet"], row.firstFrame, "evidence points at the first mining message");
      assert.equal(ev["minerhunt.format"], "pcap");
      assert.equal(ev["network.transport"], "tcp");
    }
  });
}

test("nesfit XMR capture: CryptoNote login with wallet and agent to 185.71.66.20:14444", async (t) => {
  const pcap = fixture(t, "nesfit-xmr-eu1.nanopool.org", "pcapng");
  if (!pcap) return;
  const { events } = await parseFileWith(pcapSource, pcap);
  const s = events.find((e) => e["event.dataset"] === "pcap.stratum")!;
  assert.equal(s["minerhunt.stratum.dialect"], "cryptonote");
  assert.deepEqual(s["minerhunt.stratum.methods"], ["login", "job"]);
  assert.match(String(s["minerhunt.stratum.login"]), /^47mr7jYTroxQMwdKoPQuJoc9Vs9S9qCUAL6Ek4qyNFWJdqgBZRn4RYY2Qj/);
  assert.equal(s["source.ip"], "147.229.13.222");
  assert.equal(s["destination.ip"], "185.71.66.20");
  assert.equal(s["destination.port"], 14444);
  assert.ok(Number(s["minerhunt.stratum.messages"]) >= 3);
  assert.ok(typeof s["minerhunt.offset"] === "number" && s["minerhunt.offset"] > 0);
  const flow = events.find((e) => e["event.dataset"] === "pcap.flow")!;
  assert.equal(flow["network.protocol"], "stratum");
  assert.equal(flow["source.packets"] as number + (flow["destination.packets"] as number), 21);
});

test("nesfit ZEC capture: Stratum v1 methods in order, from both directions", async (t) => {
  const pcap = fixture(t, "nesfit-zec-eu1.nanopool.org", "pcapng");
  if (!pcap) return;
  const { events } = await parseFileWith(pcapSource, pcap);
  const s = events.find((e) => e["event.dataset"] === "pcap.stratum")!;
  assert.equal(s["minerhunt.stratum.dialect"], "v1");
  assert.deepEqual((s["minerhunt.stratum.methods"] as string[]).slice(0, 5),
    ["mining.subscribe", "mining.authorize", "mining.extranonce.subscribe", "mining.set_target", "mining.notify"]);
  assert.equal(s["minerhunt.stratum.agent"], "equihashminer");
  assert.equal(s["destination.port"], 6666);
});

test("nesfit cgminer capture: background traffic (Dropbox 443, LAN broadcast) gives no Stratum; DNS and SNI come out", async (t) => {
  const pcap = fixture(t, "nesfit-cgminer.s0", "pcapng");
  if (!pcap) return;
  const { events } = await parseFileWith(pcapSource, pcap);
  const stratum = events.filter((e) => e["event.dataset"] === "pcap.stratum");
  assert.ok(stratum.every((e) => e["source.ip"] === "192.168.1.100" && e["destination.port"] !== 443));
  assert.ok(!stratum.some((e) => String(e["destination.ip"]).startsWith("162.125.")));
  assert.ok(events.some((e) => e["event.dataset"] === "pcap.flow" && e["destination.ip"] === "192.168.1.255" && e["destination.port"] === 54915 && e["network.transport"] === "udp"));
  const tls = events.find((e) => e["event.dataset"] === "pcap.tls")!;
  assert.equal(tls["tls.client.server_name"], "array609-prod.do.dsp.mp.microsoft.com");
  const dns = events.filter((e) => e["event.dataset"] === "pcap.dns");
  assert.ok(dns.some((e) => e["dns.type"] === "answer" && e["dns.question.name"] === "block-edge-anycast.dropbox.com"
    && (e["dns.resolved_ip"] as string[]).includes("162.125.248.4")));
});

test("a truncated capture (cut mid-packet) gives the events before the cut and one issue", async (t) => {
  const pcap = fixture(t, "nesfit-cgminer.s0", "pcapng");
  if (!pcap) return;
  const whole = readFileSync(pcap);
  const { events, issues } = await parseWith(pcapSource, whole.subarray(0, Math.floor(whole.length * 0.6) + 3), "cut.pcapng");
  assert.equal(issues.length, 1);
  assert.match(issues[0]!.message, /truncated/);
  assert.ok(events.filter((e) => e["event.dataset"] === "pcap.stratum").length >= 10);
});

test("a corrupted length field in a real capture ends the read quickly with one issue", async (t) => {
  const pcap = fixture(t, "nesfit-zec-eu1.nanopool.org", "pcapng");
  if (!pcap) return;
  const data = Buffer.from(readFileSync(pcap));
  // Find the 30th block and give it an absurd length.
  let at = 0;
  for (let i = 0; i < 30; i++) at += data.readUInt32LE(at + 4);
  data.writeUInt32LE(0xfffffff0, at + 4);
  const started = process.cpuUsage();
  const { events, issues } = await parseWith(pcapSource, data, "corrupt.pcapng");
  assert.ok(cpuMsSince(started) < 2000);
  assert.equal(issues.length, 1);
  assert.match(issues[0]!.message, /length field is corrupt/);
  assert.equal(issues[0]!.offset, at);
  assert.ok(events.some((e) => e["event.dataset"] === "pcap.stratum"), "the Stratum start before the corruption is still seen");
});

/** A client hello carrying SNI, enough for the TLS trap. */
function tlsClientHello(name: string): Buffer {
  const n = Buffer.from(name);
  const sni = Buffer.concat([Buffer.from([0, 0]), u16(n.length + 5), u16(n.length + 3), Buffer.of(0), u16(n.length), n]);
  const body = Buffer.concat([u16(0x0303), Buffer.alloc(32), Buffer.of(0), u16(2), u16(0x1301), Buffer.of(1, 0), u16(sni.length), sni]);
  const hs = Buffer.concat([Buffer.of(1, 0), u16(body.length), body]);
  return Buffer.concat([Buffer.of(0x16, 3, 1), u16(hs.length), hs]);
}
function u16(n: number): Buffer { const b = Buffer.alloc(2); b.writeUInt16BE(n); return b; }

test("trap: a normal HTTPS session and NTP give flows and SNI, never a Stratum event", async () => {
  const https = tcpConversation({ ip: "10.1.1.5", port: 51000 }, { ip: "93.184.216.34", port: 443 }, [
    { from: "client", data: tlsClientHello("www.example.com") },
    { from: "server", data: Buffer.concat([Buffer.of(0x16, 3, 3, 0, 60), Buffer.alloc(60, 0x42)]) },
    { from: "client", data: Buffer.concat([Buffer.of(0x17, 3, 3, 0, 40), Buffer.from('{"id":1,"method":"mining.subscribe"}' + "....")]) },
  ]);
  const ntpRequest = Buffer.alloc(48);
  ntpRequest[0] = 0x23; // LI 0, version 4, mode 3 (client)
  const ntpReply = Buffer.alloc(48);
  ntpReply[0] = 0x24; // mode 4 (server)
  const ntp: FrameRecord[] = [
    { frame: udpFrame({ src: "10.1.1.5", dst: "162.159.200.1", sport: 123, dport: 123, payload: ntpRequest }), time: 1700000001 },
    { frame: udpFrame({ src: "162.159.200.1", dst: "10.1.1.5", sport: 123, dport: 123, payload: ntpReply }), time: 1700000001.02 },
  ];
  const { events, issues } = await parseWith(pcapSource, pcapFile([...https, ...ntp]), "trap.pcap");
  assert.deepEqual(issues, []);
  assert.equal(events.filter((e) => e["event.dataset"] === "pcap.stratum").length, 0);
  const datasets = events.map((e) => e["event.dataset"]).sort();
  assert.deepEqual(datasets, ["pcap.flow", "pcap.flow", "pcap.tls"]);
  const tls = events.find((e) => e["event.dataset"] === "pcap.tls")!;
  assert.equal(tls["tls.client.server_name"], "www.example.com");
  assert.equal(tls["destination.port"], 443);
  const ntpFlow = events.find((e) => e["network.transport"] === "udp")!;
  assert.equal(ntpFlow["source.packets"], 1);
  assert.equal(ntpFlow["destination.packets"], 1);
});

test("getwork over HTTP: a pcap.http event with headers and body, and a getwork Stratum event", async () => {
  const body = '{"method": "getwork", "params": [], "id": 0}';
  const request = `POST / HTTP/1.1\r\nHost: pool.example.net:8332\r\nUser-Agent: cgminer 3.7.2\r\nContent-Length: ${body.length}\r\nX-Mining-Extensions: longpoll midstate rollntime\r\n\r\n${body}`;
  const answer = '{"result":{"midstate":"00","data":"01","target":"ff"},"error":null,"id":0}';
  const response = `HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nX-Stratum: stratum+tcp://pool.example.net:3333\r\nContent-Length: ${answer.length}\r\n\r\n${answer}`;
  const frames = tcpConversation({ ip: "10.0.0.9", port: 50123 }, { ip: "198.51.100.7", port: 8332 }, [
    { from: "client", data: request }, { from: "server", data: response },
  ]);
  const { events } = await parseWith(pcapSource, pcapngFile([{ linkType: 1 }], frames.map((f) => ({ ...f, iface: 0 }))), "getwork.pcapng");
  const http = events.find((e) => e["event.dataset"] === "pcap.http")!;
  assert.equal(http["http.request.method"], "POST");
  assert.equal(http["url.domain"], "pool.example.net");
  assert.equal(http["url.port"], 8332);
  assert.equal(http["url.original"], "/");
  assert.equal(http["user_agent.original"], "cgminer 3.7.2");
  assert.equal(http["http.request.body.content"], body);
  assert.deepEqual(http["minerhunt.http.headers"], ["X-Mining-Extensions: longpoll midstate rollntime", "X-Stratum: stratum+tcp://pool.example.net:3333"]);
  assert.equal(http["http.response.status_code"], 200);
  assert.equal(http["minerhunt.packet"], 4);
  const s = events.find((e) => e["event.dataset"] === "pcap.stratum")!;
  assert.equal(s["minerhunt.stratum.dialect"], "getwork");
  assert.deepEqual(s["minerhunt.stratum.methods"], ["getwork"]);
  assert.equal(events.find((e) => e["event.dataset"] === "pcap.flow")!["network.protocol"], "http");
});

/** A DNS message: header, one question, and raw answer bytes. */
function dnsMessage(id: number, flags: number, name: string, answers: Buffer[] = []): Buffer {
  const h = Buffer.alloc(12);
  h.writeUInt16BE(id, 0);
  h.writeUInt16BE(flags, 2);
  h.writeUInt16BE(1, 4);
  h.writeUInt16BE(answers.length, 6);
  const q = Buffer.concat([...name.split(".").map((l) => Buffer.concat([Buffer.of(l.length), Buffer.from(l)])), Buffer.of(0, 0, 1, 0, 1)]);
  return Buffer.concat([h, q, ...answers]);
}

test("DNS over UDP: queries and answers with resolved IPs; a compression loop is one issue and the scan goes on", async () => {
  const a = Buffer.from([0xc0, 12, 0, 1, 0, 1, 0, 0, 1, 44, 0, 4, 185, 71, 66, 20]);
  const loop = Buffer.alloc(18);
  loop.writeUInt16BE(1, 4); // one question whose name points at itself
  loop.writeUInt16BE(0xc00c, 12);
  const frames: FrameRecord[] = [
    { frame: udpFrame({ src: "10.0.0.9", dst: "10.0.0.53", sport: 41000, dport: 53, payload: dnsMessage(0x11, 0x0100, "XMR-EU1.nanopool.org") }), time: 1700000000 },
    { frame: udpFrame({ src: "10.0.0.53", dst: "10.0.0.9", sport: 53, dport: 41001, payload: loop }), time: 1700000000.001 },
    { frame: udpFrame({ src: "10.0.0.53", dst: "10.0.0.9", sport: 53, dport: 41000, payload: dnsMessage(0x11, 0x8180, "xmr-eu1.nanopool.org", [a]) }), time: 1700000000.01 },
  ];
  const { events, issues } = await parseWith(pcapSource, pcapFile(frames), "dns.pcap");
  assert.equal(issues.length, 1);
  assert.match(issues[0]!.message, /packet 2: malformed DNS message/);
  const dns = events.filter((e) => e["event.dataset"] === "pcap.dns");
  assert.deepEqual(dns.map((e) => [e["dns.type"], e["dns.question.name"], e["minerhunt.packet"]]), [
    ["query", "xmr-eu1.nanopool.org", 1], ["answer", "xmr-eu1.nanopool.org", 3],
  ]);
  assert.deepEqual(dns[1]!["dns.resolved_ip"], ["185.71.66.20"]);
  assert.equal(dns[1]!["dns.response_code"], "NOERROR");
  assert.equal(dns[0]!["@timestamp"], "2023-11-14T22:13:20.000Z");
  // With a prefilter, names that cannot matter are counted, not built.
  const pf = { domain: (n: string) => n.endsWith("nanopool.org"), ip: () => false, port: () => false, text: () => false };
  const other = pcapFile([{ frame: udpFrame({ src: "10.0.0.9", dst: "10.0.0.53", sport: 41000, dport: 53, payload: dnsMessage(1, 0x0100, "www.example.com") }), time: 1 }, ...frames]);
  const filtered = await parseWith(pcapSource, other, "dns.pcap", pf);
  assert.equal(filtered.events.filter((e) => e["event.dataset"] === "pcap.dns").length, 2);
  assert.ok(filtered.skipped >= 1);
});

test("bounded flow table: with tiny limits every mining stream is still reported", async (t) => {
  const pcap = fixture(t, "nesfit-cgminer.s0", "pcapng");
  if (!pcap) return;
  const { input } = await openFile(pcap, () => {});
  const events: Event[] = [];
  const ctx = { issue: () => {}, skipped: () => {} };
  for await (const e of parsePcap(input, ctx, { maxFlows: 4, maxBufferedBytes: 2048 })) events.push(e);
  const tuples = new Set(events.filter((e) => e["event.dataset"] === "pcap.stratum").map((e) => `${e["destination.ip"]}:${e["destination.port"]}`));
  assert.equal(tuples.size, 17);
});

test("sniffing: pcap and pcapng magic numbers, nothing else", async () => {
  assert.equal(await sniffWith(pcapSource, pcapFile([])), 0.99);
  assert.equal(await sniffWith(pcapSource, pcapFile([], { bigEndian: true, nanos: true })), 0.99);
  assert.equal(await sniffWith(pcapSource, pcapngFile([{ linkType: 1 }], [])), 0.99);
  assert.equal(await sniffWith(pcapSource, '{"ts":1,"uid":"C1","id.orig_h":"10.0.0.1"}\n'), 0);
  const { sample } = await openBuffer("x", Buffer.alloc(100));
  assert.equal(pcapSource.sniff(sample), 0);
});

test("HTTP bodies that are not JSON are counted, not copied", async () => {
  const form = "user=alice&password=hunter2";
  const frames = tcpConversation({ ip: "10.0.0.9", port: 50124 }, { ip: "198.51.100.8", port: 80 }, [
    { from: "client", data: `POST /login HTTP/1.1\r\nHost: intranet.example\r\nContent-Length: ${form.length}\r\n\r\n${form}` },
  ]);
  const { events } = await parseWith(pcapSource, pcapFile(frames), "form.pcap");
  const http = events.find((e) => e["event.dataset"] === "pcap.http")!;
  assert.equal(http["http.request.body.content"], undefined);
  assert.equal(http["http.request.body.bytes"], form.length);
  assert.equal(events.filter((e) => e["event.dataset"] === "pcap.stratum").length, 0);
});

test("a long mining connection is one flow event and one Stratum event, whatever its length", async () => {
  const login = '{"id":1,"jsonrpc":"2.0","method":"login","params":{"login":"4AdUndXHHZ6cfufTMvppY6JwXNouMBzSkbLYfpAV5Usx3skxNgYeYTRj5UzqtReoS44qo9mtmXCqY45DJ852K5Jv2684Rge","pass":"x","agent":"XMRig/6.21.0"}}\n';
  const job = (i: number) => `{"jsonrpc":"2.0","method":"job","params":{"blob":"${"0e".repeat(38)}${i.toString(16).padStart(8, "0")}","job_id":"${i}","target":"b88d0600"}}\n`;
  const submit = (i: number) => `{"id":${i + 2},"jsonrpc":"2.0","method":"submit","params":{"id":"s1","job_id":"${i}","nonce":"00000000","result":"${"ab".repeat(32)}"}}\n`;
  const exchanges: { from: "client" | "server"; data: string }[] = [{ from: "client", data: login }];
  for (let i = 0; i < 2000; i++) exchanges.push({ from: "server", data: job(i) }, { from: "client", data: submit(i) });
  const frames = tcpConversation({ ip: "10.0.0.9", port: 50200 }, { ip: "185.71.66.20", port: 14444 }, exchanges);
  const { events, issues } = await parseWith(pcapSource, pcapFile(frames), "long.pcap");
  assert.deepEqual(issues, []);
  assert.deepEqual(events.map((e) => e["event.dataset"]).sort(), ["pcap.flow", "pcap.stratum"]);
  const flow = events.find((e) => e["event.dataset"] === "pcap.flow")!;
  assert.equal(flow["source.packets"], 2 + 1 + 2000 + 2, "SYN, ACK, login, submits, FIN, last ACK");
  assert.equal(flow["destination.packets"], 1 + 2000 + 1, "SYN-ACK, jobs, FIN");
  assert.equal(flow["network.protocol"], "stratum");
  const s = events.find((e) => e["event.dataset"] === "pcap.stratum")!;
  assert.deepEqual(s["minerhunt.stratum.methods"], ["login", "job", "submit"]);
  assert.equal(s["minerhunt.stratum.agent"], "XMRig/6.21.0");
  assert.equal(s["source.packets"], flow["source.packets"], "the Stratum event carries the whole flow's counters");
  assert.equal(s["minerhunt.packet"], 4);
});

test("an HTTP download longer than the kept bytes: one request event, read as soon as the kept bytes were full", async () => {
  const body = "z".repeat(200_000);
  const frames = tcpConversation({ ip: "10.0.0.9", port: 50300 }, { ip: "198.51.100.9", port: 80 }, [
    { from: "client", data: "GET /xmrig.tar.gz HTTP/1.1\r\nHost: downloads.example\r\nUser-Agent: curl/8.5.0\r\n\r\n" },
    ...Array.from({ length: 100 }, (_, i) => ({ from: "server" as const, data: (i === 0 ? `HTTP/1.1 200 OK\r\nContent-Length: ${body.length}\r\n\r\n` : "") + body.slice(i * 2000, (i + 1) * 2000) })),
  ]);
  const { events } = await parseWith(pcapSource, pcapFile(frames), "download.pcap");
  assert.deepEqual(events.map((e) => e["event.dataset"]), ["pcap.http", "pcap.flow"], "the request event comes before the flow ends");
  assert.equal(events[0]!["url.original"], "/xmrig.tar.gz");
  assert.equal(events[0]!["http.response.status_code"], 200);
  assert.equal(events[1]!["network.protocol"], "http");
  assert.equal(events[1]!["destination.packets"], 1 + 100 + 1);
});

test("the source declares every dataset it emits, with the categories its events carry", async (t) => {
  const declared = new Map((pcapSource.emits ?? []).map((d) => [d.dataset, d.categories]));
  assert.deepEqual([...declared.keys()].sort(), ["pcap.dns", "pcap.flow", "pcap.http", "pcap.stratum", "pcap.tls"]);
  const pcap = fixture(t, "nesfit-cgminer.s0", "pcapng");
  if (!pcap) return;
  const { events } = await parseFileWith(pcapSource, pcap);
  const seen = new Set<string>();
  for (const e of events) {
    const dataset = String(e["event.dataset"]);
    seen.add(dataset);
    assert.deepEqual(e["event.category"], declared.get(dataset), dataset);
  }
  assert.deepEqual([...seen].sort(), ["pcap.dns", "pcap.flow", "pcap.stratum", "pcap.tls"]);
});

test("hostile bytes: 300 seeded corruptions of a real capture never throw, and each ends quickly", async (t) => {
  const pcap = fixture(t, "nesfit-zec-eu1.nanopool.org", "pcapng");
  if (!pcap) return;
  const original = readFileSync(pcap);
  let seed = 12345;
  const random = (n: number) => { seed = (Math.imul(seed, 1103515245) + 12345) >>> 0; return seed % n; };
  // CPU time, not wall time: the suite runs files side by side on shared cores, where 300 rounds have taken
  // 35 s of wall time with no fault in the reader. A reader that loops or backtracks still blows the bound.
  const started = process.cpuUsage();
  for (let round = 0; round < 300; round++) {
    const data = Buffer.from(original);
    // Past the section and interface headers most of the time, so packets and their headers get hit.
    for (let i = 0, n = 1 + random(8); i < n; i++) data[random(4) === 0 ? random(64) : 64 + random(data.length - 64)] = random(256);
    const { issues } = await parseWith(pcapSource, data, `fuzz-${round}.pcapng`);
    assert.ok(issues.length <= 201, `round ${round}: ${issues.length} issues`);
  }
  assert.ok(cpuMsSince(started) < 20_000, `${Math.round(cpuMsSince(started))} CPU-ms`);
});

test("hundreds of flows ending at one packet, and at the end, come out once each and in order (events handed on in batches)", async () => {
  const records: FrameRecord[] = [];
  const flowAt = (i: number, time: number) => records.push({ frame: udpFrame({ src: `10.2.${i >> 8}.${i & 0xff}`, dst: "10.0.0.1", sport: 40000, dport: 123, payload: "x" }), time });
  for (let i = 0; i < 600; i++) flowAt(i, 1700000000 + i / 1000);
  // Past the UDP idle timeout: the first 600 flows end at this packet, the next 600 at the end of the capture.
  for (let i = 600; i < 1200; i++) flowAt(i, 1700000100 + i / 1000);
  const { events, issues } = await parseWith(pcapSource, pcapFile(records), "many.pcap");
  assert.deepEqual(issues, []);
  assert.equal(events.length, 1200);
  assert.deepEqual(events.map((e) => e["minerhunt.packet"]), records.map((_, i) => i + 1));
  assert.ok(events.every((e, i) => e["source.ip"] === `10.2.${i >> 8}.${i & 0xff}` && e["source.packets"] === 1));
});
