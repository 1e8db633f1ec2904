#!/usr/bin/env node
// Measures each test file alone and keeps the costs in scripts/test-costs.json, which run-tests.mjs reads
// to start the long files first and to pack the short ones into evenly costed processes.
//
//   node scripts/measure-tests.mjs                  # every test file, one at a time
//   node scripts/measure-tests.mjs src/apps/server/ui    # only these (merged into the table)
//   node scripts/measure-tests.mjs --jobs 2         # two at a time (quicker, CPU-s inflate a little)
//   node scripts/measure-tests.mjs --dry            # print the table, do not write it
//
// A file's cost is its CPU-seconds (user + system, children included: the CLI it spawns, Chromium,
// PostgreSQL's client side) measured by GNU time around `node --import tsx --test FILE`, so it includes
// the ~0.4 CPU-s of starting tsx. CPU-seconds, not wall time, because the machine is shared and wall time
// says more about the neighbours than about the file; wall time is kept beside it for the files that wait.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { spawn } from "node:child_process";
import { testFiles } from "./test-files.mjs";
import { buildTestCli } from "./test-cli.mjs";

const TABLE = "scripts/test-costs.json";
const GNU_TIME = "/usr/bin/time";

const args = process.argv.slice(2);
const jobsAt = args.indexOf("--jobs");
const jobs = jobsAt >= 0 ? Math.max(1, Number(args[jobsAt + 1]) || 1) : 1;
const dry = args.includes("--dry");
const roots = args.filter((a, i) => !a.startsWith("-") && !(jobsAt >= 0 && i === jobsAt + 1));
if (!existsSync(GNU_TIME)) { console.error(`measure-tests: needs GNU time at ${GNU_TIME} (apt-get install time)`); process.exit(2); }

const files = testFiles(roots);
const tmp = mkdtempSync(join(tmpdir(), "minerhunt-measure-"));
// As under run-tests.mjs, the tests start the CLI bundled from the current source (src/test-helpers/cli.ts).
const testCli = await buildTestCli();

/** One file alone: its CPU-seconds, wall seconds and whether it passed. */
function measure(file, n) {
  const timing = join(tmp, `time-${n}`);
  return new Promise((done) => {
    const child = spawn(GNU_TIME, ["-f", "%e %U %S", "-o", timing, process.execPath, "--import", "tsx", "--test", "--test-reporter=dot", file],
      { stdio: ["ignore", "ignore", "ignore"], env: { ...process.env, MINERHUNT_TEST: "1", MINERHUNT_TEST_CLI: testCli.entry, MINERHUNT_SNAPSHOT: testCli.snapshot } });
    child.on("close", (status) => {
      const last = readFileSync(timing, "utf8").trim().split("\n").pop() ?? "";
      const [wall, user, sys] = last.split(" ").map(Number);
      done({ file, cpu: round(user + sys), wall: round(wall), ok: status === 0 });
    });
  });
}
const round = (x) => Math.round(x * 100) / 100;

const results = [];
let next = 0;
async function worker() {
  while (next < files.length) {
    const n = next++;
    const r = await measure(files[n], n);
    results.push(r);
    process.stderr.write(`${String(results.length).padStart(3)}/${files.length} ${r.cpu.toFixed(1).padStart(6)} CPU-s ${r.wall.toFixed(1).padStart(6)} s ${r.ok ? "" : "FAILED "}${r.file}\n`);
  }
}
await Promise.all(Array.from({ length: jobs }, worker));
rmSync(tmp, { recursive: true, force: true });
testCli.remove();

const old = existsSync(TABLE) ? JSON.parse(readFileSync(TABLE, "utf8")) : { files: {} };
const table = { ...old.files };
for (const r of results) table[r.file] = { cpu: r.cpu, wall: r.wall };
// Files that are gone are dropped; sorted by cost, so the diff of a refresh reads as a ranking.
const kept = Object.entries(table).filter(([f]) => existsSync(f)).sort((a, b) => b[1].cpu - a[1].cpu);
const total = kept.reduce((s, [, c]) => s + c.cpu, 0);
const out = {
  note: "CPU-seconds (user+sys, children included) and wall seconds of each test file run alone; written by scripts/measure-tests.mjs, read by scripts/run-tests.mjs for scheduling only",
  measured: new Date().toISOString().slice(0, 10),
  totalCpu: round(total),
  files: Object.fromEntries(kept),
};
for (const [f, c] of kept.slice(0, 25)) console.log(`${c.cpu.toFixed(1).padStart(7)} CPU-s ${c.wall.toFixed(1).padStart(6)} s  ${f}`);
console.log(`${total.toFixed(1).padStart(7)} CPU-s in ${kept.length} files (${results.filter((r) => !r.ok).length} of the ${results.length} measured now failed)`);
if (!dry) writeFileSync(TABLE, `${JSON.stringify(out, null, 1)}\n`);
