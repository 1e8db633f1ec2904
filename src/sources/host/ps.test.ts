import { test } from "node:test";
import assert from "node:assert/strict";
import { parseWith, sniffWith } from "../../test-helpers/index.js";
import { psSource } from "./ps.js";

// procps-ng `ps auxww` as printed on Ubuntu: wide values shift the columns, COMMAND takes the rest.
const PS_AUX = [
  "USER         PID %CPU %MEM    VSZ   RSS TTY      STAT START   TIME COMMAND",
  "root           1  0.0  0.1 167744 11520 ?        Ss   Nov19   0:04 /sbin/init splash",
  "root           2  0.0  0.0      0     0 ?        S    Nov19   0:00 [kthreadd]",
  "root          57  0.0  0.0      0     0 ?        I    Nov19   0:01 [kworker/0:1]",
  "www-data    4242  396  2.1 2469752 172220 ?      Ssl  03:10 118:42 /tmp/.X11-unix/kworker -o pool.supportxmr.com:3333 -u 44AFFq5kSiGBoZ4NMDwYtN18obc8AemS33DBLWs3H7otXft3XjrpDtQGv7SqSsaBYBb98uNbr2VBBEt7f2wfn3RVGQBEP3A -p x",
  "nobody     31337 99.0  1.2 2436112 98304 ?       Sl   03:12  12:01 [kworker/0:2]",
  "root        5120  0.0  0.0   8324  4004 pts/0    S+   03:20   0:00 grep --color=auto xmrig",
].join("\n");

test("ps auxww: every row becomes a process event with the contract's fields", async () => {
  const { events, issues } = await parseWith(psSource, PS_AUX, "triage/ps-aux.txt");
  assert.deepEqual(issues, []);
  assert.equal(events.length, 6);
  assert.deepEqual(events[0], {
    "event.dataset": "ps",
    "event.category": ["process"],
    "event.kind": "state",
    "log.file.path": "triage/ps-aux.txt",
    "minerhunt.format": "ps",
    "minerhunt.line": 2,
    "process.pid": 1,
    "user.name": "root",
    "minerhunt.process.cpu_pct": 0,
    "minerhunt.process.mem_pct": 0.1,
    "process.command_line": "/sbin/init splash",
    "process.args": ["/sbin/init", "splash"],
    "process.name": "init",
    "process.executable": "/sbin/init",
    "minerhunt.process.kernel_thread": false,
  });
  const miner = events[3]!;
  assert.equal(miner["process.pid"], 4242);
  assert.equal(miner["minerhunt.process.cpu_pct"], 396, "%CPU may exceed 100 on many cores");
  assert.equal((miner["process.args"] as string[]).length, 7);
});

test("a real kernel thread [kworker/0:1] is a kernel thread with an empty executable", async () => {
  const { events } = await parseWith(psSource, PS_AUX);
  const kworker = events.find((e) => e["process.pid"] === 57)!;
  assert.equal(kworker["minerhunt.process.kernel_thread"], true);
  assert.equal(kworker["process.executable"], "");
  assert.equal(kworker["process.name"], "kworker/0:1");
  assert.deepEqual(kworker["process.args"], []);
});

test("trap: a process named kworker with a path and args is NOT a kernel thread", async () => {
  const { events } = await parseWith(psSource, PS_AUX);
  const fake = events.find((e) => e["process.pid"] === 4242)!;
  assert.equal(fake["minerhunt.process.kernel_thread"], false);
  assert.equal(fake["process.name"], "kworker");
  assert.equal(fake["process.executable"], "/tmp/.X11-unix/kworker");
});

test("trap: a process retitled [kworker/0:2] but holding memory is NOT a kernel thread", async () => {
  const { events } = await parseWith(psSource, PS_AUX);
  const retitled = events.find((e) => e["process.pid"] === 31337)!;
  assert.equal(retitled["minerhunt.process.kernel_thread"], false);
  assert.equal(retitled["process.executable"], undefined, "no executable is invented from a bracketed title");
});

