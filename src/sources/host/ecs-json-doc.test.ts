import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Event } from "../../model/index.js";
import { assertBrokenSecondRecordIsReported, JSON_DOCUMENTS_OF_OTHER_SOURCES, objectStartLines, searchHit, searchResponse, withoutPlace } from "../test-helpers/elastic-export.js";
import { parseWith, sharedFixture, sniffWith } from "../../test-helpers/index.js";
import { openBuffer } from "../input.js";
import { allSources, chooseSource } from "../index.js";
import type { Prefilter, Source } from "../types.js";
import { runScan } from "../../pipeline/run.js";
import { MINER_PROCESS_ID } from "../../detect/detectors/host/miner-process.js";
import { ecsNdjsonSource } from "./ecs-ndjson.js";
import { ECS_JSON_DOC_ID, ecsJsonDocSource } from "./ecs-json-doc.js";

// Elastic Defend process start (logs-endpoint.events.process-*), nested as _source holds it.
const DEFEND_PROCESS = {
  "@timestamp": "2026-11-20T03:14:07.512Z",
  agent: { id: "0b5f4f6c-8f0e-4a52-9c3e-4b2e5f2a9d11", type: "endpoint", version: "8.15.0" },
  data_stream: { dataset: "endpoint.events.process", namespace: "default", type: "logs" },
  ecs: { version: "8.11.0" },
  event: { action: "start", category: ["process"], dataset: "endpoint.events.process", kind: "event", module: "endpoint", type: ["start"] },
  host: { hostname: "web-01", name: "web-01", os: { type: "linux" } },
  process: {
    args: ["/tmp/.X11-unix/kworker", "-o", "pool.supportxmr.com:3333"], args_count: 3,
    command_line: "/tmp/.X11-unix/kworker -o pool.supportxmr.com:3333",
    executable: "/tmp/.X11-unix/kworker", name: "kworker", pid: 4242,
    parent: { pid: 880, name: "bash", executable: "/usr/bin/bash" },
  },
  user: { id: "33", name: "www-data" },
};

// Elastic Defend network event with flattened keys (as some exports write them).
const DEFEND_NETWORK = {
  "@timestamp": "2026-11-20T03:14:09.000Z",
  "agent.type": "endpoint",
  "ecs.version": "8.11.0",
  "event.category": ["network"], "event.type": ["start"], "event.dataset": "endpoint.events.network", "event.action": "connection_attempted",
  "host.name": "web-01",
  "source.ip": "10.0.0.5", "source.port": 50312, "destination.ip": "141.94.96.144", "destination.port": 3333, "network.transport": "tcp",
  "process.name": "kworker", "process.pid": 4242,
};

// Auditbeat auditd module execve (6.x shape: audit-rule category, no dataset), forging our namespace.
const AUDITBEAT_EXECVE = {
  "@timestamp": "2026-11-20T03:15:00.000Z",
  agent: { type: "auditbeat", version: "7.17.0" },
  ecs: { version: "1.12.0" },
  event: { action: "executed", category: "audit-rule", module: "auditd", outcome: "success" },
  host: { name: "db-02" },
  process: { args: ["/root/.cache/xmrig", "--donate-level=1"], executable: "/root/.cache/xmrig", name: "xmrig", pid: 1234, ppid: 1 },
  user: { id: "0", name: "root" },
  minerhunt: { process: { kernel_thread: true } },
};

const DOCS = [DEFEND_PROCESS, DEFEND_NETWORK, AUDITBEAT_EXECVE];

const hit = (doc: object, i: number): object => searchHit(".ds-logs-endpoint.events.process-default-2026.11.20-000001", doc, i);

async function readAll(source: Source, text: string): Promise<{ events: Event[]; issues: unknown[] }> {
  const { events, issues } = await parseWith(source, text, "export.json");
  return { events, issues };
}

