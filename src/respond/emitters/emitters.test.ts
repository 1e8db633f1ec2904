/**
 * Every emitter on a blocklist full of hostile values: the real tool accepts the output (nft -c,
 * iptables-restore --test, ip6tables-restore --test, named-checkzone, dnsmasq --test, unbound-checkconf),
 * the output holds none of the hostile text, and a corrupted copy is rejected by the same tool (so the
 * check can fail). Suricata is not installable here: its rules get a syntax check of our own.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { BLOCK_FORMATS, RPZ_ZONE, cleanBlocklist, emitBlocklist, type BlockFormat, type Blocklist, type BlockPort } from "./index.js";
import { needTool, runTool } from "./test-helpers/tools.js";

const GOOD_DOMAINS = ["pool.supportxmr.com", "xmr-eu1.nanopool.org", "gulf.moneroocean.stream"];
const GOOD_IPS = ["203.0.113.77", "198.51.100.0/24", "2001:db8::5", "2001:db8:1::/48"];

/** Text that must never reach a file: each would break out of one format or another. */
const HOSTILE_DOMAINS = [
  "evil.example\nflush ruleset", "quote\"pool.example", "semi;colon.example", "brace}.example", `${"a".repeat(64)}.example`,
  "x".repeat(300), "sp ace.example", "back\\slash.example", "$(reboot).example", "pool.example/../etc", "cr\r.example", "nul\u0000.example",
  "localhost", "1.2.3.4", "-dash.example", "*.evil.*",
];
const HOSTILE_IPS = [
  "203.0.113.9\n-A INPUT -j ACCEPT", "203.0.113.10; flush ruleset", "10.0.0.5", "192.168.1.10", "0.0.0.0/0", "::/0", "fe80::1",
  "203.0.113.0/33", "127.0.0.1", "224.0.0.251", "100.64.0.1", "::ffff:203.0.113.11",
];
const MARKERS = [
  "flush ruleset", "-A INPUT -j ACCEPT", "quote\"", "semi;colon", "brace}", "a".repeat(64), "x".repeat(100), "sp ace", "back\\slash",
  "$(reboot)", "/../", "cr\r", "\u0000", "10.0.0.5", "192.168.1.10", "0.0.0.0/0", "fe80::1", "127.0.0.1", "224.0.0.251", "100.64.0.1",
  "203.0.113.9", "203.0.113.10", "203.0.113.11", "localhost CNAME", "-dash",
];

function hostileList(): Blocklist {
  const ports: BlockPort[] = [
    { port: 3333, protocol: "tcp" }, { port: 3334, protocol: "tcp" }, { port: 14444, protocol: "tcp" }, { port: 5555, protocol: "udp" },
    { port: 70000, protocol: "tcp" }, { port: 0, protocol: "tcp" }, { port: "3333,22" as unknown as number, protocol: "tcp" },
    { port: 7777, protocol: "sctp" as unknown as "tcp" }, { port: 443, protocol: "tcp" },
  ];
  return {
    domains: [...GOOD_DOMAINS, ...HOSTILE_DOMAINS, "*.c3pool.com.", "MineXMR.com"],
    ips: [...GOOD_IPS, "198.51.100.9", ...HOSTILE_IPS],
    ports,
    refs: { source: "incident", incidentId: "inc-1\n-A INPUT -j ACCEPT", findingIds: ["f-1"] },
  };
}

function emptyList(): Blocklist {
  return { domains: [], ips: [], ports: [], refs: { source: "incident", incidentId: "inc-empty", findingIds: [] } };
}

function emitted(format: BlockFormat, list: Blocklist = hostileList()): Map<string, string> {
  return new Map(emitBlocklist(list, [format]).files.map((f) => [f.name, f.content]));
}

function assertClean(name: string, content: string): void {
  for (const marker of MARKERS) assert.ok(!content.includes(marker), `${name} holds hostile text ${JSON.stringify(marker)}`);
}

/** Write files into a fresh temporary folder; return their paths by name. */
function writeAll(files: Map<string, string>): { dir: string; path: (name: string) => string } {
  const dir = mkdtempSync(join(tmpdir(), "minerhunt-emit-"));
  for (const [name, content] of files) writeFileSync(join(dir, name), content);
  return { dir, path: (name) => join(dir, name) };
}

