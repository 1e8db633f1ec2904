import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { parseFileWith, parseWith, sharedFixture, sniffWith } from "../../../test-helpers/index.js";
import { psSource } from "../ps.js";
import { topSource } from "./source.js";

// An interactive top screen pasted into a ticket (procps-ng 3.3 layout, default fields), with the shell
// prompt it was run from and a last row cut where the terminal selection ended.
const TICKET = [
  "[root@wazuh-manager ~]# top",
  "top - 03:14:07 up 41 days,  2:11,  1 user,  load average: 4.12, 4.08, 3.97",
  "Tasks: 187 total,   2 running, 185 sleeping,   0 stopped,   0 zombie",
  "%Cpu(s): 99.2 us,  0.6 sy,  0.0 ni,  0.0 id,  0.0 wa,  0.0 hi,  0.2 si,  0.0 st",
  "MiB Mem :   7821.4 total,    412.3 free,   3120.8 used,   4288.3 buff/cache",
  "MiB Swap:   2048.0 total,   2040.0 free,      8.0 used.   4301.0 avail Mem ",
  "",
  "    PID USER      PR  NI    VIRT    RES    SHR S  %CPU  %MEM     TIME+ COMMAND",
  "  31337 wazuh     20   0 2436112 2.301g   3012 S 396.0  30.1   8812:01 xmrig",
  "   1022 wazuh     20   0 1285640 412448  21264 S   2.0   5.2  91:12.33 wazuh-analysisd",
  "      2 root      20   0       0      0      0 S   0.0   0.0   0:00.41 kthreadd",
  "   4242 root      20   0  2436",
].join("\n");

test("top: a pasted screen gives one process event per row, host from the prompt, and reports the cut row", async () => {
  const { events, issues } = await parseWith(topSource, TICKET, "ticket-4711/top.txt");
  assert.equal(events.length, 3);
  assert.deepEqual(events[0], {
    "event.dataset": "top",
    "event.category": ["process"],
    "event.kind": "state",
    "log.file.path": "ticket-4711/top.txt",
    "minerhunt.format": "top",
    "minerhunt.line": 9,
    "process.pid": 31337,
    "user.name": "wazuh",
    "minerhunt.process.cpu_pct": 396,
    "minerhunt.process.mem_pct": 30.1,
    "process.name": "xmrig",
    "host.name": "wazuh-manager",
    "minerhunt.top.clock": "03:14:07",
    "minerhunt.top.frame": 1,
  });
  assert.equal(issues.length, 1);
  assert.equal(issues[0]!.line, 12);
  assert.match(issues[0]!.message, /screen cut\?/);
});

test("top -c: COMMAND is the command line; [name] with no memory is a kernel thread, with memory it is not", async () => {
  const screen = [
    "top - 03:14:07 up 41 days,  2:11,  1 user,  load average: 4.12, 4.08, 3.97",
    "",
    "    PID USER      PR  NI    VIRT    RES    SHR S  %CPU  %MEM     TIME+ COMMAND",
    "  31337 www-data  20   0 2436112  98304   3012 S 199.7   1.2  12:01.33 /tmp/.x/kworker -o pool.minexmr.com:4444 -u 44AFFq5k --donate-level 1",
    "     57 root      20   0       0      0      0 I   0.0   0.0   0:01.02 [kworker/0:1-events]",
    "   6666 nobody    20   0  612332  40960   2048 S  98.0   0.5   3:01.00 [kworker/0:2]",
  ].join("\n");
  const { events, issues } = await parseWith(topSource, screen);
  assert.deepEqual(issues, []);
  assert.equal(events[0]!["process.command_line"], "/tmp/.x/kworker -o pool.minexmr.com:4444 -u 44AFFq5k --donate-level 1");
  assert.equal(events[0]!["process.executable"], "/tmp/.x/kworker");
  assert.equal(events[0]!["process.name"], "kworker");
  assert.equal(events[1]!["minerhunt.process.kernel_thread"], true);
  assert.equal(events[1]!["process.name"], "kworker/0:1-events");
  assert.equal(events[2]!["minerhunt.process.kernel_thread"], false, "a [kworker] with 40 MB resident is no kernel thread");
});

