/**
 * Start-up cost: CPU-seconds (user + sys, from GNU time) of whole processes scanning a one-line file,
 * next to `node -e 0` measured in the same run as the baseline. CPU time, not wall time, since the
 * machines are shared: another session's load stretches wall time but hardly CPU time.
 *
 *   npm run build && node --import tsx bench/startup.ts       # 15 runs of each, min and median
 *   BENCH_RUNS=30 node --import tsx bench/startup.ts
 *   BENCH_COMPARE_CLI=/other/checkout/dist/bundle/minerhunt.js node --import tsx bench/startup.ts   # another build, same run
 *     (each minerhunt row is then measured for that build too, right below, runs interleaved)
 *
 * Rows: the baseline; `scan` of a one-line Zeek DNS JSON file with the default PB-31 pack (what a
 * person runs); the same without the build snapshot (MINERHUNT_SNAPSHOT=0: parsing every shipped
 * YAML file, as before the snapshot); the same without V8's code cache (MINERHUNT_CODE_CACHE=0: compiling
 * the bundle at each start, startup/code-cache.ts); `scan --no-default-rules`; `formats` and `--version` (commands
 * that should load next to nothing).
 */
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { spawnSync } from "node:child_process";
import { cpus, loadavg } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const CLI = join(ROOT, "dist/bundle/minerhunt.js");
const OUT = join(ROOT, "bench/out");
const TIME = "/usr/bin/time";
const RUNS = Number(process.env.BENCH_RUNS ?? 15);

/** One Zeek DNS JSON record (field names as Zeek writes them) asking for a known pool: one incident. */
const ONE_LINE = JSON.stringify({
  ts: 1795035780.0, uid: "C0001kQ3nYwe7Zb1d", "id.orig_h": "10.20.1.15", "id.orig_p": 38552, "id.resp_h": "10.20.0.2",
  "id.resp_p": 53, proto: "udp", trans_id: 8626, query: "pool.supportxmr.com", qclass: 1, qclass_name: "C_INTERNET",
  qtype: 1, qtype_name: "A", rcode: 0, rcode_name: "NOERROR", AA: false, TC: false, RD: true, RA: true, Z: 0,
  answers: ["141.94.96.144"], TTLs: [60.0], rejected: false,
}) + "\n";

interface Row { label: string; cpu: number[]; rssMb: number[]; status: number | null }

/** One process under GNU time: user + sys seconds and peak RSS. */
function once(args: string[], env: NodeJS.ProcessEnv): { cpu: number; rssMb: number; status: number | null } {
  const r = spawnSync(TIME, ["-f", "__TIME__ %U %S %M", ...args], { encoding: "utf8", env: { ...process.env, NO_COLOR: "1", ...env } });
  const m = /__TIME__ ([\d.]+) ([\d.]+) (\d+)/.exec(r.stderr ?? "");
  if (!m) throw new Error(`startup bench: no GNU time output for ${args.join(" ")}: ${r.stderr}`);
  return { cpu: Number(m[1]) + Number(m[2]), rssMb: Number(m[3]) / 1024, status: r.status };
}

function measure(label: string, args: string[], env: NodeJS.ProcessEnv = {}): Row {
  const row: Row = { label, cpu: [], rssMb: [], status: null };
  for (let i = 0; i < RUNS; i++) {
    const r = once(args, env);
    row.cpu.push(r.cpu);
    row.rssMb.push(r.rssMb);
    row.status = r.status;
  }
  return row;
}

/**
 * A minerhunt command, and with BENCH_COMPARE_CLI the same command of that build, their runs interleaved
 * (A B A B ...) so that a change of load on the shared machine falls on both alike.
 */
function measureCli(label: string, cliArgs: string[], env: NodeJS.ProcessEnv = {}): Row[] {
  const other = process.env.BENCH_COMPARE_CLI;
  const node = process.execPath;
  if (!other) return [measure(label, [node, CLI, ...cliArgs], env)];
  const rows: Row[] = [{ label, cpu: [], rssMb: [], status: null }, { label: "  same, the other build", cpu: [], rssMb: [], status: null }];
  for (let i = 0; i < RUNS; i++) {
    [CLI, other].forEach((cli, k) => {
      const r = once([node, cli, ...cliArgs], env);
      rows[k]!.cpu.push(r.cpu);
      rows[k]!.rssMb.push(r.rssMb);
      rows[k]!.status = r.status;
    });
  }
  return rows;
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
};

function main(): void {
  if (!existsSync(TIME)) throw new Error("startup bench: needs GNU time at /usr/bin/time (apt-get install time)");
  if (!existsSync(CLI)) throw new Error("startup bench: run `npm run build` first");
  mkdirSync(OUT, { recursive: true });
  const file = join(OUT, "startup-one-line.json");
  writeFileSync(file, ONE_LINE);
  const node = process.execPath;
  const rows: Row[] = [
    measure("node -e 0 (baseline)", [node, "-e", "0"]),
    ...measureCli("minerhunt scan one-line file (default PB-31 pack)", ["scan", "-q", file]),
    measure("  same, without the build snapshot", [node, CLI, "scan", "-q", file], { MINERHUNT_SNAPSHOT: "0" }),
    measure("  same, without the code cache", [node, CLI, "scan", "-q", file], { MINERHUNT_CODE_CACHE: "0" }),
    ...measureCli("minerhunt scan --no-default-rules", ["scan", "-q", "--no-default-rules", file]),
    ...measureCli("minerhunt formats", ["formats"]),
    ...measureCli("minerhunt --version", ["--version"]),
  ];
  console.log(`minerhunt start-up — node ${process.version}, ${cpus()[0]?.model ?? "cpu"} x${cpus().length}, load ${loadavg().map((l) => l.toFixed(1)).join(" ")}, ${RUNS} runs each`);
  if (process.env.BENCH_COMPARE_CLI) console.log(`the other build: ${process.env.BENCH_COMPARE_CLI}`);
  console.log(`${"".padEnd(52)}  CPU-s min  CPU-s median  peak RSS MB  exit`);
  for (const r of rows) {
    console.log(`${r.label.padEnd(52)}  ${Math.min(...r.cpu).toFixed(3).padStart(9)}  ${median(r.cpu).toFixed(3).padStart(12)}  ${median(r.rssMb).toFixed(0).padStart(11)}  ${String(r.status).padStart(4)}`);
  }
  const base = median(rows[0]!.cpu);
  console.log(`scan above the baseline: ${(median(rows[1]!.cpu) - base).toFixed(3)} CPU-s (median)`);
}

main();
