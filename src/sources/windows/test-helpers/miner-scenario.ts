/**
 * One workstation's Sysmon log while XMRig runs from a user's AppData: the process creation (1), its DNS
 * lookup of the pool (22), the connection to it (3) and the WinRing0 driver XMRig loads for MSR tuning (6).
 * Field names and value types as Sysmon writes them (Sysinternals Sysmon event schema).
 */
import { sysmonEvent, type BuildEvent } from "./evtx-builder.js";

export const SCENARIO_HOST = "WS-FIN-07";
export const SCENARIO_POOL = "pool.minexmr.com";
export const SCENARIO_POOL_IP = "94.130.12.30";
export const SCENARIO_EXE = "C:\\Users\\alice\\AppData\\Roaming\\Microsoft\\xmrig.exe";
export const SCENARIO_WALLET = "44AFFq5kSiGBoZ4NMDwYtN18obc8AemS33DBLWs3H7otXft3XjrpDtQGv7SqSsaBYBb98uNbr2VBBEt7f2wfn3RVGQBEP3A";

export function minerScenario(start = new Date(Date.UTC(2026, 10, 20, 3, 14, 0))): BuildEvent[] {
  const at = (s: number) => new Date(start.getTime() + s * 1000);
  const pid = { type: "uint32", value: 6012 } as const;
  const guid = { type: "guid", value: "{0197231E-6C8F-693A-2613-000000000800}" } as const;
  const user = "WS-FIN-07\\alice";
  const cmd = `"${SCENARIO_EXE}" -o ${SCENARIO_POOL}:4444 -u ${SCENARIO_WALLET} -k --donate-level=1`;
  return [
    sysmonEvent(1, SCENARIO_HOST, at(1), [["RuleName", "-"], ["UtcTime", "2026-11-20 03:14:01.000"], ["ProcessGuid", guid], ["ProcessId", pid],
      ["Image", SCENARIO_EXE], ["FileVersion", "6.22.2"], ["Description", "XMRig miner"], ["Product", "XMRig"], ["Company", "www.xmrig.com"], ["OriginalFileName", "xmrig.exe"],
      ["CommandLine", cmd], ["CurrentDirectory", "C:\\Users\\alice\\AppData\\Roaming\\Microsoft\\"], ["User", user],
      ["LogonGuid", { type: "guid", value: "{0197231E-AB9F-67AA-FB17-030000000000}" }], ["LogonId", { type: "hex64", value: 0x317fbn }],
      ["TerminalSessionId", { type: "uint32", value: 1 }], ["IntegrityLevel", "Medium"],
      ["Hashes", "SHA256=8955D2A45404A59C2E3772F3C76AEEAE48AEDF100BE328C003D7A4DF5342B491"],
      ["ParentProcessGuid", { type: "guid", value: "{0197231E-F570-6938-8A10-000000000800}" }], ["ParentProcessId", { type: "uint32", value: 5000 }],
      ["ParentImage", "C:\\Windows\\System32\\cmd.exe"], ["ParentCommandLine", "cmd.exe /c start.bat"], ["ParentUser", user]]),
    sysmonEvent(22, SCENARIO_HOST, at(2), [["RuleName", "-"], ["UtcTime", "2026-11-20 03:14:02.000"], ["ProcessGuid", guid], ["ProcessId", pid],
      ["QueryName", SCENARIO_POOL], ["QueryStatus", "0"], ["QueryResults", `::ffff:${SCENARIO_POOL_IP};`], ["Image", SCENARIO_EXE], ["User", user]]),
    sysmonEvent(3, SCENARIO_HOST, at(3), [["RuleName", "-"], ["UtcTime", "2026-11-20 03:14:03.000"], ["ProcessGuid", guid], ["ProcessId", pid], ["Image", SCENARIO_EXE],
      ["User", user], ["Protocol", "tcp"], ["Initiated", { type: "bool", value: true }], ["SourceIsIpv6", { type: "bool", value: false }], ["SourceIp", "10.20.30.41"],
      ["SourceHostname", "WS-FIN-07.corp.example"], ["SourcePort", { type: "uint16", value: 51514 }], ["SourcePortName", "-"],
      ["DestinationIsIpv6", { type: "bool", value: false }], ["DestinationIp", SCENARIO_POOL_IP], ["DestinationHostname", SCENARIO_POOL],
      ["DestinationPort", { type: "uint16", value: 4444 }], ["DestinationPortName", "-"]]),
    sysmonEvent(6, SCENARIO_HOST, at(4), [["RuleName", "-"], ["UtcTime", "2026-11-20 03:14:04.000"], ["ImageLoaded", "C:\\Users\\alice\\AppData\\Roaming\\Microsoft\\WinRing0x64.sys"],
      ["Hashes", "SHA256=11BD2C9F9E2397C9A16E0990E4ED2CF0679498FE0FD418A3DFDAC60B5C160EE5,IMPHASH=D41FA95D4642DC981F10DE36F4DC8CD7"],
      ["Signed", "true"], ["Signature", "Noriyuki MIYAZAKI"], ["SignatureStatus", "Expired"]]),
  ];
}
