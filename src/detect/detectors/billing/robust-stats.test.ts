import { test } from "node:test";
import assert from "node:assert/strict";
import { median, medianAbsoluteDeviation } from "./robust-stats.js";

test("median of odd, even and empty lists", () => {
  assert.equal(median([3, 1, 2]), 2);
  assert.equal(median([4, 1, 3, 2]), 2.5);
  assert.equal(median([]), 0);
});

test("MAD ignores one outlier", () => {
  assert.equal(medianAbsoluteDeviation([100, 102, 98, 101, 99, 5000]), 1.5);
  assert.equal(medianAbsoluteDeviation([7, 7, 7]), 0);
});
