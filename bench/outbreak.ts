/**
 * An outbreak: a worm spreads one miner over many hosts, all mining to one pool. One Zeek dns.log (JSON)
 * per host, each with RECORDS lookups of the pool. Expected: one incident per host, all in ONE campaign,
 * memory and CPU growing with the hosts, not with their square.
 *
 *   npm run build && node --import tsx bench/outbreak.ts            # 5,000 hosts × 20 records
 *   BENCH_HOSTS=1000 node --import tsx bench/outbreak.ts
 *
 * The baseline in the same run: `node -e 0` (process start) and a plain JSON.parse of every line.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { timed } from "./timed.js";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const CLI = join(ROOT, "dist/bundle/minerhunt.js");
const HOSTS = Number(process.env.BENCH_HOSTS ?? 5000);
const RECORDS = Number(process.env.BENCH_RECORDS ?? 20);
const DIR = join(ROOT, "bench/out", `outbreak-${HOSTS}x${RECORDS}`);
const POOL = "xmr-eu1.nanopool.org";

/** One host's dns.log: its lookups of the pool over an hour, as Zeek writes them in JSON. */
function hostLog(h: number): string {
  const ip = `10.${(h >> 16) & 255}.${(h >> 8) & 255}.${h & 255}`;
  const lines: string[] = [];
  for (let i = 0; i < RECORDS; i++) {
    const ts = 1_763_600_000 + h * 0.5 + i * 180;
    lines.push(JSON.stringify({
      ts, uid: `C${h.toString(36)}x${i}`, "id.orig_h": ip, "id.orig_p": 40000 + i, "id.resp_h": "10.0.0.2", "id.resp_p": 53,
      proto: "udp", trans_id: (h * 31 + i) & 0xffff, query: POOL, qclass: 1, qclass_name: "C_INTERNET", qtype: 1, qtype_name: "A",
      rcode: 0, rcode_name: "NOERROR", AA: false, TC: false, RD: true, RA: true, Z: 0, answers: ["51.15.65.182", "51.15.54.102"],
      TTLs: [300.0, 300.0], rejected: false,
    }));
  }
  return lines.join("\n") + "\n";
}

function generate(): void {
  if (existsSync(join(DIR, `host-${HOSTS - 1}`, "dns.log"))) return;
  for (let h = 0; h < HOSTS; h++) {
    const dir = join(DIR, `host-${h}`);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, "dns.log"), hostLog(h));
  }
}

const PARSE_ALL = `
const fs = require("node:fs"), path = require("node:path");
let n = 0;
for (const d of fs.readdirSync(process.argv[1])) {
  for (const l of fs.readFileSync(path.join(process.argv[1], d, "dns.log"), "utf8").split("\\n")) if (l) { JSON.parse(l); n++; }
}
console.log(n);
`;

function main(): void {
  if (!existsSync(CLI)) throw new Error("run `npm run build` first: the bench times dist/bundle/minerhunt.js");
  generate();
  const out = join(ROOT, "bench/out", "outbreak.json");
  const start = timed(process.execPath, ["-e", "0"]);
  const parse = timed(process.execPath, ["-e", PARSE_ALL, DIR]);
  const scan = timed(process.execPath, [CLI, "scan", DIR, "-q", "--format", "json", "-o", out]);
  const result = JSON.parse(readFileSync(out, "utf8")) as { summary: { events: number; findings: number; incidents: number; campaigns: number }; campaigns: { scope: { machines: number } }[] };
  const rows = [
    ["node -e 0 (process start)", start],
    [`JSON.parse of every line (${HOSTS * RECORDS} records)`, parse],
    [`minerhunt scan (${result.summary.incidents} incidents, ${result.summary.campaigns} campaign(s), ${result.campaigns[0]?.scope.machines ?? 0} machines)`, scan],
  ] as const;
  console.log(`outbreak: ${HOSTS} hosts × ${RECORDS} records, one Zeek dns.log per host (${DIR})`);
  for (const [label, t] of rows) console.log(`  ${label.padEnd(80)} ${t.cpuSeconds.toFixed(2).padStart(7)} CPU-s ${t.peakRssMb.toFixed(0).padStart(6)} MB peak RSS`);
  console.log(JSON.stringify({ hosts: HOSTS, records: RECORDS, scanCpuSeconds: scan.cpuSeconds, scanPeakRssMb: scan.peakRssMb,
    parseCpuSeconds: parse.cpuSeconds, startCpuSeconds: start.cpuSeconds, ...result.summary }));
  if (scan.status !== 1) console.error(`minerhunt exited ${scan.status}: ${scan.stderr.slice(-2000)}`);
}

main();
