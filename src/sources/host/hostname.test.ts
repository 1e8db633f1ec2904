import { test } from "node:test";
import assert from "node:assert/strict";
import { hostnameSource } from "./hostname.js";
import { psSource } from "./ps.js";
import { parseFileWith, parseWith, sniffWith, REPO_ROOT } from "../../test-helpers/index.js";
import { join } from "node:path";

test("etc/hostname of a collected tree names the machine and is claimed quietly", async () => {
  assert.ok(await sniffWith(hostnameSource, "db-prod-01\n", "case/db-prod-01/etc/hostname") > 0.9);
  assert.equal(await sniffWith(hostnameSource, "db-prod-01\n", "notes/hostname.txt"), 0);
  const { events, issues } = await parseWith(hostnameSource, "db-prod-01\n", "case/etc/hostname");
  assert.equal(events[0]!["host.name"], "db-prod-01");
  assert.deepEqual(issues, []);
  const bad = await parseWith(hostnameSource, "<script>\n", "case/etc/hostname");
  assert.equal(bad.events.length, 0);
  assert.match(bad.issues[0]!.message, /expected one host name/);
});

test("a ps snapshot saved in a collected tree takes the tree's host name", async () => {
  const { events } = await parseFileWith(psSource, join(REPO_ROOT, "examples/onprem/db-prod-01/ps-auxww.txt"));
  assert.ok(events.length > 5);
  assert.ok(events.every((e) => e["host.name"] === "db-prod-01"));
});
