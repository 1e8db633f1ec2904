/**
 * Issue 12 item 1: any number of processes that first use a new PostgreSQL schema at once all succeed and
 * all save their scan. 8 child processes stay up for 20 rounds; each round names a schema that does not
 * exist yet and sends it to all 8 at the same moment.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { createInterface, type Interface } from "node:readline";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { randomBytes } from "node:crypto";
import pg from "pg";
import { postgresBackend } from "./test-helpers/backends.js";
import { parsePostgresUrl } from "./postgres.js";
import { skipOrFailInCi } from "../test-helpers/index.js";
import { scriptCommand } from "../test-helpers/child-script.js";

const HERE = dirname(fileURLToPath(import.meta.url));
const PROCESSES = 8;
const ROUNDS = 20;

interface Child { proc: ChildProcessWithoutNullStreams; lines: AsyncIterator<string>; reader: Interface }

async function startChild(): Promise<Child> {
  const child = await scriptCommand(join(HERE, "test-helpers", "race-child.ts"));
  const proc = spawn(child.command, child.args, { stdio: ["pipe", "pipe", "pipe"] });
  const reader = createInterface({ input: proc.stdout });
  return { proc, reader, lines: reader[Symbol.asyncIterator]() };
}

test("8 processes on a new PostgreSQL schema at once, 20 rounds: every one opens the store and saves its scan", { timeout: 300_000 }, async (t) => {
  const backend = await postgresBackend();
  if (backend.unavailable) return skipOrFailInCi(t, backend.unavailable);
  // Borrow the harness's server URL; the schemas here must NOT exist beforehand, so they are named apart.
  const probe = await backend.fresh();
  await backend.cleanup();
  const server = parsePostgresUrl(probe.location).connectionString;
  const run = randomBytes(4).toString("hex");
  const schemas = Array.from({ length: ROUNDS }, (_, i) => `mh_race_${run}_${i + 1}`);
  const children = await Promise.all(Array.from({ length: PROCESSES }, startChild));
  const admin = new pg.Client({ connectionString: server });
  await admin.connect();
  try {
    for (const schema of schemas) {
      const sep = server.includes("?") ? "&" : "?";
      const location = `${server}${sep}schema=${schema}`;
      for (const c of children) c.proc.stdin.write(`${location}\n`);
      const answers = await Promise.all(children.map(async (c) => (await c.lines.next()).value as string | undefined));
      assert.deepEqual(answers.filter((a) => !a?.startsWith("ok ")), [], `${schema}: every process opened the store and saved`);
      const saved = await admin.query(`SELECT count(*)::int AS n FROM "${schema}".scans`);
      assert.equal(saved.rows[0].n, PROCESSES, `${schema}: every process's scan is stored`);
    }
  } finally {
    for (const c of children) { c.proc.stdin.end(); c.reader.close(); }
    await Promise.all(children.map((c) => new Promise((r) => { if (c.proc.exitCode !== null) r(null); else c.proc.once("exit", r); })));
    for (const schema of schemas) await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await admin.end();
  }
});
