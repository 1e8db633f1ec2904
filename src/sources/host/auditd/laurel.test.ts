import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Event } from "../../../model/index.js";
import { parseFileWith, parseWith, sharedFixture, sniffWith } from "../../../test-helpers/index.js";
import { openBuffer } from "../../input.js";
import { allSources, chooseSource } from "../../index.js";
import { runScan } from "../../../pipeline/run.js";
import { MINER_PROCESS_ID } from "../../../detect/detectors/host/miner-process.js";
import { laurelSource } from "./laurel.js";
import { auditdSource } from "./source.js";

/** The fields that say where an event was read from, which differ between the two logs of one event. */
const PROVENANCE = new Set(["log.file.path", "minerhunt.format", "minerhunt.line"]);
const withoutProvenance = (e: Event): Event => Object.fromEntries(Object.entries(e).filter(([k]) => !PROVENANCE.has(k)));

/**
 * Bytes as Laurel writes them into a JSON string (its quote.rs): printable ASCII as is, except "%" and
 * "+"; everything else percent-encoded.
 */
function laurelEncoded(bytes: Buffer): string {
  let out = "";
  for (const b of bytes) out += b >= 0x20 && b < 0x7f && b !== 0x25 && b !== 0x2b ? String.fromCharCode(b) : `%${b.toString(16).padStart(2, "0")}`;
  return out;
}

/** A SYSCALL object in Laurel's shape (the fields Laurel keeps from the kernel record). */
function syscall(fields: Record<string, unknown>): Record<string, unknown> {
  return {
    arch: "0xc000003e", syscall: 59, success: "yes", exit: 0, items: 2, ppid: 812, pid: 4242, auid: 4294967295, uid: 33, gid: 33,
    euid: 33, suid: 33, fsuid: 33, egid: 33, sgid: 33, fsgid: 33, tty: "(none)", ses: 4294967295, comm: "sh", exe: "/usr/bin/dash",
    key: null, ARGV: ["0x55d0", "0x55d1", "0x55d2", "0x0"], ...fields,
  };
}

const line = (event: Record<string, unknown>): string => JSON.stringify(event);

test("laurel: each fixture gives the same events as the raw audit.log lines of the same audit event", async (t) => {
  for (const name of ["laurel-record-execve", "laurel-record-perl-reverse-shell"]) {
    const laurelPath = sharedFixture(t, `auditd/${name}.laurel.json`);
    const rawPath = sharedFixture(t, `auditd/${name}.log`);
    if (!laurelPath || !rawPath) return;
    const fromLaurel = await parseFileWith(laurelSource, laurelPath);
    const fromRaw = await parseFileWith(auditdSource, rawPath);
    assert.deepEqual(fromLaurel.issues, [], name);
    assert.equal(fromLaurel.events.length, 1, name);
    const [laurel, raw] = [fromLaurel.events[0]!, fromRaw.events[0]!];
    // The fields a hunt reads, named one by one, then everything else.
    for (const field of ["process.command_line", "process.args", "process.executable", "process.pid", "process.parent.pid", "user.id", "user.name", "user.audit.name", "process.working_directory", "process.title"]) {
      assert.deepEqual(laurel[field], raw[field], `${name}: ${field}`);
      assert.notEqual(laurel[field], undefined, `${name}: ${field} is set`);
    }
    assert.deepEqual(withoutProvenance(laurel), withoutProvenance(raw), name);
    assert.deepEqual([laurel["minerhunt.format"], laurel["minerhunt.line"], laurel["event.dataset"]], ["auditd.laurel", 1, "auditd"]);
  }
});

