import { test } from "node:test";
import assert from "node:assert/strict";
import { writeJsonDocument } from "./json.js";

test("the JSON report written piece by piece is the document JSON.stringify gives", () => {
  const fields = { tool: { name: "minerhunt", version: "1" }, summary: { incidents: 2, nested: { a: [1, 2] } } };
  const lists = { incidents: [{ id: "a", text: "line\nbreak \"quoted\"" }, { id: "b", list: [] }], campaigns: [], files: [{ path: "x" }] };
  let out = "";
  writeJsonDocument((s) => { out += s; }, fields, lists);
  assert.equal(out, JSON.stringify({ ...fields, ...lists }, null, 2) + "\n");
});
