/**
 * PostgreSQL writes lock what they touch: a scan about one host does not wait for a transaction that holds
 * another host, and does wait for one that holds its own.
 */
import { after, test } from "node:test";
import assert from "node:assert/strict";
import pg from "pg";
import { skipOrFailInCi } from "../test-helpers/index.js";
import { openStore, type Store } from "./index.js";
import { LOCK_STRIPES, scanLockKeys, stripeOf } from "./locks.js";
import { postgresBackend } from "./test-helpers/backends.js";
import { incidentOf, minerProcessFinding } from "./test-helpers/fixtures.js";

const backend = await postgresBackend();
after(() => backend.cleanup());

test("stripes are stable and bounded; a scan locks its incidents' entities and ids", () => {
  assert.equal(stripeOf("hosts:web-01"), stripeOf("hosts:web-01"));
  for (const k of ["a", "hosts:web-01", "accounts:111122223333", "x".repeat(500)]) assert.ok(stripeOf(k) >= 0 && stripeOf(k) < LOCK_STRIPES);
  const f = minerProcessFinding("web-01", 1);
  const keys = scanLockKeys({ incidents: [incidentOf("inc-1", [f])], campaigns: [] });
  assert.ok(keys.includes("hosts:web-01"), keys.join(","));
  assert.ok(keys.includes("incident:inc-1"));
  assert.ok(!keys.includes("campaigns"), "no campaign, no campaigns lock");
});

test("a scan about another host is not held up by a transaction on web-01; a scan about web-01 is", async (t) => {
  if (backend.unavailable) return skipOrFailInCi(t, backend.unavailable);
  const db = await backend.fresh();
  const store: Store = await openStore(db.location);
  const url = new URL(db.location);
  const schema = url.searchParams.get("schema")!;
  url.searchParams.delete("schema");
  const holder = new pg.Client({ connectionString: url.toString() });
  await holder.connect();
  try {
    // Pick a second host on another stripe than web-01 (and than its incident id) so the test says what it means.
    const held = [stripeOf("hosts:web-01"), stripeOf("incident:inc-w")];
    const other = Array.from({ length: 50 }, (_, i) => `db-${i}`).find((h) => !held.includes(stripeOf(`hosts:${h}`)) && !held.includes(stripeOf(`incident:inc-${h}`)))!;
    await holder.query("BEGIN");
    await holder.query(`SET LOCAL search_path = ${schema}`);
    await holder.query("SELECT pg_advisory_xact_lock(7316032, $1)", [stripeOf("hosts:web-01")]);

    const fOther = minerProcessFinding(other, 2);
    const quick = await Promise.race([
      store.saveScan({ findings: [fOther], incidents: [incidentOf(`inc-${other}`, [fOther])] }).then(() => "saved"),
      new Promise((r) => setTimeout(() => r("blocked"), 5000)),
    ]);
    assert.equal(quick, "saved", `a scan about ${other} waited for a lock on web-01`);

    const fWeb = minerProcessFinding("web-01", 3);
    let done = false;
    const waiting = store.saveScan({ findings: [fWeb], incidents: [incidentOf("inc-w", [fWeb])] }).then(() => { done = true; });
    await new Promise((r) => setTimeout(r, 500));
    assert.equal(done, false, "a scan about web-01 waits for the transaction holding web-01");
    await holder.query("COMMIT");
    await waiting;
    assert.equal(done, true);
  } finally {
    await holder.end();
    await store.close();
  }
});