test("the same three ECS documents as NDJSON, a pretty array, a search response and an array of hits give the same events", async () => {
  const ndjson = await readAll(ecsNdjsonSource, DOCS.map((d) => JSON.stringify(d)).join("\n") + "\n");
  assert.deepEqual(ndjson.issues, []);
  assert.equal(ndjson.events.length, 3);

  const prettyArray = JSON.stringify(DOCS, null, 2);
  const response = JSON.stringify(searchResponse(DOCS.map(hit)), null, 2);
  const hitsArray = JSON.stringify(DOCS.map(hit), null, 2);
  const packagings: [string, string, number[]][] = [
    ["pretty-printed array", prettyArray, objectStartLines(prettyArray, 2)],
    ["search response", response, objectStartLines(response, 6)],
    ["array of search hits", hitsArray, objectStartLines(hitsArray, 2)],
    ["one-line array", JSON.stringify(DOCS), [1, 1, 1]],
  ];
  for (const [label, text, lines] of packagings) {
    assert.equal(lines.length, 3, `${label}: the test finds its three records`);
    assert.ok(await sniffWith(ecsJsonDocSource, text) >= 0.85, `${label}: sniffed as Elastic Defend / Auditbeat`);
    const doc = await readAll(ecsJsonDocSource, text);
    assert.deepEqual(doc.issues, [], label);
    assert.deepEqual(doc.events.map(withoutPlace), ndjson.events.map(withoutPlace), label);
    assert.deepEqual(doc.events.map((e) => e["minerhunt.line"]), lines, `${label}: each event names its record's first line`);
    assert.ok(doc.events.every((e) => e["minerhunt.format"] === ECS_JSON_DOC_ID), label);
  }

  // What ecs-ndjson.ts makes of them, so the comparison above is not of two empty shells.
  const [proc, net, audit] = ndjson.events;
  assert.equal(proc!["event.dataset"], "endpoint.events.process");
  assert.deepEqual(proc!["process.args"], ["/tmp/.X11-unix/kworker", "-o", "pool.supportxmr.com:3333"]);
  assert.equal(net!["destination.port"], 3333);
  assert.deepEqual(net!["event.category"], ["network"]);
  assert.equal(audit!["event.dataset"], "auditbeat");
  assert.deepEqual(audit!["event.category"], ["audit-rule", "process"]);
  assert.equal(audit!["process.command_line"], "/root/.cache/xmrig --donate-level=1");
  assert.equal(audit!["minerhunt.process.kernel_thread"], undefined, "minerhunt.* from the record is dropped");
});

test("EQL responses (events and sequences) and a multi-search response give the same events as NDJSON", async () => {
  const ndjson = await readAll(ecsNdjsonSource, DOCS.map((d) => JSON.stringify(d)).join("\n") + "\n");
  // EQL hits carry _index, _id and _source, without _score or sort.
  const eqlHit = (doc: object, i: number) => ({ _index: ".ds-logs-endpoint.events.process-default-2026.11.20-000001", _id: `eql${i}`, _source: doc });
  const eqlEvents = { is_partial: false, is_running: false, took: 9, timed_out: false, hits: { total: { value: 3, relation: "eq" }, events: DOCS.map(eqlHit) } };
  const eqlSequences = {
    is_partial: false, is_running: false, took: 11, timed_out: false,
    hits: { total: { value: 2, relation: "eq" }, sequences: [
      { join_keys: ["web-01"], events: [eqlHit(DOCS[0]!, 0), eqlHit(DOCS[1]!, 1)] },
      { join_keys: ["web-01"], events: [eqlHit(DOCS[2]!, 2)] },
    ] },
  };
  // A multi-search: two searches and one that failed (an error entry, passed over).
  const msearch = { took: 20, responses: [
    { ...searchResponse([hit(DOCS[0]!, 0)]), status: 200 },
    { error: { type: "index_not_found_exception", reason: "no such index [logs-old]" }, status: 404 },
    { ...searchResponse([hit(DOCS[1]!, 1), hit(DOCS[2]!, 2)]), status: 200 },
  ] };
  for (const [label, response] of [["EQL events", eqlEvents], ["EQL sequences", eqlSequences], ["multi-search", msearch]] as const) {
    const text = JSON.stringify(response, null, 2);
    const { sample } = await openBuffer("eql.json", text);
    assert.equal(chooseSource(sample, allSources).source?.id, ECS_JSON_DOC_ID, label);
    const read = await readAll(ecsJsonDocSource, text);
    assert.deepEqual(read.issues, [], label);
    assert.deepEqual(read.events.map(withoutPlace), ndjson.events.map(withoutPlace), label);
  }
});

