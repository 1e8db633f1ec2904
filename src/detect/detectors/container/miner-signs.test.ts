import { test } from "node:test";
import assert from "node:assert/strict";
import { testIntel } from "../../../test-helpers/index.js";
import { commandWords, minerSigns } from "./miner-signs.js";

const intel = testIntel();

test("miner names anywhere in a shell command, schemes and flags", () => {
  const signs = minerSigns(intel, { commandLine: "sh -c 'cd /tmp;./XMRig --url=stratum+ssl://gulf.moneroocean.stream:20128 --donate-level=0'" });
  assert.deepEqual(signs.map((s) => `${s.kind}:${s.value}`), ["miner-name:xmrig", "stratum-scheme:stratum+ssl://", "miner-arg:--donate-level"]);
  assert.equal(signs[0]!.miner, "xmrig");
});

test("process name and executable path", () => {
  assert.equal(minerSigns(intel, { processName: "ethminer" })[0]?.miner, "ethminer");
  assert.equal(minerSigns(intel, { executable: "/var/tmp/.cache/cpuminer-multi" })[0]?.value, "cpuminer-multi");
});

test("traps: look-alikes and ordinary commands", () => {
  for (const commandLine of [
    "nginx -g daemon off;",
    "/xmrig-exporter --url http://xmrig:8080",
    "ntpd -p pool.ntp.org",
    "python3 -m determining_mining_stats",
    "java -jar app.jar --server.port=3333",
  ]) assert.deepEqual(minerSigns(intel, { commandLine }), [], commandLine);
});

test("command words are bounded", () => {
  const words = commandWords("a ".repeat(100_000));
  assert.equal(words.length, 256);
});