test("cleanBlocklist keeps the valid values, normalises them and reports every hostile one", () => {
  const clean = cleanBlocklist(hostileList());
  assert.deepEqual(clean.domains, ["c3pool.com", "gulf.moneroocean.stream", "minexmr.com", "pool.supportxmr.com", "xmr-eu1.nanopool.org"]);
  // 198.51.100.9 is inside 198.51.100.0/24: covered, left out (nftables refuses overlapping intervals).
  assert.deepEqual(clean.v4.map((i) => i.cidr), ["198.51.100.0/24", "203.0.113.77"]);
  assert.deepEqual(clean.v6.map((i) => i.cidr), ["2001:db8:1::/48", "2001:db8::5"]);
  assert.deepEqual(clean.ports, [{ port: 3333, protocol: "tcp" }, { port: 3334, protocol: "tcp" }, { port: 14444, protocol: "tcp" }, { port: 5555, protocol: "udp" }]);
  assert.equal(clean.dropped.filter((d) => d.kind === "domain").length, HOSTILE_DOMAINS.length);
  assert.equal(clean.dropped.filter((d) => d.kind === "ip").length, HOSTILE_IPS.length);
  assert.equal(clean.dropped.filter((d) => d.kind === "port").length, 5);
  assert.ok(clean.dropped.some((d) => d.value === "443" && /common service port/.test(d.reason)), "443 is never blocked as a port");
  // A huge value is quoted cut short.
  assert.ok(clean.dropped.every((d) => d.value.length <= 81));
});

test("every format's output holds none of the hostile text (incident reference included)", () => {
  for (const format of BLOCK_FORMATS) {
    for (const [name, content] of emitted(format)) {
      if (format === "nacl") {
        // NACL port entries legitimately deny 0.0.0.0/0 on a port; everything else must be absent.
        for (const marker of MARKERS.filter((m) => m !== "0.0.0.0/0")) assert.ok(!content.includes(marker), `${name}: ${JSON.stringify(marker)}`);
      } else {
        assertClean(name, content);
      }
    }
  }
});

test("nftables: nft -c -f accepts the table, with and without entries; a broken copy is rejected", async (t) => {
  const nft = needTool(t, "nft");
  if (!nft) return;
  const files = emitted("nft");
  const text = files.get("minerhunt_blocklist.nft")!;
  for (const v of ["pool_v4", "198.51.100.0/24", "203.0.113.77", "2001:db8::5", "2001:db8:1::/48", "3333", "14444", "5555"]) assert.ok(text.includes(v), v);
  const { dir, path } = writeAll(new Map([...files, ["empty.nft", emitted("nft", emptyList()).get("minerhunt_blocklist.nft")!],
    ["broken.nft", text.replace("203.0.113.77", "203.0.113.77\"")]]));
  try {
    for (const name of ["minerhunt_blocklist.nft", "empty.nft"]) {
      const r = await runTool(nft, ["-c", "-f", path(name)]);
      assert.equal(r.code, 0, `${name}: ${r.output}`);
    }
    assert.notEqual((await runTool(nft, ["-c", "-f", path("broken.nft")])).code, 0, "nft -c rejects a broken file");
  } finally { rmSync(dir, { recursive: true, force: true }); }
});

test("iptables and ip6tables: restore --test accepts both files; a broken copy is rejected", async (t) => {
  const v4 = needTool(t, "iptables-restore");
  const v6 = needTool(t, "ip6tables-restore");
  if (!v4 || !v6) return;
  const files = emitted("iptables");
  const four = files.get("minerhunt-blocklist.iptables")!, six = files.get("minerhunt-blocklist.ip6tables")!;
  assert.match(four, /^-A MINERHUNT-BLOCK -d 203\.0\.113\.77(\/32)? -j DROP$/m);
  assert.match(four, /^-A MINERHUNT-BLOCK-IN -s 198\.51\.100\.0\/24 -j DROP$/m);
  assert.match(four, /^-A MINERHUNT-BLOCK -p tcp -m multiport --dports 3333,3334,14444 -j DROP$/m);
  assert.match(six, /^-A MINERHUNT-BLOCK -d 2001:db8::5 -j DROP$/m);
  assert.ok(!four.includes("2001:db8") && !six.includes("203.0.113"), "each family in its own file");
  const { dir, path } = writeAll(new Map([...files, ["broken.iptables", four.replace("-d 203.0.113.77", "-d 203.0.113.77\"")]]));
  try {
    for (const [tool, name] of [[v4, "minerhunt-blocklist.iptables"], [v6, "minerhunt-blocklist.ip6tables"]] as const) {
      const r = await runTool(tool, ["--test", "--noflush", path(name)]);
      assert.equal(r.code, 0, `${name}: ${r.output}`);
    }
    assert.notEqual((await runTool(v4, ["--test", "--noflush", path("broken.iptables")])).code, 0);
  } finally { rmSync(dir, { recursive: true, force: true }); }
});