test("a hit fetched with `fields` (every value a list) reads as its _source does", async () => {
  const fields = {
    "@timestamp": ["2026-11-20T03:14:07.512Z"], "agent.type": ["endpoint"], "ecs.version": ["8.11.0"],
    "event.category": ["process"], "event.dataset": ["endpoint.events.process"], "event.kind": ["event"],
    "host.name": ["web-01"], "process.name": ["xmrig"], "process.name.caseless": ["xmrig"], "process.pid": [4242],
    "process.args": ["xmrig"], "process.command_line": ["xmrig"], "process.command_line.text": ["xmrig"],
  };
  const source = {
    "@timestamp": "2026-11-20T03:14:07.512Z", agent: { type: "endpoint" }, ecs: { version: "8.11.0" },
    event: { category: ["process"], dataset: "endpoint.events.process", kind: "event" },
    host: { name: "web-01" }, process: { name: "xmrig", pid: 4242, args: ["xmrig"], command_line: "xmrig" },
  };
  const viaFields = await readAll(ecsJsonDocSource, JSON.stringify(searchResponse([{ _index: "logs-endpoint", _id: "a", fields }])));
  const viaSource = await readAll(ecsJsonDocSource, JSON.stringify(searchResponse([{ _index: "logs-endpoint", _id: "a", _source: source }])));
  assert.deepEqual(viaFields.issues, []);
  assert.deepEqual(viaFields.events, viaSource.events);
  assert.deepEqual(viaFields.events[0]!["process.args"], ["xmrig"], "an ECS list field stays a list");
  assert.equal(viaFields.events[0]!["process.command_line.text"], undefined, "multi-field copies are left out");
});

test("a broken record in the middle of an array is reported with its line; the others are read", async () => {
  await assertBrokenSecondRecordIsReported(ecsJsonDocSource, DOCS, '"event.action": "connection_attempted"', '"event.action": connection_attempted',
    ["endpoint.events.process", "auditbeat"]);
});

test("a search response with no hits gives no events and no issue, and is still recognised", async () => {
  const empty = JSON.stringify(searchResponse([]), null, 2);
  const { events, issues } = await parseWith(ecsJsonDocSource, empty, "empty.json");
  assert.deepEqual(events, []);
  assert.deepEqual(issues, []);
  const { sample } = await openBuffer("empty.json", empty);
  assert.equal(chooseSource(sample, allSources).source?.id, ECS_JSON_DOC_ID, "not reported as JSON of no known format");
});

