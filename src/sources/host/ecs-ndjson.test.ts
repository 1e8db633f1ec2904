import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { parseWith, sharedFixture, sniffWith } from "../../test-helpers/index.js";
import type { Prefilter } from "../types.js";
import { ecsNdjsonSource } from "./ecs-ndjson.js";

// Elastic Defend process start, as exported from the logs-endpoint.events.process-* data stream.
const DEFEND = JSON.stringify({
  "@timestamp": "2026-11-20T03:14:07.512Z",
  agent: { id: "0b5f4f6c-8f0e-4a52-9c3e-4b2e5f2a9d11", type: "endpoint", version: "8.15.0" },
  data_stream: { dataset: "endpoint.events.process", namespace: "default", type: "logs" },
  ecs: { version: "8.11.0" },
  event: { action: "start", category: ["process"], created: "2026-11-20T03:14:07.512Z", dataset: "endpoint.events.process", id: "NlKxQ2mP0c1", kind: "event", module: "endpoint", type: ["start"] },
  host: { hostname: "web-01", name: "web-01", os: { family: "ubuntu", type: "linux" } },
  process: {
    args: ["/tmp/.X11-unix/kworker", "-o", "pool.supportxmr.com:3333", "--donate-level=1"], args_count: 4,
    command_line: "/tmp/.X11-unix/kworker -o pool.supportxmr.com:3333 --donate-level=1",
    entity_id: "NjMzZWQ0", executable: "/tmp/.X11-unix/kworker", name: "kworker", pid: 4242,
    hash: { sha256: "1e0bd2d4bbf7e0ed0b5ab1d1e0e1f1c8a5f3e0d0e3ff9a1d1e1a5c2c1a0b9c8d" },
    parent: { pid: 880, name: "bash", executable: "/usr/bin/bash" },
    working_directory: "/tmp/.X11-unix", Ext: { ancestry: ["NjMzZWQ0", "OTg3NjU0"] },
  },
  user: { id: "33", name: "www-data" },
});

// Auditbeat system module, process dataset.
const AUDITBEAT = JSON.stringify({
  "@timestamp": "2026-11-20T03:15:00.000Z",
  agent: { type: "auditbeat", version: "8.15.0" },
  ecs: { version: "8.0.0" },
  event: { action: "process_started", category: ["process"], dataset: "process", kind: "event", module: "system", type: ["start"] },
  host: { name: "db-02" },
  process: { args: ["/root/.cache/xmrig"], executable: "/root/.cache/xmrig", name: "xmrig", pid: 1234, ppid: 1, working_directory: "/root" },
  user: { id: "0", name: "root" },
});

test("Elastic Defend NDJSON: flattened, provenance added, record fields kept", async () => {
  const { events, issues } = await parseWith(ecsNdjsonSource, DEFEND + "\n", "endpoint.ndjson");
  assert.deepEqual(issues, []);
  const e = events[0]!;
  assert.equal(e["event.dataset"], "endpoint.events.process");
  assert.deepEqual(e["event.category"], ["process"]);
  assert.equal(e["event.kind"], "event");
  assert.equal(e["log.file.path"], "endpoint.ndjson");
  assert.equal(e["minerhunt.line"], 1);
  assert.equal(e["minerhunt.format"], "ecs.ndjson");
  assert.equal(e["process.pid"], 4242);
  assert.equal(e["process.parent.pid"], 880);
  assert.equal(e["process.parent.name"], "bash");
  assert.equal(e["process.hash.sha256"], "1e0bd2d4bbf7e0ed0b5ab1d1e0e1f1c8a5f3e0d0e3ff9a1d1e1a5c2c1a0b9c8d");
  assert.deepEqual(e["process.args"], ["/tmp/.X11-unix/kworker", "-o", "pool.supportxmr.com:3333", "--donate-level=1"]);
  assert.deepEqual(e["process.Ext.ancestry"], ["NjMzZWQ0", "OTg3NjU0"]);
  assert.equal(e["host.name"], "web-01");
  assert.equal(e["user.name"], "www-data");
  assert.equal(e["@timestamp"], "2026-11-20T03:14:07.512Z");
});

test("Auditbeat records get the auditbeat dataset", async () => {
  const { events } = await parseWith(ecsNdjsonSource, AUDITBEAT + "\n");
  assert.equal(events[0]!["event.dataset"], "auditbeat");
  assert.equal(events[0]!["event.module"], "system");
  assert.equal(events[0]!["process.name"], "xmrig");
});

test("a malformed JSON line yields an issue with its line number, and the next line still parses", async () => {
  const text = [DEFEND, DEFEND.slice(0, 80), AUDITBEAT].join("\n");
  const { events, issues } = await parseWith(ecsNdjsonSource, text);
  assert.equal(issues.length, 1);
  assert.equal(issues[0]!.line, 2);
  assert.match(issues[0]!.message, /not valid JSON/);
  assert.deepEqual(events.map((e) => e["minerhunt.line"]), [1, 3]);
});

test("trap: minerhunt.* fields inside a record are dropped, provenance cannot be forged", async () => {
  const forged = JSON.stringify({
    "@timestamp": "2026-11-20T03:14:07Z", ecs: { version: "8.11.0" }, event: { dataset: "endpoint.events.process" },
    process: { name: "kworker/0:1", pid: 9 }, minerhunt: { process: { kernel_thread: true } }, "minerhunt.line": 99,
    log: { file: { path: "/var/log/innocent.log" } },
  });
  const { events } = await parseWith(ecsNdjsonSource, forged, "real.ndjson");
  const e = events[0]!;
  assert.equal(e["minerhunt.process.kernel_thread"], undefined);
  assert.equal(e["minerhunt.line"], 1);
  assert.equal(e["log.file.path"], "real.ndjson");
});

