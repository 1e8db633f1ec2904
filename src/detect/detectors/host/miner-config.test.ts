import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import type { Event } from "../../../model/index.js";
import { runDetector, sharedFixture, testIntel } from "../../../test-helpers/index.js";
import { minerConfigDetector } from "./miner-config.js";

const XMR = "44AFFtB4nLqvK7GBTt8m5QgiL1DPzWHrNL2ZK1Ze3vH6o2E5xSbXdyw7Zq3p4nkrQGdEcXr6cJbGDzBUx5oG4tFvH9MW3XE";

/** A miner.config event with the fields docs/events.md names (Collected files). */
function config(fields: Record<string, string | number | string[]>): Event {
  return {
    "event.dataset": "miner.config", "event.category": ["configuration"], "event.kind": "state",
    "log.file.path": "/cases/web-01/root/.xmrig/config.json", "minerhunt.line": 1, "file.path": "/root/.xmrig/config.json", "host.name": "web-01",
    ...fields,
  };
}

test("XMRig's own default config.json (shared fixture): a miner config pointing at the donation pool", (t) => {
  const path = sharedFixture(t, "miner-configs/xmrig-default-src-config.json");
  if (!path) return;
  const json = JSON.parse(readFileSync(path, "utf8")) as Record<string, unknown> & { pools: { url: string; user: string }[]; "donate-level": number };
  const intel = testIntel();
  // The fields a miner.config source fills from this file.
  const event = config({
    "log.file.path": path,
    "url.original": json.pools.map((p) => p.url),
    "minerhunt.miner.pools": json.pools.map((p) => p.url),
    "minerhunt.miner.wallets": json.pools.map((p) => p.user),
    "minerhunt.miner.donate_level": json["donate-level"],
    "minerhunt.miner.config_keys": Object.keys(json).filter((k) => intel.minerConfigKeys.includes(k)),
    "minerhunt.miner.family": "xmrig",
  });
  const [f, ...rest] = runDetector(minerConfigDetector, [event]);
  assert.equal(rest.length, 0);
  assert.ok(f);
  assert.equal(f.confidence, 0.85);
  assert.equal(f.facts?.["miner.donate_level"], 1);
  assert.equal(f.facts?.["miner.name"], "xmrig");
  assert.equal(f.facts?.["miner.wallets"], 0, "YOUR_WALLET_ADDRESS is a placeholder, not a wallet");
  assert.deepEqual(f.entities.pools, ["donate.v2.xmrig.com"]);
  assert.ok(f.observables.some((o) => o.type === "domain" && o.value === "donate.v2.xmrig.com"));
  assert.ok(f.observables.some((o) => o.type === "port" && o.value === "3333"));
  assert.deepEqual([f.evidence[0]?.file, f.evidence[0]?.line], [path, 1]);
});

test("a configured miner: known pool and a real wallet shape", () => {
  const [f] = runDetector(minerConfigDetector, [config({
    "minerhunt.miner.pools": ["gulf.moneroocean.stream:10128"], "minerhunt.miner.wallets": [XMR],
    "minerhunt.miner.donate_level": 0, "minerhunt.miner.config_keys": ["pools", "randomx", "cpu", "donate-level"], "minerhunt.miner.family": "xmrig",
  })]);
  assert.equal(f?.confidence, 0.9);
  assert.equal(f?.facts?.["pool.label"], "MoneroOcean");
  assert.ok(f?.observables.some((o) => o.type === "wallet" && o.value === XMR));
  assert.equal(f?.severity, "high");
});

test("weaker shapes: donate-level alone, keys alone; nothing of a miner, no finding", () => {
  assert.equal(runDetector(minerConfigDetector, [config({ "minerhunt.miner.donate_level": 0, "minerhunt.miner.config_keys": ["donate-level"] })])[0]?.confidence, 0.6);
  assert.equal(runDetector(minerConfigDetector, [config({ "minerhunt.miner.config_keys": ["randomx", "cpu", "opencl"] })])[0]?.confidence, 0.5);
  assert.equal(runDetector(minerConfigDetector, [config({ "minerhunt.miner.config_keys": ["cpu"] })])[0]?.confidence, 0.35);
  // A local proxy (127.0.0.1) is no pool; unknown keys mean nothing; a donate-level of 5 is XMRig's default-ish, not abuse.
  assert.equal(runDetector(minerConfigDetector, [config({ "minerhunt.miner.pools": ["127.0.0.1:3333"], "minerhunt.miner.config_keys": ["colors", "title"], "minerhunt.miner.donate_level": 5 })]).length, 0);
});

test("routing: only dataset miner.config", () => {
  const other = { ...config({ "minerhunt.miner.pools": ["pool.supportxmr.com:3333"] }), "event.dataset": "linux.crontab" };
  assert.equal(runDetector(minerConfigDetector, [other]).length, 0);
});
