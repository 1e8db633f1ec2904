/**
 * Ingest throughput over HTTP on 127.0.0.1 with detection running: generated Zeek DNS, Zeek conn and
 * Elastic Defend process events (bench/generate.ts, ~0.1 % mining) interleaved, posted as gzip NDJSON
 * batches to POST /api/v1/ingest of a server in its own process; the last batch asks for a flush, so the
 * time includes detection and saving the incidents.
 *
 * Reported: events per wall second, and per CPU-second of the server process (user + system, from
 * /proc/<pid>/stat: the client's gzip and HTTP work are not counted).
 *
 *   node --import tsx bench/ingest.ts                 # 100,000 events of each kind
 *   BENCH_EVENTS=20000 BENCH_BATCH=2000 BENCH_CONCURRENCY=2 node --import tsx bench/ingest.ts
 */
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { createInterface } from "node:readline";
import { gzipSync } from "node:zlib";
import { generate } from "./generate.js";

const N = Number(process.env["BENCH_EVENTS"] ?? 100_000);
const BATCH = Number(process.env["BENCH_BATCH"] ?? 5_000);
const CONCURRENCY = Number(process.env["BENCH_CONCURRENCY"] ?? 4);
const TICKS = 100; // USER_HZ on Linux

function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
  return (Number(fields[11]) + Number(fields[12])) / TICKS; // utime, stime (fields 14 and 15 of stat)
}

const files = await generate(N, ["dns", "conn", "process"]);
const sources = Object.values(files).map((f) => readFileSync(f!, "utf8").split("\n").filter((l) => l !== ""));
const lines: string[] = [];
for (let i = 0; i < N; i++) for (const s of sources) if (s[i] !== undefined) lines.push(s[i]!);
const batches: Buffer[] = [];
for (let i = 0; i < lines.length; i += BATCH) batches.push(gzipSync(lines.slice(i, i + BATCH).join("\n")));
const rawMb = lines.reduce((n, l) => n + l.length + 1, 0) / 1e6;

const child = spawn(process.execPath, ["--import", "tsx", new URL("./ingest-server.ts", import.meta.url).pathname], { stdio: ["ignore", "pipe", "pipe"] });
let stderr = "";
child.stderr.on("data", (d: Buffer) => { stderr += d.toString(); });
const first = await new Promise<string>((resolve, reject) => {
  createInterface({ input: child.stdout }).once("line", resolve);
  child.once("exit", (code) => reject(new Error(`server exited (${code}): ${stderr}`)));
});
const { url, token, pid } = JSON.parse(first) as { url: string; token: string; pid: number };

async function send(body: Buffer, flush: boolean): Promise<{ accepted: number; refused: number }> {
  const res = await fetch(`${url}/api/v1/ingest?flush=${flush}`, {
    method: "POST", body, headers: { authorization: `Bearer ${token}`, "content-type": "application/x-ndjson", "content-encoding": "gzip" },
  });
  if (res.status !== 200) throw new Error(`ingest answered ${res.status}: ${await res.text()}`);
  return (await res.json()) as { accepted: number; refused: number };
}

// Warm-up: the first request loads the detection engine's rules; not timed.
await send(gzipSync(sources[0]![0]!), false);
const cpu0 = cpuSeconds(pid);
const t0 = performance.now();
let next = 0;
let accepted = 0;
let refused = 0;
const last = batches.length - 1;
async function worker(): Promise<void> {
  for (;;) {
    const i = next++;
    if (i >= last) return;
    const r = await send(batches[i]!, false);
    accepted += r.accepted;
    refused += r.refused;
  }
}
await Promise.all(Array.from({ length: CONCURRENCY }, worker));
const r = await send(batches[last]!, true);
accepted += r.accepted;
refused += r.refused;
const wall = (performance.now() - t0) / 1000;
const cpu = cpuSeconds(pid) - cpu0;
child.kill("SIGTERM");
await new Promise((resolve) => child.once("exit", resolve));
const incidents = /"incidents":(\d+)/.exec(stderr)?.[1];

console.log(JSON.stringify({
  events: lines.length, batches: batches.length, batchEvents: BATCH, concurrency: CONCURRENCY, rawMb: Math.round(rawMb),
  accepted, refused, incidents: incidents === undefined ? null : Number(incidents),
  wallSeconds: Number(wall.toFixed(2)), serverCpuSeconds: Number(cpu.toFixed(2)),
  eventsPerSecond: Math.round(lines.length / wall), eventsPerServerCpuSecond: Math.round(lines.length / cpu),
}, null, 2));