test("RPZ: named-checkzone loads the zone with names, wildcards and rpz-ip triggers; a broken copy fails", async (t) => {
  const checkzone = needTool(t, "named-checkzone");
  if (!checkzone) return;
  const files = emitted("rpz");
  const zone = files.get(`${RPZ_ZONE}.zone`)!;
  for (const line of ["pool.supportxmr.com CNAME .", "*.pool.supportxmr.com CNAME .", "32.77.113.0.203.rpz-ip CNAME .",
    "24.0.100.51.198.rpz-ip CNAME .", "128.5.zz.db8.2001.rpz-ip CNAME .", "48.zz.1.db8.2001.rpz-ip CNAME ."]) {
    assert.ok(zone.split("\n").includes(line), line);
  }
  // A 253-character name is valid on its own but cannot fit under the zone: left out and reported.
  const longName = `${Array.from({ length: 4 }, () => "l".repeat(61)).join(".")}.example`.slice(-253).replace(/^\./, "l");
  const longList: Blocklist = { ...emptyList(), domains: [longName, "pool.supportxmr.com"] };
  const long = emitBlocklist(longList, ["rpz"]);
  assert.equal(long.dropped.filter((d) => d.format === "rpz").length, 1);
  const { dir, path } = writeAll(new Map([...files, ["long.zone", long.files[0]!.content], ["empty.zone", emitted("rpz", emptyList()).get(`${RPZ_ZONE}.zone`)!],
    ["broken.zone", zone.replace("pool.supportxmr.com CNAME .", "pool.supportxmr.com;\" CNAME . junk")]]));
  try {
    for (const name of [`${RPZ_ZONE}.zone`, "long.zone", "empty.zone"]) {
      const r = await runTool(checkzone, [RPZ_ZONE, path(name)]);
      assert.equal(r.code, 0, `${name}: ${r.output}`);
    }
    assert.notEqual((await runTool(checkzone, [RPZ_ZONE, path("broken.zone")])).code, 0);
  } finally { rmSync(dir, { recursive: true, force: true }); }
});

test("dnsmasq: --test accepts the address=/name/ lines; a broken copy fails", async (t) => {
  const dnsmasq = needTool(t, "dnsmasq");
  if (!dnsmasq) return;
  const files = emitted("dnsmasq");
  const text = files.get("minerhunt-blocklist.dnsmasq.conf")!;
  assert.ok(text.split("\n").includes("address=/pool.supportxmr.com/"));
  const { dir, path } = writeAll(new Map([...files, ["broken.conf", `${text}no-such-option=1\n`]]));
  try {
    const r = await runTool(dnsmasq, ["--test", "-C", path("minerhunt-blocklist.dnsmasq.conf")]);
    assert.equal(r.code, 0, r.output);
    assert.notEqual((await runTool(dnsmasq, ["--test", "-C", path("broken.conf")])).code, 0);
  } finally { rmSync(dir, { recursive: true, force: true }); }
});

test("Unbound: unbound-checkconf accepts the local zones; a broken copy fails", async (t) => {
  const checkconf = needTool(t, "unbound-checkconf");
  if (!checkconf) return;
  const files = emitted("unbound");
  const text = files.get("minerhunt-blocklist.unbound.conf")!;
  assert.ok(text.split("\n").includes("  local-zone: \"pool.supportxmr.com.\" always_refuse"));
  const { dir, path } = writeAll(new Map([...files, ["broken.conf", text.replace("always_refuse", "always_refuse\"")]]));
  try {
    const r = await runTool(checkconf, [path("minerhunt-blocklist.unbound.conf")]);
    assert.equal(r.code, 0, r.output);
    assert.notEqual((await runTool(checkconf, [path("broken.conf")])).code, 0);
  } finally { rmSync(dir, { recursive: true, force: true }); }
});

