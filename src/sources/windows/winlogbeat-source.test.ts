import { test } from "node:test";
import assert from "node:assert/strict";
import { parseWith } from "../../test-helpers/index.js";
import { openBuffer } from "../input.js";
import { allSources, chooseSource } from "../index.js";
import { evtxSource } from "./evtx-source.js";
import { winlogbeatSource } from "./winlogbeat-source.js";
import { buildEvtx, sysmonEvent } from "./test-helpers/evtx-builder.js";

// Records laid out as Winlogbeat 8 writes them (file/Logstash output: ECS top level, the event under
// `winlog`, event_data values as strings, event_id and record_id as strings) and as Elastic Agent's
// Windows integration indexes them (data_stream, event.dataset windows.sysmon_operational).
const CMD = "\"C:\\Users\\alice\\AppData\\Roaming\\xmrig\\xmrig.exe\" -o pool.supportxmr.com:3333 -u 44AFFq5kSiGBoZ4NMDwYtN18obc8AemS33DBLWs3H7otXft3XjrpDtQGv7SqSsaBYBb98uNbr2VBBEt7f2wfn3RVGQBEP3A -k --donate-level 1";
const SYSMON_1 = {
  "@timestamp": "2026-11-20T03:14:07.123Z",
  "@metadata": { beat: "winlogbeat", type: "_doc", version: "8.15.0" },
  agent: { type: "winlogbeat", version: "8.15.0", name: "WS-FIN-07", id: "3f0b1c2a-0000-4000-8000-000000000001", ephemeral_id: "7d1c" },
  ecs: { version: "8.0.0" },
  host: { name: "ws-fin-07", hostname: "ws-fin-07", ip: ["10.20.30.41"], os: { family: "windows", platform: "windows", type: "windows" } },
  log: { level: "information" },
  message: "Process Create:\nRuleName: -\nUtcTime: 2026-11-20 03:14:07.120\n...",
  event: { code: "1", kind: "event", provider: "Microsoft-Windows-Sysmon", created: "2026-11-20T03:14:08.001Z", module: "sysmon",
    category: ["process"], type: ["start", "process_start"], action: "Process Create (rule: ProcessCreate)" },
  winlog: {
    api: "wineventlog", channel: "Microsoft-Windows-Sysmon/Operational", computer_name: "WS-FIN-07", event_id: "1", opcode: "Info",
    process: { pid: 3208, thread: { id: 1724 } }, provider_guid: "{5770385f-c22a-43e0-bf4c-06f5698ffbd9}", provider_name: "Microsoft-Windows-Sysmon",
    record_id: "21767", task: "Process Create (rule: ProcessCreate)", version: 5,
    user: { domain: "NT AUTHORITY", identifier: "S-1-5-18", name: "SYSTEM", type: "User" },
    event_data: {
      RuleName: "-", UtcTime: "2026-11-20 03:14:07.120", ProcessGuid: "{0197231e-6c8f-693a-2613-000000000800}", ProcessId: "6012",
      Image: "C:\\Users\\alice\\AppData\\Roaming\\xmrig\\xmrig.exe", FileVersion: "6.22.2", Description: "XMRig miner", Product: "XMRig",
      Company: "www.xmrig.com", OriginalFileName: "xmrig.exe", CommandLine: CMD, CurrentDirectory: "C:\\Users\\alice\\AppData\\Roaming\\xmrig\\",
      User: "WS-FIN-07\\alice", LogonGuid: "{0197231e-ab9f-67aa-fb17-030000000000}", LogonId: "0x317fb", TerminalSessionId: "1",
      IntegrityLevel: "Medium", Hashes: "SHA256=8955D2A45404A59C2E3772F3C76AEEAE48AEDF100BE328C003D7A4DF5342B491",
      ParentProcessGuid: "{0197231e-f570-6938-8a10-000000000800}", ParentProcessId: "5000", ParentImage: "C:\\Windows\\System32\\cmd.exe",
      ParentCommandLine: "\"C:\\WINDOWS\\system32\\cmd.exe\"", ParentUser: "WS-FIN-07\\alice",
    },
  },
};
const SYSMON_22_AGENT = {
  "@timestamp": "2026-11-20T03:14:06.900Z",
  agent: { type: "filebeat", version: "8.15.0" },
  data_stream: { dataset: "windows.sysmon_operational", namespace: "default", type: "logs" },
  ecs: { version: "8.11.0" },
  event: { dataset: "windows.sysmon_operational", module: "windows", code: "22", kind: "event", category: ["network"], type: ["connection", "protocol", "info"] },
  host: { name: "ws-fin-07" },
  winlog: {
    channel: "Microsoft-Windows-Sysmon/Operational", computer_name: "WS-FIN-07", event_id: "22", provider_name: "Microsoft-Windows-Sysmon",
    record_id: "21766", process: { pid: 3208, thread: { id: 4404 } }, user: { identifier: "S-1-5-18" },
    event_data: { RuleName: "-", UtcTime: "2026-11-20 03:14:06.889", ProcessGuid: "{0197231e-6c8f-693a-2613-000000000800}", ProcessId: "6012",
      QueryName: "pool.supportxmr.com", QueryStatus: "0", QueryResults: "::ffff:141.94.96.144;::ffff:141.94.96.71;",
      Image: "C:\\Users\\alice\\AppData\\Roaming\\xmrig\\xmrig.exe", User: "WS-FIN-07\\alice" },
  },
};
const SECURITY_4688_HIT = {
  _index: ".ds-winlogbeat-8.15.0-2026.11.20-000001", _id: "abc", _score: 1,
  _source: {
    "@timestamp": "2026-11-20T03:14:07.130Z", agent: { type: "winlogbeat" }, event: { code: "4688", provider: "Microsoft-Windows-Security-Auditing" },
    winlog: { channel: "Security", computer_name: "WS-FIN-07", event_id: "4688", provider_name: "Microsoft-Windows-Security-Auditing", record_id: "99120",
      event_data: { SubjectUserSid: "S-1-5-21-1-2-3-1000", SubjectUserName: "alice", SubjectDomainName: "WS-FIN-07", SubjectLogonId: "0x53ca2",
        NewProcessId: "0x177c", NewProcessName: "C:\\Users\\alice\\AppData\\Roaming\\xmrig\\xmrig.exe", TokenElevationType: "%%1938",
        ProcessId: "0x1388", CommandLine: CMD, ParentProcessName: "C:\\Windows\\System32\\cmd.exe", MandatoryLabel: "S-1-16-8192" } },
  },
};
const SERVICE_7045 = {
  "@timestamp": "2026-11-20T03:20:00.000Z", agent: { type: "winlogbeat" },
  winlog: { channel: "System", computer_name: "WS-FIN-07", event_id: "7045", provider_name: "Service Control Manager", record_id: "5012",
    event_data: { ServiceName: "WinRing0_1_2_0", ImagePath: "C:\\Users\\alice\\AppData\\Roaming\\xmrig\\WinRing0x64.sys", ServiceType: "kernel mode driver",
      StartType: "demand start", AccountName: "" } },
};

