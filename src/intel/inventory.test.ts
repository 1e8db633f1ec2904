import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { UnknownListError, listIntelSources, removeImportedList } from "./inventory.js";

function importDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "mh-inventory-"));
  writeFileSync(join(dir, "team.json"), JSON.stringify({ name: "team", source: "/srv/lists/team.txt", importedAt: "2026-11-20T03:14:07.000Z",
    confidence: 0.6, domains: ["pool.team.example", "xmr.team.example"], ips: [{ address: "192.0.2.7", ports: [3333] }] }));
  writeFileSync(join(dir, "broken.json"), "{ not json");
  writeFileSync(join(dir, "notes.txt"), "not a list");
  return dir;
}

test("built-in files and imported lists, with counts, source and time; a broken list is shown, not thrown", () => {
  const dir = importDir();
  const sources = listIntelSources({ importDirs: [dir] });
  const builtIn = sources.filter((s) => s.kind === "built-in").map((s) => s.name);
  assert.deepEqual(builtIn, ["campaigns.yaml", "cloud.yaml", "hosts.yaml", "miners.yaml", "pools.yaml", "stratum.yaml", "windows.yaml"]);
  const pools = sources.find((s) => s.name === "pools.yaml")!;
  assert.ok(pools.counts.pools! > 50);
  assert.equal(pools.counts["ports.playbook"], 5);
  assert.ok(sources.find((s) => s.name === "campaigns.yaml")!.counts.campaigns! >= 9);
  const team = sources.find((s) => s.name === "team")!;
  assert.deepEqual(team.counts, { domains: 2, ips: 1 });
  assert.equal(team.source, "/srv/lists/team.txt");
  assert.equal(team.importedAt, "2026-11-20T03:14:07.000Z");
  assert.equal(team.confidence, 0.6);
  const broken = sources.find((s) => s.name === "broken")!;
  assert.match(broken.error!, /not valid JSON/);
  assert.equal(sources.filter((s) => s.kind === "imported").length, 2, "notes.txt is not a list");
});

test("remove drops one imported list; an unknown name lists the valid ones", () => {
  const dir = importDir();
  assert.throws(() => removeImportedList("tema", dir), (err: unknown) => err instanceof UnknownListError && /no imported list named "tema"; imported lists: broken, team/.test(err.message));
  assert.throws(() => removeImportedList("pools", dir), /"pools" is built-in data \(.*pools\.yaml\), not an imported list; imported lists: broken, team/);
  const removed = removeImportedList("team", dir);
  assert.equal(removed.name, "team");
  assert.equal(existsSync(join(dir, "team.json")), false);
  assert.ok(existsSync(join(dir, "broken.json")));
  removeImportedList("broken", dir);
  assert.throws(() => removeImportedList("team", dir), /nothing has been imported/);
});
