/**
 * ONE suite, run against both backends: SQLite in a temporary directory and PostgreSQL in a fresh schema
 * (skipped with the reason when no server answers, failed under CI; MINERHUNT_TEST_PG_URL points it
 * elsewhere). Each backend has its own test file (store-sqlite.test.ts, store-postgres.test.ts) so
 * the two run side by side.
 */
import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { openStore, StoreError } from "../index.js";
import type { Store } from "../index.js";
import type { Backend, TestDatabase } from "./backends.js";
import { inCi } from "../../test-helpers/index.js";
import { reassessor } from "../../pipeline/incident.js";
import { defaultConfig } from "../../detect/config.js";
import { loadPlaybook } from "../../playbook/index.js";
import {
  bigScan, billingFinding, guardDutyFinding, incidentOf, minerProcessFinding, poolDnsFinding,
} from "./fixtures.js";
import { scriptCommand } from "../../test-helpers/child-script.js";

const HERE = dirname(fileURLToPath(import.meta.url));
/** The playbook the CLI hands the store for re-assessing a merged incident (the store keeps no domain rule). */
const reassess = reassessor(defaultConfig(), loadPlaybook("PB-31"));
const REPO_ROOT = join(HERE, "..", "..", "..");

/** A clock that moves one second per reading, from a fixed start. */
function clock(start = "2024-05-03T08:00:00Z"): () => Date {
  let t = Date.parse(start);
  return () => new Date((t += 1000));
}