test("an Elasticsearch search response of an Elastic Defend xmrig start finds a miner through the whole scan", async (t) => {
  const xmrig = {
    "@timestamp": "2026-11-20T03:14:07.512Z",
    agent: { type: "endpoint", version: "8.15.0" },
    ecs: { version: "8.11.0" },
    event: { action: "start", category: ["process"], dataset: "endpoint.events.process", kind: "event", module: "endpoint", type: ["start"] },
    host: { name: "web-07", hostname: "web-07", os: { type: "linux" } },
    process: {
      name: "xmrig", executable: "/var/tmp/.x/xmrig", pid: 31337,
      command_line: "xmrig -o stratum+tcp://pool.minexmr.com:4444",
      args: ["xmrig", "-o", "stratum+tcp://pool.minexmr.com:4444"], args_count: 3,
      working_directory: "/var/tmp/.x",
      parent: { name: "bash", executable: "/usr/bin/bash", pid: 31300 },
    },
    user: { name: "www-data", id: "33" },
  };
  const dir = mkdtempSync(join(tmpdir(), "mh-ecs-json-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, "search-response.json");
  writeFileSync(file, JSON.stringify(searchResponse([hit(xmrig, 0)]), null, 2));

  const { result, findings } = await runScan({ paths: [file], defaultRules: false });
  assert.deepEqual(result.files.map((f) => f.format), [ECS_JSON_DOC_ID], "sniffed as this source");
  assert.equal(result.issuesTotal, 0, JSON.stringify(result.issues));
  const miner = findings.find((f) => f.rule.id === MINER_PROCESS_ID);
  assert.ok(miner, findings.map((f) => f.rule.id).join(", "));
  assert.ok(miner.entities.hosts?.includes("web-07"), JSON.stringify(miner.entities));
});

test("prefilter: records that cannot matter are counted as skipped", async () => {
  const prefilter: Prefilter = {
    domain: () => true, ip: () => true, port: () => true,
    text: (raw) => raw.toLowerCase().includes("xmrig"),
  };
  const { events, skipped } = await parseWith(ecsJsonDocSource, JSON.stringify(DOCS.map(hit), null, 2), "hits.json", prefilter);
  assert.equal(skipped, 2);
  assert.deepEqual(events.map((e) => e["process.name"]), ["xmrig"]);
});

test("Filebeat's auditd module expected output (an array of flattened ECS documents) is read", async (t) => {
  const path = sharedFixture(t, "auditd/beats-filebeat-execve-hex-arg-expected.ecs.json");
  if (!path) return;
  const text = readFileSync(path, "utf8");
  assert.ok(Array.isArray(JSON.parse(text)), "the fixture is an array of documents");
  assert.ok(await sniffWith(ecsJsonDocSource, text) >= 0.6);
  const { events, issues } = await parseWith(ecsJsonDocSource, text, "expected.json");
  assert.deepEqual(issues, []);
  assert.equal(events.length, 1);
  const e = events[0]!;
  assert.equal(e["minerhunt.line"], 2);
  assert.equal(e["event.dataset"], "auditd.log");
  assert.deepEqual(e["event.category"], ["process"]);
  assert.deepEqual(e["process.args"], ["sh", "-c", 'echo \\"arg hex encoded\\"']);
  assert.equal(e["process.command_line"], 'sh -c echo \\"arg hex encoded\\"');
  assert.equal(e["@timestamp"], "2022-11-28T06:01:53.901Z");
});

test("sniff: one document per line is left to ecs.ndjson; other JSON documents are not claimed", async () => {
  const ndjson = DOCS.map((d) => JSON.stringify(d)).join("\n") + "\n";
  assert.equal(await sniffWith(ecsJsonDocSource, ndjson), 0);
  assert.equal(await sniffWith(ecsJsonDocSource, JSON.stringify(hit(DEFEND_PROCESS, 0)) + "\n"), 0, "one hit per line");
  assert.ok(await sniffWith(ecsNdjsonSource, ndjson) >= 0.85);
  // One document pretty-printed (`jq .` output) is read here: the line reader cannot.
  assert.ok(await sniffWith(ecsJsonDocSource, JSON.stringify(DEFEND_PROCESS, null, 2)) >= 0.85);
  // An array with one document per line: ecs.ndjson's sniffer parses its last line, but cannot read the file.
  const onePerLine = `[\n${DOCS.map((d) => JSON.stringify(d)).join(",\n")}\n]\n`;
  const { sample } = await openBuffer("export.json", onePerLine);
  assert.equal(chooseSource(sample, allSources).source?.id, ECS_JSON_DOC_ID);
  const read = await parseWith(ecsJsonDocSource, onePerLine);
  assert.deepEqual(read.issues, []);
  assert.deepEqual(read.events.map((e) => e["minerhunt.line"]), [2, 3, 4]);

  for (const { label, text, owner } of JSON_DOCUMENTS_OF_OTHER_SOURCES) {
    const ownSource = allSources.find((s) => s.id === owner)!;
    assert.equal(await sniffWith(ecsJsonDocSource, text), 0, `${label} is not claimed`);
    assert.ok(await sniffWith(ownSource, text) >= 0.9, `${label} is still ${owner}'s`);
  }
  for (const other of ["[]", "{}", '[{"name": "x", "value": 1}]', '{"hits": 3}', '{"status":"success","data":{"resultType":"matrix","result":[]}}']) {
    assert.equal(await sniffWith(ecsJsonDocSource, other), 0, other);
  }
});

test("sniff: the shared cloud findings documents stay with their own sources", async (t) => {
  const cases: [string, string][] = [
    ["cloud-findings/guardduty-sample-CryptoCurrency-Runtime-BitcoinTool.B.json", "aws.guardduty"],
    ["cloud-findings/defender-for-cloud-SIMULATED_VM_DigitalCurrencyMining-sentinel-SecurityAlert.json", "azure.defender"],
    ["cloud-findings/gcp-logging-custom-cryptomining-detector.json", "gcp.logging"],
    ["suricata-eve/qnsm-eve-alert-et-policy-cryptocurrency-miner-checkin.pretty.json", "suricata.eve"],
  ];
  for (const [rel, owner] of cases) {
    const path = sharedFixture(t, rel);
    if (!path) return;
    const bytes = readFileSync(path);
    assert.equal(await sniffWith(ecsJsonDocSource, bytes), 0, rel);
    const { sample } = await openBuffer(rel, bytes);
    assert.equal(chooseSource(sample, allSources).source?.id, owner, rel);
  }
});
