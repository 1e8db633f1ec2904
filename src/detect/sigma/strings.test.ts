/**
 * Conformance checklist §2 items 1–2 (sigma.md): escapes and wildcards, restated as events that
 * must and must not match. Values are written as YAML single-quoted strings, where a backslash is
 * just a backslash, so what the test shows is what the rule author typed.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { parseSigmaString, ANY, ONE } from "./sigma-string.js";
import { load, matcher, ruleText } from "./test-helpers/index.js";

const cmd = (v: string) => ({ "process.command_line": v });
function field(value: string, modifiers = ""): (v: string) => boolean {
  const m = matcher(`selection:\n  CommandLine${modifiers}: '${value}'\ncondition: selection`);
  return (v) => m(cmd(v));
}

describe("sigma strings: escaping (checklist 1)", () => {
  it("parses pySigma's escape example into literal, wildcard and single-char parts", () => {
    assert.deepEqual(parseSigmaString(String.raw`escaped\*\?\\*?`).parts, [String.raw`escaped*?\ `.trim(), ANY, ONE]);
    assert.deepEqual(parseSigmaString(String.raw`escaped\nonspecial`).parts, [String.raw`escaped\nonspecial`]);
    assert.deepEqual(parseSigmaString("trailing\\").parts, ["trailing\\"]);
  });

  it("\\* and \\? are literal characters, \\\\* is a backslash then a wildcard", () => {
    const m = field(String.raw`escaped\*\?\\*?`);
    assert.equal(m(String.raw`escaped*?\abc`), true);
    assert.equal(m(String.raw`escaped*?\x`), true);
    assert.equal(m(String.raw`escapedAB\abc`), false, "the * and ? are literal, not wildcards");
    assert.equal(m(String.raw`escaped*?\ `.trim()), false, "the trailing ? needs one character");
  });

  it("a backslash before an ordinary character stays: C:\\Windows and C:\\\\Windows mean the same", () => {
    const single = field(String.raw`C:\Windows\System32\cmd.exe`);
    const double = field(String.raw`C:\\Windows\\System32\\cmd.exe`);
    for (const m of [single, double]) {
      assert.equal(m(String.raw`C:\Windows\System32\cmd.exe`), true);
      assert.equal(m(String.raw`c:\windows\system32\CMD.EXE`), true, "case-insensitive by default");
      assert.equal(m(String.raw`C:\\Windows\\System32\\cmd.exe`), false);
    }
  });

  it("a trailing lone backslash is literal", () => {
    const m = field("share\\");
    assert.equal(m("share\\"), true);
    assert.equal(m("share"), false);
  });

  it("\\\\\\* is a backslash followed by a literal star", () => {
    const m = field(String.raw`a\\\*`);
    assert.equal(m(String.raw`a\*`), true);
    assert.equal(m(String.raw`a\xyz`), false);
  });

  it("three or four backslashes mean two literal backslashes (UNC prefixes)", () => {
    const four = field(String.raw`\\\\server\share`);
    const three = field(String.raw`\\\server\share`);
    for (const m of [four, three]) {
      assert.equal(m(String.raw`\\server\share`), true);
      assert.equal(m(String.raw`\server\share`), false);
    }
    assert.equal(field(String.raw`\\server`)(String.raw`\server`), true, "'\\\\' in single quotes is one backslash");
  });

  it("follows the spec for \\* after a path separator (literal star) and warns about it", () => {
    const m = field(String.raw`\*.bak`, "|endswith");
    assert.equal(m("backup\\*.bak"), true);
    assert.equal(m("C:\\data\\db.bak"), false, "by the spec the star is literal");
    const r = load(ruleText(`selection:\n  CommandLine|endswith: '\\*.bak'\ncondition: selection`));
    assert.ok(r.warnings.some((w) => w.code === "escaped-wildcard"), "pySigma's EscapedWildcardValidator warning");
  });
});

describe("sigma strings: wildcards and case (checklist 2)", () => {
  it("* at the start, end and middle", () => {
    assert.equal(field("*xmrig")("/tmp/.x/xmrig"), true);
    assert.equal(field("*xmrig")("/tmp/xmrig.sh"), false);
    assert.equal(field("/tmp/*")("/tmp/kdevtmpfsi"), true);
    assert.equal(field("/tmp/*")("/var/tmp/x"), false);
    const mid = field("7z*.exe");
    assert.equal(mid("7za.exe"), true);
    assert.equal(mid("7z.exe"), true, "* matches an empty run");
    assert.equal(mid("7za.exe.bak"), false);
    assert.equal(field("a*b*c")("a-c-b-c"), true);
    assert.equal(field("a*b*c")("a-c-b"), false);
  });

  it("? matches exactly one character", () => {
    const m = field("a?c");
    assert.equal(m("abc"), true);
    assert.equal(m("ac"), false);
    assert.equal(m("abbc"), false);
    const path = field("HostApplication=?:/Windows/*");
    assert.equal(path("HostApplication=C:/Windows/System32/x"), true);
    assert.equal(path("HostApplication=CD:/Windows/x"), false);
  });

  it("a value without wildcards is whole-value equality, not substring", () => {
    const m = field("xmrig");
    assert.equal(m("xmrig"), true);
    assert.equal(m("XMRIG"), true);
    assert.equal(m("/tmp/xmrig"), false);
  });

  it("cased switches case-insensitive matching off", () => {
    const m = field("XMRig", "|cased");
    assert.equal(m("XMRig"), true);
    assert.equal(m("xmrig"), false);
    const c = field("XMRig", "|contains|cased");
    assert.equal(c("run XMRig now"), true);
    assert.equal(c("run xmrig now"), false);
  });

  it("leading and trailing spaces are part of the value", () => {
    const m = field(" -o pool.", "|contains");
    assert.equal(m("./x -o pool.supportxmr.com:3333"), true);
    assert.equal(m("./x-o pool.supportxmr.com"), false);
  });

  it("long exact lists use one set lookup and still match case-insensitively", () => {
    const hosts = Array.from({ length: 300 }, (_, i) => `pool${i}.example-pool.com`);
    const m = matcher(`selection:\n  DestinationHostname:\n${hosts.map((h) => `    - '${h}'`).join("\n")}\ncondition: selection`);
    assert.equal(m({ "destination.domain": "POOL299.example-pool.com" }), true);
    assert.equal(m({ "destination.domain": "pool300.example-pool.com" }), false);
  });
});
