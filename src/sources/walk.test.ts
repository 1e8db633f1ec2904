/**
 * Names are bytes (issue 12 item 2) and links are followed with loops reported (issue 9 item 5).
 * The files are real Zeek logs (examples/network/zeek) under hostile names.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { REPO_ROOT } from "../test-helpers/index.js";
import { runScan } from "../pipeline/run.js";
import { displayName, rawPath } from "./display-path.js";
import { walkPaths, type FoundFile } from "./walk.js";

const ZEEK_DNS = readFileSync(join(REPO_ROOT, "examples/network/zeek/dns.log"));

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), "minerhunt-walk-"));
}

async function walk(paths: string[]): Promise<{ files: FoundFile[]; errors: string[]; notes: string[] }> {
  const files: FoundFile[] = [];
  const errors: string[] = [];
  const notes: string[] = [];
  for await (const f of walkPaths(paths, { error: (p, m) => errors.push(`${p}: ${m}`), note: (p, m) => notes.push(`${p}: ${m}`) })) files.push(f);
  return { files, errors, notes };
}

test("displayName escapes bad UTF-8, controls and backslashes; rawPath gives the bytes back", () => {
  const cases: [number[] | string, string][] = [
    ["dns.log", "dns.log"],
    [[0x64, 0xff, 0x2e, 0x6c], "d\\xff.l"],
    ["a\nb\tc\x1b[31m", "a\\x0ab\\x09c\\x1b[31m"],
    ["back\\slash", "back\\\\slash"],
    ["caf\u00e9 \u0e44\u0e17\u0e22", "caf\u00e9 \u0e44\u0e17\u0e22"],
    ["c1\u0085", "c1\\xc2\\x85"],
    [[0xed, 0xa0, 0x80], "\\xed\\xa0\\x80"], // an encoded surrogate is not UTF-8
    [[0xe2, 0x82], "\\xe2\\x82"], // a truncated sequence
  ];
  for (const [input, shown] of cases) {
    const raw = typeof input === "string" ? Buffer.from(input, "utf8") : Buffer.from(input);
    assert.equal(displayName(raw), shown);
    assert.deepEqual(rawPath(shown), raw, `round trip of ${shown}`);
  }
  // Every byte value, in every position, comes back.
  const all = Buffer.from(Array.from({ length: 256 }, (_, i) => i).filter((b) => b !== 0x2f));
  assert.deepEqual(rawPath(displayName(all)), all);
  assert.ok([...displayName(all)].every((ch) => ch.codePointAt(0)! >= 0x20 && !(ch.codePointAt(0)! >= 0x7f && ch.codePointAt(0)! <= 0x9f)), "no control character is left");
});

test("a Zeek log whose name is not UTF-8 or holds a newline is read, and its evidence leads back to it", async () => {
  const dir = tempDir();
  try {
    const names = [Buffer.from([0x64, 0x6e, 0x73, 0xff, 0x2e, 0x6c, 0x6f, 0x67]), Buffer.from("dns\nFAKE: no incident.log")];
    for (const n of names) writeFileSync(Buffer.concat([Buffer.from(`${dir}/`), n]), ZEEK_DNS);
    const { files, errors } = await walk([dir]);
    assert.deepEqual(errors, []);
    assert.deepEqual(files.map((f) => f.path), [`${dir}/dns\\x0aFAKE: no incident.log`, `${dir}/dns\\xff.log`]);
    for (const f of files) assert.deepEqual(rawPath(f.path), f.raw);

    const { result, findings } = await runScan({ paths: [dir] });
    assert.deepEqual(result.files.map((f) => [f.path, f.format, f.error]), files.map((f) => [f.path, "zeek.dns", undefined]));
    assert.ok(result.events > 0);
    const evidenceFiles = new Set(findings.flatMap((f) => f.evidence.map((e) => e.file)));
    assert.ok(evidenceFiles.has(`${dir}/dns\\xff.log`), [...evidenceFiles].join(", "));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("symbolic links are followed (Zeek's logs/current), a loop is reported once, nothing is read twice", async () => {
  const dir = tempDir();
  try {
    mkdirSync(join(dir, "spool/zeek"), { recursive: true });
    mkdirSync(join(dir, "logs/2024-05-01"), { recursive: true });
    writeFileSync(join(dir, "spool/zeek/dns.log"), ZEEK_DNS);
    writeFileSync(join(dir, "logs/2024-05-01/dns.log"), ZEEK_DNS);
    symlinkSync(join(dir, "spool/zeek"), join(dir, "logs/current"));
    symlinkSync("..", join(dir, "logs/2024-05-01/up")); // leads back to logs/
    symlinkSync(join(dir, "logs/2024-05-01/dns.log"), join(dir, "logs/dns-latest.log")); // same file again
    symlinkSync(join(dir, "nowhere"), join(dir, "logs/dangling.log"));

    const logs = await walk([join(dir, "logs")]);
    assert.deepEqual(logs.files.map((f) => f.path), [join(dir, "logs/2024-05-01/dns.log"), join(dir, "logs/current/dns.log")]);
    assert.deepEqual(logs.notes, [`${join(dir, "logs/2024-05-01/up")}: symbolic link loop: this folder leads back to a folder above it; not followed`]);
    assert.deepEqual(logs.errors, [`${join(dir, "logs/dangling.log")}: no such file or folder`]);

    // Only the link given: it is followed too (before, "Read 0 of 0 file(s)").
    const current = await walk([join(dir, "logs/current")]);
    assert.deepEqual(current.files.map((f) => f.path), [join(dir, "logs/current/dns.log")]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("a forced --input-format that reads nothing from a file is not a read: the scan says so (exit 2)", async () => {
  const { result } = await runScan({ paths: [join(REPO_ROOT, "examples/network/zeek/dns.log")], inputFormat: "aws.cloudtrail" });
  assert.equal(result.events, 0);
  assert.equal(result.readSomething, false);
  const right = await runScan({ paths: [join(REPO_ROOT, "examples/network/zeek/dns.log")], inputFormat: "zeek.dns" });
  assert.equal(right.result.readSomething, true);
});