test("hosts: 0.0.0.0 and :: lines for each name, between markers", () => {
  const text = emitted("hosts").get("minerhunt-blocklist.hosts")!;
  const lines = text.split("\n");
  assert.ok(lines.includes("0.0.0.0 pool.supportxmr.com") && lines.includes(":: pool.supportxmr.com"));
  const entries = lines.filter((l) => l && !l.startsWith("#"));
  assert.equal(entries.length, 10, "five names, two lines each");
  assert.ok(entries.every((l) => /^(0\.0\.0\.0|::) [a-z0-9.-]+$/.test(l)), "nothing else on an entry line");
});

/**
 * Suricata syntax, checked by us (suricata is not installable on the build machine): action, protocol,
 * addresses, ports, direction, then options; each option "name" or "name:value" ended by ";", quoted values
 * without a bare quote or ";"; msg first, sid and rev present, sids unique and in the local range.
 */
function checkSuricataRule(rule: string): { sid: number; options: string[] } {
  const m = /^(alert|drop|pass|reject) (ip|tcp|udp|dns|tls|http) (\S+) (\S+) (->|<>) (\S+) (\S+) \((.*)\)$/.exec(rule);
  assert.ok(m, `rule head: ${rule}`);
  const body = m[8]!;
  const options: string[] = [];
  let i = 0;
  while (i < body.length) {
    while (body[i] === " ") i++;
    if (i >= body.length) break;
    let j = i, quoted = false;
    for (; j < body.length; j++) {
      const c = body[j];
      if (c === "\\" && quoted) { j++; continue; }
      if (c === "\"") quoted = !quoted;
      else if (c === ";" && !quoted) break;
    }
    assert.ok(!quoted && body[j] === ";", `unterminated option in ${rule}`);
    options.push(body.slice(i, j));
    i = j + 1;
  }
  const known = new Set(["msg", "dns.query", "tls.sni", "http.host", "dotprefix", "content", "nocase", "endswith", "flow", "flags", "classtype", "sid", "rev"]);
  for (const o of options) {
    const name = o.split(":", 1)[0]!;
    assert.ok(known.has(name), `unknown keyword ${name} in ${rule}`);
    if (name === "msg" || name === "content") assert.match(o, /^[a-z]+:"[^"\\;]*"$/, o);
  }
  assert.match(options[0]!, /^msg:/);
  const sid = Number(/^sid:(\d+)$/.exec(options.find((o) => o.startsWith("sid:")) ?? "")?.[1]);
  assert.ok(sid >= 1_000_000 && sid <= 1_999_999, `sid ${sid} in the local range`);
  assert.ok(options.includes("rev:1"));
  for (const list of [m[3]!, m[6]!]) if (list.startsWith("[")) assert.match(list, /^\[[0-9a-f.:/,]+\]$/, list);
  return { sid, options };
}

test("Suricata: dns.query, tls.sni, http.host and ip/port rules pass a syntax check with unique local sids", () => {
  const text = emitted("suricata").get("minerhunt-blocklist.rules")!;
  const rules = text.split("\n").filter((l) => l && !l.startsWith("#"));
  assert.equal(rules.length, 5 * 3 + 1 + 2, "three rules per name, one for addresses, one per port protocol");
  const sids = rules.map((r) => checkSuricataRule(r).sid);
  assert.equal(new Set(sids).size, sids.length, "unique sids");
  assert.ok(rules.some((r) => r.includes("dns.query; dotprefix; content:\".pool.supportxmr.com\"; nocase; endswith;")));
  assert.ok(rules.some((r) => r.startsWith("alert ip $HOME_NET any -> [198.51.100.0/24,203.0.113.77,2001:db8:1::/48,2001:db8::5] any")));
  assert.ok(rules.some((r) => r.startsWith("alert tcp $HOME_NET any -> $EXTERNAL_NET [3333,3334,14444]")));
  // The checker itself bites: a quote in a content value is caught.
  const dnsRule = rules.find((r) => r.includes("content:\".pool.supportxmr.com\""))!;
  assert.throws(() => checkSuricataRule(dnsRule.replace(".pool.supportxmr.com", ".pool\";x.com")));
  assert.throws(() => checkSuricataRule(dnsRule.replace("; rev:1;)", "; rev:1)")));
});

