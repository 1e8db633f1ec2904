import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { parseWith, sharedFixture, sniffWith } from "../../test-helpers/index.js";
import { falcoSeverity, falcoSource } from "./falco.js";

// Alerts as Falco prints them with json_output: true (one per line). The output_fields are the
// fields the rule's output format names, as Falco fills them.
const stratum = {
  hostname: "worker-2",
  output: "2026-11-20T03:44:12.123456789+0000: Critical Possible miner running (command=xmrig -o stratum+tcp://pool.supportxmr.com:3333 -u 4AbCdEf -p x --donate-level=1 pid=30512 container=miner image=docker.io/minerhub/xmrig) container_id=3ad7b26ded6d container_image=docker.io/minerhub/xmrig container_image_tag=6.21.0 container_name=miner k8s_ns=default k8s_pod_name=miner-7d9c5b6f4-x2k8q",
  priority: "Critical",
  rule: "Detect crypto miners using the Stratum protocol",
  source: "syscall",
  tags: ["T1496", "maturity_sandbox", "mitre_impact", "process"],
  time: "2026-11-20T03:44:12.123456789Z",
  output_fields: {
    "container.id": "3ad7b26ded6d",
    "container.image.repository": "docker.io/minerhub/xmrig",
    "container.image.tag": "6.21.0",
    "container.name": "miner",
    "evt.time": 1795153452123456768,
    "k8s.ns.name": "default",
    "k8s.pod.name": "miner-7d9c5b6f4-x2k8q",
    "proc.cmdline": "xmrig -o stratum+tcp://pool.supportxmr.com:3333 -u 4AbCdEf -p x --donate-level=1",
    "proc.pid": 30512,
  },
};

const poolPort = {
  hostname: "worker-2",
  output: "2026-11-20T03:44:13.000511002+0000: Critical Outbound connection to IP/Port flagged by https://cryptoioc.ch (command=xmrig -o 198.51.100.7:3333 pid=30512 port=3333 ip=198.51.100.7 container=miner image=docker.io/minerhub/xmrig)",
  priority: "Critical",
  rule: "Detect outbound connections to common miner pool ports",
  source: "syscall",
  tags: ["T1496", "maturity_sandbox", "mitre_impact", "network"],
  time: "2026-11-20T03:44:13.000511002Z",
  output_fields: {
    "container.id": "3ad7b26ded6d",
    "container.image.repository": "docker.io/minerhub/xmrig",
    "container.name": "miner",
    "evt.time": 1795153453000510976,
    "fd.rip": "198.51.100.7",
    "fd.rport": 3333,
    "proc.cmdline": "xmrig -o 198.51.100.7:3333",
    "proc.pid": 30512,
  },
};

// A host process (no container): Falco fills container.id with "host" and the rest with <NA>.
const hostShell = {
  hostname: "bastion-1",
  output: "2026-11-20T03:50:00.000000001+0000: Notice Shell spawned by untrusted binary (parent_exe=/tmp/.x/kswapd0 parent_exepath=/tmp/.x/kswapd0 pcmdline=kswapd0 gparent=systemd evt_type=execve user=root user_uid=0 user_loginuid=-1 process=sh proc_exepath=/usr/bin/dash parent=kswapd0 command=sh -c crontab -r terminal=0 exe_flags=0 container_id=host container_name=host)",
  priority: "Notice",
  rule: "Run shell untrusted",
  source: "syscall",
  tags: ["T1059.004", "host", "maturity_stable", "mitre_execution", "process", "shell"],
  time: "2026-11-20T03:50:00.000000001Z",
  output_fields: {
    "container.id": "host",
    "container.name": "host",
    "container.image.repository": "<NA>",
    "evt.type": "execve",
    "proc.cmdline": "sh -c crontab -r",
    "proc.exepath": "/usr/bin/dash",
    "proc.name": "sh",
    "proc.pcmdline": "kswapd0",
    "proc.pexe": "/tmp/.x/kswapd0",
    "proc.pname": "kswapd0",
    "user.name": "root",
    "user.uid": 0,
  },
};

