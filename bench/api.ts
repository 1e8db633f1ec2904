/**
 * API latency with 10,000 incidents stored, on SQLite and on PostgreSQL: p50 / p95 of the queue
 * (GET /api/v1/incidents, first page of 100 in queue order; and filtered) and of one incident
 * (GET /api/v1/incidents/:id), over HTTP on 127.0.0.1 with a bearer token.
 *
 * The incidents are real: one ECS (Elastic Defend) process event per host, an xmrig command line with a
 * pool and a wallet, run through the streaming detection engine and the playbook, saved in batches.
 *
 *   node --import tsx bench/api.ts                       # 10,000 incidents, SQLite then PostgreSQL
 *   BENCH_INCIDENTS=2000 BENCH_REQUESTS=50 node --import tsx bench/api.ts
 *   BENCH_BACKENDS=postgres node --import tsx bench/api.ts   # one backend only
 * PostgreSQL: MINERHUNT_TEST_PG_URL or 127.0.0.1:5432/test (an isolated schema, dropped after).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { allSources } from "../src/sources/index.js";
import { openStore } from "../src/store/index.js";
import type { Store } from "../src/store/types.js";
import { postgresBackend } from "../src/store/test-helpers/backends.js";
import { addUser, createToken } from "../src/apps/server/auth/accounts.js";
import { loadDetection, type DetectionSetup } from "../src/apps/server/ingest/detection.js";
import { LineReader } from "../src/apps/server/ingest/lines.js";
import { startServer } from "../src/apps/server/serve.js";
import { StreamPipeline } from "../src/pipeline/stream.js";
import { assessFindings, reassessor } from "../src/pipeline/incident.js";

const INCIDENTS = Number(process.env["BENCH_INCIDENTS"] ?? 10_000);
const REQUESTS = Number(process.env["BENCH_REQUESTS"] ?? 100);
const SAVE_BATCH = 1_000;
const POOLS = ["pool.supportxmr.com:443", "xmr-eu1.nanopool.org:14433", "gulf.moneroocean.stream:10128", "pool.hashvault.pro:443"];

function processLine(i: number): string {
  const host = `web-${String(i).padStart(5, "0")}`;
  const at = new Date(Date.UTC(2026, 10, 18, 0, 0, 0) + i * 7_000).toISOString();
  const wallet = `4${(i * 7919).toString(36).padStart(8, "x")}${"A".repeat(86)}`.slice(0, 95);
  const cmd = `/tmp/.cache/xmrig -o ${POOLS[i % POOLS.length]} -u ${wallet} -p ${host} --donate-level 1 -B`;
  return JSON.stringify({
    "@timestamp": at,
    event: { kind: "event", category: ["process"], type: ["start"], action: "exec", dataset: "endpoint.events.process", module: "endpoint" },
    data_stream: { dataset: "endpoint.events.process", namespace: "default", type: "logs" },
    agent: { type: "endpoint", version: "8.15.0" },
    ecs: { version: "8.11.0" },
    host: { name: host, hostname: host, os: { type: "linux", family: "debian" } },
    process: { pid: 30_000 + (i % 30_000), name: "xmrig", executable: "/tmp/.cache/xmrig", command_line: cmd, args: cmd.split(" "), parent: { pid: 1, name: "systemd" } },
    user: { name: "www-data", id: "33" },
  });
}

async function seed(store: Store, detection: DetectionSetup): Promise<number> {
  const reader = new LineReader(allSources);
  for (let start = 0; start < INCIDENTS; start += SAVE_BATCH) {
    const body = Array.from({ length: Math.min(SAVE_BATCH, INCIDENTS - start) }, (_, k) => processLine(start + k)).join("\n");
    const read = await reader.read(body, `bench/process-${start}.ndjson`);
    const pipeline = new StreamPipeline(detection);
    for (const e of read.events) pipeline.push(e);
    const { findings } = pipeline.finish();
    const { incidents, campaigns } = assessFindings(findings, detection.config, detection.playbook);
    await store.saveScan({ findings, incidents, campaigns, reassess: reassessor(detection.config, detection.playbook) });
  }
  return (await store.listIncidents({ limit: 10_000 })).length;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

async function time(label: string, urls: string[], token: string): Promise<{ what: string; p50ms: number; p95ms: number; n: number }> {
  const ms: number[] = [];
  for (const url of urls) {
    const t0 = performance.now();
    const res = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
    await res.arrayBuffer();
    if (res.status !== 200) throw new Error(`${url}: ${res.status}`);
    ms.push(performance.now() - t0);
  }
  ms.sort((a, b) => a - b);
  return { what: label, p50ms: Number(percentile(ms, 50).toFixed(1)), p95ms: Number(percentile(ms, 95).toFixed(1)), n: ms.length };
}

async function benchBackend(name: string, location: string, detection: DetectionSetup): Promise<unknown> {
  const store = await openStore(location, { auditHead: undefined });
  try {
    const t0 = performance.now();
    const stored = await seed(store, detection);
    const seedSeconds = (performance.now() - t0) / 1000;
    const now = (): Date => new Date();
    await addUser(store, { name: "bench", role: "viewer" }, { actor: "bench", now });
    const { token } = await createToken(store, { userName: "bench", label: "bench" }, { actor: "bench", now });
    const server = await startServer({ store, host: "127.0.0.1", port: 0, fourEyes: true, bodyLimit: 1 << 20, secureCookies: false, logger: false, ui: null });
    try {
      const ids = (await store.listIncidents({ limit: 10_000 })).map((i) => i.id);
      const pick = (k: number): string => ids[(k * 7_919) % ids.length]!;
      await time("warm-up", [`${server.url}/api/v1/incidents`, `${server.url}/api/v1/incidents/${pick(0)}`], token);
      const rows = [
        await time("GET /api/v1/incidents (first 100 in queue order)", Array.from({ length: REQUESTS }, () => `${server.url}/api/v1/incidents`), token),
        await time("GET /api/v1/incidents?status=open&priority=P1,P2&q=web-0&limit=50", Array.from({ length: REQUESTS }, () => `${server.url}/api/v1/incidents?status=open&priority=P1,P2&q=web-0&limit=50`), token),
        await time("GET /api/v1/incidents/:id", Array.from({ length: REQUESTS * 5 }, (_, k) => `${server.url}/api/v1/incidents/${pick(k)}`), token),
        await time("GET /api/v1/incidents/:id/findings", Array.from({ length: REQUESTS * 2 }, (_, k) => `${server.url}/api/v1/incidents/${pick(k)}/findings`), token),
      ];
      const result = { backend: name, incidents: stored, seedSeconds: Number(seedSeconds.toFixed(1)), rows };
      process.stderr.write(`${JSON.stringify(result)}\n`); // at once: the other backend may take long
      return result;
    } finally {
      await server.close();
    }
  } finally {
    await store.close();
  }
}

const BACKENDS = (process.env["BENCH_BACKENDS"] ?? "sqlite,postgres").split(",");
const detection = await loadDetection();
const results: unknown[] = [];
if (BACKENDS.includes("sqlite")) {
  const dir = mkdtempSync(join(tmpdir(), "minerhunt-bench-api-"));
  try {
    results.push(await benchBackend("sqlite", join(dir, "bench.db"), detection));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
const pg = BACKENDS.includes("postgres") ? await postgresBackend() : undefined;
if (!pg) { /* not asked for */ } else if (pg.unavailable) results.push({ backend: "postgres", skipped: pg.unavailable });
else {
  try {
    results.push(await benchBackend("postgres", (await pg.fresh()).location, detection));
  } finally {
    await pg.cleanup();
  }
}
console.log(JSON.stringify(results, null, 2));
