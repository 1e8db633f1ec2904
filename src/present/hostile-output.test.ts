/**
 * Issue 12 item 3: one hostile string goes in through a file name, a host name, a command line, a Sigma rule's
 * title and level, and an intel look-up; every command's text output must show it escaped the same way
 * (present/escape.ts `terminal`), byte for byte, and no raw control, bidi or zero-width character may reach the
 * terminal. The records are Elastic Endpoint process events (the shape examples/onprem/edr ships).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { REPO_ROOT } from "../test-helpers/index.js";
import { displayName } from "../sources/display-path.js";
import { escapeHtml, escapeMarkdown, isTerminalUnsafe, terminal } from "./escape.js";
import { cliCommand } from "../test-helpers/cli.js";

/** Title change (OSC), bell, clear screen, a forged line, RLO, isolates, zero-width, BOM, C1 CSI, markup. */
const HOSTILE = "ev\u001b]0;owned\u0007\u001b[2J\r\nFAKE: 0 incidents\u202egnp.exe\u2066x\u2069\u200b\ufeff\u009b31m<b>*|";

/** A YAML double-quoted scalar that spells every non-ASCII or control character as \uXXXX. */
function yamlQuoted(text: string): string {
  let out = "";
  for (const ch of text) {
    const c = ch.codePointAt(0)!;
    out += ch === "\"" || ch === "\\" ? `\\${ch}` : c < 0x20 || c > 0x7e ? `\\u${c.toString(16).padStart(4, "0")}` : ch;
  }
  return `"${out}"`;
}

function endpointProcessEvent(host: string, commandLine: string): string {
  return JSON.stringify({
    "@timestamp": "2026-11-18T21:41:07.512Z",
    agent: { type: "endpoint", version: "8.15.0" },
    data_stream: { dataset: "endpoint.events.process", namespace: "default", type: "logs" },
    event: { action: "exec", category: ["process"], dataset: "endpoint.events.process", kind: "event", module: "endpoint", type: ["start"] },
    host: { name: host, hostname: host, os: { type: "linux", family: "debian" } },
    process: {
      pid: 31337, name: "xmrig", executable: "/tmp/.x/xmrig", command_line: commandLine,
      args: commandLine.split(" "), parent: { pid: 1, name: "systemd" },
    },
    user: { name: "postgres", id: "113" },
  });
}

function ruleFile(title: string, level: string): string {
  return [
    `title: ${yamlQuoted(title)}`,
    "id: 5b7f2a4c-0d3e-4c55-9a1b-7e2d9c0f1a11",
    "status: experimental",
    "logsource:",
    "    category: process_creation",
    "    product: linux",
    "detection:",
    "    selection:",
    "        CommandLine|contains: 'xmrig'",
    "    condition: selection",
    `level: ${level}`,
    "",
  ].join("\n");
}

