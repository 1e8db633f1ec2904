#!/usr/bin/env node
// Runs every *.test.ts under src/ (or the paths given) with Node's own test runner through tsx.
// Node 20's --test does not expand globs, so the files are collected here.
import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { spawnSync } from "node:child_process";

function collect(path, out) {
  const st = statSync(path);
  if (st.isFile()) { if (path.endsWith(".test.ts")) out.push(path); return; }
  for (const name of readdirSync(path).sort()) {
    if (name === "node_modules" || name.startsWith(".")) continue;
    collect(join(path, name), out);
  }
}

const roots = process.argv.slice(2).filter((a) => !a.startsWith("-"));
const flags = process.argv.slice(2).filter((a) => a.startsWith("-"));
const files = [];
for (const root of roots.length ? roots : ["src", "bench"]) collect(root, files);
if (files.length === 0) { console.error("run-tests: no *.test.ts files found"); process.exit(1); }
const result = spawnSync(process.execPath,
  ["--import", "tsx", "--test", "--test-concurrency=2", ...flags, ...files],
  { stdio: "inherit", env: { ...process.env, MINERHUNT_TEST: "1" } });
process.exit(result.status ?? 1);
