/**
 * The prefilter may skip only what no loaded rule could match. Rules whose modifiers carry no literal
 * (cidr, a regex without a fixed run, lt/gt, exists, null, fieldref, a condition that is only a
 * negation) must see every event their logsource routes to, from every source that has a prefilter.
 * Each sample record below is plain traffic in the source's real format: intel alone skips it (checked),
 * so the record reaches the rule only if the rule's needs turned the source's checks off.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import type { Event } from "../../model/index.js";
import { SourcePrefilters } from "../prefilter.js";
import { allSources } from "../../sources/index.js";
import type { Source } from "../../sources/types.js";
import { parseWith, testIntel } from "../../test-helpers/index.js";
import { pcapFile, tcpConversation, udpFrame } from "../../sources/network/test-helpers/packets.js";
import { declaredDatasets } from "./declared-routes.js";
import { SigmaEngine } from "./engine.js";
import { sigmaPrefilterHints } from "./prefilter-hints.js";
import { load, ruleText } from "./test-helpers/index.js";

const source = (id: string): Source => allSources.find((s) => s.id === id)!;
const zeekJson = (o: Record<string, unknown>) => JSON.stringify({ ts: 1700000000.25, uid: "CHhAvVGS1DHFjwGM9", "id.orig_h": "10.0.0.5", ...o });
const eve = (o: Record<string, unknown>) => JSON.stringify({ timestamp: "2023-11-14T22:13:20.250000+0000", flow_id: 1234, src_ip: "10.0.0.5", proto: "TCP", ...o });
const ecs = (o: Record<string, unknown>) => JSON.stringify({
  "@timestamp": "2023-11-14T22:13:20.250Z", ecs: { version: "8.11.0" }, agent: { type: "endpoint" },
  host: { name: "srv-1", os: { type: "linux" } }, process: { pid: 4242, name: "bash", executable: "/usr/bin/bash", command_line: "bash -c true" }, ...o,
});

/** A DNS query message on the wire: header, one question (A, IN). */
function dnsQuery(name: string): Buffer {
  const head = Buffer.from([0x12, 0x34, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0]);
  const labels = name.split(".").map((l) => Buffer.concat([Buffer.from([l.length]), Buffer.from(l, "ascii")]));
  return Buffer.concat([head, ...labels, Buffer.from([0, 0, 1, 0, 1])]);
}

interface Sample { source: string; dataset: string; data: string | Uint8Array; family: "network" | "process" | "file" }

