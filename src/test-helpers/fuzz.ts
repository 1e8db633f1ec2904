/**
 * Seeded mutation fuzzing of every input format (issue 12): take each real sample (examples/ and, when present,
 * the shared public fixtures), mutate its bytes, and run the whole pipeline in-process (sniff, parse, detect,
 * correlate, PB-31) on the mutant. The checks: nothing throws out of the pipeline, no reported problem carries
 * a stack trace, and Object.prototype is unchanged. Used by src/pipeline/fuzz.test.ts (a few hundred mutants) and
 * scripts/fuzz.ts (as many as asked).
 */
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { gzipSync } from "node:zlib";
import { builtinDetectors } from "../detect/detectors/index.js";
import { declaredDatasets, defaultRuleDirs, loadRules, sigmaDetector, sigmaPrefilterHints } from "../detect/sigma/index.js";
import type { Detector } from "../detect/types.js";
import type { DatasetNeeds } from "../detect/prefilter.js";
import { defaultConfig } from "../detect/config.js";
import { loadIntel } from "../intel/index.js";
import { loadPlaybook } from "../playbook/index.js";
import { assessFindings } from "../pipeline/incident.js";
import { scan } from "../pipeline/scan.js";
import { allSources } from "../sources/index.js";
import { inCi, REPO_ROOT, SHARED_DIR } from "./index.js";

/** mulberry32: small, fast, seeded. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface Sample {
  /** Where it came from, for reports. */
  origin: string;
  /** The file name the mutant is written under (sniffers may look at it). */
  name: string;
  bytes: Buffer;
}

const MAX_SAMPLE_BYTES = 256 * 1024;
/** Per shared fixture folder: a few files, so every format is there without the big ones. */
const FILES_PER_FIXTURE_FOLDER = 3;

function filesUnder(dir: string, out: string[], limit = Infinity): void {
  for (const name of readdirSync(dir).sort()) {
    if (out.length >= limit) return;
    const p = join(dir, name);
    const st = statSync(p);
    if (st.isDirectory()) filesUnder(p, out, limit);
    else if (st.isFile() && st.size > 0 && st.size <= MAX_SAMPLE_BYTES && !/^(SOURCE|LICEN[CS]E|README)/i.test(name) && !/\.(md|yml|yaml)$/i.test(name)) out.push(p);
  }
}

/**
 * examples/ (every file) and the shared fixtures (a few files per folder) when they are there; under CI
 * they must be (inCi), or the fuzz run would quietly cover only half the formats.
 */
export function fuzzSamples(): Sample[] {
  const paths: string[] = [];
  filesUnder(join(REPO_ROOT, "examples"), paths);
  const fixtures = join(SHARED_DIR, "fixtures");
  if (!existsSync(fixtures) && inCi()) throw new Error(`shared fixtures missing: ${fixtures} (set MINERHUNT_SHARED to the shared/ folder) [CI=${process.env.CI}: a missing prerequisite fails the test instead of skipping it]`);
  if (existsSync(fixtures)) {
    for (const folder of readdirSync(fixtures).sort()) {
      if (folder === "sigmahq") continue; // rules, not telemetry
      const p = join(fixtures, folder);
      if (statSync(p).isDirectory()) { const some: string[] = []; filesUnder(p, some, FILES_PER_FIXTURE_FOLDER); paths.push(...some); }
    }
  }
  return paths.map((p) => ({ origin: p.startsWith(REPO_ROOT) ? p.slice(REPO_ROOT.length + 1) : p, name: basename(p), bytes: readFileSync(p) }));
}

/** Tokens that have broken parsers elsewhere: prototype keys, odd numbers, escapes, separators, controls. */
const TOKENS = [
  "__proto__", "\"__proto__\":{\"polluted\":1},", "{\"constructor\":{\"prototype\":{\"polluted\":1}}}", "constructor", "prototype",
  "1e400", "-1e400", "-0", "NaN", "Infinity", "9007199254740993", "99999999999999999999999", "0x1f", "-2147483649",
  "\\u0000", "\\ud800", "\\", "\"", "\"\"", "'", "\t", "\r\n", "\n", "\u0000", "\u001b[2J", "\u202e", "\ufeff",
  "null", "true", "[]", "{}", "[[[[[[[[[[[[[[[[[[[[", "}}}}}}}}", ",,", ":", "#", "%", "%s%n", "${x}",
  "1970-01-01T00:00:00Z", "9999-12-31T23:59:59Z", "-000001-01-01T00:00:00Z", "2024-02-30T25:61:61Z",
  "255.255.255.255", "::ffff:10.0.0.1", "300.1.1.1", "stratum+tcp://pool.supportxmr.com:3333", "xmrig", "-1",
];

type Mutator = (b: Buffer, r: () => number) => Buffer;
const at = (b: Buffer, r: () => number) => Math.floor(r() * (b.length + 1));