test("without event.category, process fields make it a process event; search hits are unwrapped", async () => {
  const hit = JSON.stringify({ _index: ".ds-logs-endpoint.events.process-default-2026.11.20-000001", _id: "x1", _source: { "@timestamp": "2026-11-20T03:14:07Z", agent: { type: "endpoint" }, process: { name: "xmrig", pid: 5 } } });
  const { events } = await parseWith(ecsNdjsonSource, hit);
  assert.deepEqual(events[0]!["event.category"], ["process"]);
  assert.equal(events[0]!["event.dataset"], "ecs");
  assert.equal(events[0]!["process.name"], "xmrig");
  assert.equal(events[0]!["_index"], undefined);
});

test("prefilter: lines that cannot matter are counted as skipped and never parsed", async () => {
  const prefilter: Prefilter = {
    domain: () => true, ip: () => true, port: () => true,
    text: (raw) => raw.toLowerCase().includes("xmrig") || raw.toLowerCase().includes("pool."),
  };
  const boring = JSON.stringify({ "@timestamp": "2026-11-20T03:14:07Z", ecs: { version: "8.11.0" }, process: { name: "sshd", pid: 812 } });
  const brokenButBoring = '{"@timestamp": "2026-11-20T03:14:07Z", "process": {"name": "cron"';
  const text = [boring, DEFEND, brokenButBoring, AUDITBEAT].join("\n");
  const { events, issues, skipped } = await parseWith(ecsNdjsonSource, text, "x.ndjson", prefilter);
  assert.equal(skipped, 2);
  assert.deepEqual(issues, [], "a skipped line is not even parsed, so its broken JSON is not reported");
  assert.deepEqual(events.map((e) => e["minerhunt.line"]), [2, 4]);
});

test("sniff: ECS process NDJSON scores high; Elastic Defend and Auditbeat higher than generic ECS", async () => {
  assert.ok(await sniffWith(ecsNdjsonSource, DEFEND + "\n") >= 0.85);
  assert.ok(await sniffWith(ecsNdjsonSource, AUDITBEAT + "\n") >= 0.85);
  const generic = JSON.stringify({ "@timestamp": "2026-11-20T03:14:07Z", ecs: { version: "8.11.0" }, event: { category: ["network"] }, destination: { ip: "1.2.3.4" } });
  assert.equal(await sniffWith(ecsNdjsonSource, generic + "\n"), 0.6);
  assert.equal(await sniffWith(ecsNdjsonSource, '{"ts":1700000000.1,"uid":"C1","id.orig_h":"10.0.0.5"}\n'), 0, "Zeek JSON is not ECS");
});

test("Auditbeat's auditd execve (documentation sample, one JSON per line as shipped) reads as the raw audit.log execve does", async (t) => {
  const path = sharedFixture(t, "auditd/beats-auditbeat-meta-execve.json");
  if (!path) return;
  // The _meta sample omits @timestamp, which every shipped document carries.
  const doc = { "@timestamp": "2017-12-07T03:19:53.511Z", ...(JSON.parse(readFileSync(path, "utf8")) as Record<string, unknown>) };
  const line = `${JSON.stringify(doc)}\n`;
  assert.ok(await sniffWith(ecsNdjsonSource, line) >= 0.85);
  const { events, issues } = await parseWith(ecsNdjsonSource, line);
  assert.deepEqual(issues, []);
  const e = events[0]!;
  assert.equal(e["event.dataset"], "auditbeat");
  assert.ok((e["event.category"] as string[]).includes("process"), "audit-rule + executed is a process event");
  assert.equal(e["process.command_line"], "uname -a");
  assert.deepEqual(e["process.args"], ["uname", "-a"]);
  assert.equal(e["process.executable"], "/bin/uname");
  assert.equal(e["process.pid"], 10043);
  assert.equal(e["process.parent.pid"], 10027);
  assert.equal(e["user.id"], "1001");
  assert.equal(e["user.audit.id"], "1001");
});

test("Auditbeat's auditd connect (connected-to) under the audit-rule category is a network event, as the raw connect is", async () => {
  // Auditbeat 6.x/7.x auditd module shape for a connect() audit rule hit (auditd.summary, destination.*).
  const line = `${JSON.stringify({
    "@timestamp": "2026-11-20T03:14:08.000Z", agent: { type: "auditbeat" }, ecs: { version: "1.12.0" },
    event: { action: "connected-to", category: "audit-rule", module: "auditd", outcome: "success" },
    auditd: { data: { syscall: "connect", exit: "0" }, summary: { actor: { primary: "www-data" }, how: "/tmp/.x/kworker", object: { type: "socket", primary: "141.94.96.144", secondary: "3333" } } },
    destination: { ip: "141.94.96.144", port: 3333 }, process: { pid: 4242, executable: "/tmp/.x/kworker", name: "kworker" },
    host: { name: "web-07" },
  })}\n`;
  const { events } = await parseWith(ecsNdjsonSource, line);
  assert.deepEqual(events[0]!["event.category"], ["audit-rule", "network"]);
  assert.equal(events[0]!["destination.ip"], "141.94.96.144");
  assert.equal(events[0]!["destination.port"], 3333);
  assert.equal(events[0]!["event.dataset"], "auditbeat");
});