test("laurel: connect() records give the raw source's network events (saddr bytes, and translated SADDR)", async (t) => {
  const rawPath = sharedFixture(t, "auditd/laurel-record-connect.log");
  if (!rawPath) return;
  // The two events of laurel-record-connect.log as Laurel writes them: the IPv4 one with saddr as the struct's
  // bytes (Laurel's default), the IPv6 one with translate.universal's decoded SADDR instead.
  const php = { ppid: 1074250, pid: 1074252, auid: 4294967295, uid: 48, gid: 48, euid: 48, suid: 48, fsuid: 48, egid: 48, sgid: 48, fsgid: 48, tty: "(none)", ses: 4294967295, comm: "php", exe: "/usr/bin/php", items: 0 };
  const log = [
    line({ ID: "1723819442.459:2482681", SYSCALL: syscall({ ...php, syscall: 42, success: "yes", exit: 0 }),
      SOCKADDR: [{ saddr: laurelEncoded(Buffer.from("02002BCB7F0000010000000000000000", "hex")) }] }),
    line({ ID: "1723819442.459:2482682", SYSCALL: syscall({ ...php, syscall: 42, success: "no", exit: -115, SYSCALL: "connect" }),
      SOCKADDR: [{ SADDR: { saddr_fam: "inet6", addr: "::1", port: 11211, flowinfo: 0, scope_id: 0 } }] }),
  ].join("\n");
  const fromLaurel = await parseWith(laurelSource, log, "laurel/audit.log");
  const fromRaw = await parseFileWith(auditdSource, rawPath);
  assert.deepEqual(fromLaurel.issues, []);
  assert.deepEqual(fromLaurel.events.map((e) => [e["event.category"], e["destination.ip"], e["destination.port"], e["network.type"], e["event.outcome"], e["minerhunt.line"]]), [
    [["network"], "127.0.0.1", 11211, "ipv4", "success", 1],
    [["network"], "::1", 11211, "ipv6", "failure", 2],
  ]);
  assert.deepEqual(fromLaurel.events.map(withoutProvenance), fromRaw.events.map(withoutProvenance));
});

test("laurel: a malformed line in the middle is reported with its line number; the lines after it are read", async () => {
  const exec = (serial: number, command: string) => line({
    ID: `1795038072.120:${serial}`, SYSCALL: syscall({}), EXECVE: { argc: 1, ARGV: [command] }, PROCTITLE: { ARGV: [command] },
  });
  const log = [
    exec(1, "id"),
    exec(2, "uname").slice(0, 60), // cut mid-object
    '{"NODE":"web01","SYSCALL":{"pid":1}}', // JSON, but no ID: not a Laurel event
    '{"ID":"1795038072.120:4","SYSCALL":"execve"}', // a record of the wrong shape
    exec(5, "hostname"),
  ].join("\n");
  const { events, issues } = await parseWith(laurelSource, log, "laurel.log");
  assert.deepEqual(events.map((e) => [e["minerhunt.line"], e["process.command_line"]]), [[1, "id"], [5, "hostname"]]);
  assert.deepEqual(issues.map((i) => [i.file, i.line]), [["laurel.log", 2], ["laurel.log", 3], ["laurel.log", 4]]);
  assert.match(issues[0]!.message, /^not valid JSON .*line skipped$/);
  assert.match(issues[1]!.message, /no "ID" of the form "SECONDS\.MILLIS:SERIAL"/);
  assert.match(issues[2]!.message, /SYSCALL is not a JSON object/);
});

test("laurel: sniffed as Laurel; raw audit.log, ECS NDJSON and Zeek JSON are not Laurel, nor is Laurel theirs", async (t) => {
  const laurelPath = sharedFixture(t, "auditd/laurel-record-perl-reverse-shell.laurel.json");
  const rawPath = sharedFixture(t, "auditd/laurel-record-execve.log");
  if (!laurelPath || !rawPath) return;
  const ecs = line({ "@timestamp": "2026-11-20T03:14:07.512Z", agent: { type: "auditbeat" }, ecs: { version: "8.11.0" }, event: { module: "auditd", category: ["process"] },
    process: { pid: 4242, executable: "/tmp/.x/xmrig", args: ["./xmrig", "-o", "pool.supportxmr.com:3333"] } });
  const zeek = line({ ts: 1763608447.123456, uid: "CHhAvVGS1DHFjwGM9", "id.orig_h": "10.0.0.5", "id.orig_p": 53211, "id.resp_h": "10.0.0.2", "id.resp_p": 53,
    proto: "udp", trans_id: 40312, query: "xmr-eu1.nanopool.org", qtype_name: "A", rcode_name: "NOERROR", answers: ["104.18.2.3"] });
  const winner = async (text: string | Buffer, path: string) => chooseSource((await openBuffer(path, text)).sample, allSources).source?.id;

  const laurelText = readFileSync(laurelPath);
  assert.ok(await sniffWith(laurelSource, laurelText) >= 0.9);
  assert.equal(await winner(laurelText, "var/log/laurel/audit.log"), "auditd.laurel");
  // With the CEE cookie of Laurel's line-prefix option (rsyslog), still Laurel.
  assert.ok(await sniffWith(laurelSource, `@cee: ${laurelText.toString("utf8")}`) >= 0.9);
  const laurelScore = await sniffWith(laurelSource, laurelText, "audit.log");
  for (const other of allSources.filter((s) => s.id !== "auditd.laurel")) {
    assert.ok(await sniffWith(other, laurelText, "audit.log") < laurelScore, `${other.id} would take Laurel's log`);
  }

  for (const [text, path, owner] of [[readFileSync(rawPath), "audit.log", "auditd"], [ecs, "export.ndjson", "ecs.ndjson"], [zeek, "dns.log", "zeek.dns"]] as const) {
    assert.equal(await sniffWith(laurelSource, text, path), 0, `Laurel claims ${owner}`);
    assert.equal(await winner(text, path), owner);
  }
  // A JSON line with an ID that is not an audit stamp, or with no audit record in it, is not Laurel's.
  assert.equal(await sniffWith(laurelSource, '{"ID":"42","SYSCALL":{}}\n'), 0);
  assert.equal(await sniffWith(laurelSource, '{"ID":"1795038072.120:1","name":"x"}\n'), 0);
});

