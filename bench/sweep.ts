/**
 * `minerhunt sweep aws` against `minerhunt lab`: 17 regions × BENCH_INSTANCES (2,000) benign instances each,
 * plus the scenario's miners. Measures the sweep process (wall seconds, CPU seconds, peak RSS from GNU time)
 * and the lab's own CPU apart, and the API calls by operation as the lab counted them.
 *
 *   node --import tsx bench/sweep.ts
 *   BENCH_INSTANCES=200 node --import tsx bench/sweep.ts        # smaller
 *   BENCH_CONCURRENCY=17 node --import tsx bench/sweep.ts       # regions at once (default 6, the CLI's)
 *   BENCH_USER_DATA=0 node --import tsx bench/sweep.ts          # without the per-instance user data call
 * The sweep and the lab run from source through tsx (start-up ~1 CPU-second each is included).
 */
import { spawn } from "node:child_process";
import { once } from "node:events";
import { mkdirSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { createInterface } from "node:readline";
import { timed } from "./timed.js";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const MAIN = join(ROOT, "src/apps/cli/main.ts");
const OUT = join(ROOT, "bench/out");
const PER_REGION = Number(process.env.BENCH_INSTANCES ?? 2000);
const CONCURRENCY = process.env.BENCH_CONCURRENCY ?? "6";
/** BENCH_USER_DATA=0: sweep with --no-user-data (CloudTrail alone), to see what the per-instance call costs. */
const USER_DATA = process.env.BENCH_USER_DATA !== "0";

const env = { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true", NO_COLOR: "1" };

async function main(): Promise<void> {
  mkdirSync(OUT, { recursive: true });
  const lab = spawn(process.execPath, [ "--import", "tsx", MAIN, "lab", "--port", "0", "--benign-per-region", String(PER_REGION)], { env, stdio: ["ignore", "pipe", "pipe"] });
  lab.stderr.resume();
  const firstLine = createInterface({ input: lab.stdout });
  const [url] = (await once(firstLine, "line")) as [string];
  firstLine.close();

  const outFile = join(OUT, "sweep.json");
  const started = performance.now();
  const sweep = timed(process.execPath, ["--import", "tsx", MAIN, "sweep", "aws", "--endpoint", url, "--json", "--concurrency", CONCURRENCY, ...(USER_DATA ? [] : ["--no-user-data"])], outFile);
  const wall = (performance.now() - started) / 1000;
  const calls = (await (await fetch(`${url}/_lab/calls`)).json()) as Record<string, number>;
  const usage = (await (await fetch(`${url}/_lab/usage`)).json()) as { cpuSeconds: number; rssMb: number };
  lab.kill("SIGTERM");
  await once(lab, "exit");
  const result = JSON.parse(readFileSync(outFile, "utf8")) as { instances: unknown[]; suspects: { id: string }[]; failures: { region: string }[]; usdPerHour: number };
  if (sweep.status !== 1) throw new Error(`sweep exited ${sweep.status}: ${sweep.stderr.slice(-2000)}`);
  // Without user data only CloudTrail and IAM speak: the four instances the attacker's new key launched.
  if (result.failures.length !== 1 || result.suspects.length !== (USER_DATA ? 5 : 4)) throw new Error(`expected 5 suspects and 1 failed region, got ${result.suspects.length} and ${JSON.stringify(result.failures)}`);
  const total = Object.values(calls).reduce((a, b) => a + b, 0);
  const row = {
    regions: 17, instancesPerRegion: PER_REGION, instancesSwept: result.instances.length, suspects: result.suspects.length,
    failedRegions: result.failures.map((f) => f.region), usdPerHour: result.usdPerHour, regionConcurrency: Number(CONCURRENCY), userData: USER_DATA,
    wallSeconds: Math.round(wall * 100) / 100, sweepCpuSeconds: Math.round(sweep.cpuSeconds * 100) / 100, sweepPeakRssMb: Math.round(sweep.peakRssMb),
    labCpuSeconds: Math.round(usage.cpuSeconds * 100) / 100, labRssMb: Math.round(usage.rssMb), apiCalls: total, instancesPerCpuSecond: Math.round(result.instances.length / sweep.cpuSeconds), callsByOperation: calls,
  };
  console.log(JSON.stringify(row, null, 2));
}

await main();
