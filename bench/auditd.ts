/**
 * The raw auditd source on a large generated audit.log: events per CPU-second (process.cpuUsage, user +
 * system, so the number does not depend on how busy the shared machine is) and peak RSS. A plain line
 * count over the same file (Input.lines(), no parsing) is the baseline in the same run.
 *
 *   node --import tsx bench/auditd.ts                    # 500,000 records
 *   BENCH_RECORDS=100000 node --import tsx bench/auditd.ts
 *
 * The log is what the kernel writes for exec-heavy hosts: per execve SYSCALL, EXECVE (some arguments hex,
 * some argv split over a[N]_len pieces), CWD, PATH, PROCTITLE, EOE; one event in ten is a connect() with
 * SOCKADDR; a few user-space records between them; events interleave in pairs. Seeded, so runs compare.
 */
import { createWriteStream, existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { openFile } from "../src/sources/input.js";
import { auditdSource } from "../src/sources/host/auditd/source.js";
import type { ParseContext } from "../src/sources/types.js";
import { OUT_DIR } from "./generate.js";

const RECORDS = Number(process.env.BENCH_RECORDS ?? 500_000);
const hex = (s: string) => Buffer.from(s, "utf8").toString("hex").toUpperCase();

/** A small deterministic generator (mulberry32). */
function rng(seed: number): () => number {
  let a = seed;
  return () => {
    a |= 0; a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const PROGRAMS = [
  ["/usr/bin/bash", "bash", "-c", "cd /srv/app && ./run.sh --port 8080"],
  ["/usr/bin/python3.11", "python3", "/opt/app/worker.py", "--queue", "default"],
  ["/usr/bin/grep", "grep", "-r", "TODO", "/srv/app/src"],
  ["/usr/bin/curl", "curl", "-s", "https://api.internal.example/health"],
  ["/tmp/.x/kswapd0", "./kswapd0", "-o", "pool.supportxmr.com:443", "-u", "44AFFq5kSiGBoZ4NMDwYtN18obc8AemS33DBLWs3H7otXft3XjrpDtQGv7SqSsaBYBb98uNbr2VBBEt7f2wfn3RVGQBEP3A"],
];

function execRecords(ts: string, serial: number, r: () => number): string[] {
  const p = PROGRAMS[Math.floor(r() * r() * PROGRAMS.length)]!;
  const [exe, ...argv] = p as [string, ...string[]];
  const pid = 1000 + Math.floor(r() * 60000);
  const stamp = `msg=audit(${ts}:${serial})`;
  const args = argv.map((a, i) => (a.includes(" ") ? `a${i}=${hex(a)}` : `a${i}="${a}"`));
  const out = [
    `type=SYSCALL ${stamp}: arch=c000003e syscall=59 success=yes exit=0 a0=55d0 a1=55d1 a2=55d2 a3=0 items=2 ppid=${pid - 1} pid=${pid} auid=1000 uid=1000 gid=1000 euid=1000 suid=1000 fsuid=1000 egid=1000 sgid=1000 fsgid=1000 tty=pts0 ses=3 comm="${argv[0]!.replace("./", "").slice(0, 15)}" exe="${exe}" key="exec"`,
  ];
  if (r() < 0.05) {
    // A long argument split as the kernel does past its record limit.
    const long = hex("x".repeat(400));
    out.push(`type=EXECVE ${stamp}: argc=2 a0="${argv[0]}" a1_len=400`, `type=EXECVE ${stamp}: a1[0]=${long.slice(0, 400)}`, `type=EXECVE ${stamp}: a1[1]=${long.slice(400)}`);
  } else {
    out.push(`type=EXECVE ${stamp}: argc=${argv.length} ${args.join(" ")}`);
  }
  out.push(
    `type=CWD ${stamp}: cwd="/srv/app"`,
    `type=PATH ${stamp}: item=0 name="${exe}" inode=261214 dev=ca:03 mode=0100755 ouid=0 ogid=0 rdev=00:00 nametype=NORMAL cap_fp=0 cap_fi=0 cap_fe=0 cap_fver=0`,
    `type=PROCTITLE ${stamp}: proctitle=${hex(argv.join("\0"))}`,
    `type=EOE ${stamp}: `,
  );
  return out;
}

function connectRecords(ts: string, serial: number): string[] {
  const stamp = `msg=audit(${ts}:${serial})`;
  return [
    `type=SYSCALL ${stamp}: arch=c000003e syscall=42 success=no exit=-115 a0=7 a1=7ffd a2=10 a3=0 items=0 ppid=811 pid=4242 auid=1000 uid=1000 gid=1000 euid=1000 suid=1000 fsuid=1000 egid=1000 sgid=1000 fsgid=1000 tty=(none) ses=3 comm="kswapd0" exe="/tmp/.x/kswapd0" key="net"`,
    `type=SOCKADDR ${stamp}: saddr=02000D058D5E60900000000000000000`,
    `type=PROCTITLE ${stamp}: proctitle="./kswapd0"`,
    `type=EOE ${stamp}: `,
  ];
}

async function generateLog(records: number): Promise<string> {
  mkdirSync(OUT_DIR, { recursive: true });
  const path = join(OUT_DIR, `audit-${records}.log`);
  if (existsSync(path)) return path;
  const out = createWriteStream(path);
  const r = rng(9);
  let written = 0;
  let serial = 1000;
  let t = 1795038000;
  while (written < records) {
    const ts = `${t}.${String(serial % 1000).padStart(3, "0")}`;
    const a = r() < 0.1 ? connectRecords(ts, serial) : execRecords(ts, serial, r);
    const b = execRecords(ts, serial + 1, r);
    // Two events interleaved record by record, as auditd does under load.
    const lines: string[] = [];
    for (let i = 0; i < Math.max(a.length, b.length); i++) {
      if (a[i]) lines.push(a[i]!);
      if (b[i]) lines.push(b[i]!);
    }
    if (r() < 0.05) lines.push(`type=USER_CMD msg=audit(${ts}:${serial + 2}): pid=811 uid=0 auid=1000 ses=3 msg='cwd="/root" cmd=6C73 exe="/usr/bin/sudo" terminal=pts/0 res=success'`);
    const chunk = `${lines.join("\n")}\n`;
    if (!out.write(chunk)) await new Promise<void>((resolve) => { out.once("drain", () => resolve()); });
    written += lines.length;
    serial += 3;
    if (serial % 30 === 0) t++;
  }
  await new Promise<void>((resolve) => out.end(resolve));
  return path;
}

function context(): { ctx: ParseContext; issues: () => number } {
  let issues = 0;
  return { ctx: { issue: () => { issues++; }, skipped: () => {} }, issues: () => issues };
}

async function measure(label: string, run: () => Promise<{ records: number; events: number; issues: number }>) {
  const cpu0 = process.cpuUsage();
  const wall0 = performance.now();
  const r = await run();
  const cpu = process.cpuUsage(cpu0);
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  return { label, ...r, cpuSeconds, wallSeconds: (performance.now() - wall0) / 1000, eventsPerCpuSecond: Math.round(r.events / cpuSeconds), recordsPerCpuSecond: Math.round(r.records / cpuSeconds) };
}

const path = await generateLog(RECORDS);
const baseline = await measure("Input.lines() only (read and split, no parsing)", async () => {
  const { ctx } = context();
  const { input } = await openFile(path, ctx.issue);
  let records = 0;
  for await (const _ of input.lines()) records++;
  return { records, events: records, issues: 0 };
});
const auditd = await measure("auditd source (parse, join by serial, decode, build events)", async () => {
  const { ctx, issues } = context();
  const { input } = await openFile(path, ctx.issue);
  let events = 0;
  for await (const _ of auditdSource.parse(input, ctx)) events++;
  return { records: baseline.records, events, issues: issues() };
});
const peakRssMb = Math.round(process.resourceUsage().maxRSS / 1024);
console.log(`audit.log: ${path} (${baseline.records} records)`);
for (const m of [baseline, auditd]) {
  console.log(`${m.label}: ${m.cpuSeconds.toFixed(2)} CPU-s, ${m.wallSeconds.toFixed(2)} s wall, ${m.recordsPerCpuSecond} records/CPU-s` +
    (m === auditd ? `, ${m.events} events (${m.eventsPerCpuSecond} events/CPU-s), ${m.issues} issues` : ""));
}
console.log(`peak RSS of this process (both runs): ${peakRssMb} MB`);
console.log(JSON.stringify({ records: baseline.records, events: auditd.events, eventsPerCpuSecond: auditd.eventsPerCpuSecond, recordsPerCpuSecond: auditd.recordsPerCpuSecond, baselineRecordsPerCpuSecond: baseline.recordsPerCpuSecond, peakRssMb }));
