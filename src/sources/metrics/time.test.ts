import { test } from "node:test";
import assert from "node:assert/strict";
import { epochToIso, toIsoUtc } from "./time.js";

test("timestamps of the formats read here become ISO UTC", () => {
  const cases: [string | number, string][] = [
    ["2026-11-20T03:14:07Z", "2026-11-20T03:14:07.000Z"],
    ["2026-11-20T03:14:07.123456789Z", "2026-11-20T03:14:07.123Z"],
    ["2026-11-20T05:14:07+02:00", "2026-11-20T03:14:07.000Z"],
    ["2026-11-19T22:14:07-0500", "2026-11-20T03:14:07.000Z"],
    ["2026-11-20 03:14:07", "2026-11-20T03:14:07.000Z"],
    ["2026-11-20 03:00:00 UTC", "2026-11-20T03:00:00.000Z"],
    ["2026-11-20", "2026-11-20T00:00:00.000Z"],
    ["2026/11/20 03:14:07.512", "2026-11-20T03:14:07.512Z"],
    ["11/20/2026", "2026-11-20T00:00:00.000Z"],
    ["11/20/2026 12:00:00 AM", "2026-11-20T00:00:00.000Z"],
    ["11/20/2026 3:14:07 PM", "2026-11-20T15:14:07.000Z"],
    ["20261120", "2026-11-20T00:00:00.000Z"],
    ["1795144447", "2026-11-20T03:14:07.000Z"],
    ["1795144447.5", "2026-11-20T03:14:07.500Z"],
    ["1795144447000", "2026-11-20T03:14:07.000Z"],
    [1795144447, "2026-11-20T03:14:07.000Z"],
  ];
  for (const [input, expected] of cases) assert.equal(toIsoUtc(input), expected, String(input));
});

test("what is not a time is undefined", () => {
  for (const bad of ["", "yesterday", "2026-02-30", "2026-13-01", "25:00", "13/40/2026", "5", "0", "x".repeat(100), "2026-11-20T25:00:00Z"]) {
    assert.equal(toIsoUtc(bad), undefined, bad);
  }
  assert.equal(epochToIso(-1), undefined);
  assert.equal(epochToIso(Number.NaN), undefined);
  assert.equal(toIsoUtc(undefined), undefined);
});