test("laurel: a miner started from /tmp and its pool connection give a finding through the whole scan", async (t) => {
  const dir = mkdtempSync(join(tmpdir(), "mh-laurel-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const wallet = "44AFFq5kSiGBoZ4NMDwYtN18obc8AemS33DBLWs3H7otXft3XjrpDtQGv7SqSsaBYBb98uNbr2VBBEt7f2wfn3RVGQBEP3A";
  const argv = ["/tmp/.x/xmrig", "-o", "pool.supportxmr.com:3333", "-u", wallet, "--donate-level=0"];
  const log = [
    line({ ID: "1795038072.120:9001", NODE: "web01",
      SYSCALL: syscall({ comm: "xmrig", exe: "/tmp/.x/xmrig", key: "exec", ARCH: "x86_64", SYSCALL: "execve", UID: "www-data",
        PPID: { EVENT_ID: "1795038060.000:8990" }, SPAWNED_BY: { EVENT_ID: "1795038060.000:8990", pid: 812, comm: "sh", exe: "/usr/bin/dash" } }),
      EXECVE: { argc: argv.length, ARGV: argv }, CWD: { cwd: "/tmp/.x" },
      PATH: [{ item: 0, name: "/tmp/.x/xmrig", inode: 261214, dev: "ca:03", mode: "0o100755", ouid: 33, ogid: 33, nametype: "NORMAL" }],
      PROCTITLE: { ARGV: argv } }),
    line({ ID: "1795038073.500:9003", NODE: "web01",
      SYSCALL: syscall({ syscall: 42, success: "no", exit: -115, comm: "xmrig", exe: "/tmp/.x/xmrig", key: "net" }),
      // AF_INET 141.94.96.144:3333
      SOCKADDR: [{ saddr: laurelEncoded(Buffer.from("02000D058D5E60900000000000000000", "hex")) }], PROCTITLE: { ARGV: argv } }),
  ].join("\n") + "\n";
  writeFileSync(join(dir, "audit.log"), log);

  const { result, findings } = await runScan({ paths: [dir] });
  assert.deepEqual(result.files.map((f) => f.format), ["auditd.laurel"]);
  assert.equal(result.issuesTotal, 0, JSON.stringify(result.issues));
  const miner = findings.find((f) => f.rule.id === MINER_PROCESS_ID);
  assert.ok(miner, findings.map((f) => f.rule.id).join(", "));
  assert.ok(miner.entities.hosts?.includes("web01"), JSON.stringify(miner.entities));
  assert.ok(miner.evidence.some((e) => e.line === 1), JSON.stringify(miner.evidence));
});

test("laurel: percent-encoded strings, a cut ARGV, ARGV_STR alone and the CEE cookie are read as Laurel means them", async () => {
  const tricky = ["sh", "-c", "echo 100% + 1\n", Buffer.from([0xff, 0x41]).toString("latin1")];
  const encoded = tricky.map((a) => laurelEncoded(Buffer.from(a, a === tricky[3] ? "latin1" : "utf8")));
  const log = [
    line({ ID: "1795038072.120:1", SYSCALL: syscall({ exe: laurelEncoded(Buffer.from("/tmp/a b+c", "utf8")) }), EXECVE: { argc: 4, ARGV: encoded } }),
    // execve-argv-limit-bytes: Laurel cut 98 arguments out of the middle and left a marker.
    line({ ID: "1795038072.120:2", SYSCALL: syscall({}), EXECVE: { argc: 100, ARGV: ["xargs", "<<< Skipped: args=98, bytes=4000 >>>", "last"] } }),
    // execve-argv = ["string"]
    line({ ID: "1795038072.120:3", SYSCALL: syscall({}), EXECVE: { argc: 3, ARGV_STR: "sh -c id" } }),
    `@cee: ${line({ ID: "1795038072.120:4", SYSCALL: syscall({}), EXECVE: { argc: 1, ARGV: ["true"] } })}`,
  ].join("\n");
  const { events, issues } = await parseWith(laurelSource, log);
  assert.deepEqual(issues, [], "a cut ARGV is Laurel's choice, not a lost record");
  assert.deepEqual(events[0]!["process.args"], ["sh", "-c", "echo 100% + 1\n", "\ufffdA"]);
  assert.equal(events[0]!["process.executable"], "/tmp/a b+c");
  assert.deepEqual([events[1]!["process.args"], events[1]!["process.args_count"]], [["xargs", "<<< Skipped: args=98, bytes=4000 >>>", "last"], 100]);
  assert.deepEqual([events[2]!["process.command_line"], events[2]!["process.args"]], ["sh -c id", undefined]);
  assert.equal(events[3]!["process.command_line"], "true");
});

test("laurel: the parent is named from Laurel's context, or from its exec earlier in the file", async () => {
  const exec = (serial: number, pid: number, fields: Record<string, unknown>, extra: Record<string, unknown> = {}) => line({
    ID: `1795038072.120:${serial}`, SYSCALL: syscall({ pid, ppid: 812, ...fields }), EXECVE: { argc: 1, ARGV: ["x"] }, ...extra,
  });
  const log = [
    // SPAWNED_BY (Laurel 0.6+) names the parent when its pid is the ppid...
    exec(1, 901, { SPAWNED_BY: { EVENT_ID: "1795038000.000:1", pid: 812, comm: "redis-server", exe: "/usr/bin/redis-server" } }),
    // ... but after an exec without fork it is the process's own previous program, not its parent.
    exec(2, 902, { SPAWNED_BY: { EVENT_ID: "1795038000.000:2", pid: 902, comm: "bash", exe: "/usr/bin/bash" } }),
    // SYSCALL.PPID with ppid-verbose, and the top-level PARENT_INFO of older versions.
    exec(3, 903, { PPID: { EVENT_ID: "1795038000.000:3", comm: "cron", exe: "/usr/sbin/cron", ppid: 1 } }),
    exec(4, 904, {}, { PARENT_INFO: { ID: "1795038000.000:4", comm: "sshd", exe: "/usr/sbin/sshd", ppid: 1 } }),
    // No context: pid 812's own exec, earlier in the file, names it (as in the raw source).
    exec(5, 812, { ppid: 1, comm: "php-fpm", exe: "/usr/sbin/php-fpm" }),
    exec(6, 906, {}),
  ].join("\n");
  const { events, issues } = await parseWith(laurelSource, log);
  assert.deepEqual(issues, []);
  assert.deepEqual(events.map((e) => [e["process.pid"], e["process.parent.name"], e["process.parent.executable"]]), [
    [901, "redis-server", "/usr/bin/redis-server"],
    [902, undefined, undefined],
    [903, "cron", "/usr/sbin/cron"],
    [904, "sshd", "/usr/sbin/sshd"],
    [812, undefined, undefined],
    [906, "php-fpm", "/usr/sbin/php-fpm"],
  ]);
});

test("laurel: sudo's USER_CMD (msg split into an object by Laurel) gives the raw source's sudo event", async () => {
  const raw = "type=USER_CMD msg=audit(1795038072.900:9002): pid=812 uid=0 auid=1000 ses=4 msg='cwd=\"/root\" cmd=6C73202D6C61202F746D702F2E78 exe=\"/usr/bin/sudo\" terminal=pts/0 res=success'";
  const laurel = line({ ID: "1795038072.900:9002", USER_CMD: [{ pid: 812, uid: 0, auid: 1000, ses: 4,
    msg: { cwd: "/root", cmd: "ls -la /tmp/.x", exe: "/usr/bin/sudo", terminal: "pts/0", res: "success" } }] });
  const fromLaurel = await parseWith(laurelSource, laurel);
  const fromRaw = await parseWith(auditdSource, raw);
  assert.deepEqual(fromLaurel.issues, []);
  assert.equal(fromLaurel.events[0]!["process.command_line"], "ls -la /tmp/.x");
  assert.equal(fromLaurel.events[0]!["process.parent.name"], "sudo");
  assert.deepEqual(fromLaurel.events.map(withoutProvenance), fromRaw.events.map(withoutProvenance));
});
