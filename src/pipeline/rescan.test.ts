import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openStore } from "../store/index.js";
import { REPO_ROOT } from "../test-helpers/index.js";
import { reassessor } from "./incident.js";
import { runScan } from "./run.js";

/** Issue 12, item 6: a re-scan that finds nothing new writes nothing; every stored incident stays byte for byte. */
test("re-scanning the example into the same store changes no stored incident", async () => {
  const store = await openStore(join(mkdtempSync(join(tmpdir(), "mh-rescan-")), "store.db"));
  try {
    const save = async () => {
      const run = await runScan({ paths: [join(REPO_ROOT, "examples")] });
      return store.saveScan({
        findings: run.findings, incidents: run.incidents, campaigns: run.campaigns, reassess: reassessor(run.config, run.playbook),
      });
    };
    const first = await save();
    assert.equal(first.incidents.created.length, 3);
    assert.equal(first.campaigns.length, 1);
    const before = await store.listIncidents();
    const timelines = await Promise.all(before.map((i) => store.timeline(i.id)));

    const again = await save();
    assert.deepEqual(again.incidents.created, []);
    assert.deepEqual(again.incidents.merged, []);
    assert.equal(again.incidents.unchanged.length, 3);
    assert.deepEqual(again.campaigns, [], "the campaign is already stored as it is");
    const after = await store.listIncidents();
    assert.equal(JSON.stringify(after), JSON.stringify(before));
    assert.deepEqual(await Promise.all(after.map((i) => store.timeline(i.id))), timelines);
  } finally {
    await store.close();
  }
});

test("a later scan whose incident merges into a campaign's member joins that campaign; every member reads its id", async () => {
  const { mkdirSync, writeFileSync } = await import("node:fs");
  const dir = mkdtempSync(join(tmpdir(), "mh-camp-"));
  const zeek = (host: string, i: number) => JSON.stringify({
    ts: 1_763_600_000 + i * 60, uid: `C${host}${i}`, "id.orig_h": host, "id.orig_p": 40000 + i, "id.resp_h": "10.0.0.2", "id.resp_p": 53,
    proto: "udp", trans_id: i, query: "xmr-eu1.nanopool.org", qclass: 1, qclass_name: "C_INTERNET", qtype: 1, qtype_name: "A",
    rcode: 0, rcode_name: "NOERROR", AA: false, TC: false, RD: true, RA: true, Z: 0, answers: ["51.15.65.182"], TTLs: [300.0], rejected: false,
  });
  const write = (name: string, hosts: string[]) => {
    mkdirSync(join(dir, name), { recursive: true });
    for (const h of hosts) writeFileSync(join(dir, name, `${h}.log`), [zeek(h, 1), zeek(h, 2)].join("\n") + "\n");
    return join(dir, name);
  };
  const store = await openStore(join(dir, "store.db"));
  try {
    const save = async (path: string) => {
      const run = await runScan({ paths: [path] });
      return store.saveScan({ findings: run.findings, incidents: run.incidents, campaigns: run.campaigns, reassess: reassessor(run.config, run.playbook) });
    };
    const first = await save(write("night1", ["10.5.0.1", "10.5.0.2"]));
    assert.equal(first.campaigns.length, 1);
    const campaignId = first.campaigns[0]!;
    // The next night: 10.5.0.2 again (its incident merges) and a new host 10.5.0.3, same pool.
    const second = await save(write("night2", ["10.5.0.2", "10.5.0.3"]));
    assert.deepEqual(second.campaigns, [campaignId], "the stored campaign grows; no second campaign");
    const incidents = await store.listIncidents();
    assert.equal(incidents.length, 3);
    for (const inc of incidents) assert.equal(inc.campaignId, campaignId, `${inc.title} reads the stored campaign`);
    const campaign = await store.getCampaign(campaignId);
    assert.equal(campaign?.incidentIds.length, 3);
  } finally {
    await store.close();
  }
});
