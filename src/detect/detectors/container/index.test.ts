import { test } from "node:test";
import assert from "node:assert/strict";
import { containerDetectors } from "./index.js";

test("container detectors: unique ids, each routed to its dataset", () => {
  assert.deepEqual(containerDetectors.map((d) => d.id), ["falco-miner", "k8s-workload"]);
  for (const d of containerDetectors) assert.ok((d.routes.datasets ?? []).length > 0, `${d.id} routes nothing`);
});
