import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { hintsFor } from "./input-hints.js";
import { ConfigError, loadConfig } from "./config.js";

test("hints per file: config inputs by file name or path glob, first match, over the --metric default", () => {
  const inputs = [
    { match: "*gpu*.json", metric: "gpu" as const },
    { match: "exports/prom/*", metric: "cpu-ratio" as const },
  ];
  assert.deepEqual(hintsFor("/data/dcgm-gpu-avg.json", "cpu", inputs), { metric: "gpu" });
  assert.deepEqual(hintsFor("exports/prom/by-instance.json", undefined, inputs), { metric: "cpu-ratio" });
  assert.deepEqual(hintsFor("other.json", "cpu", inputs), { metric: "cpu" }, "the command line's default");
  assert.equal(hintsFor("other.json", undefined, inputs), undefined);
});

test("config: inputs[].metric is checked; a wrong value names the file and line", () => {
  const dir = mkdtempSync(join(tmpdir(), "mh-hints-"));
  try {
    const good = join(dir, "good.yaml");
    writeFileSync(good, "inputs:\n  - { match: \"*-gpu.json\", metric: gpu }\n");
    assert.deepEqual(loadConfig(good).inputs, [{ match: "*-gpu.json", metric: "gpu" }]);
    const bad = join(dir, "bad.yaml");
    writeFileSync(bad, "cpu:\n  thresholdPct: 80\ninputs:\n  - match: \"*.json\"\n    metric: memory\n");
    assert.throws(() => loadConfig(bad), (e: unknown) => e instanceof ConfigError && /bad\.yaml:5: inputs\.0\.metric/.test(e.message));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
