/**
 * Conformance checklist §2 items 3–11 (sigma.md): every value modifier, each restated as events
 * that must and must not match, plus the modifier errors pySigma raises.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { base64Offsets, windash } from "./encodings.js";
import { parseSigmaString } from "./sigma-string.js";
import { load, matcher, refusal, ruleText } from "./test-helpers/index.js";

const cmd = (v: string) => ({ "process.command_line": v });
const sel = (item: string) => `selection:\n${item.split("\n").map((l) => `  ${l}`).join("\n")}\ncondition: selection`;

describe("startswith / endswith / contains (checklist 3)", () => {
  it("adds the wildcard but never doubles one that is already there", () => {
    const c = matcher(sel("CommandLine|contains: '*--donate-level*'"));
    assert.equal(c(cmd("xmrig --donate-level=1")), true);
    assert.equal(c(cmd("xmrig --donate_level=1")), false);
    const s = matcher(sel("CommandLine|startswith: 'curl*'"));
    assert.equal(s(cmd("curl -s x | sh")), true);
    assert.equal(s(cmd("/bin/curl -s")), false);
    const e = matcher(sel("Image|endswith: '/xmrig'"));
    assert.equal(e({ "process.executable": "/tmp/.cache/xmrig" }), true);
    assert.equal(e({ "process.executable": "/tmp/xmrig-6.2/run" }), false);
  });

  it("keeps a trailing backslash literal when the wildcard is added", () => {
    const m = matcher(sel("CommandLine|contains: 'Temp\\'"));
    assert.equal(m(cmd("C:\\Users\\x\\Temp\\a.exe")), true);
    assert.equal(m(cmd("C:\\Users\\x\\TempDir")), false);
  });

  it("respects regex anchors: startswith/endswith anchor a regex, contains leaves it a search", () => {
    const start = matcher(sel("CommandLine|re|startswith: 'x[a-z]+g'"));
    assert.equal(start(cmd("xmrig -o pool")), true);
    assert.equal(start(cmd("./xmrig -o pool")), false);
    const end = matcher(sel("CommandLine|re|endswith: 'rx/[0-9]'"));
    assert.equal(end(cmd("xmrig -a rx/0")), true);
    assert.equal(end(cmd("xmrig -a rx/0 -o pool")), false);
    const anchored = matcher(sel("CommandLine|re|startswith: '^.*miner'"));
    assert.equal(anchored(cmd("/opt/nbminer")), true);
    const contains = matcher(sel("CommandLine|re|contains: 'pool\\.[a-z]+'"));
    assert.equal(contains(cmd("x -o pool.minexmr.com")), true);
    assert.equal(contains(cmd("x -o pool")), false);
  });
});

describe("all (checklist 4)", () => {
  it("joins a field's values with AND", () => {
    const m = matcher(sel("CommandLine|contains|all:\n  - ' -o '\n  - ' -u '\n  - 'stratum'"));
    assert.equal(m(cmd("miner -o stratum+tcp://p:3333 -u wallet")), true);
    assert.equal(m(cmd("miner -o stratum+tcp://p:3333")), false);
  });

  it("joins keywords with AND under '|all'", () => {
    const m = matcher("keywords:\n  '|all':\n    - 'xmrig'\n    - 'donate'\ncondition: keywords");
    assert.equal(m({ "process.name": "xmrig", "process.command_line": "x --donate-level 1" }), true);
    assert.equal(m({ "process.name": "xmrig", "process.command_line": "x" }), false);
  });

  it("warns about all on a single value and all without contains", () => {
    const one = load(ruleText(sel("CommandLine|contains|all: 'x'")));
    assert.ok(one.warnings.some((w) => w.code === "all-single-value"));
    assert.equal(one.refused.length, 0);
    const eq = load(ruleText(sel("CommandLine|all:\n  - 'a'\n  - 'b'")));
    assert.ok(eq.warnings.some((w) => w.code === "all-without-contains"));
  });
});

describe("windash (checklist 5)", () => {
  it("varies only dashes and slashes that start a word: 5 characters, all combinations", () => {
    const variants = windash(parseSigmaString("-param-1 -param2")).map((s) => s.parts.join(""));
    assert.equal(variants.length, 25, "two word-start dashes, 5 x 5");
    assert.ok(variants.includes("/param-1 /param2"));
    assert.ok(variants.includes("\u2013param-1 \u2015param2"));
    assert.ok(variants.every((v) => v.includes("param-1")), "the inner dash of param-1 does not vary");
  });

  it("matches every dash form of a flag, and no other character", () => {
    const m = matcher(sel("CommandLine|windash|contains: ' -encodedcommand '"));
    for (const dash of ["-", "/", "\u2013", "\u2014", "\u2015"]) assert.equal(m(cmd(`powershell ${dash}EncodedCommand abc`)), true, dash);
    assert.equal(m(cmd("powershell +EncodedCommand abc")), false);
  });
});

describe("base64, base64offset, utf16 (checklist 6)", () => {
  it("gives pySigma's three base64offset strings", () => {
    assert.deepEqual(base64Offsets("foobar", false), ["Zm9vYmFy", "Zvb2Jhc", "mb29iYX"]);
    // The hand-written values in SigmaHQ's crypto-mining rules.
    assert.deepEqual(base64Offsets("--donate-level=", false), ["LS1kb25hdGUtbGV2ZWw9", "0tZG9uYXRlLWxldmVsP", "tLWRvbmF0ZS1sZXZlbD"]);
  });

  it("base64 matches the encoded value; base64offset|contains finds it at any offset", () => {
    const b = matcher(sel("CommandLine|base64|contains: 'xmrig'"));
    assert.equal(b(cmd(`echo ${Buffer.from("xmrig").toString("base64")} | base64 -d`)), true);
    assert.equal(b(cmd("echo eG1yaWc | base64 -d")), false, "unpadded text is not the plain base64 form");
    const o = matcher(sel("CommandLine|base64offset|contains: 'stratum+tcp://'"));
    for (const prefix of ["", "a", "ab"]) {
      const encoded = Buffer.from(`${prefix}stratum+tcp://pool:3333`).toString("base64");
      assert.equal(o(cmd(`echo ${encoded} | base64 -d | sh`)), true, `offset ${prefix.length}`);
    }
    assert.equal(o(cmd(`echo ${Buffer.from("stratum+udp://pool").toString("base64")}`)), false);
  });

  it("chains utf16le/wide, utf16be and utf16 before base64 (PowerShell -enc)", () => {
    const wide = matcher(sel("CommandLine|wide|base64offset|contains: 'xmrig'"));
    const enc = Buffer.from("Start-Process xmrig.exe", "utf16le").toString("base64");
    assert.equal(wide(cmd(`powershell -enc ${enc}`)), true);
    assert.equal(wide(cmd(`powershell -enc ${Buffer.from("Start-Process xmrig.exe").toString("base64")}`)), false, "UTF-8 is not UTF-16");
    const le = matcher(sel("CommandLine|utf16le|base64: 'cmd'"));
    assert.equal(le(cmd(Buffer.from("cmd", "utf16le").toString("base64"))), true);
    const be = matcher(sel("CommandLine|utf16be|base64: 'cmd'"));
    assert.equal(be(cmd(Buffer.from([0, 0x63, 0, 0x6d, 0, 0x64]).toString("base64"))), true);
    const bom = matcher(sel("CommandLine|utf16|base64: 'cmd'"));
    assert.equal(bom(cmd(Buffer.from([0xff, 0xfe, 0x63, 0, 0x6d, 0, 0x64, 0]).toString("base64"))), true);
    assert.equal(bom(cmd(Buffer.from("cmd", "utf16le").toString("base64"))), false, "utf16 carries the byte-order mark");
  });

  it("refuses base64 of a value with wildcards", () => {
    assert.match(refusal(ruleText(sel("CommandLine|base64: 'xm*ig'"))), /wildcards/);
    assert.match(refusal(ruleText(sel("CommandLine|base64offset|contains: 'x?'"))), /wildcards/);
  });
});

describe("re with i/m/s and inline flags (checklist 7)", () => {
  it("is case-sensitive by default and a search, not a full match", () => {
    const m = matcher(sel("CommandLine|re: 'stratum\\+(tcp|ssl)://'"));
    assert.equal(m(cmd("xmrig -o stratum+tcp://pool:3333")), true);
    assert.equal(m(cmd("xmrig -o STRATUM+TCP://pool:3333")), false);
  });

  it("i / ignorecase, m / multiline, s / dotall", () => {
    for (const flag of ["i", "ignorecase"]) {
      const m = matcher(sel(`CommandLine|re|${flag}: 'stratum\\+tcp'`));
      assert.equal(m(cmd("STRATUM+TCP://x")), true, flag);
    }
    for (const flag of ["m", "multiline"]) {
      const m = matcher(sel(`CommandLine|re|${flag}: '^xmrig$'`));
      assert.equal(m(cmd("#!/bin/sh\nxmrig\nexit")), true, flag);
    }
    assert.equal(matcher(sel("CommandLine|re: '^xmrig$'"))(cmd("#!/bin/sh\nxmrig\nexit")), false, "without m, ^ and $ are the text's ends");
    for (const flag of ["s", "dotall"]) {
      const m = matcher(sel(`CommandLine|re|${flag}: 'curl.+sh'`));
      assert.equal(m(cmd("curl x |\nsh")), true, flag);
    }
    assert.equal(matcher(sel("CommandLine|re: 'curl.+sh'"))(cmd("curl x |\nsh")), false, "without s, . stops at a newline");
  });

  it("understands the inline (?i) SigmaHQ used before |re|i existed", () => {
    const m = matcher(sel("CommandLine|re: '(?i)XMRIG'"));
    assert.equal(m(cmd("./xmrig")), true);
  });

  it("keeps regex values unescaped: wildcards and backslashes mean regex things", () => {
    const m = matcher(sel("CommandLine|re: 'a.*b\\d'"));
    assert.equal(m(cmd("a--b7")), true);
    assert.equal(m(cmd("a*b\\d")), false);
  });

  it("refuses re after another modifier and flags without re", () => {
    assert.match(refusal(ruleText(sel("CommandLine|base64|re: 'x'"))), /unmodified/);
    assert.match(refusal(ruleText(sel("CommandLine|i: 'x'"))), /flag of the 're' modifier/);
  });

  it("refuses what the linear-time engine cannot run (lookahead), with RE2's reason", () => {
    assert.match(refusal(ruleText(sel("CommandLine|re: 'x(?=y)'"))), /RE2/);
  });
});

describe("cidr (checklist 8)", () => {
  it("matches IPv4 and IPv6 networks", () => {
    const m = matcher(sel("DestinationIp|cidr:\n  - '10.0.0.0/8'\n  - '192.168.1.0/24'\n  - 'fd00::/8'\n  - '2001:db8::/32'"));
    assert.equal(m({ "destination.ip": "10.200.3.4" }), true);
    assert.equal(m({ "destination.ip": "192.168.1.255" }), true);
    assert.equal(m({ "destination.ip": "192.168.2.1" }), false);
    assert.equal(m({ "destination.ip": "11.0.0.1" }), false);
    assert.equal(m({ "destination.ip": "fd12:3456::1" }), true);
    assert.equal(m({ "destination.ip": "2001:db8:0:1::5" }), true);
    assert.equal(m({ "destination.ip": "2001:db9::1" }), false);
    assert.equal(m({ "destination.ip": "not-an-ip" }), false);
  });

  it("handles /0, /31, /32 and /128", () => {
    assert.equal(matcher(sel("DestinationIp|cidr: '0.0.0.0/0'"))({ "destination.ip": "8.8.8.8" }), true);
    const p31 = matcher(sel("DestinationIp|cidr: '10.0.0.2/31'"));
    assert.equal(p31({ "destination.ip": "10.0.0.3" }), true);
    assert.equal(p31({ "destination.ip": "10.0.0.4" }), false);
    assert.equal(matcher(sel("DestinationIp|cidr: '10.0.0.2/32'"))({ "destination.ip": "10.0.0.2" }), true);
    assert.equal(matcher(sel("DestinationIp|cidr: '::1/128'"))({ "destination.ip": "::1" }), true);
  });

  it("refuses a network with host bits set", () => {
    assert.match(refusal(ruleText(sel("DestinationIp|cidr: '192.168.1.1/24'"))), /host bits/);
  });
});

describe("exists, null, empty (checklist 9)", () => {
  const exists = matcher(sel("User|exists: true"));
  const missing = matcher(sel("User|exists: false"));
  const isNull = matcher(sel("User: null"));
  const empty = matcher(sel("User: ''"));

  it("exists looks only at presence: empty and null values count as present", () => {
    assert.equal(exists({ "user.name": "root" }), true);
    assert.equal(exists({ "user.name": "" }), true);
    assert.equal(exists({ "user.name": null }), true);
    assert.equal(exists({}), false);
    assert.equal(missing({}), true);
    assert.equal(missing({ "user.name": "" }), false);
  });

  it("null matches a missing field and a JSON null, not an empty string", () => {
    assert.equal(isNull({}), true);
    assert.equal(isNull({ "user.name": null }), true);
    assert.equal(isNull({ "user.name": "" }), false);
    assert.equal(isNull({ "user.name": "root" }), false);
  });

  it("'' matches only the empty string", () => {
    assert.equal(empty({ "user.name": "" }), true);
    assert.equal(empty({}), false);
    assert.equal(empty({ "user.name": "root" }), false);
  });

  it("a field with no value is the null check; not null is the negated selection", () => {
    const m = matcher("selection:\n  User:\ncondition: not selection");
    assert.equal(m({ "user.name": "root" }), true);
    assert.equal(m({}), false);
  });

  it("refuses exists on a keyword, with other modifiers, or with a non-boolean", () => {
    assert.match(refusal(ruleText("keywords:\n  '|exists': true\ncondition: keywords")), /field/);
    assert.match(refusal(ruleText(sel("User|contains|exists: true"))), /unmodified/);
    assert.match(refusal(ruleText(sel("User|exists: 'yes'"))), /true or false/);
  });
});

describe("fieldref, neq, numeric comparisons, time parts (checklist 10)", () => {
  it("fieldref compares two fields of the same event", () => {
    const m = matcher(sel("ParentImage|fieldref: Image"));
    assert.equal(m({ "process.executable": "/tmp/x", "process.parent.executable": "/TMP/X" }), true);
    assert.equal(m({ "process.executable": "/tmp/x", "process.parent.executable": "/tmp/y" }), false);
    assert.equal(m({ "process.parent.executable": "/tmp/y" }), false);
  });

  it("fieldref with contains, startswith, endswith and neq", () => {
    const c = matcher(sel("CommandLine|fieldref|contains: Image"));
    assert.equal(c({ "process.executable": "/tmp/xmrig", "process.command_line": "/tmp/xmrig -o p" }), true);
    assert.equal(c({ "process.executable": "/tmp/xmrig", "process.command_line": "./run -o p" }), false);
    const s = matcher(sel("CommandLine|fieldref|startswith: Image"));
    assert.equal(s({ "process.executable": "/bin/sh", "process.command_line": "/bin/sh -c x" }), true);
    assert.equal(s({ "process.executable": "/bin/sh", "process.command_line": "sh /bin/sh" }), false);
    const e = matcher(sel("CommandLine|fieldref|endswith: Image"));
    assert.equal(e({ "process.executable": "xmrig", "process.command_line": "/tmp/xmrig" }), true);
    const n = matcher(sel("User|fieldref|neq: ParentImage"));
    assert.equal(n({ "user.name": "root", "process.parent.executable": "root" }), false);
    assert.equal(n({ "user.name": "root", "process.parent.executable": "/bin/sh" }), true);
  });

  it("refuses a field reference with wildcards", () => {
    assert.match(refusal(ruleText(sel("CommandLine|fieldref: 'Ima*'"))), /without wildcards/);
  });

  it("neq: the field differs from every value; a missing field differs", () => {
    const m = matcher(sel("User|neq:\n  - root\n  - admin"));
    assert.equal(m({ "user.name": "www-data" }), true);
    assert.equal(m({ "user.name": "ROOT" }), false);
    assert.equal(m({ "user.name": "admin" }), false);
    assert.equal(m({}), true);
    const port = matcher(sel("DestinationPort|neq: 443"));
    assert.equal(port({ "destination.port": 3333 }), true);
    assert.equal(port({ "destination.port": 443 }), false);
  });

  it("gt, gte, lt, lte compare numbers, numeric strings included", () => {
    const gt = matcher(sel("DestinationPort|gt: 3000"));
    assert.equal(gt({ "destination.port": 3333 }), true);
    assert.equal(gt({ "destination.port": "3333" }), true);
    assert.equal(gt({ "destination.port": 3000 }), false);
    assert.equal(gt({ "destination.port": "high" }), false);
    assert.equal(gt({}), false);
    assert.equal(matcher(sel("DestinationPort|gte: 3000"))({ "destination.port": 3000 }), true);
    assert.equal(matcher(sel("DestinationPort|lt: 1024"))({ "destination.port": 443 }), true);
    assert.equal(matcher(sel("DestinationPort|lte: 1024"))({ "destination.port": 1025 }), false);
    const range = matcher("a:\n  DestinationPort|gte: 3333\nb:\n  DestinationPort|lte: 3336\ncondition: a and b");
    assert.equal(range({ "destination.port": 3334 }), true);
    assert.equal(range({ "destination.port": 3337 }), false);
  });

  it("refuses comparisons on strings", () => {
    assert.match(refusal(ruleText(sel("DestinationPort|gt: '3000'"))), /number/);
  });

  it("minute, hour, day, week, month, year take that part of a date (UTC, no conversion)", () => {
    const ev = { "@timestamp": "2026-11-20T03:14:07.000Z" };
    const at = (mods: string, value: number) => matcher(sel(`'@timestamp|${mods}': ${value}`))(ev);
    assert.equal(at("minute", 14), true);
    assert.equal(at("hour", 3), true);
    assert.equal(at("hour", 4), false);
    assert.equal(at("day", 20), true);
    assert.equal(at("week", 47), true);
    assert.equal(at("month", 11), true);
    assert.equal(at("year", 2026), true);
    assert.equal(at("hour|lt", 6), true, "night hours");
    assert.equal(at("hour|gte", 9), false);
    assert.equal(matcher(sel("'@timestamp|hour': 3"))({ "@timestamp": "not a date" }), false);
    assert.equal(matcher(sel("'@timestamp|hour': 3"))({ "@timestamp": "2026-11-20T03:14:07" }), true, "a zone-less time is read as UTC");
  });
});

describe("expand (checklist 11)", () => {
  it("resolves placeholders from configuration", () => {
    const opts = { placeholders: { Pools: ["pool.supportxmr.com", "*.nanopool.org"] } };
    const m = matcher(sel("DestinationHostname|expand: '%Pools%'"), opts);
    assert.equal(m({ "destination.domain": "pool.supportxmr.com" }), true);
    assert.equal(m({ "destination.domain": "xmr-eu1.nanopool.org" }), true);
    assert.equal(m({ "destination.domain": "example.com" }), false);
    const c = matcher(sel("CommandLine|contains|expand: ' -o %Pools%'"), opts);
    assert.equal(c(cmd("xmrig -o pool.supportxmr.com:3333")), true);
  });

  it("without expand a %name% value is literal, and \\% escapes a percent under expand", () => {
    const literal = matcher(sel("CommandLine: '%Pools%'"));
    assert.equal(literal(cmd("%Pools%")), true);
    const escaped = matcher(sel("CommandLine|expand: '100\\%'"));
    assert.equal(escaped(cmd("100%")), true);
  });

  it("refuses a rule whose placeholder has no configured values", () => {
    assert.match(refusal(ruleText(sel("CommandLine|expand: '%Unknown%'"))), /placeholder %Unknown%/);
  });
});

describe("modifier errors", () => {
  it("refuses unknown modifiers with the name", () => {
    assert.match(refusal(ruleText(sel("CommandLine|contain: 'x'"))), /unknown modifier 'contain'/);
  });

  it("warns when a modifier is given twice", () => {
    const r = load(ruleText(sel("CommandLine|contains|contains: 'x'")));
    assert.ok(r.warnings.some((w) => w.code === "duplicate-modifier"));
  });
});
