/**
 * Capture reading throughput and peak memory, against baselines in the same run:
 *   - the pcap source alone, in-process (bytes per CPU-second from process.cpuUsage), with and without the prefilter;
 *   - the whole CLI (`minerhunt scan FILE --format json -q`), user + system CPU and peak RSS from GNU time;
 *   - a plain byte-reading loop (fs.readSync chunks, packets counted by their record headers): the floor;
 *   - tshark and Suricata, when installed (Suricata with no network rules fetched: a local file of
 *     three Stratum content rules written here, so it does flow tracking, app-layer parsing and matching).
 * The input is built once from ../shared/fixtures/pcap (bench/pcap/build-capture.ts) and reused.
 *
 *   npm run build && node --import tsx bench/pcap.ts          # ~200 MB
 *   BENCH_PCAP_MB=50 node --import tsx bench/pcap.ts          # smaller
 */
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { spawnSync } from "node:child_process";
import { cpus } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { buildCapture, DEFAULT_SPEC } from "./pcap/build-capture.js";

import { timed } from "./timed.js";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const OUT_DIR = join(ROOT, "bench/out");
const CLI = join(ROOT, "dist/bundle/minerhunt.js");
const SHARED = process.env.MINERHUNT_SHARED ?? resolve(ROOT, "../shared");
const TARGET_MB = Number(process.env.BENCH_PCAP_MB ?? 200);

/** The floor: read the file in 1 MiB chunks and walk the pcap record headers, touching nothing else. */
const BASELINE_LOOP = `
const fs = require("node:fs");
const fd = fs.openSync(process.argv[1], "r");
const buf = Buffer.alloc(1 << 20);
let carry = 0, pos = 24, fileAt = 0, packets = 0, bytes = 0, n;
// pos: file offset of the next record header; records may straddle chunks.
const head = Buffer.alloc(16); let headHave = 0;
while ((n = fs.readSync(fd, buf, 0, buf.length, fileAt)) > 0) {
  let i = Math.max(0, pos - fileAt);
  while (i < n) {
    const take = Math.min(16 - headHave, n - i);
    buf.copy(head, headHave, i, i + take); headHave += take; i += take;
    if (headHave < 16) break;
    const capLen = head.readUInt32LE(8); packets++; bytes += capLen; headHave = 0;
    pos = fileAt + i + capLen; i += capLen;
  }
  fileAt += n;
}
console.log(JSON.stringify({ packets, bytes }));
`;

interface Row { tool: string; cpuSeconds: number; mbPerCpuSecond: number; peakRssMb?: number; note: string }

function sourceOnly(file: string, prefilter: boolean): Row {
  const script = join(ROOT, "bench/pcap/source-only.ts");
  const t = timed(process.execPath, ["--import", "tsx", script, file, ...(prefilter ? ["--prefilter"] : [])]);
  if (t.status !== 0) return { tool: `pcap source alone${prefilter ? " + prefilter" : ""}`, cpuSeconds: NaN, mbPerCpuSecond: NaN, note: `failed: ${t.stderr.slice(-300)}` };
  const m = JSON.parse(t.stdout.trim().split("\n").at(-1)!) as { cpuSeconds: number; mbPerCpuSecond: number; events: number; skipped: number; datasets: Record<string, number> };
  return {
    tool: `pcap source alone${prefilter ? " + prefilter" : ""} (in-process CPU)`, cpuSeconds: m.cpuSeconds, mbPerCpuSecond: m.mbPerCpuSecond, peakRssMb: t.peakRssMb,
    note: `${m.events} events (${Object.entries(m.datasets).map(([k, v]) => `${k} ${v}`).join(", ")}), ${m.skipped} skipped; process total ${t.cpuSeconds.toFixed(2)} CPU-s`,
  };
}

function cli(file: string, mb: number): Row {
  const out = join(OUT_DIR, "pcap-bench-scan.json");
  const t = timed(process.execPath, [CLI, "scan", file, "--format", "json", "-q"], out);
  let note = `exit ${t.status}, JSON ${(statSync(out).size / 1048576).toFixed(1)} MB`;
  try {
    const r = JSON.parse(readFileSync(out, "utf8")) as { summary?: { events?: number; skipped?: number; findings?: number; incidents?: number }; incidents?: unknown[]; findings?: unknown[] };
    const s = r.summary ?? {};
    note += `; ${s.events ?? "?"} events, ${s.skipped ?? "?"} skipped, ${s.findings ?? r.findings?.length ?? "?"} findings, ${s.incidents ?? r.incidents?.length ?? "?"} incidents`;
  } catch {
    note += `; output is not JSON: ${t.stderr.split("\n").filter((l) => !/^\s/.test(l) && l.trim()).slice(-2).join(" / ").slice(0, 300)}`;
  }
  return { tool: "minerhunt scan CLI, end to end", cpuSeconds: t.cpuSeconds, mbPerCpuSecond: mb / t.cpuSeconds, peakRssMb: t.peakRssMb, note };
}