const SAMPLES: Sample[] = [
  { source: "zeek.dns", dataset: "zeek.dns", family: "network", data: zeekJson({ "id.orig_p": 53000, "id.resp_h": "192.0.2.53", "id.resp_p": 53, proto: "udp", trans_id: 7, query: "www.example.com", qclass: 1, qclass_name: "C_INTERNET", qtype: 1, qtype_name: "A", rcode: 0, rcode_name: "NOERROR", AA: false, TC: false, RD: true, RA: true, Z: 0, answers: ["93.184.215.14"], TTLs: [300.0], rejected: false }) },
  { source: "zeek.conn", dataset: "zeek.conn", family: "network", data: zeekJson({ "id.orig_p": 50000, "id.resp_h": "192.0.2.80", "id.resp_p": 8443, proto: "tcp", duration: 1.5, orig_bytes: 100, resp_bytes: 200, conn_state: "SF", history: "ShADadFf", orig_pkts: 5, resp_pkts: 5 }) },
  { source: "zeek.ssl", dataset: "zeek.ssl", family: "network", data: zeekJson({ "id.orig_p": 50001, "id.resp_h": "192.0.2.80", "id.resp_p": 8443, version: "TLSv13", server_name: "www.example.com", established: true }) },
  { source: "zeek.http", dataset: "zeek.http", family: "network", data: zeekJson({ "id.orig_p": 50002, "id.resp_h": "192.0.2.80", "id.resp_p": 8080, trans_depth: 1, method: "GET", host: "www.example.com", uri: "/index.html", version: "1.1", user_agent: "Mozilla/5.0", status_code: 200 }) },
  { source: "suricata.eve", dataset: "suricata.dns", family: "network", data: eve({ event_type: "dns", src_port: 53000, dest_ip: "192.0.2.53", dest_port: 53, proto: "UDP", dns: { type: "query", id: 7, rrname: "www.example.com", rrtype: "A", tx_id: 0 } }) },
  { source: "suricata.eve", dataset: "suricata.flow", family: "network", data: eve({ event_type: "flow", src_port: 50000, dest_ip: "192.0.2.80", dest_port: 8443, flow: { pkts_toserver: 5, pkts_toclient: 5, bytes_toserver: 500, bytes_toclient: 900, start: "2023-11-14T22:13:20.250000+0000", end: "2023-11-14T22:13:21.250000+0000", age: 1, state: "closed", reason: "timeout", alerted: false } }) },
  { source: "suricata.eve", dataset: "suricata.tls", family: "network", data: eve({ event_type: "tls", src_port: 50001, dest_ip: "192.0.2.80", dest_port: 8443, tls: { sni: "www.example.com", version: "TLS 1.3" } }) },
  { source: "aws.vpcflow", dataset: "aws.vpcflow", family: "network", data: "version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status\n2 123456789012 eni-0a1b2c3d4e5f60789 10.0.0.5 192.0.2.80 50000 8443 6 5 500 1700000000 1700000060 ACCEPT OK\n" },
  { source: "pcap", dataset: "pcap.flow", family: "network", data: pcapFile(tcpConversation({ ip: "10.0.0.5", port: 50000 }, { ip: "192.0.2.80", port: 8443 }, [{ from: "client", data: "hello" }, { from: "server", data: "world" }])) },
  { source: "pcap", dataset: "pcap.dns", family: "network", data: pcapFile([{ frame: udpFrame({ src: "10.0.0.5", dst: "192.0.2.53", sport: 53000, dport: 53, payload: dnsQuery("www.example.com") }), time: 1700000000 }]) },
  { source: "ecs.ndjson", dataset: "endpoint.events.process", family: "process", data: ecs({ event: { dataset: "endpoint.events.process", category: ["process"], type: ["start"], kind: "event" } }) },
  { source: "ecs.ndjson", dataset: "endpoint.events.network", family: "network", data: ecs({ event: { dataset: "endpoint.events.network", category: ["network"], type: ["start"], action: "connection_attempted" }, source: { ip: "10.0.0.5", port: 50000 }, destination: { ip: "192.0.2.80", port: 8443 }, network: { transport: "tcp" } }) },
  { source: "ecs.ndjson", dataset: "endpoint.events.file", family: "file", data: ecs({ event: { dataset: "endpoint.events.file", category: ["file"], type: ["creation"] }, file: { path: "/home/alice/notes.txt", name: "notes.txt" } }) },
  { source: "ecs.ndjson", dataset: "auditbeat", family: "process", data: ecs({ agent: { type: "auditbeat" }, event: { module: "auditd", category: ["process"], action: "executed" } }) },
];

/** Per family: a string field, a number field and a field the routed events carry but these records lack. */
const FIELDS = {
  network: { str: "DestinationIp", num: "DestinationPort", missing: "source.domain" },
  process: { str: "CommandLine", num: "ProcessId", missing: "process.title" },
  file: { str: "TargetFilename", num: "ProcessId", missing: "process.title" },
} as const;

/** Each modifier that leaves a rule without a literal, as a detection block. */
function modifierRules(family: Sample["family"]): Record<string, string> {
  const f = FIELDS[family];
  return {
    ...(family === "network" ? { cidr: `sel:\n  ${f.str}|cidr: 192.0.2.0/24\ncondition: sel` } : {}),
    "re without a literal": `sel:\n  ${f.str}|re: '^.+$'\ncondition: sel`,
    gt: `sel:\n  ${f.num}|gt: 0\ncondition: sel`,
    lt: `sel:\n  ${f.num}|lt: 100000\ncondition: sel`,
    exists: `sel:\n  ${f.str}|exists: true\ncondition: sel`,
    null: `sel:\n  ${f.missing}: null\ncondition: sel`,
    fieldref: `sel:\n  ${f.str}|fieldref: ${f.str}\ncondition: sel`,
    "only a negation": `sel:\n  ${f.str}: 'no-such-value-4f1c'\ncondition: not sel`,
  };
}

