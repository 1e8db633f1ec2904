import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { after, before, describe, it } from "node:test";
import { promisify } from "node:util";
import { startLab, type LabServer } from "../../respond/lab/index.js";
import { formatSweep } from "../../respond/connectors/aws/format.js";
import type { SweepResult } from "../../respond/connectors/aws/sweep.js";
import { REPO_ROOT } from "../../test-helpers/index.js";
import { isLocalEndpoint } from "./sweep-aws.js";
import { cliCommand } from "../../test-helpers/cli.js";

const run = promisify(execFile);

/** The real CLI as its own process (src/test-helpers/cli.ts), asynchronously: the lab answers in this process meanwhile. */
async function cli(args: string[]): Promise<{ code: number; out: string; err: string }> {
  try {
    const mh = cliCommand(args);
    const r = await run(mh.command, mh.args, {
      cwd: REPO_ROOT, maxBuffer: 64 << 20, env: { ...process.env, NO_COLOR: "1", LANG: "C.UTF-8", LC_ALL: "", LC_MESSAGES: "", AWS_PROFILE: "", AWS_ACCESS_KEY_ID: "", AWS_SECRET_ACCESS_KEY: "" },
    });
    return { code: 0, out: r.stdout, err: r.stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, out: e.stdout, err: e.stderr };
  }
}

describe("minerhunt sweep aws", () => {
  let lab: LabServer;
  before(async () => { lab = await startLab(); });
  after(async () => { await lab.close(); });

  it("sweeps the lab through --endpoint: table, failing region, exit 1; --json is the whole result", async () => {
    const text = await cli(["sweep", "aws", "--endpoint", lab.url, "--lang", "en"]);
    assert.equal(text.code, 1, text.err);
    assert.match(text.out, /AWS sweep of account 111122223333: 17 region\(s\), 1 failed, \d+ instance\(s\), 5 suspect\(s\), burning \$[\d.]+\/h/);
    assert.match(text.out, /ap-south-1: UnauthorizedOperation/);
    assert.match(text.out, /svc-backup-sync AKIA5LAB0ATTACKER001 \(4\)/);
    const json = await cli(["sweep", "aws", "--endpoint", lab.url, "--json", "--regions", "eu-west-1,us-west-2"]);
    assert.equal(json.code, 1);
    const r = JSON.parse(json.out) as SweepResult;
    assert.deepEqual(r.regions.map((x) => x.region), ["eu-west-1", "us-west-2"]);
    assert.equal(r.suspects.length, 1);
    assert.ok(r.usdPerHour > 0, "priced from data/prices");
  });

  it("a usage error exits 2 with a clear message", async () => {
    const bad = await cli(["sweep", "aws", "--endpoint", "not a url"]);
    assert.equal(bad.code, 2);
    assert.match(bad.err, /--endpoint: expected a URL/);
  });

  it("only a loopback endpoint counts as the lab", () => {
    assert.equal(isLocalEndpoint("http://127.0.0.1:4566"), true);
    assert.equal(isLocalEndpoint("http://localhost:1"), true);
    assert.equal(isLocalEndpoint("https://ec2.us-east-1.amazonaws.com"), false);
  });
});

describe("sweep table", () => {
  it("escapes what the account wrote (tags, names, errors) and prints in Thai", () => {
    const hostile = "evil\u001b[2J\u001b]0;pwn\u0007name";
    const r: SweepResult = {
      account: "111122223333", startedAt: "", finishedAt: "", regions: [{ region: "us-east-1", instances: 1 }, { region: "xx-1", instances: 0, error: `Boom: ${hostile}` }],
      failures: [{ region: "xx-1", error: `Boom: ${hostile}` }], instances: [], suspects: [],
      principals: [{ name: hostile, accessKeyIds: ["AKIAX"], instances: 1 }], recentUsers: [{ userName: hostile, created: "2026-12-03T00:00:00Z" }], recentKeys: [],
      usdPerHour: 0, unpricedSuspects: 0,
    };
    const inst = { id: "i-0abc", region: "us-east-1", type: "c5.large", state: "running", securityGroups: [], volumes: [], userDataHits: [], suspect: true, reasons: [`user data: ${hostile}`], launchedBy: { userName: hostile, eventTime: "", eventName: "RunInstances" } };
    r.instances = [inst];
    r.suspects = [inst];
    for (const lang of ["en", "th"] as const) {
      const out = formatSweep(r, lang);
      assert.ok(!out.includes("\u001b") && !out.includes("\u0007"), out);
    }
    assert.match(formatSweep(r, "th"), /ตรวจ AWS บัญชี 111122223333/);
  });
});
