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
