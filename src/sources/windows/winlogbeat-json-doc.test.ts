/**
 * Winlogbeat / Elastic Agent Windows documents packaged as ONE JSON document (an array, an Elasticsearch
 * search response), read by ecs.json: each Windows event goes through the same conversion windows.winlogbeat
 * applies to the document on a line, so both exports of the same Sysmon events give the same events.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { assertBrokenSecondRecordIsReported, JSON_DOCUMENTS_OF_OTHER_SOURCES, objectStartLines, searchHit, searchResponse, withoutPlace } from "../test-helpers/elastic-export.js";
import { parseWith, sniffWith } from "../../test-helpers/index.js";
import { openBuffer } from "../input.js";
import { allSources, chooseSource } from "../index.js";
import type { Prefilter } from "../types.js";
import { runScan } from "../../pipeline/run.js";
import { MINER_PROCESS_ID } from "../../detect/detectors/host/miner-process.js";
import { ECS_JSON_DOC_ID, ecsJsonDocSource } from "../host/ecs-json-doc.js";
import { WINLOGBEAT_ID, winlogbeatSource } from "./winlogbeat-source.js";

const HOST = "WS-FIN-07";
const EXE = "C:\\Users\\Public\\xmrig.exe";
const CMD = `${EXE} -o stratum+tcp://pool.supportxmr.com:3333 -u 44AFFq5kSiGBoZ4NMDwYtN18obc8AemS33DBLWs3H7otXft3XjrpDtQGv7SqSsaBYBb98uNbr2VBBEt7f2wfn3RVGQBEP3A -p x`;
const PROCESS_GUID = "{0197231e-6c8f-693a-2613-000000000800}";

/** A Sysmon event as Winlogbeat 8 writes it: ECS top level, the event under `winlog`, event_data values as strings. */
function sysmon(eventId: number, time: string, recordId: number, eventData: Record<string, string>, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    "@timestamp": time,
    agent: { type: "winlogbeat", version: "8.15.0", name: HOST },
    ecs: { version: "8.0.0" },
    host: { name: "ws-fin-07", ip: ["10.20.30.41"], os: { family: "windows", type: "windows" } },
    event: { code: String(eventId), kind: "event", provider: "Microsoft-Windows-Sysmon", module: "sysmon", ...extra },
    winlog: {
      api: "wineventlog", channel: "Microsoft-Windows-Sysmon/Operational", provider_name: "Microsoft-Windows-Sysmon",
      computer_name: HOST, event_id: String(eventId), record_id: String(recordId), version: 5,
      process: { pid: 3208, thread: { id: 1724 } }, user: { identifier: "S-1-5-18", domain: "NT AUTHORITY", name: "SYSTEM" },
      event_data: { RuleName: "-", ProcessGuid: PROCESS_GUID, ProcessId: "6012", Image: EXE, User: `${HOST}\\alice`, ...eventData },
    },
  };
}

const PROCESS_CREATE = sysmon(1, "2026-11-20T03:14:07.123Z", 21767, {
  UtcTime: "2026-11-20 03:14:07.120", CommandLine: CMD, CurrentDirectory: "C:\\Users\\Public\\", OriginalFileName: "xmrig.exe",
  IntegrityLevel: "Medium", Hashes: "SHA256=8955D2A45404A59C2E3772F3C76AEEAE48AEDF100BE328C003D7A4DF5342B491",
  ParentProcessId: "5000", ParentImage: "C:\\Windows\\System32\\cmd.exe", ParentCommandLine: "\"C:\\WINDOWS\\system32\\cmd.exe\"",
}, { category: ["process"], type: ["start"] });
const NETWORK_CONNECT = sysmon(3, "2026-11-20T03:14:08.500Z", 21768, {
  UtcTime: "2026-11-20 03:14:08.490", Protocol: "tcp", Initiated: "true", SourceIsIpv6: "false", SourceIp: "10.20.30.41", SourcePort: "51514",
  DestinationIsIpv6: "false", DestinationIp: "141.94.96.144", DestinationHostname: "pool.supportxmr.com", DestinationPort: "3333",
}, { category: ["network"], type: ["connection", "start"] });
const DNS_QUERY = sysmon(22, "2026-11-20T03:14:08.100Z", 21769, {
  UtcTime: "2026-11-20 03:14:08.090", QueryName: "pool.supportxmr.com", QueryStatus: "0", QueryResults: "::ffff:141.94.96.144;::ffff:141.94.96.71;",
}, { category: ["network"], type: ["connection", "protocol", "info"] });

const SYSMON_DOCS = [PROCESS_CREATE, NETWORK_CONNECT, DNS_QUERY];

// Elastic Defend process start on a Linux host: the non-Windows half of a mixed export.
const LINUX_PROCESS = {
  "@timestamp": "2026-11-20T03:20:00.000Z",
  agent: { type: "endpoint", version: "8.15.0" },
  ecs: { version: "8.11.0" },
  event: { action: "start", category: ["process"], dataset: "endpoint.events.process", kind: "event", module: "endpoint", type: ["start"] },
  host: { name: "web-01", os: { type: "linux" } },
  process: { name: "kworker", executable: "/tmp/.X11-unix/kworker", pid: 4242, command_line: "/tmp/.X11-unix/kworker -o pool.supportxmr.com:3333" },
};

