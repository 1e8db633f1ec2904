/**
 * Conformance checklist §2 item 14 (sigma.md): loading. Multi-document files, duplicate keys and
 * unknown modifiers as errors of that rule only, every error with file, line, id and title, folders
 * walked recursively, YAML alias bombs refused.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadRules } from "./loader.js";
import { load, ruleText } from "./test-helpers/index.js";

const GOOD = ruleText("sel:\n  Image|endswith: '/xmrig'\ncondition: sel");

describe("loading rules (checklist 14)", () => {
  it("loads every document of a multi-document file", () => {
    const second = GOOD.replace("Test rule", "Second rule").replace("5d0b2a7e-8a2c-4c52-9b1d-4a3f9f0b6a11", "0f7c1f1e-2b9b-4a8e-8d6f-1c2d3e4f5a6b");
    const r = load(`${GOOD}---\n${second}`);
    assert.equal(r.refused.length, 0);
    assert.deepEqual(r.rules.map((x) => x.meta.title), ["Test rule", "Second rule"]);
    assert.equal(r.rules[1]!.meta.docIndex, 1);
  });

  it("refuses a rule with a duplicate key, pointing at the line, and keeps the others", () => {
    const bad = "title: Dup\nid: 11111111-2222-4333-8444-555555555555\nlogsource:\n  category: process_creation\ndetection:\n  sel:\n    Image: a\n    Image: b\n  condition: sel\n";
    const r = load(`${GOOD}---\n${bad}`, {}, "pack/dups.yml");
    assert.equal(r.rules.length, 1);
    assert.equal(r.refused.length, 1);
    const e = r.refused[0]!;
    assert.equal(e.file, "pack/dups.yml");
    assert.match(e.message, /unique/i);
    assert.equal(e.line, GOOD.split("\n").length + 8, "line of the repeated key in the whole file");
  });

  it("refuses an unknown modifier with file, line, id and title", () => {
    const text = ruleText("sel:\n  Image|endwith: '/xmrig'\ncondition: sel");
    const r = load(text, {}, "rules/x.yml");
    const e = r.refused[0]!;
    assert.equal(e.file, "rules/x.yml");
    assert.equal(e.ruleId, "5d0b2a7e-8a2c-4c52-9b1d-4a3f9f0b6a11");
    assert.equal(e.title, "Test rule");
    assert.equal(e.line, text.split("\n").findIndex((l) => l.includes("endwith")) + 1);
    assert.match(e.message, /unknown modifier 'endwith'/);
  });

  it("refuses a YAML alias bomb with a clear error instead of expanding it", () => {
    const bomb = [
      "title: Laughs", "logsource: {category: process_creation}",
      "a: &a ['lol','lol','lol','lol','lol','lol','lol','lol','lol']",
      "b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]", "c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]", "d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]",
      "e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]", "f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]", "g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]",
      "detection: {sel: {Image: *g}, condition: sel}",
    ].join("\n");
    const started = performance.now();
    const r = load(bomb);
    assert.ok(performance.now() - started < 2000, "refused quickly");
    assert.equal(r.rules.length, 0);
    assert.match(r.refused[0]!.message, /aliases expand beyond 100 nodes/);
  });

  it("reports YAML syntax errors with their line and goes on", () => {
    const r = load(`${GOOD}---\ntitle: broken\ndetection: [unclosed\n`);
    assert.equal(r.rules.length, 1);
    assert.match(r.refused[0]!.message, /YAML error/);
    assert.ok(r.refused[0]!.line > GOOD.split("\n").length);
  });

  it("checks metadata like pySigma: no title or a bad level refuses, a bad id or tag warns", () => {
    assert.match(load("logsource: {category: x}\ndetection: {s: {a: 1}, condition: s}").refused[0]!.message, /title/);
    assert.match(load(GOOD.replace("level: high", "level: severe")).refused[0]!.message, /level 'severe'/);
    assert.match(load(GOOD.replace("status: test", "status: beta")).refused[0]!.message, /status 'beta'/);
    const w = load(GOOD.replace("5d0b2a7e-8a2c-4c52-9b1d-4a3f9f0b6a11", "not-a-uuid").replace("level: high", "level: high\ntags:\n  - Attack.T1496")).warnings.map((x) => x.code);
    assert.ok(w.includes("invalid-id"));
    assert.ok(w.includes("invalid-tag"));
  });

  it("warns about repeated ids and keeps both rules", () => {
    const r = load(`${GOOD}---\n${GOOD.replace("Test rule", "Copy")}`);
    assert.equal(r.rules.length, 2);
    assert.ok(r.warnings.some((w) => w.code === "duplicate-id"));
    assert.notEqual(r.rules[0]!.key, r.rules[1]!.key);
  });

  it("refuses Sigma 1 multi-document actions", () => {
    assert.match(load("action: global\ntitle: x\n").refused[0]!.message, /Sigma 1/);
  });

  it("walks folders recursively for .yml and .yaml, and reports missing paths", async () => {
    const dir = mkdtempSync(join(tmpdir(), "sigma-load-"));
    try {
      mkdirSync(join(dir, "a", "b"), { recursive: true });
      writeFileSync(join(dir, "a", "one.yml"), GOOD);
      writeFileSync(join(dir, "a", "b", "two.yaml"), GOOD.replace("5d0b2a7e-8a2c-4c52-9b1d-4a3f9f0b6a11", "0f7c1f1e-2b9b-4a8e-8d6f-1c2d3e4f5a6b"));
      writeFileSync(join(dir, "a", "README.md"), "# not a rule\n");
      const r = await loadRules([dir, join(dir, "missing")]);
      assert.equal(r.stats.files, 2);
      assert.equal(r.rules.length, 2);
      assert.equal(r.refused.length, 1);
      assert.match(r.refused[0]!.message, /no such file/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("marks rules whose logsource is not mapped as not routed instead of refusing them", () => {
    const r = load(ruleText("sel:\n  a: 1\ncondition: sel", "  product: opencanary\n  category: application"));
    assert.equal(r.refused.length, 0);
    assert.equal(r.stats.notRouted, 1);
    const rule = r.rules[0]!;
    assert.ok(rule.kind === "detection" && rule.route === undefined);
  });
});