test("the Stratum rule's alert: command line, container, pod and namespace", async () => {
  const text = [stratum, poolPort, hostShell].map((a) => JSON.stringify(a)).join("\n") + "\n";
  assert.equal(await sniffWith(falcoSource, text, "falco.json"), 0.95);
  const { events, issues } = await parseWith(falcoSource, text, "falco.json");
  assert.deepEqual(issues, []);
  assert.equal(events.length, 3);
  const e = events[0]!;
  assert.equal(e["event.dataset"], "falco.alerts");
  assert.equal(e["event.kind"], "alert");
  assert.equal(e["minerhunt.format"], "falco.alerts");
  assert.equal(e["minerhunt.line"], 1);
  assert.equal(e["rule.name"], "Detect crypto miners using the Stratum protocol");
  assert.equal(e["minerhunt.alert.severity"], "critical");
  assert.equal(e.message, stratum.output);
  assert.equal(e["@timestamp"], "2026-11-20T03:44:12.123Z");
  assert.equal(e["host.name"], "worker-2");
  assert.equal(e["process.command_line"], "xmrig -o stratum+tcp://pool.supportxmr.com:3333 -u 4AbCdEf -p x --donate-level=1");
  assert.equal(e["process.name"], "xmrig", "proc.cmdline starts with proc.name");
  assert.equal(e["process.pid"], 30512);
  assert.equal(e["container.id"], "3ad7b26ded6d");
  assert.equal(e["container.name"], "miner");
  assert.equal(e["container.image.name"], "docker.io/minerhub/xmrig");
  assert.equal(e["container.image.tag"], "6.21.0");
  assert.equal(e["orchestrator.namespace"], "default");
  assert.equal(e["orchestrator.resource.name"], "miner-7d9c5b6f4-x2k8q");
  assert.deepEqual(e["threat.technique.id"], ["T1496"]);
  assert.deepEqual(e.tags, stratum.tags);
});

test("network fields: the remote end is the destination", async () => {
  const { events } = await parseWith(falcoSource, JSON.stringify(poolPort), "falco.json");
  assert.equal(events[0]!["destination.ip"], "198.51.100.7");
  assert.equal(events[0]!["destination.port"], 3333);
  const fdName = { ...poolPort, output_fields: { "fd.name": "10.244.1.17:43822->198.51.100.7:3333", "fd.type": "ipv4", "fd.l4proto": "tcp", "proc.name": "xmrig" } };
  const { events: e2 } = await parseWith(falcoSource, JSON.stringify(fdName), "falco.json");
  assert.equal(e2[0]!["destination.ip"], "198.51.100.7");
  assert.equal(e2[0]!["destination.port"], 3333);
  assert.equal(e2[0]!["source.ip"], "10.244.1.17");
  assert.equal(e2[0]!["network.transport"], "tcp");
});

test("a host process: no container fields, <NA> dropped, parent kept", async () => {
  const { events } = await parseWith(falcoSource, JSON.stringify(hostShell), "falco.json");
  const e = events[0]!;
  assert.equal(e["container.id"], undefined);
  assert.equal(e["container.image.name"], undefined);
  assert.equal(e["process.name"], "sh");
  assert.equal(e["process.executable"], "/usr/bin/dash");
  assert.equal(e["process.parent.name"], "kswapd0");
  assert.equal(e["process.parent.executable"], "/tmp/.x/kswapd0");
  assert.equal(e["event.action"], "execve");
  assert.equal(e["user.name"], "root");
  assert.equal(e["minerhunt.alert.severity"], "low");
});

test("falcosidekick payloads (with uuid) and a bad line in between", async () => {
  const sidekick = { ...stratum, uuid: "5c1b6a2e-8f3d-4e7a-9b0c-1d2e3f4a5b6c" };
  const text = JSON.stringify(sidekick) + "\n{\"rule\": 5, \"output\": \"x\", \"priority\": \"Critical\"}\n{oops\n" + JSON.stringify(stratum) + "\n";
  const { events, issues } = await parseWith(falcoSource, text, "sidekick.json");
  assert.equal(events.length, 2);
  assert.equal(events[0]!["event.id"], "5c1b6a2e-8f3d-4e7a-9b0c-1d2e3f4a5b6c");
  assert.equal(events[1]!["minerhunt.line"], 4);
  assert.deepEqual(issues.map((i) => i.line), [2, 3]);
});

test("priorities map onto the alert scale", () => {
  assert.deepEqual(["Emergency", "ALERT", "Critical", "Error", "Warning", "Notice", "Informational", "Debug", "weird"].map(falcoSeverity),
    ["critical", "critical", "critical", "high", "medium", "low", "low", "low", undefined]);
});

test("sniffing: other JSON is not Falco", async (t) => {
  assert.equal(await sniffWith(falcoSource, '{"output": "x"}\n'), 0);
  assert.equal(await sniffWith(falcoSource, '{"kind":"Event","apiVersion":"audit.k8s.io/v1","auditID":"x","verb":"get"}\n'), 0);
  const gd = sharedFixture(t, "cloud-findings/guardduty-sample-CryptoCurrency-Runtime-BitcoinTool.B.json");
  if (gd) assert.equal(await sniffWith(falcoSource, readFileSync(gd)), 0);
});
