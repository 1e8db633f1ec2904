/**
 * Helpers for tests only (excluded from the build).
 */
import { existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type { TestContext } from "node:test";
import type { Event, ParseIssue } from "../model/index.js";
import { openBuffer, openFile } from "../sources/input.js";
import type { ParseContext, Prefilter, Source } from "../sources/types.js";
import { DetectionEngine } from "../detect/engine.js";

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");

/**
 * The shared public fixtures live beside the checkout (../shared/fixtures), never inside it:
 * their licences stay with them. MINERHUNT_SHARED overrides the location.
 */
export const SHARED_DIR = process.env.MINERHUNT_SHARED ?? resolve(REPO_ROOT, "../shared");

/**
 * Under CI (CI set, and not "0" or "false") nothing a test needs may be missing: .ci/run installs
 * Chromium, starts PostgreSQL and has ../shared, so a missing piece there is a broken machine, and a
 * skip would hide that the tests did not run.
 */
export function inCi(): boolean {
  const ci = process.env.CI;
  return ci !== undefined && ci !== "" && ci !== "0" && ci.toLowerCase() !== "false";
}

/** Skip the test with the reason; under CI fail it with the same reason instead (see inCi). */
export function skipOrFailInCi(t: TestContext, reason: string): void {
  if (inCi()) throw new Error(`${reason} [CI=${process.env.CI}: a missing prerequisite fails the test instead of skipping it]`);
  t.skip(reason);
}

/** Path of a shared fixture; when the folder is missing, skip the test with a clear reason (fail under CI). */
export function sharedFixture(t: TestContext, rel: string): string | undefined {
  const p = join(SHARED_DIR, "fixtures", rel);
  if (!existsSync(p)) {
    skipOrFailInCi(t, `shared fixture missing: ${p} (set MINERHUNT_SHARED to the shared/ folder)`);
    return undefined;
  }
  return p;
}

export interface Parsed {
  events: Event[];
  issues: ParseIssue[];
  skipped: number;
}

function collector(path: string, format: string, prefilter?: Prefilter) {
  const issues: ParseIssue[] = [];
  let skipped = 0;
  const ctx: ParseContext = {
    issue: (line, message, offset) => {
      const i: ParseIssue = { file: path, format, severity: "warning", message };
      if (line !== undefined) i.line = line;
      if (offset !== undefined) i.offset = offset;
      issues.push(i);
    },
    skipped: (n = 1) => { skipped += n; },
  };
  if (prefilter) ctx.prefilter = prefilter;
  return { issues, ctx, skippedCount: () => skipped };
}

/** Parse in-memory text (or bytes) with one source, collecting events and issues. */
export async function parseWith(source: Source, data: string | Uint8Array, path = "test.log", prefilter?: Prefilter): Promise<Parsed> {
  const c = collector(path, source.id, prefilter);
  const { input } = await openBuffer(path, data, (l, m, o) => c.ctx.issue(l, m, o));
  const events: Event[] = [];
  for await (const e of source.parse(input, c.ctx)) events.push(e);
  return { events, issues: c.issues, skipped: c.skippedCount() };
}

/** Parse a file on disk with one source. */
export async function parseFileWith(source: Source, path: string, prefilter?: Prefilter): Promise<Parsed> {
  const c = collector(path, source.id, prefilter);
  const { input } = await openFile(path, (l, m, o) => c.ctx.issue(l, m, o));
  const events: Event[] = [];
  for await (const e of source.parse(input, c.ctx)) events.push(e);
  return { events, issues: c.issues, skipped: c.skippedCount() };
}

/** Sniff score of in-memory text for one source. */
export async function sniffWith(source: Source, data: string | Uint8Array, path = "test.log"): Promise<number> {
  const { sample } = await openBuffer(path, data);
  return source.sniff(sample);
}

import { type Finding } from "../model/index.js";
import type { Detector } from "../detect/types.js";
import { loadIntel } from "../intel/index.js";
import type { Intel } from "../intel/index.js";
import { defaultConfig, type DetectConfig } from "../detect/config.js";

let cachedIntel: Intel | undefined;
/** The project's curated intel with no user-imported lists (tests must not depend on the machine). */
export function testIntel(): Intel {
  cachedIntel ??= loadIntel({ importDirs: [] });
  return cachedIntel;
}

/** Run one detector through the engine (routing, aggregation and allowlist as the pipeline does) and return its findings. */
export function runDetector(detector: Detector, events: Event[], opts: { intel?: Intel; config?: Partial<DetectConfig> } = {}): Finding[] {
  const config = { ...defaultConfig(), ...opts.config } as DetectConfig;
  const engine = new DetectionEngine([detector], opts.intel ?? testIntel(), config);
  for (const e of events) engine.onEvent(e);
  return engine.finish();
}

/**
 * CPU milliseconds this process has used since `since` (a process.cpuUsage() value). A test that guards
 * against a hang or runaway backtracking bounds CPU time, not wall time: test files run side by side on
 * shared cores, where wall time says more about the neighbours than about the code.
 */
export function cpuMsSince(since: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(since);
  return (used.user + used.system) / 1000;
}