test("ps -eo pid,ppid,user,%cpu,etime,comm,args: columns by header, the second COMMAND is args", async () => {
  const text = [
    "    PID    PPID USER     %CPU     ELAPSED COMMAND         COMMAND",
    "      2       0 root      0.0  1-02:03:04 kthreadd        [kthreadd]",
    "     57       2 root      0.0  1-02:03:01 kworker/0:1-eve [kworker/0:1-events]",
    "   4242    4100 www-data  396       12:34 kworker         /tmp/.X11-unix/kworker -c /tmp/.X11-unix/config.json",
    "   4243       1 www-data  0.0       00:05 xmrig           [kworker/1:1]",
  ].join("\n");
  const { events, issues } = await parseWith(psSource, text);
  assert.deepEqual(issues, []);
  const [kthreadd, kworker, fake, parented] = events;
  assert.equal(kthreadd!["minerhunt.process.kernel_thread"], true, "kthreadd (pid 2, parent 0) is a kernel thread");
  assert.equal(kworker!["minerhunt.process.kernel_thread"], true);
  assert.equal(kworker!["process.name"], "kworker/0:1-events", "the bracketed name, not the 15-character comm");
  assert.equal(kworker!["process.uptime"], 93781);
  assert.equal(fake!["process.parent.pid"], 4100);
  assert.equal(fake!["process.name"], "kworker", "comm is the name");
  assert.equal(fake!["process.command_line"], "/tmp/.X11-unix/kworker -c /tmp/.X11-unix/config.json");
  assert.equal(fake!["minerhunt.process.kernel_thread"], false);
  assert.equal(parented!["minerhunt.process.kernel_thread"], false, "a bracketed title whose parent is not kthreadd is not a kernel thread");
});

test("ps -ef: UID holds user names, CMD is the command line", async () => {
  const text = [
    "UID          PID    PPID  C STIME TTY          TIME CMD",
    "root           1       0  0 Nov19 ?        00:00:04 /sbin/init splash",
    "1001        7001       1 97 03:10 ?        01:58:42 ./.cache/xmr -B",
  ].join("\n");
  const { events, issues } = await parseWith(psSource, text);
  assert.deepEqual(issues, []);
  assert.equal(events[0]!["user.name"], "root");
  assert.equal(events[1]!["user.id"], "1001");
  assert.equal(events[1]!["minerhunt.process.cpu_pct"], 97);
  assert.equal(events[1]!["process.executable"], "./.cache/xmr");
  assert.equal(events[1]!["process.name"], "xmr");
});

test("lstart (STARTED) spans five words; a repeated header starts over; a bad row is an issue and reading goes on", async () => {
  const text = [
    "  PID STARTED                  COMMAND",
    "  812 Thu Nov 20 03:14:07 2026 /usr/sbin/sshd -D",
    "  abc Thu Nov 20 03:14:07 2026 broken",
    "  PID COMMAND",
    "  900 /usr/bin/python3 -m http.server",
  ].join("\n");
  const { events, issues } = await parseWith(psSource, text);
  assert.deepEqual(events.map((e) => [e["process.pid"], e["process.command_line"]]), [[812, "/usr/sbin/sshd -D"], [900, "/usr/bin/python3 -m http.server"]]);
  assert.equal(issues.length, 1);
  assert.equal(issues[0]!.line, 3);
  assert.match(issues[0]!.message, /PID "abc" is not a number/);
});

test("rows before any header are issues, not events", async () => {
  const { events, issues } = await parseWith(psSource, "  1 ? 00:00:01 init\n");
  assert.equal(events.length, 0);
  assert.match(issues[0]!.message, /expected a ps header first/);
});

test("sniff: ps headers score high; other text does not", async () => {
  assert.ok(await sniffWith(psSource, PS_AUX) >= 0.9);
  assert.equal(await sniffWith(psSource, "timestamp,host,cpu\n2026-11-20T03:00:00Z,web01,97\n"), 0);
  assert.equal(await sniffWith(psSource, "PID is not a header here\n"), 0);
});
