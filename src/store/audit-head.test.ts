/**
 * Issue 12 item 7: the audit log checked against a head kept outside the database. Edited, removed, reordered
 * records and the LAST record cut off are all reported; so is a tail written around minerhunt. Both backends.
 */
import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { checkAudit, openStore, readAuditHead } from "./index.js";
import type { Store } from "./index.js";
import type { Backend, TestDatabase } from "./test-helpers/backends.js";
import { postgresBackend, sqliteBackend } from "./test-helpers/backends.js";
import { inCi } from "../test-helpers/index.js";

const backends: Backend[] = [sqliteBackend(), await postgresBackend()];
const headDir = mkdtempSync(join(tmpdir(), "minerhunt-audit-head-"));
after(async () => {
  for (const b of backends) await b.cleanup();
  rmSync(headDir, { recursive: true, force: true });
});

let n = 0;

for (const backend of backends) {
  describe(`audit head on ${backend.name}`, { skip: inCi() ? false : backend.unavailable ?? false }, () => {
    const opened: Store[] = [];
    after(async () => { for (const s of opened) await s.close().catch(() => undefined); });

    /** A store with three records (an analyst's plan, an execution, a refusal) and its head file. */
    async function threeRecords(): Promise<{ store: Store; db: TestDatabase; head: string }> {
      const db = await backend.fresh();
      const head = join(headDir, `head-${++n}`);
      const store = await openStore(db.location, { auditHead: head });
      opened.push(store);
      await store.appendAudit({ actor: "alice", action: "action.planned", target: "i-0a1b2c3d4e5f60718", details: { action: "isolate-instance", dryRun: true } });
      await store.appendAudit({ actor: "alice", action: "action.executed", target: "203.0.113.7", details: { action: "block-pools", rules: 2 } });
      await store.appendAudit({ actor: "bob", action: "action.refused", details: { reason: "PID 1 is protected", pid: 1 } });
      return { store, db, head };
    }

    const unguard = backend.name === "sqlite"
      ? "DROP TRIGGER audit_no_update; DROP TRIGGER audit_no_delete;"
      : "ALTER TABLE audit DISABLE TRIGGER audit_no_change;";

    it("a whole log agrees with its head file, one line per record", async () => {
      const { store, head } = await threeRecords();
      assert.equal(readFileSync(head, "utf8").trim().split("\n").length, 3);
      const check = await checkAudit(store, head);
      assert.equal(check.ok, true, check.problems.join("; "));
      assert.equal(check.count, 3);
      assert.deepEqual(check.headFile?.head, check.head);
    });

    it("the last record cut off is reported (the chain alone cannot see it)", async () => {
      const { store, db, head } = await threeRecords();
      await db.raw(`${unguard} DELETE FROM audit WHERE seq = 3`);
      assert.equal((await store.verifyAuditChain()).ok, true, "a shorter chain is still a valid chain");
      const check = await checkAudit(store, head);
      assert.equal(check.ok, false);
      assert.deepEqual(check.problems, ["the head file says 3 records, the database has 2: records were removed from the end"]);
    });

    it("an edited, a removed and a reordered record are reported", async () => {
      const edited = await threeRecords();
      await edited.db.raw(`${unguard} UPDATE audit SET actor = 'mallory' WHERE seq = 1`);
      assert.match((await checkAudit(edited.store, edited.head)).problems[0]!, /chain breaks at record 1: record 1 was changed/);

      const removed = await threeRecords();
      await removed.db.raw(`${unguard} DELETE FROM audit WHERE seq = 2`);
      assert.match((await checkAudit(removed.store, removed.head)).problems[0]!, /chain breaks at record 3: record 3 follows 1: a record is missing/);

      const reordered = await threeRecords();
      // Swap the contents of records 1 and 2 (each keeps its own hash fields): the chain no longer links.
      await reordered.db.raw(`${unguard} UPDATE audit SET seq = -1 WHERE seq = 1; UPDATE audit SET seq = 1 WHERE seq = 2; UPDATE audit SET seq = 2 WHERE seq = -1`);
      const check = await checkAudit(reordered.store, reordered.head);
      assert.equal(check.ok, false);
      assert.match(check.problems[0]!, /chain breaks at record 1/);
    });

    it("a whole history rewritten with a valid chain, or a tail written around minerhunt, disagrees with the head", async () => {
      const { store, db, head } = await threeRecords();
      // Records appended by a store that keeps no head (someone with the database and minerhunt's code).
      const around = await openStore(db.location, { auditHead: undefined });
      opened.push(around);
      await around.appendAudit({ actor: "mallory", action: "action.executed", details: { action: "cover-up" } });
      const check = await checkAudit(store, head);
      assert.deepEqual(check.problems, ["1 record(s) after 3 are not in the head file: written around minerhunt, or the head write failed"]);

      // The head file's record 3 no longer matches: history rewritten from scratch.
      writeFileSync(head, `${JSON.stringify({ seq: 3, hash: "0".repeat(64) })}\n`, { flag: "a" });
      const rewritten = await checkAudit(store, head);
      assert.match(rewritten.problems[0]!, /record 3 in the database is not the one the head file recorded/);
    });

    it("the head is the newest line even when two writers appended out of order; a garbled head is an error", async () => {
      const { store, head } = await threeRecords();
      const lines = readFileSync(head, "utf8").trim().split("\n");
      writeFileSync(head, `${[lines[0], lines[2], lines[1]].join("\n")}\n`);
      assert.equal(readAuditHead(head)?.seq, 3);
      assert.equal((await checkAudit(store, head)).ok, true);
      writeFileSync(head, "not json\n", { flag: "a" });
      assert.throws(() => readAuditHead(head), /not an audit head line/);
    });
  });
}