/** The whole store suite on one backend; its databases are dropped after the file's tests. */
export function storeSuite(backend: Backend): void {
  after(() => backend.cleanup());
  // Under CI an unreachable server fails every test with the reason (backend.fresh rejects with it).
  describe(`store on ${backend.name}`, { skip: inCi() ? false : backend.unavailable ?? false }, () => {
    const opened: Store[] = [];
    after(async () => { for (const s of opened) await s.close().catch(() => undefined); });

    async function freshStore(): Promise<{ store: Store; db: TestDatabase }> {
      const db = await backend.fresh();
      const store = await openStore(db.location, { now: clock() });
      opened.push(store);
      return { store, db };
    }

    it("opens the right backend and migrates once (opening again is a no-op)", async () => {
      const { store, db } = await freshStore();
      assert.equal(store.backend, backend.name);
      const again = await openStore(db.location);
      opened.push(again);
      assert.deepEqual(await again.listIncidents(), []);
    });

    it("saves findings and incidents and reads them back unchanged", async () => {
      const { store } = await freshStore();
      const f1 = minerProcessFinding("web-01", 12);
      const f2 = poolDnsFinding("web-01", 340);
      const inc = incidentOf("inc-7f3a9c", [f1, f2]);
      const res = await store.saveScan({
        findings: [f1, f2], incidents: [inc],
        files: [{ path: "/var/log/minerhunt/ps-aux.txt", size: 5120, mtimeMs: 1714557600000, sha256: "a".repeat(64) }],
        counts: { events: 1200, issues: 2 },
      });
      assert.deepEqual(res.findings, { received: 2, inserted: 2, known: 0 });
      assert.deepEqual(res.incidents.created, ["inc-7f3a9c"]);
      assert.deepEqual(res.rescannedFiles, []);

      assert.deepEqual(await store.getIncident("inc-7f3a9c"), inc);
      assert.deepEqual(await store.getIncident("inc-7f"), inc, "a unique prefix finds it");
      assert.equal(await store.getIncident("inc-00"), undefined);
      const findings = await store.listFindings("inc-7f3a9c");
      assert.deepEqual(findings.map((f) => f.id).sort(), [f1.id, f2.id].sort());
      assert.deepEqual(findings.find((f) => f.id === f1.id), f1, "finding JSON round-trips");
      assert.deepEqual(await store.getFindings([f2.id, "f-missing", f1.id]), [f2, f1]);
      const tl = await store.timeline("inc-7f3a9c");
      assert.deepEqual(tl.map((e) => [e.kind, e.actor, e.data["findings"]]), [["created", "minerhunt", 2]]);
      const scans = await store.listScans();
      assert.equal(scans.length, 1);
      assert.equal(scans[0]?.counts["events"], 1200);
      assert.equal(scans[0]?.files[0]?.size, 5120);
    });

    it("an ambiguous prefix is an error naming the candidates", async () => {
      const { store } = await freshStore();
      const a = minerProcessFinding("db-01", 1);
      const b = guardDutyFinding("i-0a1b2c3d4e5f60718", "eu-west-1");
      await store.saveScan({ reassess, findings: [a, b], incidents: [incidentOf("inc-aa01", [a]), incidentOf("inc-aa02", [b])] });
      await assert.rejects(store.getIncident("inc-aa"), (err: unknown) =>
        err instanceof StoreError && err.code === "ambiguous" && err.candidates.includes("inc-aa01") && err.candidates.includes("inc-aa02"));
    });

    it("re-saving the same scan adds nothing and says the file was scanned before", async () => {
      const { store } = await freshStore();
      const f1 = minerProcessFinding("web-01", 12);
      const f2 = poolDnsFinding("web-01", 340);
      const file = { path: "/data/zeek/dns.log", size: 90210, mtimeMs: 1714557600123, sha256: "b".repeat(64) };
      const scan = { findings: [f1, f2], incidents: [incidentOf("inc-1", [f1, f2])], files: [file] };
      const first = await store.saveScan(scan);
      const again = await store.saveScan({ ...scan, files: [{ ...file, path: "/data/zeek/dns.log.1" }] });
      assert.deepEqual(again.findings, { received: 2, inserted: 0, known: 2 });
      assert.deepEqual(again.incidents, { created: [], merged: [], unchanged: ["inc-1"], alreadyClosed: [] });
      assert.deepEqual(again.rescannedFiles, [{
        path: "/data/zeek/dns.log.1", sha256: "b".repeat(64), previousScanId: first.scanId,
        previousPath: "/data/zeek/dns.log", previousScannedAt: (await store.listScans())[1]?.startedAt,
      }]);
      assert.equal((await store.listIncidents()).length, 1);
      assert.equal((await store.timeline("inc-1")).length, 1, "no timeline entry for a re-scan that adds nothing");
      assert.equal((await store.getIncident("inc-1"))?.findingIds.length, 2);
      assert.equal((await store.findScansOfFile("b".repeat(64))).length, 2);
      assert.deepEqual(await store.integrityCheck(), []);
    });

    it("a new incident sharing a host with an open one merges into it", async () => {
      const { store } = await freshStore();
      const f1 = minerProcessFinding("web-01", 12, "2024-05-01T10:00:00Z");
      await store.saveScan({ reassess, findings: [f1], incidents: [incidentOf("inc-first", [f1])] });
      // A later scan: the pool lookup came earlier, from the same host written in upper case.
      const f2 = poolDnsFinding("WEB-01", 340, "2024-05-01T09:00:00Z");
      const g = guardDutyFinding("i-0a1b2c3d4e5f60718", "us-east-1", "2024-05-01T11:00:00Z");
      const incoming = incidentOf("inc-second", [f2, g], { severity: "critical", priority: "P1" });
      incoming.entities.hosts = ["WEB-01"];
      const res = await store.saveScan({ reassess, findings: [f2, g], incidents: [incoming] });
      assert.deepEqual(res.incidents.merged, ["inc-first"]);
      assert.deepEqual(res.incidents.created, []);

      const merged = await store.getIncident("inc-first");
      assert.ok(merged);
      assert.deepEqual(merged.findingIds, [f1.id, f2.id, g.id]);
      assert.equal(merged.firstSeen, "2024-05-01T09:00:00Z", "first seen widened");
      assert.equal(merged.lastSeen, "2024-05-01T11:00:00Z", "last seen widened");
      // The store re-runs the playbook over the union: severity is the evidence's, not the incoming draft's.
      assert.equal(merged.severity, "high");
      assert.deepEqual(merged.entities.hosts, ["web-01"], "hosts compared without case");
      assert.deepEqual(merged.entities.instances, ["i-0a1b2c3d4e5f60718"]);
      assert.equal(merged.environment, "hybrid");
      assert.equal((await store.listIncidents()).length, 1);
      const joined = (await store.timeline("inc-first")).filter((e) => e.kind === "findings-joined");
      assert.equal(joined.length, 1);
      assert.equal(joined[0]?.data["count"], 2);

      const found = await store.findOpenIncidentsByEntities({ hosts: ["Web-01"] });
      assert.deepEqual(found.map((i) => i.id), ["inc-first"]);
      assert.deepEqual(await store.integrityCheck(), []);
    });

    it("sharing only a region never merges; an account merges only within the window", async () => {
      const { store } = await freshStore();
      const a = guardDutyFinding("i-0aaaaaaaaaaaaaaa1", "us-east-1", "2024-05-01T00:00:00Z");
      await store.saveScan({ reassess, findings: [a], incidents: [incidentOf("inc-a", [a])] });

      // Same region, different account and instance: a different incident.
      const other = guardDutyFinding("i-0bbbbbbbbbbbbbbb2", "us-east-1", "2024-05-01T01:00:00Z");
      const otherInc = incidentOf("inc-b", [other]);
      otherInc.entities.accounts = ["210987654321"];
      const r1 = await store.saveScan({ reassess, findings: [other], incidents: [otherInc] });
      assert.deepEqual(r1.incidents.created, ["inc-b"]);

      // Same account as inc-a (and nothing else shared), a month later: outside the 24 h window.
      const late = billingFinding(1450, "2024-06-02");
      const r2 = await store.saveScan({ reassess, findings: [late], incidents: [incidentOf("inc-c", [late])] });
      assert.deepEqual(r2.incidents.created, ["inc-c"]);

      // Same account, the same day as inc-a: joins it (and its billing impact is counted).
      const near = billingFinding(1450, "2024-05-01");
      const r3 = await store.saveScan({ reassess, findings: [near], incidents: [incidentOf("inc-d", [near])] });
      assert.deepEqual(r3.incidents.merged.sort(), ["inc-a"]);
      assert.equal((await store.getIncident("inc-a"))?.billingUsd, 1450);
      assert.equal((await store.findOpenIncidentsByEntities({ regions: ["us-east-1"] })).length, 0, "regions alone match nothing");
    });

    it("closed incidents are not merged into: a new one opens; re-saving closed proof opens nothing", async () => {
      const { store } = await freshStore();
      const f1 = minerProcessFinding("web-01", 12);
      const scan1 = { reassess, findings: [f1], incidents: [incidentOf("inc-x", [f1])] };
      await store.saveScan(scan1);
      const closed = await store.close("inc-x", { by: "alice", reason: "miner removed, host rebuilt" });
      assert.equal(closed.status, "closed");

      const again = await store.saveScan(scan1);
      assert.deepEqual(again.incidents, { created: [], merged: [], unchanged: [], alreadyClosed: ["inc-x"] });

      const f2 = minerProcessFinding("web-01", 99, "2024-05-04T10:00:00Z");
      const res = await store.saveScan({ reassess, findings: [f2], incidents: [incidentOf("inc-x", [f2])] });
      assert.deepEqual(res.incidents.created, ["inc-x-2"], "the closed incident keeps its id; the new one gets a fresh one");
      assert.equal((await store.getIncident("inc-x"))?.findingIds.length, 1);
      assert.deepEqual((await store.getIncident("inc-x-2"))?.findingIds, [f2.id]);
      assert.deepEqual((await store.findOpenIncidentsByEntities({ hosts: ["web-01"] })).map((i) => i.id), ["inc-x-2"]);
      assert.deepEqual((await store.listIncidents({ status: "closed" })).map((i) => i.id), ["inc-x"]);
    });

    it("two stores saving at once on one database give one incident, not two", async () => {
      const { store, db } = await freshStore();
      const other = await openStore(db.location, { now: clock() });
      opened.push(other);
      const f1 = minerProcessFinding("web-07", 12);
      const f2 = poolDnsFinding("web-07", 80);
      const [r1, r2] = await Promise.all([
        store.saveScan({ reassess, findings: [f1], incidents: [incidentOf("inc-p", [f1])] }),
        other.saveScan({ reassess, findings: [f2], incidents: [incidentOf("inc-q", [f2])] }),
      ]);
      assert.equal(r1.incidents.created.length + r2.incidents.created.length, 1);
      assert.equal(r1.incidents.merged.length + r2.incidents.merged.length, 1);
      const all = await store.listIncidents();
      assert.equal(all.length, 1);
      assert.equal(all[0]?.findingIds.length, 2);
    });

    it("checklist ticks are recorded with who and when, undone, and survive later scans", async () => {
      const { store } = await freshStore();
      const f1 = minerProcessFinding("web-01", 12);
      await store.saveScan({ reassess, findings: [f1], incidents: [incidentOf("inc-c1", [f1])] });

      const ticked = await store.tickChecklist("inc-c1", "analysis.binary-hash", {
        by: "alice", answer: "sha256 3f1a... of /tmp/.x/xmrig (EDR process list)",
      });
      const item = ticked.checklist.find((c) => c.id === "analysis.binary-hash");
      assert.ok(item);
      assert.equal(item.done, true);
      assert.equal(item.by, "alice");
      assert.equal(item.answeredBy, "analyst");
      assert.match(item.at ?? "", /^2024-05-03T08:00:\d\d\.000Z$/);
      assert.equal(item.answer, "sha256 3f1a... of /tmp/.x/xmrig (EDR process list)");

      // An item of the playbook the assessment did not list yet: known because the caller names the playbook's items.
      await store.tickChecklist("inc-c1", "recovery.monitor", { by: "bob", items: ["recovery.monitor", "recovery.restore"] });
      await store.tickChecklist("inc-c1", "containment.kill", { by: "bob", done: false });
      await assert.rejects(store.tickChecklist("inc-c1", "make-coffee", { by: "bob" }),
        (err: unknown) => err instanceof StoreError && err.code === "invalid" && err.message.includes("analysis.binary-hash"));
      // A mistyped id with a valid phase is refused too, with the valid ids as candidates; nothing is counted.
      await assert.rejects(store.tickChecklist("inc-c1", "analysis.binary-hsh", { by: "bob" }),
        (err: unknown) => err instanceof StoreError && err.code === "invalid" &&
          err.candidates.includes("analysis.binary-hash") && err.candidates.includes("recovery.monitor") && !err.candidates.includes("analysis.binary-hsh"));
      assert.equal((await store.getIncident("inc-c1"))?.checklist.some((c) => c.id === "analysis.binary-hsh"), false);

      // A later scan whose assessment says the item is not done does not undo the analyst's tick.
      const f2 = poolDnsFinding("web-01", 500);
      await store.saveScan({ reassess, findings: [f2], incidents: [incidentOf("inc-c2", [f2])] });
      const later = await store.getIncident("inc-c1");
      assert.equal(later?.checklist.find((c) => c.id === "analysis.binary-hash")?.done, true);
      assert.equal(later?.checklist.find((c) => c.id === "recovery.monitor")?.phase, "recovery");

      const undone = await store.tickChecklist("inc-c1", "analysis.binary-hash", { by: "carol", done: false });
      const u = undone.checklist.find((c) => c.id === "analysis.binary-hash");
      assert.equal(u?.done, false);
      assert.equal(u?.by, "carol");
      assert.equal(u?.answer, undefined);

      const kinds = (await store.timeline("inc-c1")).map((e) => `${e.kind}:${e.actor}:${String(e.data["item"] ?? "")}`);
      assert.deepEqual(kinds, [
        "created:minerhunt:",
        "checklist-ticked:alice:analysis.binary-hash",
        "checklist-ticked:bob:recovery.monitor",
        "checklist-unticked:bob:containment.kill",
        "findings-joined:minerhunt:",
        "checklist-unticked:carol:analysis.binary-hash",
      ]);
    });

    it("status, assignment, notes and closing each leave a timeline entry", async () => {
      const { store } = await freshStore();
      const f1 = minerProcessFinding("web-01", 12);
      await store.saveScan({ reassess, findings: [f1], incidents: [incidentOf("inc-s", [f1])] });
      assert.equal((await store.setStatus("inc-s", "contained", { by: "alice", reason: "xmrig killed" })).status, "contained");
      assert.equal((await store.assign("inc-s", "bob", { by: "alice" })).assignee, "bob");
      const note = await store.addNote("inc-s", "Entry vector: exposed Redis on 6379 <script>alert(1)</script>", { by: "bob" });
      assert.equal(note.author, "bob");
      await assert.rejects(store.addNote("inc-s", "   ", { by: "bob" }), StoreError);
      await store.close("inc-s", { by: "bob", reason: "eradicated and recovered" });
      await store.close("inc-s", { by: "bob" }); // closing twice changes nothing
      assert.deepEqual((await store.notes("inc-s")).map((n) => n.text), ["Entry vector: exposed Redis on 6379 <script>alert(1)</script>"]);
      const tl = await store.timeline("inc-s");
      assert.deepEqual(tl.map((e) => e.kind), ["created", "status-changed", "assigned", "note", "closed"]);
      assert.deepEqual(tl[1]?.data, { from: "open", to: "contained", reason: "xmrig killed" });
      assert.deepEqual(tl[4]?.data, { from: "contained", reason: "eradicated and recovered" });
      assert.equal((await store.getIncident("inc-s"))?.assignee, "bob");
      await assert.rejects(store.assign("nope", "bob", { by: "alice" }), (err: unknown) => err instanceof StoreError && err.code === "not-found");
      // Reopening is a status change like any other.
      assert.equal((await store.setStatus("inc-s", "open", { by: "alice" })).status, "open");
    });

    it("lists by status and minimum severity, graver first, within a limit", async () => {
      const { store } = await freshStore();
      const f = [minerProcessFinding("h1", 1), minerProcessFinding("h2", 2), minerProcessFinding("h3", 3)];
      // Separate pools would not matter: hosts differ and the pool entity is removed to keep them apart.
      const incs = [
        incidentOf("inc-low", [f[0]!], { severity: "low", priority: "P3" }),
        incidentOf("inc-crit", [f[1]!], { severity: "critical", priority: "P1" }),
        incidentOf("inc-high", [f[2]!], { severity: "high", priority: "P2" }),
      ];
      for (const i of incs) delete i.entities.pools;
      await store.saveScan({ reassess, findings: f, incidents: incs });
      assert.deepEqual((await store.listIncidents()).map((i) => i.id), ["inc-crit", "inc-high", "inc-low"]);
      assert.deepEqual((await store.listIncidents({ severity: "high" })).map((i) => i.id), ["inc-crit", "inc-high"]);
      assert.deepEqual((await store.listIncidents({ limit: 1 })).map((i) => i.id), ["inc-crit"]);
      await store.setStatus("inc-high", "contained", { by: "alice" });
      assert.deepEqual((await store.listIncidents({ status: ["contained"] })).map((i) => i.id), ["inc-high"]);
    });

    it("a scan that fails half-way leaves nothing behind", async () => {
      const { store } = await freshStore();
      const f1 = minerProcessFinding("web-01", 12);
      // Fails after its findings are written, inside the transaction:
      await assert.rejects(store.saveScan({ reassess, findings: [f1], incidents: [incidentOf("inc-1", [f1])] }, {
        onProgress: (p) => { if (p.phase === "incidents") throw new Error("disk on fire"); },
      }), /disk on fire/);
      assert.deepEqual(await store.getFindings([f1.id]), []);
      assert.deepEqual(await store.listIncidents(), []);
      // Fails validation before anything is written:
      const bad = { ...incidentOf("inc-bad", [f1]), priority: "P9" } as unknown as ReturnType<typeof incidentOf>;
      const good = incidentOf("inc-good", [f1]);
      await assert.rejects(store.saveScan({ reassess, findings: [f1], incidents: [good, bad] }), (err: unknown) =>
        err instanceof StoreError && err.code === "invalid" && err.message.includes("inc-bad"));
      assert.deepEqual(await store.getFindings([f1.id]), []);
      assert.deepEqual(await store.listScans(), []);
    });

    it("the audit chain verifies, refuses edits, and detects a record changed behind its back", async () => {
      const { store, db } = await freshStore();
      assert.deepEqual(await store.verifyAuditChain(), { ok: true, count: 0 });
      await store.appendAudit({ actor: "alice", action: "action.planned", target: "i-0a1b2c3d4e5f60718", incidentId: "inc-1", details: { action: "isolate-instance", dryRun: true } });
      const second = await store.appendAudit({ actor: "alice", action: "action.executed", target: "203.0.113.7", details: { action: "block-pools", rules: 2 } });
      const third = await store.appendAudit({ actor: "bob", action: "action.refused", details: { reason: "PID 1 is protected", pid: 1 } });
      assert.equal(third.prevHash, second.hash);
      const ok = await store.verifyAuditChain();
      assert.deepEqual(ok, { ok: true, count: 3, head: { seq: 3, hash: third.hash } });
      assert.deepEqual((await store.auditRecords())[0]?.details, { action: "isolate-instance", dryRun: true });

      await assert.rejects(db.raw("UPDATE audit SET actor = 'mallory' WHERE seq = 2"), /append-only/);
      await assert.rejects(db.raw("DELETE FROM audit WHERE seq = 3"), /append-only/);

      // Someone with the database file goes around the guard:
      await db.raw(backend.name === "sqlite"
        ? "DROP TRIGGER audit_no_update; UPDATE audit SET details_json = '{\"action\":\"block-pools\",\"rules\":0}' WHERE seq = 2"
        : "ALTER TABLE audit DISABLE TRIGGER audit_no_change; UPDATE audit SET details_json = '{\"action\":\"block-pools\",\"rules\":0}' WHERE seq = 2");
      const broken = await store.verifyAuditChain();
      assert.equal(broken.ok, false);
      assert.equal(broken.ok === false && broken.brokenAt, 2);
    });

    it("a finding seen again in a grown log is refreshed (later last seen, more evidence), never rolled back", async () => {
      const { store } = await freshStore();
      const first = minerProcessFinding("web-09", 3);
      await store.saveScan({ reassess, findings: [first], incidents: [incidentOf("inc-g1", [first])] });
      const grown = { ...first, lastSeen: "2030-01-01T00:00:00.000Z", evidenceCount: first.evidenceCount + 5 };
      const again = await store.saveScan({ reassess, findings: [grown], incidents: [] });
      assert.equal(again.findings.inserted, 0);
      const [stored] = await store.getFindings([first.id]);
      assert.equal(stored!.lastSeen, "2030-01-01T00:00:00.000Z");
      assert.equal(stored!.evidenceCount, first.evidenceCount + 5);
      await store.saveScan({ reassess, findings: [first], incidents: [] }); // the old file scanned again
      const [still] = await store.getFindings([first.id]);
      assert.equal(still!.lastSeen, "2030-01-01T00:00:00.000Z");
    });

    it("a fact read from other data (another capture, another day) adds up with the stored one; the same data again adds nothing", async () => {
      const { store } = await freshStore();
      const monday = { ...minerProcessFinding("web-10", 3, "2024-05-06T10:00:00.000Z", "/cases/mon/ps-aux.txt"), evidenceCount: 4, facts: { "records.count": 4, "cpu.pct": 398 } };
      await store.saveScan({ reassess, findings: [monday], incidents: [incidentOf("inc-d1", [monday])] });
      const tuesday = { ...minerProcessFinding("web-10", 7, "2024-05-07T10:00:00.000Z", "/cases/tue/ps-aux.txt"), evidenceCount: 2, facts: { "records.count": 2, "cpu.pct": 250 } };
      assert.equal(tuesday.id, monday.id, "one fact");
      const saved = await store.saveScan({ reassess, findings: [tuesday], incidents: [] });
      assert.equal(saved.findings.inserted, 0);
      const [both] = await store.getFindings([monday.id]);
      assert.equal(both!.evidenceCount, 6, "Monday's records and Tuesday's");
      assert.equal(both!.facts?.["records.count"], 6);
      assert.equal(both!.facts?.["cpu.pct"], 398, "a peak stays the peak");
      assert.deepEqual([both!.firstSeen, both!.lastSeen], ["2024-05-06T10:00:00.000Z", "2024-05-07T10:00:00.000Z"]);
      assert.deepEqual(both!.evidence.map((e) => e.file), ["/cases/mon/ps-aux.txt", "/cases/tue/ps-aux.txt"]);
      await store.saveScan({ reassess, findings: [monday], incidents: [] }); // Monday's file scanned again
      await store.saveScan({ reassess, findings: [tuesday], incidents: [] }); // and Tuesday's
      const [still] = await store.getFindings([monday.id]);
      assert.equal(still!.evidenceCount, 6);
    });

    it("a day in the middle of a longer history, saved again, counts once; a reading that grew adds only its growth", async () => {
      const { store } = await freshStore();
      // Each day's file holds six records of the fact: the merged sample keeps day 1's first five and day 4's latest.
      const day = (d: number, count: number) => {
        const f = minerProcessFinding("web-11", 3, `2024-05-0${d}T10:00:00.000Z`, `/cases/day${d}/ps-aux.txt`);
        const evidence = [3, 4, 5, 6, 7, 8].map((line) => ({ ...f.evidence[0]!, line, time: `2024-05-0${d}T10:0${line}:00.000Z` }));
        return { ...f, evidence, evidenceCount: count, facts: { "records.count": count } };
      };
      for (const d of [1, 2, 3, 4]) await store.saveScan({ reassess, findings: [day(d, 10 * d)], incidents: d === 1 ? [incidentOf("inc-m1", [day(1, 10)])] : [] });
      const count = async () => (await store.getFindings([day(1, 1).id]))[0]!.evidenceCount;
      assert.equal(await count(), 10 + 20 + 30 + 40);
      // Day 2 and day 3 are in the middle: the stored sample holds day 1's records and day 4's, not theirs.
      await store.saveScan({ reassess, findings: [day(2, 20)], incidents: [] });
      await store.saveScan({ reassess, findings: [day(3, 30)], incidents: [] });
      assert.equal(await count(), 100, "read again, they add nothing");
      // Day 3's log grew since (the same first record, more of them): its reading is replaced, not added.
      await store.saveScan({ reassess, findings: [{ ...day(3, 35), lastSeen: "2024-05-03T23:00:00.000Z" }], incidents: [] });
      const [grown] = await store.getFindings([day(1, 1).id]);
      assert.equal(grown!.evidenceCount, 105);
      assert.equal(grown!.facts?.["records.count"], 105);
      assert.deepEqual([grown!.firstSeen, grown!.lastSeen], ["2024-05-01T10:00:00.000Z", "2024-05-04T10:00:00.000Z"]);
      // And day 3's old, shorter log never rolls it back.
      await store.saveScan({ reassess, findings: [day(3, 30)], incidents: [] });
      assert.equal(await count(), 105);
    });

    it("a reading that now starts earlier (a stream's late records) replaces the stored one, never adds to it", async () => {
      const { store } = await freshStore();
      const base = minerProcessFinding("web-12", 5, "2024-05-01T10:05:00.000Z", "/cases/stream/ps.ndjson");
      const at = (line: number) => ({ ...base.evidence[0]!, line, time: `2024-05-01T10:${String(line).padStart(2, "0")}:00.000Z` });
      const first = { ...base, evidence: [5, 6, 7, 8, 9, 20].map(at), evidenceCount: 16, firstSeen: at(5).time!, lastSeen: at(20).time! };
      await store.saveScan({ reassess, findings: [first], incidents: [incidentOf("inc-l1", [first])] });
      // Records 1-4 arrive late: the same data, with four more records before the stored start.
      const later = { ...first, evidence: [1, 2, 3, 4, 5, 20].map(at), evidenceCount: 20, firstSeen: at(1).time! };
      await store.saveScan({ reassess, findings: [later], incidents: [] });
      const [stored] = await store.getFindings([first.id]);
      assert.equal(stored!.evidenceCount, 20, "replaced, not 16 + 20");
      assert.equal(stored!.firstSeen, at(1).time);
      await store.saveScan({ reassess, findings: [first], incidents: [] }); // the shorter reading again
      assert.equal((await store.getFindings([first.id]))[0]!.evidenceCount, 20);
    });

    it("every analyst change is in the hash-chained audit log too, in the same transaction as the timeline", async () => {
      const { store } = await freshStore();
      const f = minerProcessFinding("web-07", 1);
      await store.saveScan({ reassess, findings: [f], incidents: [incidentOf("inc-a1", [f])] });
      await store.assign("inc-a1", "alice", { by: "lead" });
      await store.tickChecklist("inc-a1", "analysis.binary-hash", { by: "alice", answer: "xmrig 6.21, sha256 8c7e…" });
      await store.addNote("inc-a1", "Killed the miner at 03:10", { by: "alice" });
      await store.setStatus("inc-a1", "contained", { by: "alice" });
      await store.closeIncident("inc-a1", { by: "lead", reason: "eradicated and patched" });
      const audit = await store.auditRecords();
      assert.deepEqual(audit.map((r) => r.action), ["incident.assigned", "incident.checklist-ticked", "incident.note", "incident.status-changed", "incident.closed"]);
      assert.ok(audit.every((r) => r.incidentId === "inc-a1"));
      assert.deepEqual(audit[1]!.details, { item: "analysis.binary-hash", answer: "xmrig 6.21, sha256 8c7e…" });
      assert.equal((await store.verifyAuditChain()).ok, true);
    });

    it("a process killed (SIGKILL) in the middle of saving a scan leaves the database as it was; the next save completes", { timeout: 180_000 }, async () => {
      const { store, db } = await freshStore();
      const seed = minerProcessFinding("web-01", 12);
      await store.saveScan({ reassess, findings: [seed], incidents: [incidentOf("inc-before", [seed])] });
      await store.close();

      const count = backend.name === "sqlite" ? 20_000 : 4_000;
      const crasher = await scriptCommand(join(HERE, "crash-child.ts"), [db.location, String(count)]);
      const child = spawn(crasher.command, crasher.args, { cwd: REPO_ROOT, stdio: ["ignore", "pipe", "pipe"] });
      let stderr = "";
      child.stderr.on("data", (d: Buffer) => { stderr += d.toString(); });
      const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
        child.on("exit", (code, signal) => resolve({ code, signal })));
      const reachedMiddle = await new Promise<boolean>((resolve) => {
        let out = "";
        child.stdout.on("data", (d: Buffer) => {
          out += d.toString();
          if (out.includes("MID")) resolve(true);
        });
        void exited.then(() => resolve(false));
      });
      assert.ok(reachedMiddle, `the child never reached the middle of its transaction: ${stderr}`);
      child.kill("SIGKILL");
      assert.equal((await exited).signal, "SIGKILL");

      const reopened = await openStore(db.location, { now: clock("2024-05-05T00:00:00Z") });
      opened.push(reopened);
      assert.deepEqual(await reopened.integrityCheck(), []);
      assert.equal((await reopened.listScans()).length, 1, "no trace of the killed scan");
      assert.deepEqual((await reopened.listIncidents()).map((i) => i.id), ["inc-before"]);
      const big = bigScan(count);
      assert.deepEqual(await reopened.getFindings(big.findings.slice(0, 50).map((f) => f.id)), []);

      const res = await reopened.saveScan(big);
      assert.equal(res.findings.inserted, count);
      assert.equal(res.incidents.created.length, count / 100);
      assert.equal((await reopened.getFindings(big.findings.map((f) => f.id))).length, count);
      assert.deepEqual(await reopened.integrityCheck(), []);
      assert.equal((await reopened.listScans()).length, 2);
    });
  });
}
