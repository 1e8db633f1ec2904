import { test } from "node:test";
import assert from "node:assert/strict";
import { parseWith, sniffWith } from "../../test-helpers/index.js";
import { osqueryProcessesSource } from "./osquery-processes.js";

// osqueryi --json: an array, one row per line, every value as text.
const OSQUERYI = `[
  {"cmdline":"/sbin/init splash","cwd":"/","name":"systemd","on_disk":"1","parent":"0","path":"/usr/lib/systemd/systemd","pid":"1","start_time":"1795000000","uid":"0"},
  {"cmdline":"","cwd":"","name":"kworker/0:1","on_disk":"-1","parent":"2","path":"","pid":"57","start_time":"1795000001","uid":"0"},
  {"cmdline":"/tmp/.X11-unix/kworker -o pool.supportxmr.com:3333 --donate-level=1","cwd":"/tmp/.X11-unix","name":"kworker","on_disk":"0","parent":"1","path":"/tmp/.X11-unix/kworker","pid":"4242","start_time":"1795144447","uid":"33"}
]
`;

test("osqueryi --json: one event per row, with the line each row starts on", async () => {
  const { events, issues } = await parseWith(osqueryProcessesSource, OSQUERYI, "osq.json");
  assert.deepEqual(issues, []);
  assert.equal(events.length, 3);
  assert.deepEqual(events.map((e) => e["minerhunt.line"]), [2, 3, 4]);
  assert.deepEqual(events[2], {
    "event.dataset": "osquery.processes",
    "event.category": ["process"],
    "event.kind": "state",
    "log.file.path": "osq.json",
    "minerhunt.format": "osquery.processes",
    "minerhunt.line": 4,
    "process.pid": 4242,
    "process.parent.pid": 1,
    "process.command_line": "/tmp/.X11-unix/kworker -o pool.supportxmr.com:3333 --donate-level=1",
    "process.args": ["/tmp/.X11-unix/kworker", "-o", "pool.supportxmr.com:3333", "--donate-level=1"],
    "process.name": "kworker",
    "process.executable": "/tmp/.X11-unix/kworker",
    "minerhunt.process.kernel_thread": false,
    "process.working_directory": "/tmp/.X11-unix",
    "user.id": "33",
    "process.start": "2026-11-20T03:14:07.000Z",
    "minerhunt.process.on_disk": 0,
  });
});

test("osquery kernel thread: empty path and cmdline; trap: kworker with a path is not one", async () => {
  const { events } = await parseWith(osqueryProcessesSource, OSQUERYI);
  const kernel = events.find((e) => e["process.pid"] === 57)!;
  assert.equal(kernel["minerhunt.process.kernel_thread"], true);
  assert.equal(kernel["process.executable"], "");
  assert.equal(kernel["process.name"], "kworker/0:1");
  const fake = events.find((e) => e["process.pid"] === 4242)!;
  assert.equal(fake["minerhunt.process.kernel_thread"], false);
});

const HEAD = '"hostIdentifier":"web-01","calendarTime":"Fri Nov 20 03:14:07 2026 UTC","unixTime":1795144447,"epoch":0,"counter":3,"numerics":false,"decorations":{"host_uuid":"4C4C4544-0042-3110-8052-B4C04F4D4E32","username":"root"}';
const ROW = '{"cmdline":"./xmrig -c config.json","cwd":"/dev/shm","name":"xmrig","on_disk":"1","parent":"880","path":"/dev/shm/xmrig","pid":"4321","start_time":"1795144400","uid":"0"}';

test("osqueryd result log: event, snapshot and batch lines; other queries are skipped", async () => {
  const log = [
    `{"name":"pack_incident-response_processes",${HEAD},"columns":${ROW},"action":"added"}`,
    `{"name":"pack_incident-response_listening_ports",${HEAD},"columns":{"address":"0.0.0.0","port":"22","pid":"812"},"action":"added"}`,
    `{"snapshot":[${ROW},{"cmdline":"/usr/sbin/sshd -D","name":"sshd","parent":"1","path":"/usr/sbin/sshd","pid":"812","uid":"0"}],"action":"snapshot","name":"pack_ir_processes",${HEAD}}`,
    `{"diffResults":{"removed":[${ROW}],"added":[]},"name":"processes",${HEAD}}`,
  ].join("\n");
  const { events, issues, skipped } = await parseWith(osqueryProcessesSource, log);
  assert.deepEqual(issues, []);
  assert.equal(skipped, 1, "the listening_ports line");
  assert.deepEqual(events.map((e) => [e["minerhunt.line"], e["event.action"], e["process.pid"]]), [
    [1, "added", 4321], [3, "snapshot", 4321], [3, "snapshot", 812], [4, "removed", 4321],
  ]);
  const first = events[0]!;
  assert.equal(first["host.name"], "web-01");
  assert.equal(first["@timestamp"], "2026-11-20T03:14:07.000Z");
  assert.equal(first["event.kind"], "event");
  assert.equal(first["process.executable"], "/dev/shm/xmrig", "osquery's path wins over argv[0]");
  assert.equal(first["process.working_directory"], "/dev/shm");
  assert.equal(events[1]!["event.kind"], "state");
});

test("a broken result-log line is an issue with its line; the next line still parses", async () => {
  const log = [
    `{"name":"pack_ir_processes",${HEAD},"columns":${ROW}`,
    `{"name":"pack_ir_processes",${HEAD},"columns":${ROW},"action":"added"}`,
  ].join("\n");
  const { events, issues } = await parseWith(osqueryProcessesSource, log);
  assert.equal(events.length, 1);
  assert.equal(issues.length, 1);
  assert.equal(issues[0]!.line, 1);
  assert.match(issues[0]!.message, /not valid JSON/);
});

test("sniff: osqueryi arrays and process result logs", async () => {
  assert.ok(await sniffWith(osqueryProcessesSource, OSQUERYI) >= 0.85);
  assert.ok(await sniffWith(osqueryProcessesSource, `{"name":"pack_ir_processes",${HEAD},"columns":${ROW},"action":"added"}\n`) >= 0.9);
  assert.equal(await sniffWith(osqueryProcessesSource, '{"@timestamp":"2026-11-20T03:14:07Z","process":{"pid":1}}\n'), 0);
});
