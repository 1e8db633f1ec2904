import { test } from "node:test";
import assert from "node:assert/strict";
import { allSources } from "../sources/index.js";
import { declaredDatasets } from "./sigma/declared-routes.js";
import { builtinDetectors } from "./detectors/index.js";
import { datasetsFor } from "./routes.js";

test("detector routes come from the sources' declarations", () => {
  assert.deepEqual(datasetsFor(["aws/cloudtrail"]), ["aws.cloudtrail"]);
  assert.deepEqual(new Set(datasetsFor(["stratum", "proxy"])), new Set(["pcap.stratum", "zeek.http", "suricata.http", "pcap.http"]));
  assert.throws(() => datasetsFor(["aws/cloudtrial"]), /aws\/cloudtrial/);
});

test("every built-in detector reads something a source emits", () => {
  const declared = declaredDatasets(allSources);
  const datasets = new Set(declared.map((d) => d.dataset));
  const categories = new Set(declared.flatMap((d) => d.categories));
  for (const d of builtinDetectors) {
    const ds = d.routes.datasets ?? [];
    const cs = d.routes.categories ?? [];
    assert.ok(ds.length + cs.length > 0, `${d.id} routes nothing`);
    for (const x of ds) assert.ok(datasets.has(x), `${d.id}: no source emits dataset ${x}`);
    for (const c of cs) assert.ok(categories.has(c), `${d.id}: no source emits category ${c}`);
  }
});
