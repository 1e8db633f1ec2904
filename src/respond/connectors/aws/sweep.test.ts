import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { loadIntel } from "../../../intel/index.js";
import { sweepAws } from "./sweep.js";
import { decodeUserData, scanUserData } from "./userdata.js";
import { LAB_PRICES, labPrices, withLab, type LabHarness } from "./test-lab.js";

const intel = loadIntel({ importDirs: [] });

describe("sweep aws against minerhunt lab (real SDK)", () => {
  let h: LabHarness;
  before(async () => { h = await withLab(); });
  after(async () => { await h.close(); });

  it("finds exactly the attacker's instances in all three regions, names the failing region and prices the burn", async () => {
    const r = await sweepAws(h.clients, intel, labPrices);
    assert.equal(r.account, "111122223333");
    assert.equal(r.regions.length, 17);
    assert.deepEqual(r.failures.map((f) => f.region), ["ap-south-1"]);
    assert.match(r.failures[0]!.error, /^UnauthorizedOperation: .*service control policy/);
    // Which instances the attacker has, from the lab's own state: launched by the attacker key or by the group it made.
    const world = h.lab.world;
    const expected: string[] = [];
    for (const reg of world.regions.values()) {
      if (reg.failure) continue;
      for (const i of reg.instances.values()) {
        const byKey = reg.trail.some((e) => e.accessKeyId === "AKIA5LAB0ATTACKER001" && e.resources.some((x) => x.name === i.id));
        if (byKey || i.autoScalingGroup === "eks-spare-nodes") expected.push(i.id);
      }
    }
    assert.equal(expected.length, 5);
    assert.deepEqual(r.suspects.map((s) => s.id).sort(), expected.sort());
    assert.deepEqual([...new Set(r.suspects.map((s) => s.region))].sort(), ["ap-southeast-1", "eu-west-1", "us-east-1"]);
    // The decoys (GPU ML box, big render box, "pool.ntp.org" in user data everywhere) are not suspects.
    assert.ok(r.instances.some((i) => i.type === "g4dn.xlarge" && !i.suspect));
    assert.ok(r.instances.some((i) => i.type === "c5.18xlarge" && !i.suspect));
    // The p3 box has no miner string: it is a suspect because the same key launched miners.
    const p3 = r.suspects.find((s) => s.type === "p3.2xlarge")!;
    assert.deepEqual(p3.userDataHits, []);
    assert.match(p3.reasons.join(";"), /launched by svc-backup-sync \(AKIA5LAB0ATTACKER001\), who launched miners/);
    const asg = r.suspects.find((s) => s.autoScalingGroup === "eks-spare-nodes")!;
    assert.equal(asg.launchedBy?.invokedBy, "autoscaling.amazonaws.com");
    assert.ok(asg.userDataHits.includes("pool pool.hashvault.pro"));
    const burn = 2 * LAB_PRICES["c5.4xlarge"]! + LAB_PRICES["g4dn.2xlarge"]! + LAB_PRICES["p3.2xlarge"]! + LAB_PRICES["c5.9xlarge"]!;
    assert.equal(r.usdPerHour, Math.round(burn * 10_000) / 10_000);
    assert.equal(r.unpricedSuspects, 0);
    assert.deepEqual(r.principals, [{ name: "svc-backup-sync", accessKeyIds: ["AKIA5LAB0ATTACKER001"], instances: 4 }]);
    assert.deepEqual(r.recentUsers.map((u) => u.userName), ["svc-backup-sync"]);
    assert.deepEqual(r.recentKeys.map((k) => k.accessKeyId), ["AKIA5LAB0ATTACKER001"]);
    const first = r.suspects.find((s) => s.type === "c5.4xlarge")!;
    assert.equal(first.keyName, "k1");
    assert.ok(first.launchTime && first.volumes.length === 1);
  });

  it("backs off on throttling", async () => {
    h.lab.world.faults.push({ service: "ec2", operation: "DescribeInstances", region: "eu-west-1", code: "RequestLimitExceeded", message: "Request limit exceeded.", times: 2 });
    const before = h.lab.world.calls.get("ec2:DescribeInstances") ?? 0;
    const r = await sweepAws(h.clients, intel, labPrices, { regions: ["eu-west-1"] });
    assert.deepEqual(r.failures, []);
    assert.equal(r.suspects.length, 1);
    // Two throttled answers, then the page: three calls for one region of five instances.
    assert.equal((h.lab.world.calls.get("ec2:DescribeInstances") ?? 0) - before, 3);
  });

  it("without user data, a GPU instance launched with a key created recently marks its principal", async () => {
    const userDataCalls = h.lab.world.calls.get("ec2:DescribeInstanceAttribute");
    const r = await sweepAws(h.clients, intel, labPrices, { userData: false });
    assert.equal(h.lab.world.calls.get("ec2:DescribeInstanceAttribute"), userDataCalls);
    // The four the attacker's key launched; the group's member (launched by Auto Scaling) needs its user data to be seen.
    assert.deepEqual(r.suspects.map((s) => s.type).sort(), ["c5.4xlarge", "c5.4xlarge", "g4dn.2xlarge", "p3.2xlarge"]);
    assert.match(r.suspects.find((s) => s.type === "p3.2xlarge")!.reasons.join(";"), /gpu instance launched with access key AKIA5LAB0ATTACKER001, created recently/);
    assert.ok(r.suspects.every((s) => s.userDataHits.length === 0));
  });

  it("follows NextToken through every page", async () => {
    const big = await withLab({ benignPerRegion: 23 });
    try {
      const r = await sweepAws(big.clients, intel, labPrices, { regions: ["us-east-1", "ap-northeast-1"], pageSize: 5 });
      assert.deepEqual(r.failures, []);
      const east = big.lab.world.regions.get("us-east-1")!.instances.size;
      assert.equal(r.regions.find((x) => x.region === "us-east-1")!.instances, east);
      assert.equal(r.regions.find((x) => x.region === "ap-northeast-1")!.instances, 23);
      assert.equal(new Set(r.instances.map((i) => i.id)).size, r.instances.length);
      // ceil(n / 5) pages per region.
      assert.equal(big.lab.world.calls.get("ec2:DescribeInstances"), Math.ceil(east / 5) + Math.ceil(23 / 5));
      assert.equal(r.suspects.length, 3);
    } finally {
      await big.close();
    }
  });

  it("reports a region that keeps throttling instead of failing the sweep", async () => {
    h.lab.world.faults.push({ service: "ec2", operation: "DescribeInstances", region: "us-west-2", code: "RequestLimitExceeded", message: "Request limit exceeded." });
    const fast = await withLab({}, { maxAttempts: 2 });
    try {
      fast.lab.world.faults.push({ service: "ec2", operation: "DescribeInstances", region: "us-west-2", code: "RequestLimitExceeded", message: "Request limit exceeded." });
      const r = await sweepAws(fast.clients, intel, labPrices, { regions: ["us-west-2", "us-east-2"] });
      assert.deepEqual(r.failures.map((f) => f.region), ["us-west-2"]);
      assert.match(r.failures[0]!.error, /RequestLimitExceeded/);
      assert.equal(r.regions.find((x) => x.region === "us-east-2")!.instances, 3);
    } finally {
      await fast.close();
      h.lab.world.faults.length = 0;
    }
  });
});

describe("user data scanning", () => {
  it("decodes base64 and gzip, and names what marks a miner", () => {
    const text = "#!/bin/sh\n./xmrig -o stratum+tcp://xmr.nanopool.org:14444 --donate-level=1";
    assert.equal(decodeUserData(Buffer.from(text).toString("base64")), text);
    const hits = scanUserData(text, intel);
    assert.ok(hits.includes("miner xmrig"));
    assert.ok(hits.includes("stratum stratum+tcp"));
    assert.ok(hits.includes("pool xmr.nanopool.org"));
    assert.ok(hits.includes("miner argument --donate-level"));
  });
  it("finds nothing in ordinary bootstrap scripts", () => {
    assert.deepEqual(scanUserData("#!/bin/bash\nyum -y update\necho 'server pool.ntp.org iburst' >> /etc/chrony.conf\npython3 train.py --pool-size 8", intel), []);
  });
  it("refuses a gzip bomb quietly", async () => {
    const { gzipSync } = await import("node:zlib");
    const bomb = gzipSync(Buffer.alloc(10 << 20, 0x61)).toString("base64");
    const out = decodeUserData(bomb);
    assert.equal(out, undefined);
  });
});
