import { test } from "node:test";
import assert from "node:assert/strict";
import type { Event } from "../../../model/index.js";
import { WEAK_CONFIDENCE } from "../../../model/index.js";
import { runDetector } from "../../../test-helpers/index.js";
import { masqueradeDetector } from "./masquerade.js";

/** ps auxww as the ps source writes it: name from the command column, kernel threads in brackets. */
function ps(line: number, fields: Record<string, string | number | boolean>): Event {
  return {
    "event.dataset": "ps", "event.category": ["process"], "event.kind": "state",
    "log.file.path": "/cases/db-02/ps_auxww.txt", "minerhunt.line": line, "host.name": "db-02", ...fields,
  };
}

test("traps: real kernel threads are not masquerades (ps brackets, osquery empty path and cmdline)", () => {
  const events = [
    ps(2, { "process.pid": 37, "process.name": "kworker/0:1", "process.command_line": "[kworker/0:1]", "minerhunt.process.kernel_thread": true, "minerhunt.process.cpu_pct": 0.0 }),
    ps(3, { "process.pid": 52, "process.name": "kswapd0", "process.command_line": "[kswapd0]", "minerhunt.process.kernel_thread": true }),
    ps(4, { "event.dataset": "osquery.processes", "process.pid": 9, "process.name": "kworker/u8:2-events", "process.executable": "", "process.command_line": "" }),
    ps(5, { "process.pid": 812, "process.name": "sshd", "process.executable": "/usr/sbin/sshd", "process.command_line": "/usr/sbin/sshd -D" }),
  ];
  assert.deepEqual(runDetector(masqueradeDetector, events).map((f) => f.title), []);
});

test("a kernel-thread name with a file on disk in a drop directory", () => {
  const [f] = runDetector(masqueradeDetector, [ps(9, {
    "event.dataset": "osquery.processes", "process.pid": 31337, "process.name": "kswapd0",
    "process.executable": "/tmp/.X11-unix/kswapd0", "process.command_line": "/tmp/.X11-unix/kswapd0 -c /tmp/.X11-unix/config.json",
  })]);
  assert.ok(f);
  assert.equal(f.confidence, 0.75);
  assert.equal(f.facts?.["masquerade.name"], "kswapd0");
  assert.equal(f.facts?.["drop.path"], "/tmp/.X11-unix/kswapd0");
  assert.deepEqual(f.evidence.map((e) => [e.file, e.line]), [["/cases/db-02/ps_auxww.txt", 9]]);
  assert.ok(f.observables.some((o) => o.type === "file" && o.value === "/tmp/.X11-unix/kswapd0"));
  assert.ok(f.mitre.includes("T1036.005"));
});

test("brackets faked by a userland process: the source says it is not a kernel thread", () => {
  const [f] = runDetector(masqueradeDetector, [ps(4, { "process.name": "[kworker/0:0]", "process.command_line": "[kworker/0:0]", "minerhunt.process.kernel_thread": false })]);
  assert.equal(f?.confidence, 0.65);
  // A kernel-thread name with arguments of its own.
  const [g] = runDetector(masqueradeDetector, [ps(5, { "process.name": "kthreadd", "process.command_line": "kthreadd -B --threads 8" })]);
  assert.equal(g?.confidence, 0.65);
});

test("campaign names: kdevtmpfsi (Kinsing), a campaign binary run from a shell", () => {
  const [k] = runDetector(masqueradeDetector, [ps(6, { "process.name": "kdevtmpfsi", "process.executable": "/tmp/kdevtmpfsi", "process.command_line": "/tmp/kdevtmpfsi" })]);
  assert.equal(k?.confidence, 0.9);
  assert.equal(k?.facts?.["campaign.process"], "kdevtmpfsi");
  const [s] = runDetector(masqueradeDetector, [ps(7, { "process.name": "bash", "process.command_line": "bash -c /var/tmp/sysupdate >/dev/null 2>&1" })]);
  assert.equal(s?.facts?.["campaign.process"], "sysupdate");
  assert.equal(s?.confidence, 0.9, "campaign name + drop directory");
});

test("a drop directory alone is weak: it supports, it never opens an incident", () => {
  const [f] = runDetector(masqueradeDetector, [ps(8, { "process.name": "main", "process.executable": "/tmp/go-build2231/b001/exe/main", "process.command_line": "/tmp/go-build2231/b001/exe/main" })]);
  assert.ok(f);
  assert.ok(f.confidence < WEAK_CONFIDENCE);
  // /tmp itself is not a program.
  assert.equal(runDetector(masqueradeDetector, [ps(9, { "process.name": "tmpreaper", "process.executable": "/usr/sbin/tmpreaper", "process.command_line": "tmpreaper 24h /tmp/" })]).length, 0);
});

test("Falco alerts are not read here", () => {
  assert.equal(runDetector(masqueradeDetector, [ps(1, { "event.dataset": "falco.alerts", "process.name": "kdevtmpfsi", "process.executable": "/tmp/kdevtmpfsi" })]).length, 0);
});

test("routing: process records only", () => {
  const conf: Event = { ...ps(1, { "process.name": "kdevtmpfsi", "process.executable": "/tmp/kdevtmpfsi" }), "event.dataset": "linux.crontab", "event.category": ["configuration"] };
  assert.equal(runDetector(masqueradeDetector, [conf]).length, 0);
});