async function built(sample: Sample, prefilters: SourcePrefilters): Promise<Event[]> {
  const src = source(sample.source);
  const r = await parseWith(src, sample.data, `sample.${sample.source}`, prefilters.forSource(src));
  assert.deepEqual(r.issues, [], `${sample.dataset}: the sample reads cleanly`);
  return r.events.filter((e) => e["event.dataset"] === sample.dataset);
}

describe("rules without literals see every event their logsource routes to", () => {
  const declarations = declaredDatasets(allSources);
  const intel = testIntel();

  for (const sample of SAMPLES) {
    const declared = declarations.find((d) => d.dataset === sample.dataset)!;
    const logsource = `  category: ${declared.sigma![0]}`;

    it(`${sample.dataset} (${sample.source}): plain traffic is skipped when no rule needs it`, async () => {
      assert.ok((declared.prefilter ?? []).length > 0, "the dataset declares prefilter checks");
      const none = new SourcePrefilters(intel, sigmaPrefilterHints([], declarations));
      assert.equal((await built(sample, none)).length, 0, "intel alone skips the sample (else this test proves nothing)");
      const off = await parseWith(source(sample.source), sample.data, `sample.${sample.source}`);
      assert.equal(off.events.filter((e) => e["event.dataset"] === sample.dataset).length, 1, "without a prefilter the sample is one event");
    });

    for (const [modifier, detection] of Object.entries(modifierRules(sample.family))) {
      it(`${sample.dataset} (${sample.source}): a ${declared.sigma![0]} rule using ${modifier} sees the event`, async () => {
        const { rules, refused } = load(ruleText(detection, logsource));
        assert.deepEqual(refused, []);
        const rule = rules[0]!;
        assert.ok(rule.kind === "detection" && rule.route, `routed (${rule.kind === "detection" ? rule.notRouted : ""})`);
        const prefilters = new SourcePrefilters(intel, sigmaPrefilterHints(rules, declarations));
        const events = await built(sample, prefilters);
        assert.equal(events.length, 1, "the record is built, not skipped");
        const hits: string[] = [];
        new SigmaEngine(rules, { detection: (r) => hits.push(r.meta.title) }).process(events[0]!);
        assert.equal(hits.length, 1, "and the rule matches it");
      });
    }
  }
});

describe("a rule turns off only the checks of the datasets it routes to", () => {
  it("a cidr rule on network_connection keeps DNS names and process keywords filtering", () => {
    const { rules } = load(ruleText("sel:\n  DestinationIp|cidr: 192.0.2.0/24\ncondition: sel", "  category: network_connection"));
    const needs = sigmaPrefilterHints(rules, declaredDatasets(allSources));
    for (const d of ["zeek.conn", "suricata.flow", "aws.vpcflow", "pcap.flow"]) {
      assert.equal(needs.get(d)!.ips, null, d);
      assert.equal(needs.get(d)!.ports, null, d);
    }
    assert.equal(needs.get("endpoint.events.network")!.text, null);
    assert.deepEqual(needs.get("zeek.dns")!.names, [], "DNS names are still judged by intel");
    assert.deepEqual(needs.get("endpoint.events.process")!.text, [], "process records are still judged by keywords");
    assert.notEqual(needs.get("zeek.ssl")!.ips, null, "TLS records are not connections: their checks stay");
  });

  it("a literal in a field a check judges joins that check; elsewhere in a raw record, the text check", () => {
    const rules = [
      ...load(ruleText("sel:\n  QueryName|endswith: '.onion'\ncondition: sel", "  category: dns_query")).rules,
      ...load(ruleText("sel:\n  CommandLine|contains: 'C:\\Windows\\Temp\\mine'\ncondition: sel", "  category: process_creation")).rules,
    ];
    const needs = sigmaPrefilterHints(rules, declaredDatasets(allSources));
    assert.deepEqual(needs.get("zeek.dns")!.names, [".onion"]);
    assert.deepEqual(needs.get("suricata.dns")!.names, [".onion"]);
    // JSON writes a backslash as \\: the keyword is the longest piece of the (16-character) literal no escape can split.
    assert.deepEqual(needs.get("endpoint.events.process")!.text, ["indows"], "and the DNS rule adds nothing to process records");
    assert.deepEqual(needs.get("auditbeat")!.text, ["indows"]);
    assert.deepEqual(needs.get("endpoint.events.file")!.text, [], "file records are not process_creation's");
  });
});