const NDJSON = [SYSMON_1, SYSMON_22_AGENT, SECURITY_4688_HIT, SERVICE_7045].map((r) => JSON.stringify(r)).join("\n") + "\n{\"winlog\": {\n";

test("Winlogbeat and Elastic Agent JSON is sniffed as Windows events, above the generic ECS NDJSON source", async () => {
  const { sample } = await openBuffer("winlogbeat.ndjson", NDJSON);
  assert.equal(chooseSource(sample, allSources).source?.id, "windows.winlogbeat");
  const { sample: agent } = await openBuffer("agent.ndjson", JSON.stringify(SYSMON_22_AGENT));
  assert.equal(chooseSource(agent, allSources).source?.id, "windows.winlogbeat");
  const { sample: plain } = await openBuffer("ecs.ndjson", JSON.stringify({ "@timestamp": "2026-11-20T03:14:07Z", ecs: { version: "8" }, event: { dataset: "x" }, host: { name: "a" } }));
  assert.equal(winlogbeatSource.sniff(plain), 0);
});

test("maps Sysmon 1 and 22, Security 4688 (a search hit) and System 7045; a broken line is reported by number", async () => {
  const r = await parseWith(winlogbeatSource, NDJSON, "winlogbeat.ndjson");
  assert.equal(r.events.length, 4);
  assert.equal(r.issues.length, 1);
  assert.equal(r.issues[0]!.line, 5);
  const [proc, dns, sec, svc] = r.events as [typeof r.events[0], typeof r.events[0], typeof r.events[0], typeof r.events[0]];
  assert.equal(proc!["event.dataset"], "windows.sysmon.process");
  assert.equal(proc!["process.executable"], "C:\\Users\\alice\\AppData\\Roaming\\xmrig\\xmrig.exe");
  assert.equal(proc!["process.name"], "xmrig.exe");
  assert.equal(proc!["process.command_line"], CMD);
  assert.equal(proc!["process.pid"], 6012);
  assert.equal(proc!["host.name"], "WS-FIN-07");
  assert.deepEqual(proc!["host.ip"], ["10.20.30.41"]);
  assert.equal(proc!["winlog.record_id"], 21767);
  assert.equal(proc!["minerhunt.line"], 1);
  assert.equal(proc!["minerhunt.format"], "windows.winlogbeat");
  assert.equal(dns!["event.dataset"], "windows.sysmon.dns");
  assert.equal(dns!["dns.question.name"], "pool.supportxmr.com");
  assert.deepEqual(dns!["dns.resolved_ip"], ["141.94.96.144", "141.94.96.71"]);
  assert.equal(sec!["event.dataset"], "windows.security.process");
  assert.equal(sec!["process.pid"], 0x177c);
  assert.equal(sec!["process.parent.pid"], 0x1388);
  assert.equal(sec!["process.command_line"], CMD);
  assert.equal(svc!["event.dataset"], "windows.system.service");
  assert.equal(svc!["service.name"], "WinRing0_1_2_0");
  assert.equal(svc!["process.command_line"], "C:\\Users\\alice\\AppData\\Roaming\\xmrig\\WinRing0x64.sys");
  assert.equal(svc!["user.name"], undefined);
});

test("the same Sysmon event read from EVTX and from Winlogbeat JSON gives the same ECS fields", async () => {
  const d = SYSMON_1.winlog.event_data;
  const evtx = buildEvtx([sysmonEvent(1, "WS-FIN-07", new Date(SYSMON_1["@timestamp"]), Object.entries(d).map(([k, v]) => [k, v]))]);
  const [fromEvtx] = (await parseWith(evtxSource, evtx, "x.evtx")).events;
  const [fromJson] = (await parseWith(winlogbeatSource, JSON.stringify(SYSMON_1), "x.ndjson")).events;
  assert.ok(fromEvtx && fromJson);
  const ecs = (e: typeof fromEvtx) => Object.fromEntries(Object.entries(e).filter(([k]) => !k.startsWith("minerhunt.") && k !== "log.file.path"
    && k !== "winlog.record_id" && k !== "winlog.level" && k !== "winlog.task" && k !== "winlog.opcode" && k !== "winlog.keywords" && k !== "host.ip"));
  assert.deepEqual(ecs(fromEvtx), ecs(fromJson));
});