function cli(args: string[], env: NodeJS.ProcessEnv) {
  const mh = cliCommand(args);
  const r = spawnSync(mh.command, mh.args, {
    encoding: "utf8", cwd: REPO_ROOT, env: { ...process.env, NO_COLOR: "1", LANG: "en_US.UTF-8", ...env },
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

/** Every character a terminal must not get raw, except the newline that ends each output line. */
function rawUnsafe(text: string): string[] {
  return [...text].filter((ch) => ch !== "\n" && isTerminalUnsafe(ch.codePointAt(0)!)).map((ch) => `U+${ch.codePointAt(0)!.toString(16).padStart(4, "0")}`);
}

test("the escapers: terminal shows what is unsafe, HTML and Markdown add their own escaping", () => {
  const shown = terminal(HOSTILE);
  assert.equal(shown, "ev\\u001b]0;owned\\u0007\\u001b[2J\\u000d\\u000aFAKE: 0 incidents\\u202egnp.exe\\u2066x\\u2069\\u200b\\ufeff\\u009b31m<b>*|");
  assert.equal(terminal("สวัสดี pool.supportxmr.com café"), "สวัสดี pool.supportxmr.com café", "Thai and accents untouched");
  assert.deepEqual(rawUnsafe(escapeHtml(HOSTILE)), []);
  assert.match(escapeHtml(HOSTILE), /&lt;b&gt;\*\|$/);
  assert.deepEqual(rawUnsafe(escapeMarkdown(HOSTILE)), []);
  assert.match(escapeMarkdown(HOSTILE), /&lt;b&gt;\\\*\\\|$/);
});

test("scan, incident list/show, rules list/validate, intel lookup and report all show the hostile string escaped", { timeout: 120_000 }, () => {
  const dir = mkdtempSync(join(tmpdir(), "minerhunt-hostile-"));
  try {
    const logs = join(dir, "logs");
    const rules = join(dir, "rules");
    mkdirSync(logs);
    mkdirSync(rules);
    const fileName = Buffer.from(`endpoint-${HOSTILE}.ndjson`);
    writeFileSync(Buffer.concat([Buffer.from(`${logs}/`), fileName]), `${endpointProcessEvent(`db-${HOSTILE}`, `/tmp/.x/xmrig -o pool.supportxmr.com:3333 -u 44AFFq5kSiGBoZ4NMDwYtN18obc8AemS33DBLWs3H7otXft3XjrpDtQGv7SqSsaBYBb98uNbr2VBBEt7f2wfn3RVGQBEP3A --donate-level=1 ${HOSTILE}`)}\n`);
    writeFileSync(join(rules, "hostile_title.yml"), ruleFile(HOSTILE, "high"));
    writeFileSync(join(rules, "hostile_level.yml"), ruleFile("Level from a hostile file", yamlQuoted(HOSTILE)).replace("5b7f2a4c", "6c8f3b5d"));
    const env = { MINERHUNT_DB: join(dir, "store.db"), MINERHUNT_INTEL_DIR: join(dir, "intel") };
    const shown = terminal(HOSTILE);
    const shownFile = terminal(`${logs}/${displayName(fileName)}`);
    const shownHost = terminal(`db-${HOSTILE}`.toLowerCase()); // entities keep host names in lower case

    const scan = cli(["scan", "--quiet", "--rules", rules, "--db", env.MINERHUNT_DB, logs], env);
    assert.equal(scan.code, 1, scan.err);
    const incidentId = /^(inc-[0-9a-f]+)/m.exec(scan.out)?.[1];
    assert.ok(incidentId, scan.out);
    const list = cli(["incident", "list"], env);
    const show = cli(["incident", "show", incidentId], env);
    const rulesList = cli(["rules", "list", rules], env);
    const validate = cli(["rules", "validate", rules], env);
    const lookup = cli(["intel", "lookup", HOSTILE], env);
    const md = cli(["report", incidentId, "--format", "md"], env);

    const outputs = { scan, list, show, rulesList, validate, lookup, md };
    for (const [name, o] of Object.entries(outputs)) {
      assert.deepEqual(rawUnsafe(o.out), [], `${name} stdout holds no raw control, bidi or zero-width character`);
      assert.deepEqual(rawUnsafe(o.err), [], `${name} stderr likewise`);
      assert.ok(!/^FAKE/m.test(o.out + o.err), `${name}: no forged line`);
    }
    // The same escaped form wherever the string shows.
    assert.ok(scan.out.includes(`${shownFile}:1`), `file name in scan evidence:\n${scan.out}`);
    assert.ok(scan.out.includes(`host ${shownHost}`), `host in the incident title in scan:\n${scan.out}`);
    assert.ok(scan.out.includes(`${shown}\n`), `the Sigma rule's title in scan:\n${scan.out}`);
    assert.ok(scan.err.includes(`rule refused: ${join(rules, "hostile_level.yml")}`), scan.err);
    assert.ok(scan.err.includes(shown), `the refused level is shown escaped:\n${scan.err}`);
    assert.ok(show.out.includes(`Hosts: ${shownHost}\n`), `host in incident show:\n${show.out}`);
    assert.ok(show.out.includes(shownFile), `file in incident show:\n${show.out}`);
    assert.ok(list.out.includes(incidentId), list.out);
    assert.ok(rulesList.out.includes(` ${shown}  5b7f2a4c-`), `title in rules list:\n${rulesList.out}`);
    assert.ok(validate.out.includes(shown), `level in rules validate:\n${validate.out}`);
    assert.equal(lookup.out, `${shown}: not known\n`);
    assert.ok(md.out.includes("db-ev\\\\u001b\\]0;owned\\\\u0007\\\\u001b\\[2j"), `Markdown escaping on top of the visible escapes:\n${md.out.slice(0, 3000)}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
