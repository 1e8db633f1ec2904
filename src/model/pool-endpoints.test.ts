import { test } from "node:test";
import assert from "node:assert/strict";
import type { FindingDraft } from "./finding.js";
import { factKey } from "./finding.js";
import { poolCounterpart, splitEndpoint } from "./pool-endpoints.js";

/** A draft as the pool-connection detector writes one for a flow from 10.1.2.3 to `endpoint`. */
function flowDraft(endpoint: string, key = "port", extra: Partial<FindingDraft> = {}): FindingDraft {
  const e = splitEndpoint(endpoint);
  return {
    rule: { id: "minerhunt.network.pool-connection", name: "Connection to a mining pool", kind: "detector" },
    title: `Connection to miner port ${endpoint} from 10.1.2.3`, trigger: "network", severity: "informational", confidence: 0.15,
    firstSeen: "2026-11-20T03:00:00.000Z", lastSeen: "2026-11-20T03:00:00.000Z",
    entities: { ips: ["10.1.2.3"], pools: [endpoint] },
    observables: [{ type: "ip", value: e?.host ?? endpoint }, ...(e?.port ? [{ type: "port" as const, value: e.port }] : [])],
    evidence: [{ file: "conn.log", line: 1 }], key, ...extra,
  };
}

test("endpoints are addresses (with or without a port, IPv6 in brackets); names are not", () => {
  assert.deepEqual(splitEndpoint("185.71.66.20:14444"), { host: "185.71.66.20", port: "14444" });
  assert.deepEqual(splitEndpoint("[2001:db8::7]:3333"), { host: "2001:db8::7", port: "3333" });
  assert.deepEqual(splitEndpoint("203.0.113.9"), { host: "203.0.113.9" });
  assert.deepEqual(splitEndpoint("2001:db8::7"), { host: "2001:db8::7" });
  assert.equal(splitEndpoint("xmr-eu1.nanopool.org"), undefined);
  assert.equal(splitEndpoint("pool.example:3333"), undefined, "a name with a port is still a name");
  assert.equal(splitEndpoint("[not-an-ip]:3333"), undefined);
});

test("one fact per subject, rule and class for unnamed endpoints; per domain for a named pool; host findings keep their keys", () => {
  const a = factKey(flowDraft("203.0.113.10:3333"));
  assert.equal(factKey(flowDraft("203.0.113.10:14444")), a, "another port of the same address: the same pool");
  assert.equal(factKey(flowDraft("198.51.100.7:3333")), a, "another unnamed address of the same class: the same fact");
  assert.notEqual(factKey(flowDraft("198.51.100.7:3333", "shape")), a, "pool-shaped sessions stay apart from a port alone");
  assert.notEqual(factKey({ ...flowDraft("198.51.100.7:3333"), entities: { ips: ["10.1.2.4"], pools: ["198.51.100.7:3333"] } }), a, "another subject");

  const named = (endpoint: string, domain: string) => {
    const d = flowDraft(endpoint, "dns-same-client");
    d.entities.pools = [endpoint, domain];
    d.observables.push({ type: "domain", value: domain });
    return factKey(d);
  };
  assert.equal(named("185.71.66.20:14444", "xmr-eu1.nanopool.org"), named("185.71.66.21:3333", "xmr-eu1.nanopool.org"));
  assert.notEqual(named("185.71.66.20:14444", "xmr-eu1.nanopool.org"), named("185.71.66.20:14444", "zec-eu1.nanopool.org"));

  // A command line naming a pool address is host evidence: its fact is still the whole command.
  const host = (endpoint: string) => factKey({ ...flowDraft(endpoint), trigger: "host" });
  assert.notEqual(host("203.0.113.10:3333"), host("198.51.100.7:3333"));
  assert.equal(poolCounterpart({ trigger: "host", entities: { pools: ["203.0.113.10:3333"] } }), undefined);
});

test("a wallet or agent seen beside the endpoints stays part of the fact", () => {
  const withWallet = (endpoint: string, wallet: string) => {
    const d = flowDraft(endpoint, "stratum:cryptonote:0.95");
    d.observables.push({ type: "wallet", value: wallet });
    return factKey(d);
  };
  assert.equal(withWallet("203.0.113.10:3333", "W1"), withWallet("198.51.100.7:14444", "W1"));
  assert.notEqual(withWallet("203.0.113.10:3333", "W1"), withWallet("203.0.113.10:3333", "W2"));
});
