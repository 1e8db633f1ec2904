import { test } from "node:test";
import assert from "node:assert/strict";
import { billingDetectors } from "./index.js";

test("billing detectors export", () => {
  assert.deepEqual(billingDetectors.map((d) => d.id), ["billing-anomaly"]);
});
