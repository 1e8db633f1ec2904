/**
 * EVTX reading: events per CPU-second and peak RSS of minerhunt's reader next to libevtx's `evtxexport`
 * (Debian libevtx-utils) on the same generated file, in the same run.
 *
 *   node --import tsx bench/evtx.ts                 # 200,000 Sysmon records
 *   BENCH_EVTX_EVENTS=50000 node --import tsx bench/evtx.ts
 *
 * The file is written by the test builder (src/sources/windows/test-helpers/evtx-builder.ts): a Sysmon
 * channel mix of process creations (1), network connections (3), DNS queries (22) and file creations (11),
 * with real field names and value types; kept in bench/out/ and reused.
 * minerhunt is measured two ways: in-process (process.cpuUsage around the read loop: reader + ECS mapping,
 * no start-up) and as a whole process under /usr/bin/time -v (start-up and module loading included).
 * evtxexport is measured under /usr/bin/time -v with its text output sent to /dev/null.
 */
import { existsSync, mkdirSync, statSync, writeFileSync } from "node:fs";
import { spawnSync } from "node:child_process";
import { cpus } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { buildEvtx, sysmonEvent, type BuildEvent } from "../src/sources/windows/test-helpers/evtx-builder.js";
import { timed } from "./timed.js";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const OUT = join(ROOT, "bench", "out");
const N = Number(process.env.BENCH_EVTX_EVENTS ?? 200_000);

function* sysmonMix(n: number): Generator<BuildEvent> {
  const t0 = Date.UTC(2026, 10, 20);
  for (let i = 0; i < n; i++) {
    const at = new Date(t0 + i * 250);
    const host = `WS-${String(i % 50).padStart(3, "0")}`;
    const pid = { type: "uint32", value: 1000 + (i % 30000) } as const;
    const guid = { type: "guid", value: `{0197231E-6C8F-693A-2613-${String(i).padStart(12, "0")}}` } as const;
    const image = i % 997 === 0 ? "C:\\Users\\alice\\AppData\\Roaming\\xmrig.exe" : `C:\\Program Files\\Vendor\\app${i % 40}.exe`;
    const kind = i % 20;
    if (kind < 12) {
      yield sysmonEvent(1, host, at, [["RuleName", "-"], ["UtcTime", "2026-11-20 00:00:00.000"], ["ProcessGuid", guid], ["ProcessId", pid], ["Image", image],
        ["FileVersion", "10.0.19041.1"], ["Description", "Application"], ["Product", "Vendor App"], ["Company", "Vendor"], ["OriginalFileName", "app.exe"],
        ["CommandLine", i % 997 === 0 ? `xmrig.exe -o pool.minexmr.com:4444 -u 44AFFq5kSi --donate-level=1` : `"${image}" --profile ${i % 7} --log C:\\ProgramData\\Vendor\\log${i % 9}.txt`],
        ["CurrentDirectory", "C:\\Program Files\\Vendor\\"], ["User", `CORP\\user${i % 200}`], ["LogonGuid", guid], ["LogonId", { type: "hex64", value: BigInt(0x317fb + (i % 1000)) }],
        ["TerminalSessionId", { type: "uint32", value: 1 }], ["IntegrityLevel", "Medium"],
        ["Hashes", "SHA256=8955D2A45404A59C2E3772F3C76AEEAE48AEDF100BE328C003D7A4DF5342B491,IMPHASH=213443B550A6683661EB0CF00CF04681"],
        ["ParentProcessGuid", guid], ["ParentProcessId", { type: "uint32", value: 4 + (i % 500) }], ["ParentImage", "C:\\Windows\\explorer.exe"],
        ["ParentCommandLine", "C:\\Windows\\Explorer.EXE"], ["ParentUser", `CORP\\user${i % 200}`]]);
    } else if (kind < 16) {
      yield sysmonEvent(3, host, at, [["RuleName", "-"], ["UtcTime", "2026-11-20 00:00:00.000"], ["ProcessGuid", guid], ["ProcessId", pid], ["Image", image],
        ["User", `CORP\\user${i % 200}`], ["Protocol", "tcp"], ["Initiated", { type: "bool", value: true }], ["SourceIsIpv6", { type: "bool", value: false }],
        ["SourceIp", `10.20.${i % 250}.${i % 200}`], ["SourceHostname", `${host}.corp.example`], ["SourcePort", { type: "uint16", value: 49152 + (i % 16000) }],
        ["SourcePortName", "-"], ["DestinationIsIpv6", { type: "bool", value: false }], ["DestinationIp", `52.${i % 200}.${i % 100}.${i % 250}`],
        ["DestinationHostname", `api${i % 30}.vendor.example`], ["DestinationPort", { type: "uint16", value: 443 }], ["DestinationPortName", "https"]]);
    } else if (kind < 19) {
      yield sysmonEvent(22, host, at, [["RuleName", "-"], ["UtcTime", "2026-11-20 00:00:00.000"], ["ProcessGuid", guid], ["ProcessId", pid],
        ["QueryName", `api${i % 30}.vendor.example`], ["QueryStatus", "0"], ["QueryResults", `::ffff:52.${i % 200}.${i % 100}.${i % 250};`], ["Image", image],
        ["User", `CORP\\user${i % 200}`]]);
    } else {
      yield sysmonEvent(11, host, at, [["RuleName", "-"], ["UtcTime", "2026-11-20 00:00:00.000"], ["ProcessGuid", guid], ["ProcessId", pid], ["Image", image],
        ["TargetFilename", `C:\\Users\\user${i % 200}\\AppData\\Local\\Temp\\tmp${i}.dat`], ["CreationUtcTime", "2026-11-20 00:00:00.000"], ["User", `CORP\\user${i % 200}`]]);
    }
  }
}

