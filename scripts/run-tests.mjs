#!/usr/bin/env node
// Runs every *.test.ts under src/ and bench/ (or the paths given) with Node's own test runner through tsx,
// and with --typecheck / --lint also tsc and eslint, side by side with the tests.
//
//   node scripts/run-tests.mjs                       # all tests
//   node scripts/run-tests.mjs --typecheck --lint    # what `npm test` runs
//   node scripts/run-tests.mjs src/store             # a folder or files
//   MINERHUNT_TEST_BATCH=1 node scripts/run-tests.mjs  # one process per test file (full isolation)
//   node scripts/run-tests.mjs --plan                # print the processes and their files, run nothing
//
// Why it is shaped this way (2 cores shared by many sessions):
// - Files run concurrently (--test-concurrency): many tests wait on child processes, PostgreSQL or
//   Chromium, so one more runner than cores keeps the cores busy.
// - Test files share processes: each process pays ~0.5 CPU-s to start tsx and more to load the module
//   graph through it. Neighbouring files (which import the same modules) are packed by their measured
//   cost (scripts/test-costs.json, refreshed by scripts/measure-tests.mjs) into groups of about equal
//   cost, and the costliest start first, so no long group starts last.
// - The CLI that tests start as a process is bundled once from the current source before the tests
//   start (scripts/test-cli.mjs): a scan of a one-line file cost 2.5-3 CPU-s through tsx, 1.2-1.4 bundled.
// - tsc and eslint run beside the tests, not before them; their output is shown just before the test
//   runner's closing lines, which stay last ("# pass N" / "# fail N" is what CI reads).
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { availableParallelism, tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { spawn } from "node:child_process";
import { testFiles } from "./test-files.mjs";
import { buildTestCli } from "./test-cli.mjs";

const args = process.argv.slice(2);
const OWN_FLAGS = new Set(["--typecheck", "--lint", "--plan"]);
const roots = args.filter((a) => !a.startsWith("-"));
const flags = args.filter((a) => a.startsWith("-") && !OWN_FLAGS.has(a));
const files = testFiles(roots);
if (files.length === 0) { console.error("run-tests: no *.test.ts files found"); process.exit(1); }

const cores = availableParallelism();
const concurrency = Number(process.env.MINERHUNT_TEST_CONCURRENCY) || cores + 1;
const alone = Number(process.env.MINERHUNT_TEST_BATCH) === 1;

/** CPU-seconds of each file run alone (scripts/test-costs.json); a file not measured yet counts as the median. */
function costs(list) {
  let table = {};
  try { table = JSON.parse(readFileSync("scripts/test-costs.json", "utf8")).files ?? {}; } catch { /* no table: all equal */ }
  const known = Object.values(table).map((c) => c.cpu).sort((x, y) => x - y);
  const median = known.length ? known[Math.floor(known.length / 2)] : 1;
  return list.map((f) => ({ f, cost: table[f]?.cpu ?? median }));
}

/**
 * Groups of files, each to run in one process, costliest first. Files are taken in path order, so a group
 * holds neighbours, which import the same modules: loading a module graph through tsx is most of what a
 * small file costs (the four browser test files cost 58 CPU-s one per process, 31 in one). A group is
 * closed when the next file would take it past its share: the total over four groups per runner slot,
 * enough groups that the slots finish together, few enough that each process's start is paid rarely.
 */
function groups(list) {
  const sized = costs(list).sort((x, y) => (x.f < y.f ? -1 : 1));
  // At least 20 CPU-s, so that a run of a few small files does not pay a process start per file.
  const share = Math.max(sized.reduce((s, x) => s + x.cost, 0) / (concurrency * 4), 20);
  const out = [];
  let current = { cost: 0, files: [] };
  for (const x of sized) {
    if (current.files.length > 0 && current.cost + x.cost > share) { out.push(current); current = { cost: 0, files: [] }; }
    current.files.push(x.f);
    current.cost += x.cost;
  }
  if (current.files.length > 0) out.push(current);
  return out.sort((x, y) => y.cost - x.cost).map((g) => g.files);
}

// One entry module per group: it imports the group's test files, whose tests then run in that process.
const tmp = mkdtempSync(join(tmpdir(), "minerhunt-tests-"));
let entries;
if (alone) entries = costs(files).sort((x, y) => y.cost - x.cost).map((x) => x.f);
else {
  entries = groups(files).map((group, i) => {
    if (group.length === 1) return group[0];
    const entry = join(tmp, `group-${String(i + 1).padStart(2, "0")}.test.mjs`);
    writeFileSync(entry, group.map((f) => `import ${JSON.stringify(pathToFileURL(resolve(f)).href)};\n`).join(""));
    return entry;
  });
}

if (args.includes("--plan")) {
  const cost = new Map(costs(files).map((x) => [x.f, x.cost]));
  for (const group of alone ? files.map((f) => [f]) : groups(files)) {
    console.log(`${group.reduce((s, f) => s + cost.get(f), 0).toFixed(1).padStart(6)} CPU-s  ${group.join(" ")}`);
  }
  rmSync(tmp, { recursive: true, force: true });
  process.exit(0);
}

// The CLI the tests start as a process, bundled from the current source (unless one is given).
let testCli;
if (!process.env.MINERHUNT_TEST_CLI) {
  testCli = await buildTestCli();
  process.env.MINERHUNT_TEST_CLI = testCli.entry;
  // Read by the bundled CLI only: code run from src/ (the tests themselves) never reads a snapshot.
  process.env.MINERHUNT_SNAPSHOT ??= testCli.snapshot;
} else if (!existsSync(process.env.MINERHUNT_TEST_CLI)) {
  console.error(`run-tests: MINERHUNT_TEST_CLI=${process.env.MINERHUNT_TEST_CLI} does not exist`);
  process.exit(1);
}

/** A command whose output is kept and shown at the end. */
function sideJob(name, command, commandArgs) {
  const started = performance.now();
  return new Promise((done) => {
    const child = spawn(command, commandArgs, { stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (d) => { output += d; });
    child.stderr.on("data", (d) => { output += d; });
    child.on("error", (err) => done({ name, status: 1, output: String(err), seconds: 0 }));
    child.on("close", (status) => done({ name, status: status ?? 1, output, seconds: (performance.now() - started) / 1000 }));
  });
}

const bin = (name) => join("node_modules", ".bin", name);
const side = [];
// Their caches (.cache/, git-ignored) make a second run in a checkout cheap; a fresh clone checks everything.
// The type check is TypeScript 7, the native compiler (about a quarter of TypeScript 5's CPU on this code). The
// `typescript` package stays at 5.9 for typescript-eslint, whose parser needs TypeScript's JavaScript API; both
// are named by path, since both packages install a `tsc` command.
if (args.includes("--typecheck")) {
  side.push(sideJob("typecheck", process.execPath, [join("node_modules", "typescript-native", "bin", "tsc"), "-p", "tsconfig.check.json", "--incremental", "--tsBuildInfoFile", ".cache/tsc7-check.tsbuildinfo"]));
}
if (args.includes("--lint")) side.push(sideJob("lint", bin("eslint"), [".", "--cache", "--cache-location", ".cache/eslint/"]));

// The test runner's closing lines ("# tests", "# pass", ...) are held back until the side jobs are
// reported, so they stay the last lines of the run.
const SUMMARY = /^# (tests|suites|pass|fail|cancelled|skipped|todo|duration_ms) /;
const held = [];
const runner = spawn(process.execPath,
  ["--import", "tsx", "--test", `--test-concurrency=${concurrency}`, ...flags, ...entries],
  { stdio: ["ignore", "pipe", "inherit"], env: { ...process.env, MINERHUNT_TEST: "1" } });
let pending = "";
runner.stdout.on("data", (chunk) => {
  pending += chunk;
  const lines = pending.split("\n");
  pending = lines.pop();
  for (const line of lines) {
    if (SUMMARY.test(line)) held.push(line);
    else {
      for (const h of held.splice(0)) process.stdout.write(`${h}\n`);
      process.stdout.write(`${line}\n`);
    }
  }
});
const testStatus = await new Promise((done) => runner.on("close", (status) => done(status ?? 1)));
if (pending) held.push(pending);

let failed = testStatus !== 0;
for (const job of await Promise.all(side)) {
  if (job.output.trim()) process.stdout.write(job.output.endsWith("\n") ? job.output : `${job.output}\n`);
  process.stdout.write(`# ${job.name}: ${job.status === 0 ? "ok" : "FAILED"} (${job.seconds.toFixed(1)} s)\n`);
  if (job.status !== 0) failed = true;
}
process.stdout.write(`# ${files.length} test files in ${entries.length} processes, ${concurrency} at a time\n`);
for (const h of held) process.stdout.write(`${h}\n`);
rmSync(tmp, { recursive: true, force: true });
testCli?.remove();
process.exit(failed ? 1 : 0);
