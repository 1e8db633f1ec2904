import { test } from "node:test";
import assert from "node:assert/strict";
import { cloudDetectors } from "./index.js";

test("cloud detectors: unique ids, each routed to its datasets", () => {
  const ids = cloudDetectors.map((d) => d.id);
  assert.deepEqual(ids, ["cloud-alert", "run-instances-burst", "iam-persistence", "quota-errors", "defense-evasion"]);
  for (const d of cloudDetectors) assert.ok((d.routes.datasets ?? []).length > 0, `${d.id} routes nothing`);
});
