/** CloudTrail reading with aws-sdk-client-mock: the record shapes LookupEvents returns, hostile ones included. */
import assert from "node:assert/strict";
import { after, afterEach, describe, it } from "node:test";
import { CloudTrailClient, LookupEventsCommand } from "@aws-sdk/client-cloudtrail";
import { mockClient } from "aws-sdk-client-mock";
import { launchesByInstance, principalName } from "./trail.js";
import type { AwsClients } from "./types.js";
import { awsErrorCode, awsErrorText } from "./clients.js";

// One mocked instance, not the class: test files share processes, and the lab tests need the real client.
const client = new CloudTrailClient({ region: "us-east-1", credentials: { accessKeyId: "AKIAMOCK", secretAccessKey: "x" } });
const ct = mockClient(client);
afterEach(() => ct.reset());
after(() => ct.restore());
const clients = { cloudTrail: () => client } as unknown as AwsClients;

const runInstances = (ids: string[], identity: Record<string, unknown>) => JSON.stringify({
  eventVersion: "1.09", userIdentity: identity, eventTime: "2026-12-03T13:11:23Z", eventSource: "ec2.amazonaws.com", eventName: "RunInstances",
  awsRegion: "us-east-1", sourceIPAddress: "185.220.101.47", userAgent: "aws-cli/2.15.0",
  responseElements: { instancesSet: { items: ids.map((instanceId) => ({ instanceId, instanceType: "c5.4xlarge" })) } },
});

describe("launchesByInstance", () => {
  it("maps every instance of a RunInstances record to its caller, across pages", async () => {
    ct.on(LookupEventsCommand)
      .resolvesOnce({
        Events: [{ EventName: "RunInstances", EventTime: new Date("2026-12-03T13:11:23Z"), Username: "svc-backup-sync", AccessKeyId: "AKIA5LAB0ATTACKER001",
          CloudTrailEvent: runInstances(["i-0aaaaaaaaaaaaaaa1", "i-0aaaaaaaaaaaaaaa2"], { type: "IAMUser", arn: "arn:aws:iam::111122223333:user/svc-backup-sync", userName: "svc-backup-sync", accessKeyId: "AKIA5LAB0ATTACKER001" }) }],
        NextToken: "page2",
      })
      .resolvesOnce({
        Events: [{ EventName: "RunInstances", EventTime: new Date("2026-12-03T16:00:00Z"), Username: "AutoScaling",
          Resources: [{ ResourceType: "AWS::EC2::Instance", ResourceName: "i-0bbbbbbbbbbbbbbb1" }],
          CloudTrailEvent: JSON.stringify({ userIdentity: { type: "AssumedRole", invokedBy: "autoscaling.amazonaws.com" }, eventName: "RunInstances" }) }],
      });
    const m = await launchesByInstance(clients, "us-east-1", 90, new Date("2026-12-04T00:00:00Z"));
    assert.equal(ct.commandCalls(LookupEventsCommand).length, 2);
    const first = ct.commandCalls(LookupEventsCommand)[0]!.args[0].input;
    assert.deepEqual(first.LookupAttributes, [{ AttributeKey: "EventName", AttributeValue: "RunInstances" }]);
    assert.equal(first.MaxResults, 50);
    assert.equal(m.get("i-0aaaaaaaaaaaaaaa2")?.accessKeyId, "AKIA5LAB0ATTACKER001");
    assert.equal(principalName(m.get("i-0aaaaaaaaaaaaaaa1")!), "svc-backup-sync");
    assert.equal(m.get("i-0bbbbbbbbbbbbbbb1")?.invokedBy, "autoscaling.amazonaws.com");
  });

  it("survives records that are not JSON, not objects, or carry odd types, falling back to the event's own fields", async () => {
    ct.on(LookupEventsCommand).resolves({
      Events: [
        { EventName: "RunInstances", Username: "eve", AccessKeyId: "AKIAEVE", Resources: [{ ResourceType: "AWS::EC2::Instance", ResourceName: "i-0ccccccccccccccc1" }], CloudTrailEvent: "{not json" },
        { EventName: "RunInstances", Username: "mallory", Resources: [{ ResourceType: "AWS::EC2::Instance", ResourceName: "i-0ccccccccccccccc2" }], CloudTrailEvent: "[1,2]" },
        { EventName: "RunInstances", CloudTrailEvent: JSON.stringify({ userIdentity: { userName: 42, arn: { x: 1 } }, responseElements: { instancesSet: { items: [{ instanceId: 7 }, null] } } }) },
      ],
    });
    const m = await launchesByInstance(clients, "us-east-1");
    assert.equal(m.get("i-0ccccccccccccccc1")?.userName, "eve");
    assert.equal(m.get("i-0ccccccccccccccc1")?.accessKeyId, "AKIAEVE");
    assert.equal(m.get("i-0ccccccccccccccc2")?.userName, "mallory");
    assert.equal(m.size, 2);
  });

  it("lets a throttled call fail with the provider's code for the caller to report", async () => {
    const err = Object.assign(new Error("Rate exceeded"), { name: "ThrottlingException" });
    ct.on(LookupEventsCommand).rejects(err);
    await assert.rejects(launchesByInstance(clients, "eu-west-1"), (e: unknown) => {
      assert.equal(awsErrorCode(e), "ThrottlingException");
      assert.equal(awsErrorText(e), "ThrottlingException: Rate exceeded");
      return true;
    });
  });
});
