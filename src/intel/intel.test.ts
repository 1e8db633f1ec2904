import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadIntel } from "./load.js";
import { importList } from "./import.js";
import { sharedFixture } from "../test-helpers/index.js";

const noImports = { importDirs: [] as string[] };

test("pool domains match by labels from the right; look-alikes do not", () => {
  const intel = loadIntel(noImports);
  assert.equal(intel.matchDomain("xmr-eu1.nanopool.org")?.label, "Nanopool");
  assert.equal(intel.matchDomain("XMR-EU1.NANOPOOL.ORG.")?.listed, "nanopool.org");
  assert.equal(intel.matchDomain("donate.v2.xmrig.com")?.list, "donation");
  // The trap: "pool.ntp.org" starts with the PB-31 hint "pool." but is NTP.
  assert.equal(intel.matchDomain("pool.ntp.org"), undefined);
  assert.equal(intel.matchDomain("2.debian.pool.ntp.org"), undefined);
  assert.equal(intel.isAllowlisted("0.pool.ntp.org"), true);
  // xmrig.com itself is the project site; only its fee hosts are listed.
  assert.equal(intel.matchDomain("xmrig.com"), undefined);
  assert.equal(intel.matchDomain("notnanopool.org"), undefined, "a suffix must be whole labels");
  assert.equal(intel.matchDomain("example.com"), undefined);
});

test("the lists' quick \"no\" on a name's bytes is never a no for a name they list or allow", () => {
  const intel = loadIntel({ ...noImports, allowDomains: ["corp.example"] });
  const names = ["xmr-eu1.nanopool.org", "XMR-EU1.NANOPOOL.ORG.", "nanopool.org", "donate.v2.xmrig.com", "pool.ntp.org", "0.pool.ntp.org",
    "a.b.corp.example", "corp.example", "org", "xmrig.com", "notnanopool.org", "example.com", "www.example.com", "", ".", "a..nanopool.org"];
  let no = 0;
  for (const n of names) {
    const buf = Buffer.from(` ${n} `, "latin1");
    const may = intel.mayListDomain(buf, 1, buf.length - 1);
    if (intel.matchDomain(n) !== undefined || intel.isAllowlisted(n)) assert.equal(may, true, n);
    if (!may) no++;
  }
  assert.ok(no >= 3, "names no list ends with are answered no");
});

test("miners by process name, masquerades, images and instance types", () => {
  const intel = loadIntel(noImports);
  assert.equal(intel.minerByProcessName("XMRig.exe")?.name, "xmrig");
  assert.equal(intel.minerByProcessName("/opt/x/PhoenixMiner")?.name, "PhoenixMiner");
  assert.equal(intel.minerByProcessName("bash"), undefined);
  assert.equal(intel.miners.filter((m) => m.inPlaybook).length, 6);
  assert.ok(intel.isMasqueradeName("[kworker/0:1]"));
  assert.ok(intel.isMasqueradeName("kswapd0"));
  assert.ok(!intel.isMasqueradeName("nginx"));
  assert.ok(intel.isMinerImage("docker.io/xmrig/xmrig:latest"));
  assert.ok(intel.isMinerImage("metal3d/xmrig@sha256:abc"));
  assert.ok(!intel.isMinerImage("nginx:1.25"));
  assert.equal(intel.classifyInstanceType("p3.16xlarge"), "gpu");
  assert.equal(intel.classifyInstanceType("g4dn.xlarge"), "gpu");
  assert.equal(intel.classifyInstanceType("c5.24xlarge"), "compute");
  assert.equal(intel.classifyInstanceType("t3.micro"), undefined);
  assert.equal(intel.classifyInstanceType("Standard_NC6s_v3"), "gpu");
  assert.equal(intel.classifyInstanceType("a2-highgpu-1g"), "gpu");
  assert.equal(intel.classifyInstanceType("n2-highcpu-64"), "compute");
  assert.ok(intel.playbookPorts.has(14444) && intel.playbookPorts.size === 5);
});

test("cloud finding types and wallets", () => {
  const intel = loadIntel(noImports);
  assert.equal(intel.cloudFindingType("aws", "CryptoCurrency:EC2/BitcoinTool.B!DNS")?.mining, true);
  assert.equal(intel.cloudFindingType("azure", "VM_DigitalCurrencyMining")?.severity, "high");
  assert.equal(intel.cloudFindingType("gcp", "Execution: Cryptocurrency Mining Hash Match")?.mining, true);
  assert.equal(intel.cloudFindingType("aws", "Recon:EC2/PortProbeUnprotectedPort"), undefined);
  const xmr = "4" + "8".repeat(1) + "A".repeat(93);
  assert.deepEqual(intel.findWallets(`xmrig -o pool.supportxmr.com:3333 -u ${xmr} -p x`).map((w) => w.coin), ["XMR"]);
  assert.deepEqual(intel.findWallets("nothing to see"), []);
});

