/**
 * Campaigns across scans (store/campaign-marks.ts): an outbreak that arrives in several scans or ingest
 * batches is one campaign, and the machine seen first takes PB-31's several-machines branch once others
 * join it. Run against both store backends.
 */
import { after, describe, test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openStore, type Store } from "../store/index.js";
import { postgresBackend, sqliteBackend, type Backend } from "../store/test-helpers/backends.js";
import { campaignMarksOf, campaigner, reassessor } from "./incident.js";
import { runScan } from "./run.js";
import { inCi } from "../test-helpers/index.js";

const DAY = 86_400;
const POOL = "xmr-eu1.nanopool.org";

/** Zeek dns.log (JSON) lines of one host looking up the pool, starting at `t0` (epoch seconds). */
function dnsLog(host: string, t0: number): string {
  return [0, 1, 2].map((i) => JSON.stringify({
    ts: t0 + i * 120, uid: `C${host.replaceAll(".", "")}${t0}${i}`, "id.orig_h": host, "id.orig_p": 41000 + i, "id.resp_h": "10.0.0.2",
    "id.resp_p": 53, proto: "udp", trans_id: i, query: POOL, qclass: 1, qclass_name: "C_INTERNET", qtype: 1, qtype_name: "A",
    rcode: 0, rcode_name: "NOERROR", AA: false, TC: false, RD: true, RA: true, Z: 0, answers: ["51.15.65.182"], TTLs: [300.0], rejected: false,
  })).join("\n") + "\n";
}

const dir = mkdtempSync(join(tmpdir(), "mh-camp-scans-"));
let files = 0;
function batch(host: string, t0: number): string {
  const d = join(dir, `batch-${++files}`);
  mkdirSync(d, { recursive: true });
  writeFileSync(join(d, "dns.log"), dnsLog(host, t0));
  return d;
}

async function save(store: Store, path: string) {
  const run = await runScan({ paths: [path] });
  return store.saveScan({
    findings: run.findings, incidents: run.incidents, campaigns: run.campaigns,
    reassess: reassessor(run.config, run.playbook),
    marks: campaignMarksOf(run.incidents, run.findings), campaigner: campaigner(run.config),
  });
}

const backends: Backend[] = [sqliteBackend(), await postgresBackend()];
after(async () => { for (const b of backends) await b.cleanup(); });

for (const backend of backends) {
  describe(`campaigns across scans (${backend.name})`, () => {
    test("hosts seen in separate scans within the window become one campaign; the first host's path turns to several machines", { skip: inCi() ? false : backend.unavailable ?? false }, async () => {
      const store = await openStore((await backend.fresh()).location);
      try {
        const t0 = 1_763_600_000;
        const first = await save(store, batch("10.7.0.1", t0));
        assert.equal(first.incidents.created.length, 1);
        assert.deepEqual(first.campaigns, []);
        const [alone] = await store.listIncidents();
        assert.ok(alone && !alone.decision?.path.includes("Multi"), `one machine so far: ${alone?.decision?.path.join(" → ")}`);

        const second = await save(store, batch("10.7.0.2", t0 + 3600));
        assert.equal(second.incidents.created.length, 1);
        assert.equal(second.campaigns.length, 1, "the two scans' incidents form one stored campaign");
        assert.deepEqual(second.joinedCampaign, [alone.id], "the earlier incident joined it");
        const campaign = await store.getCampaign(second.campaigns[0]!);
        assert.equal(campaign?.incidentIds.length, 2);
        assert.equal(campaign?.scope.machines, 2);
        for (const inc of await store.listIncidents()) {
          assert.equal(inc.campaignId, campaign!.id, `${inc.title} reads its campaign`);
          assert.ok(inc.decision?.path.includes("Multi"), `${inc.title}: ${inc.decision?.path.join(" → ")}`);
        }

        // A third host in a later scan grows the same campaign, it does not start a second one.
        const third = await save(store, batch("10.7.0.3", t0 + 7200));
        assert.deepEqual(third.campaigns, [campaign!.id]);
        assert.equal((await store.getCampaign(campaign!.id))?.incidentIds.length, 3);
        assert.deepEqual(third.joinedCampaign, [], "the earlier two were already in it");

        // Two months later another machine uses the same public pool: unrelated victims share public pools.
        const later = await save(store, batch("10.9.9.9", t0 + 60 * DAY));
        assert.deepEqual(later.campaigns, []);
        const loner = (await store.listIncidents()).find((i) => i.entities.ips?.includes("10.9.9.9"));
        assert.equal(loner?.campaignId, undefined);

        // Re-saving a batch already stored changes nothing.
        const again = await save(store, join(dir, "batch-2"));
        assert.deepEqual(again.campaigns, []);
        assert.deepEqual(again.joinedCampaign, []);
      } finally {
        await store.close();
      }
    });
  });
}