function generate(n: number): string {
  mkdirSync(OUT, { recursive: true });
  const file = join(OUT, `sysmon-${n}.evtx`);
  if (!existsSync(file)) {
    const t = performance.now();
    writeFileSync(file, buildEvtx(sysmonMix(n)));
    console.error(`generated ${file} (${(statSync(file).size / 1048576).toFixed(1)} MiB) in ${((performance.now() - t) / 1000).toFixed(1)} s`);
  }
  return file;
}

const file = generate(N);
const size = statSync(file).size;
const rows: { tool: string; records: number; cpuSeconds: number; eventsPerCpuSecond: number; peakRssMb: number; note: string }[] = [];

const mine = timed(process.execPath, ["--import", "tsx", join(ROOT, "bench", "evtx-read.ts"), file]);
const inner = JSON.parse(mine.stdout.trim().split("\n").at(-1) ?? "{}") as { records: number; cpuSeconds: number; eventsPerCpuSecond: number; peakRssMb: number; issues: number };
if (inner.records !== N || inner.issues !== 0) throw new Error(`minerhunt read ${inner.records} of ${N} records with ${inner.issues} issues`);
rows.push({ tool: "minerhunt reader + ECS mapping (in-process cpuUsage)", records: inner.records, cpuSeconds: inner.cpuSeconds,
  eventsPerCpuSecond: inner.eventsPerCpuSecond, peakRssMb: inner.peakRssMb, note: "read loop only" });
const wholeCpu = mine.cpuSeconds;
rows.push({ tool: "minerhunt reader, whole process (/usr/bin/time -v)", records: inner.records, cpuSeconds: wholeCpu, eventsPerCpuSecond: inner.records / wholeCpu,
  peakRssMb: mine.peakRssMb, note: "node + tsx start-up included" });

const hasEvtxexport = spawnSync("evtxexport", ["-V"]).status === 0;
if (hasEvtxexport) {
  const theirs = timed("evtxexport", [file], "/dev/null");
  const cpu = theirs.cpuSeconds;
  rows.push({ tool: "evtxexport (libevtx, text to /dev/null)", records: N, cpuSeconds: cpu, eventsPerCpuSecond: N / cpu, peakRssMb: theirs.peakRssMb,
    note: `exit ${theirs.status}` });
} else {
  console.error("evtxexport not installed (apt-get install libevtx-utils): no baseline row");
}

console.log(`EVTX read: ${N} Sysmon records, ${(size / 1048576).toFixed(1)} MiB, ${Math.round((size - 4096) / 65536)} chunks; ${cpus().length} CPU(s) ${cpus()[0]?.model ?? ""}; node ${process.version}`);
console.log("| tool | records | CPU s | events / CPU-s | peak RSS MB | note |\n|---|---:|---:|---:|---:|---|");
for (const r of rows) console.log(`| ${r.tool} | ${r.records} | ${r.cpuSeconds.toFixed(2)} | ${Math.round(r.eventsPerCpuSecond).toLocaleString("en-US")} | ${r.peakRssMb.toFixed(0)} | ${r.note} |`);
console.log(JSON.stringify({ bench: "evtx", events: N, bytes: size, rows }));