test("AWS NACL: deny entries below the allow rules, both directions for addresses, egress for ports, budget reported", () => {
  const files = new Map(emitBlocklist(hostileList(), ["nacl"]).files.map((f) => [f.name, f.content]));
  const entries = JSON.parse(files.get("aws-nacl-entries.json")!) as Record<string, unknown>[];
  for (const e of entries) {
    assert.equal(e["RuleAction"], "deny");
    assert.ok((e["RuleNumber"] as number) >= 1 && (e["RuleNumber"] as number) < 100);
    assert.equal(e["NetworkAclId"], "<NetworkAclId>");
  }
  const egress = entries.filter((e) => e["Egress"] === true), ingress = entries.filter((e) => e["Egress"] === false);
  assert.deepEqual(ingress.map((e) => e["CidrBlock"] ?? e["Ipv6CidrBlock"]), ["198.51.100.0/24", "203.0.113.77/32", "2001:db8:1::/48", "2001:db8::5/128"]);
  assert.equal(new Set(egress.map((e) => e["RuleNumber"])).size, egress.length, "unique egress rule numbers");
  // 3333-3334 becomes one range.
  assert.ok(egress.some((e) => e["Protocol"] === "6" && e["CidrBlock"] === "0.0.0.0/0" && JSON.stringify(e["PortRange"]) === "{\"From\":3333,\"To\":3334}"));
  assert.ok(egress.some((e) => e["Protocol"] === "17" && JSON.stringify(e["PortRange"]) === "{\"From\":5555,\"To\":5555}"));
  const sg = JSON.parse(files.get("aws-quarantine-sg-create.json")!) as { GroupName: string; Description: string };
  assert.match(sg.GroupName, /^minerhunt-quarantine-[A-Za-z0-9._:-]+$/);
  const revoke = JSON.parse(files.get("aws-quarantine-sg-revoke-egress.json")!) as { IpPermissions: { IpProtocol: string }[] };
  assert.equal(revoke.IpPermissions[0]!.IpProtocol, "-1");

  const many: Blocklist = { ...emptyList(), ips: Array.from({ length: 30 }, (_, i) => `203.0.113.${i + 1}`) };
  const r = emitBlocklist(many, ["nacl"]);
  const kept = JSON.parse(r.files.find((f) => f.name === "aws-nacl-entries.json")!.content) as { RuleNumber: number; Egress: boolean }[];
  assert.equal(kept.filter((e) => e.Egress).length, 18);
  assert.equal(Math.max(...kept.map((e) => e.RuleNumber)), 18);
  assert.equal(r.dropped.filter((d) => d.format === "nacl").length, 24, "12 addresses over budget, both directions");
});

test("Route 53 DNS Firewall: names and wildcards, request bodies, updates chunked by 1,000", () => {
  const files = new Map(emitBlocklist(hostileList(), ["route53-firewall"]).files.map((f) => [f.name, f.content]));
  const domains = files.get("route53-firewall-domains.txt")!.trim().split("\n");
  assert.ok(domains.includes("pool.supportxmr.com") && domains.includes("*.pool.supportxmr.com"));
  const create = JSON.parse(files.get("route53-firewall-create-domain-list.json")!) as { Name: string; CreatorRequestId: string };
  assert.match(create.Name, /^[A-Za-z0-9_ -]{1,64}$/);
  const rule = JSON.parse(files.get("route53-firewall-create-rule.json")!) as Record<string, unknown>;
  assert.equal(rule["Action"], "BLOCK");
  assert.equal(rule["BlockResponse"], "NXDOMAIN");
  const big: Blocklist = { ...emptyList(), domains: Array.from({ length: 700 }, (_, i) => `p${i}.pool.example`) };
  const updates = emitBlocklist(big, ["route53-firewall"]).files.filter((f) => f.name.startsWith("route53-firewall-update-domains-"));
  const bodies = updates.map((f) => JSON.parse(f.content) as { Operation: string; Domains: string[] });
  assert.deepEqual(bodies.map((b) => [b.Operation, b.Domains.length]), [["REPLACE", 1000], ["ADD", 400]]);
});
