import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import assert from "node:assert/strict";
import { PLAYBOOK_DIR, PlaybookError, loadPlaybook, loadPlaybooks, parsePlaybook } from "./load.js";

const PB31_FILE = join(PLAYBOOK_DIR, "pb-31.yaml");
const PB31_TEXT = readFileSync(PB31_FILE, "utf8");

/** Parse a changed copy of pb-31.yaml and return the problems (it must fail). */
function problemsOf(text: string): PlaybookError["problems"] {
  try {
    parsePlaybook(text, "pb-31.yaml");
  } catch (err) {
    assert.ok(err instanceof PlaybookError, String(err));
    return err.problems;
  }
  assert.fail("the playbook was accepted");
}

function replaceOnce(text: string, from: string, to: string): string {
  assert.ok(text.includes(from), `pb-31.yaml contains ${from}`);
  return text.replace(from, to);
}

function lineOf(text: string, needle: string): number {
  return text.slice(0, text.indexOf(needle)).split("\n").length;
}

test("the shipped playbooks load and check together (PB-31 hands over to PB-16 and PB-32)", () => {
  const all = loadPlaybooks();
  assert.deepEqual([...all.keys()], ["PB-16", "PB-31", "PB-32"]);
  const pb = loadPlaybook("PB-31");
  assert.equal(pb.id, "PB-31");
  assert.equal(pb.decisionGraph, "decision");
  assert.equal(loadPlaybook("PB-31"), pb, "cached");
});

test("an unknown operator in a condition names the file, line and path", () => {
  const text = replaceOnce(PB31_TEXT, "when: { scope: accounts, gte: 2 }\n    reason:\n      th: \"ได้รับผลกระทบ",
    "when: { eval: \"scope.accounts >= 2\" }\n    reason:\n      th: \"ได้รับผลกระทบ");
  const [p, ...rest] = problemsOf(text);
  assert.equal(rest.length, 0);
  assert.equal(p!.file, "pb-31.yaml");
  assert.equal(p!.path, "escalations[1].when");
  assert.match(p!.message, /unknown operator 'eval'.*expected exactly one of all, any, not/);
  assert.equal(p!.line, lineOf(text, "when: { eval:"));
  assert.match(String(new PlaybookError([p!]).message), /^pb-31\.yaml:\d+: escalations\[1\]\.when: unknown operator/);
});

test("structural mistakes: unknown node, missing field, a fork without conditions, duplicate ids", () => {
  const badEdge = problemsOf(replaceOnce(PB31_TEXT, "- { from: Multi, to: IAM }", "- { from: Multi, to: IAMX }"));
  assert.ok(badEdge.some((p) => /graphs\[2\]\.edges\[\d+\]\.to/.test(p.path) && /unknown node 'IAMX'/.test(p.message)), JSON.stringify(badEdge));

  const noName = problemsOf(replaceOnce(PB31_TEXT, "name: { th: \"การขุดเหรียญดิจิทัล\", en: \"Cryptomining\" }\n", ""));
  assert.ok(noName.some((p) => p.path === "name"), JSON.stringify(noName));

  const fork = problemsOf(replaceOnce(PB31_TEXT, "        otherwise: true\n        reason:\n          th: \"เครื่องเดียว", "        reason:\n          th: \"เครื่องเดียว"));
  assert.ok(fork.some((p) => /node 'Scope' forks/.test(p.message)), JSON.stringify(fork));

  const dup = problemsOf(replaceOnce(PB31_TEXT, "- id: block-ports", "- id: kill"));
  assert.ok(dup.some((p) => p.path === "containment[4].id" && /duplicate id 'kill'/.test(p.message)), JSON.stringify(dup));

  const typo = problemsOf(replaceOnce(PB31_TEXT, "actions: [kill-process, delete-workload]", "actions: [Kill_Process, delete-workload]"));
  assert.ok(typo.some((p) => p.path === "containment[0].actions[0]" && /kebab-case/.test(p.message)), JSON.stringify(typo));

  const withBadKey = replaceOnce(PB31_TEXT, "severity: high\n", "severity: high\nseverityy: low\n");
  const badKey = problemsOf(withBadKey);
  assert.ok(badKey.some((p) => /Unrecognized key: "severityy"/.test(p.message) && p.line === lineOf(withBadKey, "severityy")), JSON.stringify(badKey));
});

test("YAML syntax errors carry their line", () => {
  const problems = problemsOf("schemaVersion: 1\nid: PB-99\nname: { th: x, en: y\nseverity: high\n");
  assert.ok(problems[0]!.message.startsWith("YAML:"));
  assert.equal(typeof problems[0]!.line, "number");
});

test("a minimal playbook (metadata only) is valid: the loader is generic", () => {
  const pb = parsePlaybook([
    "schemaVersion: 1", "id: PB-77", "name: { th: ทดสอบ, en: Test }", "severity: medium",
    "severityLabel: { th: ปานกลาง, en: Medium }", "category: { th: ทดสอบ, en: Test }",
    "mitre: [{ technique: T1496, name: Resource Hijacking, tactic: TA0040, tacticName: Impact }]",
  ].join("\n"), "pb-77.yaml");
  assert.equal(pb.id, "PB-77");
  assert.deepEqual(pb.analysis, []);
  assert.equal(pb.decisionGraph, undefined);
});

test("loadPlaybooks: a hand-off to a playbook with no file, or a file named for another id, is an error", () => {
  const dir = mkdtempSync(join(tmpdir(), "mh-playbooks-"));
  try {
    copyFileSync(PB31_FILE, join(dir, "pb-31.yaml"));
    assert.throws(() => loadPlaybooks(dir), (err: unknown) => {
      assert.ok(err instanceof PlaybookError);
      const text = err.message;
      assert.match(text, /escalations\[2\]\.playbook: hands over to PB-32, which has no file/);
      assert.match(text, /escalations\[4\]\.playbook: hands over to PB-16, which has no file/);
      return true;
    });
    copyFileSync(join(PLAYBOOK_DIR, "pb-16.yaml"), join(dir, "pb-16.yaml"));
    writeFileSync(join(dir, "pb-32.yaml"), readFileSync(join(PLAYBOOK_DIR, "pb-32.yaml"), "utf8").replace("id: PB-32", "id: PB-33"));
    assert.throws(() => loadPlaybooks(dir), /id PB-33 does not match the file name \(expected PB-32\)/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