interface JcFrame { processes: { pid: number; user: string; percent_cpu: number; percent_mem: number; command: string }[] }

test("top -b -n1 (jc's Ubuntu 20.10 capture): every row matches jc's parse", async (t) => {
  const path = sharedFixture(t, "top/jc-ubuntu-20.10_top-b-n1.out");
  if (!path) return;
  const jc = (JSON.parse(readFileSync(sharedFixture(t, "top/jc-ubuntu-20.10_top-b-n1.json")!, "utf8")) as JcFrame[])[0]!;
  const { events, issues } = await parseFileWith(topSource, path);
  assert.deepEqual(issues, []);
  assert.equal(events.length, jc.processes.length);
  events.forEach((e, i) => {
    const p = jc.processes[i]!;
    assert.deepEqual(
      [e["process.pid"], e["user.name"], e["minerhunt.process.cpu_pct"], e["minerhunt.process.mem_pct"], e["process.name"] ?? e["process.command_line"]],
      [p.pid, p.user, p.percent_cpu, p.percent_mem, p.command], `row ${i + 1}`);
  });
  assert.ok(await sniffWith(topSource, readFileSync(path)) >= 0.9);
  assert.equal(await sniffWith(psSource, readFileSync(path)), 0, "ps does not claim a top screen");
});

test("prose quoting top's header is not a top screen; a pasted screen without its summary still is", async () => {
  const readme = [
    "- capture.out (21,385 B): procps-ng top, one frame, default columns",
    "  PID USER PR NI VIRT RES SHR S %CPU %MEM TIME+ COMMAND (from tests/fixtures/top-b-n1.out).",
    "- capture.json (52,775 B): the same frame as JSON",
  ].join("\n");
  assert.equal(await sniffWith(topSource, Buffer.from(readme)), 0);
  const screen = [
    "    PID USER      PR  NI    VIRT    RES    SHR S  %CPU  %MEM     TIME+ COMMAND",
    "  41822 www-data  20   0 2442344 2.3g   3516 S 398.0   7.4 512:10.33 kswapd0",
  ].join("\n");
  assert.equal(await sniffWith(topSource, Buffer.from(screen)), 0.85);
});

test("top -b -n3 (CentOS 7): three frames, each row tagged with its frame and clock", async (t) => {
  const path = sharedFixture(t, "top/jc-centos-7.7_top-b-n3.out");
  if (!path) return;
  const { events, issues } = await parseFileWith(topSource, path);
  assert.deepEqual(issues, []);
  const frames = new Map<unknown, number>();
  for (const e of events) frames.set(e["minerhunt.top.clock"], (frames.get(e["minerhunt.top.clock"]) ?? 0) + 1);
  assert.deepEqual([...frames.keys()], ["11:24:50", "11:24:53", "11:24:56"]);
  assert.deepEqual([...new Set(events.map((e) => e["minerhunt.top.frame"]))], [1, 2, 3]);
  assert.equal(events[0]!["process.name"], "top");
  assert.equal(events[0]!["minerhunt.process.cpu_pct"], 6.2);
});

test("top with every field on (COMMAND not last, ENVIRON with spaces): PPID and UID read by position", async (t) => {
  const path = sharedFixture(t, "top/jc-ubuntu-20.10_top-b-allfields.out");
  if (!path) return;
  const { events, issues } = await parseFileWith(topSource, path);
  assert.deepEqual(issues, []);
  const first = events[0]!;
  assert.deepEqual([first["process.pid"], first["process.name"], first["process.parent.pid"], first["user.id"], first["minerhunt.process.cpu_pct"]],
    [4810, "top", 1580, "1000", 5.9]);
  const init = events.find((e) => e["process.pid"] === 1)!;
  assert.deepEqual([init["process.name"], init["process.parent.pid"], init["user.id"]], ["systemd", 0, "0"]);
});

test("top with GiB units and scaled VIRT/RES (CentOS 7 -n1): read without issues", async (t) => {
  const path = sharedFixture(t, "top/jc-centos-7.7_top-b-n1-gib.out");
  if (!path) return;
  const { events, issues } = await parseFileWith(topSource, path);
  assert.deepEqual(issues, []);
  assert.equal(events.length, 108);
});