const MUTATORS: { name: string; fn: Mutator }[] = [
  { name: "flip bits", fn: (b, r) => { const c = Buffer.from(b); for (let k = 0; k < 1 + Math.floor(r() * 8); k++) { const i = Math.floor(r() * c.length); if (c.length) c[i] = c[i]! ^ (1 << Math.floor(r() * 8)); } return c; } },
  { name: "set bytes", fn: (b, r) => { const c = Buffer.from(b); const v = [0, 0xff, 0x7f, 0x80, 0x22, 0x7b, 0x5b, 0x0a, 0x5c, 0x1b, 0x09, 0x2c]; for (let k = 0; k < 1 + Math.floor(r() * 4); k++) { if (c.length) c[Math.floor(r() * c.length)] = v[Math.floor(r() * v.length)]!; } return c; } },
  { name: "insert token", fn: (b, r) => { const i = at(b, r); return Buffer.concat([b.subarray(0, i), Buffer.from(TOKENS[Math.floor(r() * TOKENS.length)]!), b.subarray(i)]); } },
  { name: "delete range", fn: (b, r) => { const i = at(b, r); const n = Math.floor(r() * 64) + 1; return Buffer.concat([b.subarray(0, i), b.subarray(Math.min(b.length, i + n))]); } },
  { name: "duplicate range", fn: (b, r) => { const i = at(b, r); const n = Math.floor(r() * 256) + 1; return Buffer.concat([b.subarray(0, i + n), b.subarray(i, Math.min(b.length, i + n)), b.subarray(i + n)]); } },
  { name: "truncate", fn: (b, r) => b.subarray(0, at(b, r)) },
  { name: "swap lines", fn: (b, r) => { const lines = b.toString("latin1").split("\n"); for (let k = 0; k < 3 && lines.length > 1; k++) { const i = Math.floor(r() * lines.length); const j = Math.floor(r() * lines.length); [lines[i], lines[j]] = [lines[j]!, lines[i]!]; } return Buffer.from(lines.join("\n"), "latin1"); } },
  { name: "replace a number", fn: (b, r) => { const s = b.toString("latin1"); const nums = [...s.matchAll(/-?\d+(\.\d+)?/g)]; if (!nums.length) return b; const m = nums[Math.floor(r() * nums.length)]!; const v = ["0", "-1", "1e308", "NaN", "99999999999999999999", "4294967296", "-0.0", ""][Math.floor(r() * 8)]!; return Buffer.from(s.slice(0, m.index) + v + s.slice(m.index! + m[0].length), "latin1"); } },
  { name: "long line", fn: (b, r) => { const i = at(b, r); return Buffer.concat([b.subarray(0, i), Buffer.alloc(20_000 + Math.floor(r() * 70_000), "A"), b.subarray(i)]); } },
  { name: "deep nesting", fn: (b, r) => { const i = at(b, r); const d = 1000 + Math.floor(r() * 20_000); return Buffer.concat([b.subarray(0, i), Buffer.from("[".repeat(d) + "]".repeat(r() < 0.5 ? d : 0)), b.subarray(i)]); } },
  { name: "gzip (maybe cut)", fn: (b, r) => { const z = gzipSync(b); return r() < 0.5 ? z : z.subarray(0, Math.floor(z.length * r())); } },
];

export interface Mutant {
  sample: Sample;
  mutations: string[];
  bytes: Buffer;
}

/** The n-th mutant of a seeded run: a sample and 1-3 mutations, all from the seed. */
export function mutant(samples: readonly Sample[], seed: number, n: number): Mutant {
  const r = rng(seed * 1_000_003 + n);
  const sample = samples[n % samples.length]!;
  let bytes = sample.bytes;
  const mutations: string[] = [];
  const k = 1 + Math.floor(r() * 3);
  for (let i = 0; i < k; i++) {
    const m = MUTATORS[Math.floor(r() * MUTATORS.length)]!;
    // gzip only as the last step (mutating compressed bytes after it is "flip bits" on gzip, also covered)
    if (m.name.startsWith("gzip") && i < k - 1) continue;
    bytes = m.fn(bytes, r);
    mutations.push(m.name);
  }
  return { sample, mutations, bytes };
}

export interface Harness {
  /** Run the pipeline on one mutant; returns what went wrong (empty when nothing did) and how long it took. */
  run(m: Mutant): Promise<{ problems: string[]; ms: number; events: number }>;
  close(): void;
}

/** Set-up done once: rules compiled, intel loaded; each mutant is written to a temp file and scanned. */
export async function fuzzHarness(): Promise<Harness> {
  const config = defaultConfig();
  const intel = loadIntel({ importDirs: [] });
  const loaded = await loadRules(defaultRuleDirs());
  const detectors: Detector[] = [...builtinDetectors, sigmaDetector(loaded.rules)];
  const prefilterNeeds: DatasetNeeds = sigmaPrefilterHints(loaded.rules, declaredDatasets(allSources));
  const playbook = loadPlaybook("PB-31");
  const dir = mkdtempSync(join(tmpdir(), "minerhunt-fuzz-"));
  const protoBefore = Object.getOwnPropertyNames(Object.prototype).sort().join(",");
  let n = 0;
  return {
    async run(m) {
      const problems: string[] = [];
      const file = join(dir, `${++n}-${m.sample.name}`);
      writeFileSync(file, m.bytes);
      const started = performance.now();
      let events = 0;
      try {
        const result = await scan({ paths: [file], sources: allSources, detectors, intel, config, prefilterNeeds });
        events = result.events;
        assessFindings(result.findings, config, playbook);
        for (const i of result.issues) if (/\n\s+at .+[:(]\d+/.test(i.message) || /\.(ts|js):\d+:\d+/.test(i.message)) problems.push(`stack trace in an issue: ${i.message.slice(0, 200)}`);
        JSON.stringify(result); // the result must serialise (no cycles, no BigInt)
      } catch (err) {
        problems.push(`crash: ${(err as Error)?.stack ?? String(err)}`);
      } finally {
        rmSync(file, { force: true });
      }
      const protoAfter = Object.getOwnPropertyNames(Object.prototype).sort().join(",");
      if (protoAfter !== protoBefore || (({}) as Record<string, unknown>)["polluted"] !== undefined) problems.push("Object.prototype changed");
      return { problems, ms: performance.now() - started, events };
    },
    close() { rmSync(dir, { recursive: true, force: true }); },
  };
}
