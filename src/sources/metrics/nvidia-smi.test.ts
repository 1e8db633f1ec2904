import { test } from "node:test";
import assert from "node:assert/strict";
import { parseWith, sniffWith } from "../../test-helpers/index.js";
import { nvidiaSmiSource } from "./nvidia-smi.js";

// nvidia-smi --query-gpu=timestamp,name,index,utilization.gpu,memory.used,power.draw --format=csv -l 60
const WITH_UNITS = `timestamp, name, index, utilization.gpu [%], memory.used [MiB], power.draw [W]
2026/11/20 03:14:07.512, NVIDIA A100-SXM4-40GB, 0, 100 %, 38012 MiB, 312.45 W
2026/11/20 03:14:07.513, NVIDIA A100-SXM4-40GB, 1, 0 %, 4 MiB, [N/A]
`;

test("nvidia-smi CSV with units: one event per GPU per sample", async () => {
  const { events, issues } = await parseWith(nvidiaSmiSource, WITH_UNITS, "gpu.csv");
  assert.deepEqual(issues, []);
  assert.deepEqual(events[0], {
    "event.dataset": "nvidia_smi",
    "event.category": ["host"],
    "event.kind": "metric",
    "log.file.path": "gpu.csv",
    "minerhunt.format": "nvidia_smi",
    "minerhunt.line": 2,
    "@timestamp": "2026-11-20T03:14:07.512Z",
    "minerhunt.gpu.name": "NVIDIA A100-SXM4-40GB",
    "minerhunt.gpu.index": 0,
    "minerhunt.gpu.utilization": 100,
    "minerhunt.gpu.memory_used_mib": 38012,
    "minerhunt.gpu.power_w": 312.45,
  });
  assert.equal(events[1]!["minerhunt.gpu.power_w"], undefined, "[N/A] is a missing reading, not an error");
});

test("nvidia-smi --format=csv,nounits", async () => {
  const text = "timestamp, name, index, utilization.gpu, memory.used, power.draw\n2026/11/20 03:14:07.512, Tesla T4, 0, 97, 2000, 68.51\n";
  const { events, issues } = await parseWith(nvidiaSmiSource, text);
  assert.deepEqual(issues, []);
  assert.equal(events[0]!["minerhunt.gpu.utilization"], 97);
  assert.equal(events[0]!["minerhunt.gpu.power_w"], 68.51);
});

test("a bad value is an issue naming line and column; a bad timestamp skips the row", async () => {
  const text = "timestamp, name, index, utilization.gpu [%]\n2026/11/20 03:14:07.512, Tesla T4, 0, lots %\nyesterday, Tesla T4, 0, 50 %\n2026/11/20 03:15:07.512, Tesla T4, 0, 50 %\n";
  const { events, issues } = await parseWith(nvidiaSmiSource, text);
  assert.deepEqual(issues.map((i) => i.line), [2, 3]);
  assert.equal(issues[0]!.message, 'line 2, column "utilization.gpu [%]": expected a number, got "lots %"');
  assert.deepEqual(events.map((e) => e["minerhunt.line"]), [4]);
});

test("sniff: nvidia-smi headers, with or without units", async () => {
  assert.ok(await sniffWith(nvidiaSmiSource, WITH_UNITS) >= 0.95);
  assert.ok(await sniffWith(nvidiaSmiSource, "index, utilization.gpu\n0, 5\n") >= 0.95);
  assert.equal(await sniffWith(nvidiaSmiSource, "timestamp,host,cpu\n2026-11-20T03:00:00Z,web01,97\n"), 0);
});
