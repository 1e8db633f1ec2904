/**
 * Issue 12 item 8: --config is strict. Bad networks, wrong types and unknown keys are refused, every one with
 * file, line and what was expected; a good file (docs/config.md's example) loads.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { REPO_ROOT } from "../test-helpers/index.js";
import { ConfigError, loadConfig } from "./config.js";
import { defaultConfig } from "../detect/config.js";
import { DetectConfigSchema } from "../detect/config-schema.js";

function withFile(text: string, fn: (path: string) => void): void {
  const dir = mkdtempSync(join(tmpdir(), "minerhunt-config-"));
  try {
    const path = join(dir, "site.yaml");
    writeFileSync(path, text);
    fn(path);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function problems(text: string): string[] {
  let caught: unknown;
  withFile(text, (path) => {
    try { loadConfig(path); } catch (err) { caught = err; }
  });
  assert.ok(caught instanceof ConfigError, "refused");
  return caught.problems.map((p) => p.replace(/^.*site\.yaml/, "site.yaml"));
}

test("docs/config.md's example loads", () => {
  const doc = readFileSync(join(REPO_ROOT, "docs/config.md"), "utf8");
  const yaml = /```yaml\n([\s\S]*?)```/.exec(doc)?.[1];
  assert.ok(yaml);
  withFile(yaml, (path) => {
    const c = loadConfig(path);
    assert.deepEqual(c.orgNetworks, ["10.0.0.0/8", "198.51.100.0/24"]);
  });
});

test("orgNetworks: [garbage, 10.0.0.0/99] and a bad allowlist IP are refused with their lines", () => {
  assert.deepEqual(problems('orgNetworks: ["garbage", "10.0.0.0/99"]\nallowlist:\n  ips:\n    - 203.0.113.0/24\n    - 203.0.113.7/24\n'), [
    "site.yaml:1: orgNetworks.0: expected an IP address or a CIDR network such as 10.0.0.0/8: 'garbage' is not an IPv4 or IPv6 network",
    "site.yaml:1: orgNetworks.1: expected an IP address or a CIDR network such as 10.0.0.0/8: '10.0.0.0/99' has a prefix longer than 32 bits",
    "site.yaml:5: allowlist.ips.1: expected an IP address or a CIDR network such as 10.0.0.0/8: '203.0.113.7/24' has host bits set (not a network address)",
  ]);
});

test("unknown keys and wrong types are refused, each with its line", () => {
  assert.deepEqual(problems("cpu:\n  thresholdPct: eighty\n  treshold: 80\ncorrelationWindowHours: -1\n"), [
    "site.yaml:2: cpu.thresholdPct: Invalid input: expected number, received string",
    "site.yaml:3: cpu.treshold: unknown setting \"treshold\"",
    "site.yaml:4: correlationWindowHours: Too small: expected number to be >0",
  ]);
  assert.match(problems("cpu: [1, 2\n")[0]!, /^site\.yaml:\d+: not valid YAML\/JSON/);
  assert.match(problems("just a string\n")[0]!, /^site\.yaml(:1)?: \(top level\): .*expected object/);
});

test("the defaults a scan uses without --config are the schema's: an empty file and no file give the same config", () => {
  // A scan without --config takes defaultConfig() and never loads the schema (zod): the two must agree.
  assert.deepEqual(DetectConfigSchema.parse({}), defaultConfig());
  withFile("{}\n", (path) => assert.deepEqual(loadConfig(path), loadConfig()));
  withFile("cpu: { thresholdPct: 90 }\n", (path) => {
    const config = loadConfig(path);
    assert.deepEqual(config.cpu, { ...defaultConfig().cpu, thresholdPct: 90 });
    assert.deepEqual(config.gpu, defaultConfig().gpu);
  });
  // Each call is a fresh copy: a caller that changes its config changes nobody else's.
  const mine = defaultConfig();
  mine.allowlist.domains.push("example.com");
  mine.cpu.thresholdPct = 1;
  assert.deepEqual(defaultConfig().allowlist.domains, []);
  assert.equal(DetectConfigSchema.parse({}).cpu.thresholdPct, 80);
});
