#!/usr/bin/env node
// Runs every *.test.ts under src/ and bench/ (or the paths given) with Node's own test runner through tsx,
// and with --typecheck / --lint also tsc and eslint, side by side with the tests.
//
//   node scripts/run-tests.mjs                       # all tests
//   node scripts/run-tests.mjs --typecheck --lint    # what `npm test` runs
//   node scripts/run-tests.mjs src/store             # a folder or files
//   MINERHUNT_TEST_BATCH=1 node scripts/run-tests.mjs  # one process per test file (full isolation)
//
// Why it is shaped this way (2 cores shared by many sessions):
// - Files run concurrently (--test-concurrency): many tests wait on child processes, PostgreSQL or
//   Chromium, so one more runner than cores keeps the cores busy.
// - Test files are grouped four to a process: each process pays ~0.3-0.5 CPU-s to start tsx and load
//   the module graph, which over a hundred files was a third of the suite. Groups are made by size
//   (largest first), so the long files start first and the groups come out even.
// - tsc and eslint run beside the tests, not before them; their output is shown just before the test
//   runner's closing lines, which stay last ("# pass N" / "# fail N" is what CI reads).
// Node 20's --test does not expand globs, so the files are collected here.
import { mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { availableParallelism, tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { spawn } from "node:child_process";

function collect(path, out) {
  const st = statSync(path);
  if (st.isFile()) { if (path.endsWith(".test.ts")) out.push(path); return; }
  for (const name of readdirSync(path).sort()) {
    if (name === "node_modules" || name.startsWith(".")) continue;
    collect(join(path, name), out);
  }
}

const args = process.argv.slice(2);
const OWN_FLAGS = new Set(["--typecheck", "--lint"]);
const roots = args.filter((a) => !a.startsWith("-"));
const flags = args.filter((a) => a.startsWith("-") && !OWN_FLAGS.has(a));
const files = [];
for (const root of roots.length ? roots : ["src", "bench"]) collect(root, files);
if (files.length === 0) { console.error("run-tests: no *.test.ts files found"); process.exit(1); }

const cores = availableParallelism();
const concurrency = Number(process.env.MINERHUNT_TEST_CONCURRENCY) || cores + 1;
const perBatch = Math.max(1, Number(process.env.MINERHUNT_TEST_BATCH) || 4);

/** Groups of about `perBatch` files, balanced by size (largest first into the lightest group). */
function batches(list) {
  const count = Math.max(1, Math.ceil(list.length / perBatch));
  const groups = Array.from({ length: count }, () => ({ bytes: 0, files: [] }));
  const sized = list.map((f) => ({ f, bytes: statSync(f).size })).sort((a, b) => b.bytes - a.bytes);
  for (const { f, bytes } of sized) {
    let lightest = groups[0];
    for (const g of groups) if (g.bytes < lightest.bytes) lightest = g;
    lightest.files.push(f);
    lightest.bytes += bytes;
  }
  return groups.filter((g) => g.files.length > 0).sort((a, b) => b.bytes - a.bytes).map((g) => g.files);
}

// One entry module per group: it imports the group's test files, whose tests then run in that process.
const tmp = mkdtempSync(join(tmpdir(), "minerhunt-tests-"));
let entries;
if (perBatch === 1) entries = files;
else {
  entries = batches(files).map((group, i) => {
    const entry = join(tmp, `group-${String(i + 1).padStart(2, "0")}.test.mjs`);
    writeFileSync(entry, group.map((f) => `import ${JSON.stringify(pathToFileURL(resolve(f)).href)};\n`).join(""));
    return entry;
  });
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
if (args.includes("--typecheck")) {
  side.push(sideJob("typecheck", bin("tsc"), ["-p", "tsconfig.check.json", "--incremental", "--tsBuildInfoFile", ".cache/tsc-check.tsbuildinfo"]));
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
process.exit(failed ? 1 : 0);
