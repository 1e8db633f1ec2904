import { test } from "node:test";
import assert from "node:assert/strict";
import { stringify } from "yaml";
import { cidrContains, poolBlockPolicies, poolCidr, reopenedPools } from "./kubernetes.js";

test("pool addresses become /32 and /128 CIDRs; ports, brackets and duplicates are handled", () => {
  const out = poolBlockPolicies({ namespace: "prod", addresses: ["198.51.100.23:3333", "198.51.100.23", "[2001:DB8:5::23]:14444", "203.0.113.0/24"] });
  assert.deepEqual(out.v4, ["198.51.100.23/32", "203.0.113.0/24"]);
  assert.deepEqual(out.v6, ["2001:db8:5::23/128"]);
  assert.deepEqual(out.rejected, []);
});

test("hostile, private and over-broad values are refused, never emitted", () => {
  const hostile = ["10.1.2.3", "127.0.0.1:3333", "169.254.169.254", "fd00::1", "0.0.0.0/0", "8.0.0.0/8", "1.2.3.4/33", "1.2.3.4\n- evil", "pool.example.com", "1.2.3.4/x"];
  const out = poolBlockPolicies({ namespace: "prod", addresses: hostile });
  assert.deepEqual(out.v4, []);
  assert.deepEqual(out.v6, []);
  assert.equal(out.rejected.length, hostile.length);
  const text = JSON.stringify(out.networkPolicy);
  assert.ok(!text.includes("evil") && !text.includes("10.1.2.3") && !text.includes("169.254"));
  assert.deepEqual(poolCidr("8.0.0.0/8"), { reason: "prefix too broad to be a pool" });
});

test("the NetworkPolicy allows all egress except the pools, plus every cluster pod and DNS; it never cuts all egress", () => {
  const { networkPolicy } = poolBlockPolicies({ namespace: "batch", addresses: ["198.51.100.23"], domains: ["pool.supportxmr.com"], incident: "inc-1" });
  assert.deepEqual(networkPolicy, {
    apiVersion: "networking.k8s.io/v1",
    kind: "NetworkPolicy",
    metadata: {
      name: "minerhunt-block-pools", namespace: "batch", labels: { "app.kubernetes.io/managed-by": "minerhunt" },
      annotations: {
        "minerhunt.io/why": "Blocks egress to mining pool addresses only; every other destination stays allowed.",
        "minerhunt.io/incident": "inc-1",
        "minerhunt.io/pool-domains-not-blocked-here": "pool.supportxmr.com",
      },
    },
    spec: {
      podSelector: {},
      policyTypes: ["Egress"],
      egress: [
        { to: [{ ipBlock: { cidr: "0.0.0.0/0", except: ["198.51.100.23/32"] } }, { ipBlock: { cidr: "::/0" } }] },
        { to: [{ namespaceSelector: {} }] },
        {
          to: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "kube-system" } }, podSelector: { matchLabels: { "k8s-app": "kube-dns" } } }],
          ports: [{ protocol: "UDP", port: 53 }, { protocol: "TCP", port: 53 }],
        },
      ],
    },
  });
  // The emitted policy does not re-open its own pools (only the except'ed rule covers them).
  assert.deepEqual(reopenedPools(networkPolicy, ["198.51.100.23/32"]), []);
  assert.ok(stringify(networkPolicy).includes("except:"));
});

test("the Cilium policy denies the pools (deny wins over other allows) and allows the rest", () => {
  const { ciliumNetworkPolicy } = poolBlockPolicies({ namespace: "prod", addresses: ["198.51.100.23", "2001:db8:5::23"] });
  assert.equal(ciliumNetworkPolicy["apiVersion"], "cilium.io/v2");
  assert.deepEqual(ciliumNetworkPolicy["spec"], { endpointSelector: {}, egress: [{ toEntities: ["all"] }], egressDeny: [{ toCIDR: ["198.51.100.23/32", "2001:db8:5::23/128"] }] });
});

test("reopenedPools: allow-all rules and covering ipBlocks re-open; excepted or ingress-only ones do not", () => {
  const pools = ["198.51.100.23/32", "2001:db8:5::23/128"];
  assert.deepEqual(reopenedPools({ spec: { policyTypes: ["Egress"], egress: [{}] } }, pools), pools);
  assert.deepEqual(reopenedPools({ spec: { policyTypes: ["Egress"], egress: [{ to: [{ ipBlock: { cidr: "198.51.100.0/24" } }] }] } }, pools), ["198.51.100.23/32"]);
  assert.deepEqual(reopenedPools({ spec: { policyTypes: ["Egress"], egress: [{ to: [{ ipBlock: { cidr: "0.0.0.0/0", except: ["198.51.100.0/24"] } }] }] } }, pools), []);
  assert.deepEqual(reopenedPools({ spec: { policyTypes: ["Ingress"], ingress: [{}] } }, pools), []);
  assert.deepEqual(reopenedPools({ spec: { policyTypes: ["Egress"], egress: [{ to: [{ podSelector: {} }] }] } }, pools), []);
  assert.equal(cidrContains("::/0", "2001:db8:5::23/128"), true);
  assert.equal(cidrContains("2001:db8::/32", "2001:db9::1/128"), false);
  assert.equal(cidrContains("0.0.0.0/0", "2001:db8::1/128"), false);
});