const hit = (doc: object, i: number): object => searchHit(".ds-winlogbeat-8.15.0-2026.11.20-000001", doc, i);

async function chosen(text: string, name = "export.json"): Promise<string | undefined> {
  const { sample } = await openBuffer(name, text);
  return chooseSource(sample, allSources).source?.id;
}

test("Sysmon 1, 3 and 22 as NDJSON, a pretty-printed array and a search response give the same Windows events", async () => {
  const ndjsonText = SYSMON_DOCS.map((d) => JSON.stringify(d)).join("\n") + "\n";
  assert.equal(await chosen(ndjsonText, "winlogbeat.ndjson"), WINLOGBEAT_ID);
  const ndjson = await parseWith(winlogbeatSource, ndjsonText, "winlogbeat.ndjson");
  assert.deepEqual(ndjson.issues, []);
  assert.equal(ndjson.events.length, 3);

  const prettyArray = JSON.stringify(SYSMON_DOCS, null, 2);
  const response = JSON.stringify(searchResponse(SYSMON_DOCS.map(hit)), null, 2);
  const packagings: [string, string, number[]][] = [
    ["pretty-printed array", prettyArray, objectStartLines(prettyArray, 2)],
    ["search response", response, objectStartLines(response, 6)],
  ];
  for (const [label, text, lines] of packagings) {
    assert.equal(lines.length, 3, `${label}: the test finds its three records`);
    assert.equal(await chosen(text), ECS_JSON_DOC_ID, label);
    const doc = await parseWith(ecsJsonDocSource, text, "winlogbeat.ndjson");
    assert.deepEqual(doc.issues, [], label);
    assert.deepEqual(doc.events.map(withoutPlace), ndjson.events.map(withoutPlace), label);
    assert.deepEqual(doc.events.map((e) => e["minerhunt.line"]), lines, `${label}: each event names its record's first line`);
    assert.ok(doc.events.every((e) => e["minerhunt.format"] === ECS_JSON_DOC_ID), label);
  }

  // The Windows mapping, not generic ECS: so the comparison above is of Windows events.
  const [proc, net, dns] = ndjson.events;
  assert.equal(proc!["event.dataset"], "windows.sysmon.process");
  assert.equal(proc!["process.executable"], EXE);
  assert.equal(proc!["process.name"], "xmrig.exe");
  assert.equal(proc!["process.command_line"], CMD);
  assert.equal(proc!["process.parent.executable"], "C:\\Windows\\System32\\cmd.exe");
  assert.equal(proc!["host.name"], HOST);
  assert.deepEqual(proc!["host.ip"], ["10.20.30.41"]);
  assert.equal(net!["event.dataset"], "windows.sysmon.network");
  assert.equal(net!["destination.ip"], "141.94.96.144");
  assert.equal(net!["destination.port"], 3333);
  assert.equal(dns!["event.dataset"], "windows.sysmon.dns");
  assert.equal(dns!["dns.question.name"], "pool.supportxmr.com");
  const declared = new Set(ecsJsonDocSource.emits.map((d) => d.dataset));
  for (const e of ndjson.events) assert.ok(declared.has(e["event.dataset"] as string), `ecs.json declares ${String(e["event.dataset"])}`);
});

