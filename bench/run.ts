/**
 * Scan throughput and peak memory, measured against baselines in the same run:
 *   - a plain JSON.parse loop over the same lines (what "parse everything" costs),
 *   - jq running one equivalent filter over the same file.
 * Each measurement is a separate process, so peak RSS is that tool's alone (GNU time's %M).
 *
 *   npm run bench                      # 1,000,000 events per file
 *   BENCH_EVENTS=200000 npm run bench  # smaller
 *   BENCH_EVENTS=10000000 BENCH_ONLY=dns npm run bench   # the memory check: peak RSS at 10M against 1M
 *   BENCH_DNS_MIX=fixed-facts BENCH_ONLY=dns npm run bench  # the DNS mix without facts that grow with the log
 * Inputs are generated once per size and reused (bench/out/).
 */
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { spawnSync } from "node:child_process";
import { cpus } from "node:os";
import { join, dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { generate, OUT_DIR, type Kind } from "./generate.js";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const CLI = join(ROOT, "dist/bundle/minerhunt.js");
const TIME = existsSync("/usr/bin/time") ? "/usr/bin/time" : undefined;
const N = Number(process.env.BENCH_EVENTS ?? 1_000_000);

const ONLY = (process.env.BENCH_ONLY ?? "dns,conn,process").split(",") as Kind[];

/** `seconds` are CPU seconds (user + system) of the whole process: the machines are shared, wall time is not the tool's. */
interface Measure { tool: string; seconds: number; peakRssMb?: number; eventsPerSec: number; note?: string }

/** Run a command under GNU time; return CPU seconds (user + system; wall without GNU time) and peak RSS (MB). */
function timed(cmd: string, args: string[], stdoutTo?: string): { seconds: number; peakRssMb?: number; stdout: string; status: number | null } {
  const full = TIME ? [TIME, "-f", "__TIME__ %U %S %M", cmd, ...args] : [cmd, ...args];
  const started = performance.now();
  const r = spawnSync(full[0]!, full.slice(1), { encoding: "utf8", maxBuffer: 1 << 30, env: { ...process.env, NO_COLOR: "1" } });
  const wall = (performance.now() - started) / 1000;
  const m = /__TIME__ ([\d.]+) ([\d.]+) (\d+)/.exec(r.stderr ?? "");
  if (stdoutTo) writeFileSync(stdoutTo, r.stdout ?? "");
  return { seconds: m ? Math.max(Number(m[1]) + Number(m[2]), 0.01) : wall, ...(m ? { peakRssMb: Number(m[3]) / 1024 } : {}), stdout: r.stdout ?? "", status: r.status };
}

const JSON_PARSE_LOOP = `
const { createReadStream } = require("node:fs");
const { createInterface } = require("node:readline");
let n = 0, hits = 0;
const rl = createInterface({ input: createReadStream(process.argv[1], { highWaterMark: 1 << 20 }), crlfDelay: Infinity });
rl.on("line", (l) => { const o = JSON.parse(l); n++; if (o.query === "pool.supportxmr.com") hits++; });
rl.on("close", () => console.log(JSON.stringify({ n, hits })));
`;

const STAGE = join(ROOT, "bench/stage.ts");

/** The scan stage timed inside its process (no start-up, compile, correlation or output). */
function stage(file: string, format: string, sigma: boolean): Measure {
  const r = spawnSync(process.execPath, ["--import", "tsx", STAGE, file, format, ...(sigma ? ["--sigma"] : [])], { encoding: "utf8", maxBuffer: 1 << 24 });
  const m = JSON.parse(r.stdout.trim().split("\n").at(-1) ?? "{}") as { cpuSeconds: number; eventsPerCpuSecond: number; peakRssMb: number; built: number; findings: number };
  return { tool: `scan stage only${sigma ? " (+ PB-31 Sigma pack)" : ""}`, seconds: m.cpuSeconds, eventsPerSec: m.eventsPerCpuSecond, peakRssMb: m.peakRssMb,
    note: `${m.built} built, ${m.findings} findings; in-process CPU timing` };
}

function benchFile(label: string, file: string, format: string, jqFilter: string): Measure[] {
  const out: Measure[] = [stage(file, format, false), stage(file, format, true)];
  const mh = timed(process.execPath, [CLI, "scan", file, "-q", "--format", "json", "--input-format", format, "--no-default-rules"]);
  const summary = JSON.parse(mh.stdout || "{}") as { summary?: { events: number; skipped: number; findings: number } };
  const records = (summary.summary?.events ?? 0) + (summary.summary?.skipped ?? 0);
  out.push({ tool: "minerhunt scan CLI, end to end (built-in detectors)", seconds: mh.seconds, ...(mh.peakRssMb ? { peakRssMb: mh.peakRssMb } : {}), eventsPerSec: records / mh.seconds,
    note: `${records} records, ${summary.summary?.events ?? 0} built, ${summary.summary?.findings ?? 0} findings` });
  const mhs = timed(process.execPath, [CLI, "scan", file, "-q", "--format", "json", "--input-format", format]);
  const s2 = JSON.parse(mhs.stdout || "{}") as { summary?: { events: number; skipped: number; findings: number } };
  out.push({ tool: "minerhunt scan CLI, end to end (+ PB-31 Sigma pack)", seconds: mhs.seconds, ...(mhs.peakRssMb ? { peakRssMb: mhs.peakRssMb } : {}), eventsPerSec: N / mhs.seconds,
    note: `${s2.summary?.events ?? 0} built, ${s2.summary?.findings ?? 0} findings` });
  const jp = timed(process.execPath, ["-e", JSON_PARSE_LOOP, file]);
  out.push({ tool: "baseline: JSON.parse loop (node)", seconds: jp.seconds, ...(jp.peakRssMb ? { peakRssMb: jp.peakRssMb } : {}), eventsPerSec: N / jp.seconds });
  const jq = timed("jq", ["-c", jqFilter, file]);
  out.push({ tool: `baseline: jq '${jqFilter.length > 60 ? jqFilter.slice(0, 57) + "..." : jqFilter}'`, seconds: jq.seconds, ...(jq.peakRssMb ? { peakRssMb: jq.peakRssMb } : {}), eventsPerSec: N / jq.seconds,
    note: `${jq.stdout.split("\n").filter(Boolean).length} lines out` });
  console.log(`\n### ${label} (${N.toLocaleString("en")} events, ${format})`);
  console.log("| tool | CPU seconds | events per CPU-second | peak RSS MB | note |\n|---|---:|---:|---:|---|");
  for (const m of out) console.log(`| ${m.tool} | ${m.seconds.toFixed(2)} | ${Math.round(m.eventsPerSec).toLocaleString("en")} | ${m.peakRssMb?.toFixed(0) ?? "n/a"} | ${m.note ?? ""} |`);
  // The goals are ratios to baselines measured in this run (issue 7: at least 10x jq, 2.7x the JSON.parse loop).
  const loop = out.find((m) => m.tool.startsWith("baseline: JSON.parse"))!.eventsPerSec;
  const jqRate = out.find((m) => m.tool.startsWith("baseline: jq"))!.eventsPerSec;
  for (const m of out.filter((x) => !x.tool.startsWith("baseline"))) {
    console.log(`- ${m.tool}: ${(m.eventsPerSec / loop).toFixed(2)}x the JSON.parse loop, ${(m.eventsPerSec / jqRate).toFixed(1)}x jq`);
  }
  return out;
}

async function main(): Promise<void> {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run \`npm run build\` first (npm run bench does)`);
  mkdirSync(OUT_DIR, { recursive: true });
  const files = await generate(N, ONLY);
  console.log(`minerhunt bench — node ${process.version}, ${cpus()[0]?.model ?? "cpu"} x${cpus().length}, ${N.toLocaleString("en")} events per file; GNU time ${TIME ? "yes" : "no (no peak RSS)"}`);
  const pools = "(^|\\\\.)(supportxmr\\\\.com|nanopool\\\\.org|moneroocean\\\\.stream|hashvault\\\\.pro|xmrig\\\\.com|unmineable\\\\.com)$";
  const results = {
    ...(files.dns ? { dns: benchFile("Zeek DNS JSON", files.dns, "zeek.dns", `select(.query | test("${pools}"))`) } : {}),
    ...(files.conn ? { conn: benchFile("Zeek conn JSON", files.conn, "zeek.conn", `select(.["id.resp_p"] == 3333 or .["id.resp_p"] == 4444 or .["id.resp_p"] == 5555 or .["id.resp_p"] == 14444)`) } : {}),
    ...(files.process ? { process: benchFile("ECS process events (Elastic Defend NDJSON)", files.process, "ecs.ndjson", `select(.process.name == "xmrig" or (.process.command_line | test("stratum|--donate-level|pool\\\\.")))`) } : {}),
  };
  writeFileSync(join(OUT_DIR, `results-${N}.json`), JSON.stringify({ node: process.version, events: N, at: new Date().toISOString(), results }, null, 2));
}

main().catch((err: unknown) => { console.error(err); process.exitCode = 1; });
