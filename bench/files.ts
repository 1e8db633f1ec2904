/**
 * Files per CPU-second when a folder holds many small files (issue 12 item 5: CPU per file must not grow
 * with the folder's size).
 *
 *   node --import tsx bench/files.ts [counts=10000,100000]
 *
 * For each count, N small Zeek DNS JSON logs (3 records each, one in 500 a pool lookup) are written to
 * bench/out/files-N/ in folders of 1,000 (kept between runs), then ONE process per count runs the scan
 * stage in-process over the folder (walk, sniff, parse, detect, correlate: `runScan`) and prints CPU
 * seconds, the share spent in garbage collection (PerformanceObserver "gc" entries) and peak RSS. A scan of
 * a 10-file folder runs first in the same process and its CPU is subtracted, so "per file" excludes start-up
 * and rule compilation (a fixed cost per scan).
 */
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { PerformanceObserver } from "node:perf_hooks";
import { OUT_DIR } from "./generate.js";

const PER_FOLDER = 1_000;

function record(i: number, k: number): string {
  const pool = i % 500 === 0 && k === 0;
  return JSON.stringify({
    ts: 1_714_557_600 + i * 3 + k, uid: `C${(i * 3 + k).toString(36).padStart(17, "x")}`, "id.orig_h": `10.20.${(i >> 8) & 255}.${i & 255}`,
    "id.orig_p": 40_000 + k, "id.resp_h": "10.20.0.2", "id.resp_p": 53, proto: "udp", trans_id: (i * 3 + k) & 65_535,
    query: pool ? "pool.supportxmr.com" : `cdn${k}.acme${i % 97}.com`, qclass: 1, qclass_name: "C_INTERNET", qtype: 1, qtype_name: "A",
    rcode: 0, rcode_name: "NOERROR", AA: false, TC: false, RD: true, RA: true, Z: 0,
    answers: [pool ? "141.94.96.144" : "93.184.216.34"], TTLs: [300.0], rejected: false,
  });
}

function generate(n: number): string {
  const dir = join(OUT_DIR, `files-${n}`);
  if (existsSync(`${dir}.complete`)) return dir;
  for (let i = 0; i < n; i++) {
    const sub = join(dir, `d${String(Math.floor(i / PER_FOLDER)).padStart(4, "0")}`);
    if (i % PER_FOLDER === 0) mkdirSync(sub, { recursive: true });
    writeFileSync(join(sub, `dns-${i}.log`), `${record(i, 0)}\n${record(i, 1)}\n${record(i, 2)}\n`);
  }
  writeFileSync(`${dir}.complete`, "");
  return dir;
}

async function measure(dir: string, tiny: string): Promise<void> {
  const { runScan } = await import("../src/pipeline/run.js");
  const base0 = process.cpuUsage();
  await runScan({ paths: [tiny] });
  const base = process.cpuUsage(base0);
  const baseS = (base.user + base.system) / 1e6;
  let gcMs = 0;
  const obs = new PerformanceObserver((list) => { for (const e of list.getEntries()) gcMs += e.duration; });
  obs.observe({ entryTypes: ["gc"] });
  const cpu0 = process.cpuUsage();
  const wall0 = performance.now();
  const run = await runScan({ paths: [dir] });
  const cpu = process.cpuUsage(cpu0);
  const wall = (performance.now() - wall0) / 1000;
  await new Promise((r) => setImmediate(r));
  obs.disconnect();
  const cpuS = (cpu.user + cpu.system) / 1e6 - baseS;
  const files = run.result.files.length;
  process.stdout.write(JSON.stringify({
    files, events: run.result.events, incidents: run.incidents.length, cpuS: +cpuS.toFixed(2), wallS: +wall.toFixed(2),
    gcShare: +(gcMs / 1000 / cpuS).toFixed(2), filesPerCpuS: Math.round(files / cpuS), peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
  }) + "\n");
}

if (process.argv[2] === "--measure") {
  await measure(process.argv[3]!, process.argv[4]!);
} else {
  const tiny = generate(10);
  const counts = (process.argv[2] ?? "10000,100000").split(",").map(Number);
  console.log("files | CPU s (less a 10-file scan) | wall s | GC share of CPU | files per CPU-second | peak RSS MB | incidents");
  console.log("---|---|---|---|---|---|---");
  for (const n of counts) {
    const dir = generate(n);
    const r = spawnSync(process.execPath, ["--import", "tsx", fileURLToPath(import.meta.url), "--measure", dir, tiny], { encoding: "utf8", maxBuffer: 1 << 26 });
    const line = r.stdout.trim().split("\n").pop() ?? "";
    if (r.status !== 0 || !line.startsWith("{")) { console.log(`${n} | failed: ${r.stderr.slice(-500)}`); continue; }
    const m = JSON.parse(line) as Record<string, number>;
    console.log(`${m.files} | ${m.cpuS} | ${m.wallS} | ${m.gcShare} | ${m.filesPerCpuS} | ${m.peakRssMb} | ${m.incidents}`);
  }
}