test("an Elasticsearch search response of Winlogbeat Sysmon events finds the miner through the whole scan", async (t) => {
  const dir = mkdtempSync(join(tmpdir(), "mh-winlogbeat-json-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, "winlogbeat-search-response.json");
  writeFileSync(file, JSON.stringify(searchResponse(SYSMON_DOCS.map(hit)), null, 2));

  const { result, findings } = await runScan({ paths: [file], defaultRules: false });
  assert.deepEqual(result.files.map((f) => f.format), [ECS_JSON_DOC_ID], "sniffed as ecs.json, read through the Windows mapping");
  assert.equal(result.issuesTotal, 0, JSON.stringify(result.issues));
  const miner = findings.find((f) => f.rule.id === MINER_PROCESS_ID);
  assert.ok(miner, findings.map((f) => f.rule.id).join(", "));
  assert.ok(miner.entities.hosts?.some((h) => h.toLowerCase() === HOST.toLowerCase()), JSON.stringify(miner.entities));
});

test("a broken Winlogbeat record in the middle of an array is reported with its line; its neighbours are read", async () => {
  // The second record is Sysmon 3.
  await assertBrokenSecondRecordIsReported(ecsJsonDocSource, SYSMON_DOCS, '"DestinationPort": "3333"', '"DestinationPort": 3333x',
    ["windows.sysmon.process", "windows.sysmon.dns"]);
});

test("a mixed export (Windows and Linux documents, in either order) reads each its own way and loses nothing", async () => {
  for (const docs of [[PROCESS_CREATE, LINUX_PROCESS, DNS_QUERY], [LINUX_PROCESS, PROCESS_CREATE, DNS_QUERY]]) {
    const text = JSON.stringify(searchResponse(docs.map(hit)), null, 2);
    assert.equal(await chosen(text), ECS_JSON_DOC_ID);
    const { events, issues } = await parseWith(ecsJsonDocSource, text, "mixed.json");
    assert.deepEqual(issues, []);
    const byHost = new Map(events.map((e) => [`${String(e["host.name"])} ${String(e["event.dataset"])}`, e]));
    assert.deepEqual([...byHost.keys()].sort(), [`${HOST} windows.sysmon.dns`, `${HOST} windows.sysmon.process`, "web-01 endpoint.events.process"]);
    // The Linux document is what ecs.ndjson makes of it: generic ECS, its own dataset and fields.
    const linux = byHost.get("web-01 endpoint.events.process")!;
    assert.equal(linux["process.executable"], "/tmp/.X11-unix/kworker");
    assert.equal(linux["host.os.type"], "linux");
    assert.equal(byHost.get(`${HOST} windows.sysmon.process`)!["process.command_line"], CMD);
  }
});

test("prefilter: its raw-text check (built for the ECS datasets) is never applied to a Windows document", async () => {
  const nothingMatters: Prefilter = { domain: () => false, ip: () => false, port: () => false, text: () => false };
  const text = JSON.stringify([PROCESS_CREATE, LINUX_PROCESS, DNS_QUERY], null, 2);
  const { events, skipped } = await parseWith(ecsJsonDocSource, text, "mixed.json", nothingMatters);
  assert.equal(skipped, 1, "the Linux document is skipped");
  assert.deepEqual(events.map((e) => e["event.dataset"]), ["windows.sysmon.process", "windows.sysmon.dns"]);
});

test("a hit fetched with `fields` (flat keys, every value a list) is read as a Windows event too", async () => {
  const fields = {
    "@timestamp": ["2026-11-20T03:14:08.100Z"], "winlog.channel": ["Microsoft-Windows-Sysmon/Operational"], "winlog.event_id": ["22"],
    "winlog.provider_name": ["Microsoft-Windows-Sysmon"], "winlog.computer_name": [HOST], "winlog.event_data.QueryName": ["pool.supportxmr.com"],
    "winlog.event_data.Image": [EXE], "winlog.event_data.ProcessId": ["6012"],
  };
  const { events, issues } = await parseWith(ecsJsonDocSource, JSON.stringify(searchResponse([{ _index: "winlogbeat", _id: "a", fields }])), "fields.json");
  assert.deepEqual(issues, []);
  assert.equal(events[0]!["event.dataset"], "windows.sysmon.dns");
  assert.equal(events[0]!["dns.question.name"], "pool.supportxmr.com");
});

test("sniff: Winlogbeat arrays are read as Windows events by ecs.json; generic ECS and cloud arrays keep their sources", async () => {
  // Arrays of Winlogbeat documents: ecs.json above windows.winlogbeat, whose line sniffer can parse an
  // array's last line when the array holds one document per line.
  const onePerLine = `[\n${SYSMON_DOCS.map((d) => JSON.stringify(d)).join(",\n")}\n]\n`;
  assert.equal(await chosen(onePerLine), ECS_JSON_DOC_ID);
  const read = await parseWith(ecsJsonDocSource, onePerLine);
  assert.deepEqual(read.issues, []);
  assert.deepEqual(read.events.map((e) => e["event.dataset"]), ["windows.sysmon.process", "windows.sysmon.network", "windows.sysmon.dns"]);
  // A bare Winlogbeat document (no ECS markers, no @timestamp) is still a Windows event.
  const bare = JSON.stringify([{ winlog: { channel: "System", event_id: 7045, provider_name: "Service Control Manager",
    event_data: { ServiceName: "WinRing0_1_2_0", ImagePath: "C:\\Users\\Public\\WinRing0x64.sys" } } }], null, 2);
  assert.ok(await sniffWith(ecsJsonDocSource, bare) >= 0.9);
  assert.equal((await parseWith(ecsJsonDocSource, bare)).events[0]!["event.dataset"], "windows.system.service");

  // Generic ECS documents: still ecs.json, read as ECS.
  const ecsArray = JSON.stringify([LINUX_PROCESS], null, 2);
  assert.equal(await chosen(ecsArray), ECS_JSON_DOC_ID);
  assert.equal((await parseWith(ecsJsonDocSource, ecsArray)).events[0]!["event.dataset"], "endpoint.events.process");
  // A document that names winlog without being a Windows event (no channel) is generic ECS.
  const notWindows = { ...LINUX_PROCESS, winlog: { api: "wineventlog" } };
  assert.equal((await parseWith(ecsJsonDocSource, JSON.stringify([notWindows]))).events[0]!["event.dataset"], "endpoint.events.process");

  for (const { label, text, owner } of JSON_DOCUMENTS_OF_OTHER_SOURCES) assert.equal(await chosen(text), owner, label);
});
