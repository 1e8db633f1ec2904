import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync, rmSync, readFileSync } from "node:fs";
import { gzipSync } from "node:zlib";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { REPO_ROOT } from "../../test-helpers/index.js";
import { cliCommand } from "../../test-helpers/cli.js";

/** Runs the real CLI as its own process (src/test-helpers/cli.ts) and returns what a person sees. */
function cli(args: string[], input?: string) {
  const mh = cliCommand(args);
  const r = spawnSync(mh.command, mh.args, {
    encoding: "utf8", cwd: REPO_ROOT, input, maxBuffer: 256 << 20,
    env: { ...process.env, NO_COLOR: "1", MINERHUNT_INTEL_DIR: join(tmpdir(), "mh-no-intel"), LC_ALL: "", LC_MESSAGES: "", LANG: "C.UTF-8" },
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

let dir = "";
before(() => { dir = mkdtempSync(join(tmpdir(), "mh-cli-")); });
after(() => rmSync(dir, { recursive: true, force: true }));

const zeekDns = [
  "#separator \\x09", "#set_separator\t,", "#empty_field\t(empty)", "#unset_field\t-", "#path\tdns",
  "#fields\tts\tuid\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p\tproto\ttrans_id\trtt\tquery\tqclass\tqclass_name\tqtype\tqtype_name\trcode\trcode_name\tAA\tTC\tRD\tRA\tZ\tanswers\tTTLs\trejected",
  "#types\ttime\tstring\taddr\tport\taddr\tport\tenum\tcount\tinterval\tstring\tcount\tstring\tcount\tstring\tcount\tstring\tbool\tbool\tbool\tbool\tcount\tvector[string]\tvector[interval]\tbool",
];
const dnsLine = (q: string, i = 1) => `1795038072.00000${i}\tC${i}x\t10.0.0.${i}\t5000${i}\t10.0.0.2\t53\tudp\t1\t0.001\t${q}\t1\tC_INTERNET\t1\tA\t0\tNOERROR\tF\tF\tT\tT\t0\t141.94.96.144\t300.0\tF`;

test("bad inputs get clear messages, the good file is still scanned, exit 1 for what it found", () => {
  // A truncated gzip, a binary file, a 50 MB single line, invalid UTF-8, a JSON file of no known format.
  const full = gzipSync(Buffer.from([...zeekDns, ...Array.from({ length: 3000 }, (_, i) => dnsLine("www.example.com", i % 9))].join("\n")));
  writeFileSync(join(dir, "a-truncated-dns.log.gz"), full.subarray(0, full.length - 30));
  writeFileSync(join(dir, "b-binary.bin"), Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0, 0, 1, 2, 3, 0, 0xff, 0xfe]));
  writeFileSync(join(dir, "c-huge-line.json"), "{\"query\":\"" + "a".repeat(50 * 1024 * 1024) + "\"}\n");
  writeFileSync(join(dir, "d-unknown.json"), JSON.stringify({ hello: "world", items: [1, 2, 3] }));
  writeFileSync(join(dir, "e-dns.log"), [...zeekDns, dnsLine("pool.supportxmr.com"), Buffer.from([0x71, 0xff, 0xfe]).toString("latin1"), "not\ta\tzeek\tline"].join("\n") + "\n");
  const r = cli(["scan", dir, "-q"]);
  assert.equal(r.err.includes("    at "), false, `no stack trace: ${r.err}`);
  assert.equal(r.code, 1, r.out + r.err);
  assert.match(r.out, /pool\.supportxmr\.com/);
  assert.match(r.out, /a-truncated-dns\.log\.gz: truncated gzip/);
  assert.match(r.out, /b-binary\.bin: binary file of no known format/);
  assert.match(r.out, /c-huge-line\.json.*(longer than|no known format)/);
  assert.match(r.out, /d-unknown\.json: JSON of no known format/);
  assert.match(r.out, /e-dns\.log:\d+: /);
});

test("exit 2 only when nothing at all could be read, and never a stack trace", () => {
  writeFileSync(join(dir, "only-unknown.json"), "{\"nothing\": true}\n");
  const r = cli(["scan", join(dir, "only-unknown.json"), "-q"]);
  assert.equal(r.code, 2);
  assert.match(r.out, /JSON of no known format/);
  const missing = cli(["scan", join(dir, "does-not-exist.log"), "-q"]);
  assert.equal(missing.code, 2);
  assert.match(missing.out, /does-not-exist\.log: no such file or folder/);
  assert.equal(missing.err.includes("    at "), false);
});

test("a clean input exits 0; stdin works with --input-format", () => {
  const r = cli(["scan", "-", "--input-format", "zeek.dns", "-q"], [...zeekDns, dnsLine("www.example.com"), dnsLine("0.debian.pool.ntp.org", 2)].join("\n") + "\n");
  assert.equal(r.code, 0, r.out + r.err);
  assert.match(r.out, /No cryptomining incident found/);
});

test("a config typo is an error naming the file, the line and the key", () => {
  const cfg = join(dir, "bad.yaml");
  writeFileSync(cfg, "cpu:\n  thresholdPct: 80\n  treshold: 5\n");
  const r = cli(["scan", join(REPO_ROOT, "examples/network"), "-q", "-c", cfg]);
  assert.equal(r.code, 2);
  assert.match(r.err, /bad\.yaml:3: cpu\.treshold: unknown setting "treshold"/);
});

test("json, ndjson and ocsf outputs carry incidents, findings and evidence file:line", () => {
  const out = join(dir, "out.json");
  const r = cli(["scan", join(REPO_ROOT, "examples/onprem"), join(REPO_ROOT, "examples/network"), "-q", "-f", "json", "-o", out]);
  assert.equal(r.code, 1, r.err);
  const doc = JSON.parse(readFileSync(out, "utf8")) as { incidents: { decision?: { path: string[] } }[]; findings: { evidence: { file: string; line?: number }[]; rule: { id: string } }[]; summary: { events: number } };
  assert.ok(doc.incidents.length >= 1);
  assert.deepEqual(doc.incidents[0]!.decision?.path, ["Alert", "Env", "OnPrem", "Scope", "Single"]);
  assert.ok(doc.findings.every((f) => f.evidence.length > 0 && f.evidence[0]!.file.length > 0));
  assert.ok(doc.findings.some((f) => typeof f.evidence[0]!.line === "number"));
  const nd = cli(["scan", join(REPO_ROOT, "examples/network"), "-q", "-f", "ndjson"]);
  const types = new Set(nd.out.trim().split("\n").map((l) => (JSON.parse(l) as { type: string }).type));
  assert.ok(types.has("finding"));
  const ocsf = cli(["scan", join(REPO_ROOT, "examples/network"), "-q", "-f", "ocsf"]);
  const first = JSON.parse(ocsf.out.split("\n")[0]!) as { class_uid: number; finding_info: { attacks: { technique: { uid: string } }[] } };
  assert.equal(first.class_uid, 2004);
  assert.equal(first.finding_info.attacks[0]!.technique.uid, "T1496");
});

test("--lang th prints the report's labels and the playbook's texts in Thai", () => {
  const r = cli(["scan", join(REPO_ROOT, "examples/cloud"), "-q", "--lang", "th"]);
  assert.equal(r.code, 1, r.err);
  assert.match(r.out, /พบ 1 เหตุการณ์/);
  assert.match(r.out, /ยกระดับไปยัง/);
  assert.match(r.out, /รายการตรวจสอบ: หลักฐานตอบแล้ว \d+\/\d+ ข้อ/);
  const bad = cli(["scan", join(REPO_ROOT, "examples/cloud"), "-q", "--lang", "fr"]);
  assert.equal(bad.code, 2);
});