test("real CoinBlocker hosts file and Maltrail trails import; IP:port kept; allowlist still wins", (t) => {
  const hostsFile = sharedFixture(t, "poollists/coinblockerlists/hosts");
  const trails = sharedFixture(t, "poollists/maltrail/crypto_mining.txt");
  const ipList = sharedFixture(t, "poollists/coinblockerlists/MiningServerIPList.txt");
  if (!hostsFile || !trails || !ipList) return;
  const hosts = importList(readFileSync(hostsFile, "utf8"), "coinblocker", hostsFile);
  assert.equal(hosts.format, "hosts");
  assert.ok(hosts.domains.length > 5000, `${hosts.domains.length} domains`);
  const mal = importList(readFileSync(trails, "utf8"), "maltrail", trails);
  assert.ok(mal.ips.some((i) => i.address === "107.191.47.239" && i.ports?.includes(3333)));
  const ipsOnly = importList(readFileSync(ipList, "utf8"), "coinblocker-ips", ipList);
  assert.ok(ipsOnly.ips.length > 1000, `${ipsOnly.ips.length} ips`);
  const intel = loadIntel({ importDirs: [], extraLists: [
    { ...hosts, importedAt: "2026-11-26T00:00:00Z", confidence: 0.6, ips: hosts.ips },
    { ...mal, importedAt: "2026-11-26T00:00:00Z", confidence: 0.6 },
  ] });
  assert.equal(intel.matchIp("107.191.47.239")?.list, "import:maltrail");
  assert.deepEqual(intel.matchIp("107.191.47.239")?.ports, [3333, 7777]);
  assert.equal(intel.matchIp("8.8.8.8"), undefined);
  assert.equal(intel.matchDomain("pool.ntp.org"), undefined);
  assert.ok((intel.stats().domains ?? 0) > 5000);
});

test("adblock and Falco list formats import", (t) => {
  const nocoin = sharedFixture(t, "poollists/nocoin/nocoin.txt");
  const falco = sharedFixture(t, "poollists/falco/falco_miner_lists.yaml");
  if (!nocoin || !falco) return;
  const ab = importList(readFileSync(nocoin, "utf8"), "nocoin", nocoin);
  assert.equal(ab.format, "adblock");
  assert.ok(ab.domains.includes("2miners.com"), "2miners.com from ||2miners.com^$third-party");
  assert.ok(ab.ips.some((i) => i.address === "45.15.156.210"), "IP rules are kept as IPs");
  assert.ok(ab.domains.length + ab.ips.length >= 200, `${ab.domains.length} domains`);
  const fl = importList(readFileSync(falco, "utf8"), "falco", falco);
  assert.equal(fl.format, "falco-yaml");
  assert.ok(fl.domains.some((d) => d.endsWith("nanopool.org")));
});

test("a bad line in a list is reported with its number and the rest is read", () => {
  const out = importList("pool.example-miner.com\nnot a domain!!\n1.2.3.4:99999\n5.6.7.8:3333\n", "x", "x.txt");
  assert.deepEqual(out.domains, ["pool.example-miner.com"]);
  assert.deepEqual(out.ips, [{ address: "5.6.7.8", ports: [3333] }]);
  assert.deepEqual(out.issues.map((i) => i.line), [2, 3]);
});

test("imported lists saved as JSON are loaded from the import folder, and a broken one is a clear error", async () => {
  const dir = mkdtempSync(join(tmpdir(), "mh-intel-"));
  const { writeFileSync } = await import("node:fs");
  writeFileSync(join(dir, "team.json"), JSON.stringify({ name: "team", source: "t.txt", importedAt: "2026-01-01T00:00:00Z", confidence: 0.7, domains: ["evil-pool.example"], ips: [{ address: "203.0.113.0/24" }] }));
  const intel = loadIntel({ importDirs: [dir] });
  assert.equal(intel.matchDomain("a.evil-pool.example")?.list, "import:team");
  assert.equal(intel.matchIp("203.0.113.77")?.listed, "203.0.113.0/24");
  writeFileSync(join(dir, "zz.json"), "{\"name\": 1}");
  assert.throws(() => loadIntel({ importDirs: [dir] }), /zz\.json: not an imported list/);
});

test("IPv4 parsing is strict: no leading zeros, four parts, each 0-255", async () => {
  const { parseV4 } = await import("./ips.js");
  assert.equal(parseV4("141.94.96.144"), ((141 * 256 + 94) * 256 + 96) * 256 + 144);
  assert.equal(parseV4("0.0.0.0"), 0);
  for (const bad of ["1.2.3", "1.2.3.4.5", "256.1.1.1", "01.2.3.4", "1..2.3", "1.2.3.4 ", "a.b.c.d", "", "1.2.3.1000"]) {
    assert.equal(parseV4(bad), undefined, bad);
  }
});