function have(cmd: string): boolean {
  return spawnSync("sh", ["-c", `command -v ${cmd}`]).status === 0;
}

function tshark(file: string, mb: number): Row {
  // Full dissection of every packet (TCP reassembly, DNS, TLS, JSON), one conversation table out:
  // what a person would run to list a capture's flows.
  // The table has a line per conversation (hundreds of thousands here): to a file, not a pipe.
  const out = join(OUT_DIR, "tshark-conv.txt");
  const t = timed("tshark", ["-n", "-q", "-r", file, "-z", "conv,tcp"], out);
  const lines = readFileSync(out, "utf8").split("\n").filter((l) => l.includes("<->")).length;
  return { tool: "baseline: tshark -n -q -z conv,tcp", cpuSeconds: t.cpuSeconds, mbPerCpuSecond: mb / t.cpuSeconds, peakRssMb: t.peakRssMb, note: `exit ${t.status}, ${lines} TCP conversations` };
}

function suricata(file: string, mb: number): Row {
  const dir = join(OUT_DIR, "suricata");
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const rules = join(dir, "stratum.rules");
  writeFileSync(rules, [
    'alert tcp any any -> any any (msg:"Stratum v1 subscribe"; flow:established,to_server; content:"mining.subscribe"; sid:9000001; rev:1;)',
    'alert tcp any any -> any any (msg:"Stratum v1 authorize"; flow:established,to_server; content:"mining.authorize"; sid:9000002; rev:1;)',
    'alert tcp any any -> any any (msg:"CryptoNote login"; flow:established,to_server; content:"\\"method\\""; content:"\\"login\\""; content:"\\"agent\\""; sid:9000003; rev:1;)',
    "",
  ].join("\n"));
  const config = existsSync("/etc/suricata/suricata.yaml") ? ["-c", "/etc/suricata/suricata.yaml"] : [];
  const t = timed("suricata", [...config, "-r", file, "-k", "none", "-S", rules, "-l", dir, "--runmode", "single"]);
  let alerts = 0;
  try { alerts = readFileSync(join(dir, "fast.log"), "utf8").split("\n").filter(Boolean).length; } catch { /* no fast.log */ }
  return { tool: "baseline: suricata -r (single thread, 3 local Stratum rules, EVE out)", cpuSeconds: t.cpuSeconds, mbPerCpuSecond: mb / t.cpuSeconds, peakRssMb: t.peakRssMb, note: `exit ${t.status}, ${alerts} alerts` };
}

async function main(): Promise<void> {
  mkdirSync(OUT_DIR, { recursive: true });
  const fixtures = join(SHARED, "fixtures/pcap");
  if (!existsSync(fixtures)) throw new Error(`${fixtures} is missing (set MINERHUNT_SHARED to the shared/ folder)`);
  const built = await buildCapture(fixtures, OUT_DIR, { ...DEFAULT_SPEC, targetBytes: TARGET_MB * 1048576 });
  const mb = built.bytes / 1048576;
  console.log(`minerhunt pcap bench — node ${process.version}, ${cpus()[0]?.model ?? "cpu"} x${cpus().length}`);
  console.log(`input: ${built.path} (${mb.toFixed(1)} MB, ${built.packets.toLocaleString("en")} packets, ${built.copies} fixture copies, ${built.hosts} hosts, ${built.rounds} rounds${built.reused ? ", reused" : ""})`);

  const rows: Row[] = [];
  const base = timed(process.execPath, ["-e", BASELINE_LOOP, built.path]);
  const counted = JSON.parse(base.stdout.trim() || "{}") as { packets?: number };
  rows.push({ tool: "baseline: plain read loop (fs.readSync 1 MiB, record headers)", cpuSeconds: base.cpuSeconds, mbPerCpuSecond: mb / base.cpuSeconds, peakRssMb: base.peakRssMb,
    note: `${counted.packets ?? "?"} packets counted${counted.packets === built.packets ? " (all)" : " (MISMATCH)"}` });
  rows.push(sourceOnly(built.path, false));
  rows.push(sourceOnly(built.path, true));
  if (existsSync(CLI)) rows.push(cli(built.path, mb));
  else console.log(`(no ${CLI}: run \`npm run build\` for the CLI row)`);
  if (have("tshark")) rows.push(tshark(built.path, mb));
  else console.log("(tshark not installed: no tshark row)");
  if (have("suricata")) rows.push(suricata(built.path, mb));
  else console.log("(suricata not installed: no Suricata row)");

  console.log("\n| tool | CPU-s | MB per CPU-s | peak RSS MB | note |\n|---|---:|---:|---:|---|");
  for (const r of rows) console.log(`| ${r.tool} | ${r.cpuSeconds.toFixed(2)} | ${r.mbPerCpuSecond.toFixed(1)} | ${r.peakRssMb?.toFixed(0) ?? "n/a"} | ${r.note} |`);
}

await main();
