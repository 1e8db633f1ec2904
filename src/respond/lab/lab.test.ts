/** The lab itself, through the real SDK: what the response tests rely on it doing (and refusing). */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { DescribeInstancesCommand, DescribeRegionsCommand, TerminateInstancesCommand } from "@aws-sdk/client-ec2";
import { DescribeAutoScalingGroupsCommand } from "@aws-sdk/client-auto-scaling";
import { GetCallerIdentityCommand } from "@aws-sdk/client-sts";
import { withLab, type LabHarness } from "../connectors/aws/test-lab.js";
import { buildWorld, loadScenario } from "./index.js";

describe("minerhunt lab", () => {
  let h: LabHarness;
  before(async () => { h = await withLab({ failRegions: ["sa-east-1"] }); });
  after(async () => { await h.close(); });

  it("serves every region, routed by the SigV4 scope, and one identity", async () => {
    const regions = await h.clients.ec2("eu-north-1").send(new DescribeRegionsCommand({}));
    assert.equal(regions.Regions!.length, 17);
    assert.equal((await h.clients.sts().send(new GetCallerIdentityCommand({}))).Account, "111122223333");
    const eu = await h.clients.ec2("eu-west-1").send(new DescribeInstancesCommand({}));
    const ids = eu.Reservations!.flatMap((r) => r.Instances!.map((i) => i.InstanceId));
    assert.ok(ids.every((id) => h.lab.world.regions.get("eu-west-1")!.instances.has(id!)));
    await assert.rejects(h.clients.ec2("sa-east-1").send(new DescribeInstancesCommand({})), /Unavailable|sa-east-1/);
    await assert.rejects(h.clients.ec2("me-south-1").send(new DescribeInstancesCommand({})), (e: Error) => e.name === "AuthFailure");
  });

  it("an uncontained Auto Scaling group relaunches its terminated miner (what contain-auto-scaling-group prevents)", async () => {
    const asg = h.clients.autoScaling("us-east-1");
    const member = (await asg.send(new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: ["eks-spare-nodes"] }))).AutoScalingGroups![0]!.Instances![0]!.InstanceId!;
    await h.clients.ec2("us-east-1").send(new TerminateInstancesCommand({ InstanceIds: [member] }));
    const after_ = (await asg.send(new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: ["eks-spare-nodes"] }))).AutoScalingGroups![0]!;
    assert.equal(after_.Instances!.length, 1);
    assert.notEqual(after_.Instances![0]!.InstanceId, member);
    // CloudTrail shows the group's service role launched the replacement.
    const east = h.lab.world.regions.get("us-east-1")!;
    assert.ok(east.trail.some((e) => e.username === "AutoScaling" && e.resources.some((r) => r.name === after_.Instances![0]!.InstanceId)));
  });

  it("a persistent spot request relaunches its terminated instance until cancelled", async () => {
    const eu = h.lab.world.regions.get("eu-west-1")!;
    const req = [...eu.spotRequests.values()][0]!;
    const first = req.instanceId!;
    await h.clients.ec2("eu-west-1").send(new TerminateInstancesCommand({ InstanceIds: [first] }));
    assert.notEqual(req.instanceId, first);
    assert.equal(eu.instances.get(req.instanceId!)!.state, "running");
  });

  it("answers an operation it does not serve with the protocol's error, and counts calls", async () => {
    const res = await fetch(`${h.lab.url}/`, {
      method: "POST", body: "Action=RunInstances&Version=2016-11-15",
      headers: { authorization: "AWS4-HMAC-SHA256 Credential=AKIALAB/20261204/us-east-1/ec2/aws4_request, SignedHeaders=host, Signature=x", "content-type": "application/x-www-form-urlencoded" },
    });
    assert.equal(res.status, 400);
    assert.match(await res.text(), /<Code>InvalidAction<\/Code>/);
    const calls = (await (await fetch(`${h.lab.url}/_lab/calls`)).json()) as Record<string, number>;
    assert.ok(calls["ec2:DescribeInstances"]! >= 1);
    const unsigned = await fetch(`${h.lab.url}/`, { method: "POST", body: "Action=DescribeRegions" });
    assert.equal(unsigned.status, 403);
  });

  it("builds the same ids for the same seed", () => {
    const a = buildWorld(loadScenario("default"), { now: () => new Date("2026-12-04T00:00:00Z") });
    const b = buildWorld(loadScenario("default"), { now: () => new Date("2026-12-04T00:00:00Z") });
    assert.deepEqual([...a.regions.get("us-east-1")!.instances.keys()], [...b.regions.get("us-east-1")!.instances.keys()]);
    assert.throws(() => loadScenario("../etc"), /expected a name like "default"/);
  });
});
