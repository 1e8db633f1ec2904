import { test } from "node:test";
import assert from "node:assert/strict";
import { gzipSync } from "node:zlib";
import { readFileSync } from "node:fs";
import { parseWith, sharedFixture, sniffWith } from "../../test-helpers/index.js";
import { cloudTrailSource } from "./cloudtrail.js";

// Records in the shape CloudTrail writes (field names, nesting and value styles as delivered).
const runInstancesP3 = {
  eventVersion: "1.09",
  userIdentity: {
    type: "IAMUser", principalId: "AIDAQRSTUVWXYZEXAMPLE", arn: "arn:aws:iam::111122223333:user/dev-ci",
    accountId: "111122223333", accessKeyId: "AKIAIOSFODNN7EXAMPLE", userName: "dev-ci",
  },
  eventTime: "2026-11-20T03:14:07Z",
  eventSource: "ec2.amazonaws.com",
  eventName: "RunInstances",
  awsRegion: "us-east-1",
  sourceIPAddress: "203.0.113.77",
  userAgent: "aws-cli/2.15.30 Python/3.11.8 Linux/6.5.0-1014-aws exe/x86_64.ubuntu.22 prompt/off command/ec2.run-instances",
  requestParameters: {
    instancesSet: { items: [{ imageId: "ami-0c7217cdde317cfec", minCount: 2, maxCount: 2 }] },
    userData: "<sensitiveDataRemoved>",
    instanceType: "p3.16xlarge",
    blockDeviceMapping: {},
    monitoring: { enabled: false },
    disableApiTermination: false,
    disableApiStop: false,
    clientToken: "5d7e1b52-8c2e-4a7b-9d36-0f1c2a3b4c5d",
  },
  responseElements: {
    requestId: "0f4f1c8e-2f3a-4b5c-8d9e-112233445566",
    reservationId: "r-0a1b2c3d4e5f67890",
    ownerId: "111122223333",
    groupSet: {},
    instancesSet: {
      items: [
        { instanceId: "i-0a1b2c3d4e5f60001", imageId: "ami-0c7217cdde317cfec", instanceState: { code: 0, name: "pending" }, amiLaunchIndex: 0, productCodes: {}, instanceType: "p3.16xlarge", launchTime: 1795148047000, placement: { availabilityZone: "us-east-1a", tenancy: "default" } },
        { instanceId: "i-0a1b2c3d4e5f60002", imageId: "ami-0c7217cdde317cfec", instanceState: { code: 0, name: "pending" }, amiLaunchIndex: 1, productCodes: {}, instanceType: "p3.16xlarge", launchTime: 1795148047000, placement: { availabilityZone: "us-east-1a", tenancy: "default" } },
      ],
    },
  },
  requestID: "0f4f1c8e-2f3a-4b5c-8d9e-112233445566",
  eventID: "a8f5c7d2-1e3b-4c6a-9f8e-7d6c5b4a3f21",
  readOnly: false,
  eventType: "AwsApiCall",
  managementEvent: true,
  recipientAccountId: "111122223333",
  eventCategory: "Management",
  tlsDetails: { tlsVersion: "TLSv1.3", cipherSuite: "TLS_AES_128_GCM_SHA256", clientProvidedHostHeader: "ec2.us-east-1.amazonaws.com" },
};

const vcpuLimitExceeded = {
  eventVersion: "1.09",
  userIdentity: {
    type: "AssumedRole", principalId: "AROAEXAMPLEROLEID:ci-session", arn: "arn:aws:sts::111122223333:assumed-role/ci-deployer/ci-session",
    accountId: "111122223333", accessKeyId: "ASIAEXAMPLETEMPKEY01",
    sessionContext: {
      sessionIssuer: { type: "Role", principalId: "AROAEXAMPLEROLEID", arn: "arn:aws:iam::111122223333:role/ci-deployer", accountId: "111122223333", userName: "ci-deployer" },
      attributes: { creationDate: "2026-11-20T03:00:00Z", mfaAuthenticated: "false" },
    },
  },
  eventTime: "2026-11-20T03:15:41Z",
  eventSource: "ec2.amazonaws.com",
  eventName: "RunInstances",
  awsRegion: "eu-west-1",
  sourceIPAddress: "203.0.113.77",
  userAgent: "Boto3/1.34.69 md/Botocore#1.34.69 ua/2.0 os/linux#6.5.0 md/arch#x86_64 lang/python#3.11.8 cfg/retry-mode#legacy Botocore/1.34.69",
  errorCode: "Client.VcpuLimitExceeded",
  errorMessage: "You have requested more vCPU capacity than your current vCPU limit of 32 allows for the instance bucket that the specified instance type belongs to. Please visit http://aws.amazon.com/contact-us/ec2-request to request an adjustment to this limit.",
  requestParameters: {
    instancesSet: { items: [{ imageId: "ami-0694d931cee176e7d", minCount: 8, maxCount: 8 }] },
    instanceType: "g4dn.12xlarge",
    blockDeviceMapping: {},
    monitoring: { enabled: false },
    disableApiTermination: false,
  },
  responseElements: null,
  requestID: "6c1f7a2b-3d4e-4f5a-8b9c-0d1e2f3a4b5c",
  eventID: "0d9e8f7a-6b5c-4d3e-2f1a-0b9c8d7e6f5a",
  readOnly: false,
  eventType: "AwsApiCall",
  managementEvent: true,
  recipientAccountId: "111122223333",
  eventCategory: "Management",
};

const createAccessKey = {
  eventVersion: "1.08",
  userIdentity: {
    type: "IAMUser", principalId: "AIDAQRSTUVWXYZEXAMPLE", arn: "arn:aws:iam::111122223333:user/dev-ci",
    accountId: "111122223333", accessKeyId: "AKIAIOSFODNN7EXAMPLE", userName: "dev-ci",
  },
  eventTime: "2026-11-20T03:10:02Z",
  eventSource: "iam.amazonaws.com",
  eventName: "CreateAccessKey",
  awsRegion: "us-east-1",
  sourceIPAddress: "203.0.113.77",
  userAgent: "aws-cli/2.15.30 Python/3.11.8 Linux/6.5.0-1014-aws exe/x86_64.ubuntu.22 prompt/off command/iam.create-access-key",
  requestParameters: { userName: "backup-svc" },
  responseElements: { accessKey: { accessKeyId: "AKIAI44QH8DHBEXAMPLE", status: "Active", userName: "backup-svc", createDate: "Nov 20, 2026, 3:10:02 AM" } },
  requestID: "2b3c4d5e-6f7a-4b8c-9d0e-1f2a3b4c5d6e",
  eventID: "9a8b7c6d-5e4f-4a3b-2c1d-0e9f8a7b6c5d",
  readOnly: false,
  eventType: "AwsApiCall",
  managementEvent: true,
  recipientAccountId: "111122223333",
  eventCategory: "Management",
};

const attachAdmin = {
  ...createAccessKey,
  eventTime: "2026-11-20T03:10:30Z",
  eventName: "AttachUserPolicy",
  requestParameters: { userName: "backup-svc", policyArn: "arn:aws:iam::aws:policy/AdministratorAccess" },
  responseElements: null,
  eventID: "1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d",
};

const terminate = {
  ...runInstancesP3,
  eventTime: "2026-11-20T05:00:00Z",
  eventName: "TerminateInstances",
  requestParameters: { instancesSet: { items: [{ instanceId: "i-0a1b2c3d4e5f60001" }] } },
  responseElements: {
    requestId: "7e6d5c4b-3a2f-4e1d-8c9b-0a1b2c3d4e5f",
    instancesSet: { items: [{ instanceId: "i-0a1b2c3d4e5f60001", currentState: { code: 32, name: "shutting-down" }, previousState: { code: 16, name: "running" } }] },
  },
  eventID: "5f4e3d2c-1b0a-4f9e-8d7c-6b5a4f3e2d1c",
};

test("an S3 Records file (gzipped, one line) gives one event per record with the detector fields", async () => {
  const doc = JSON.stringify({ Records: [runInstancesP3, vcpuLimitExceeded, createAccessKey] });
  const { events, issues } = await parseWith(cloudTrailSource, gzipSync(doc), "111122223333_CloudTrail_us-east-1_20261120T0315Z_abc.json.gz");
  assert.deepEqual(issues, []);
  assert.equal(events.length, 3);
  const [run, vcpu, key] = events;

  assert.equal(run!["event.dataset"], "aws.cloudtrail");
  assert.equal(run!["minerhunt.format"], "aws.cloudtrail");
  assert.equal(run!["minerhunt.line"], 1);
  assert.equal(run!["log.file.path"], "111122223333_CloudTrail_us-east-1_20261120T0315Z_abc.json.gz");
  assert.deepEqual(run!["event.category"], ["configuration"]);
  assert.equal(run!["event.kind"], "event");
  assert.equal(run!["@timestamp"], "2026-11-20T03:14:07.000Z");
  assert.equal(run!["event.action"], "RunInstances");
  assert.equal(run!["event.provider"], "ec2.amazonaws.com");
  assert.equal(run!["event.outcome"], "success");
  assert.equal(run!["cloud.provider"], "aws");
  assert.equal(run!["cloud.region"], "us-east-1");
  assert.equal(run!["cloud.account.id"], "111122223333");
  assert.equal(run!["cloud.machine.type"], "p3.16xlarge");
  assert.deepEqual(run!["cloud.instance.id"], ["i-0a1b2c3d4e5f60001", "i-0a1b2c3d4e5f60002"]);
  assert.equal(run!["minerhunt.aws.instance_count"], 2);
  assert.equal(run!["minerhunt.aws.instance_requested"], 2);
  assert.equal(run!["user.name"], "dev-ci");
  assert.equal(run!["source.ip"], "203.0.113.77");
  assert.equal(run!["aws.cloudtrail.user_identity.access_key_id"], "AKIAIOSFODNN7EXAMPLE");
  assert.equal(run!["aws.cloudtrail.user_identity.type"], "IAMUser");
  assert.equal(run!["event.id"], "a8f5c7d2-1e3b-4c6a-9f8e-7d6c5b4a3f21");
  assert.equal(JSON.parse(run!["aws.cloudtrail.request_parameters"] as string).instanceType, "p3.16xlarge");

  assert.equal(vcpu!["event.outcome"], "failure");
  assert.equal(vcpu!["aws.cloudtrail.error_code"], "Client.VcpuLimitExceeded");
  assert.match(vcpu!["aws.cloudtrail.error_message"] as string, /vCPU limit of 32/);
  assert.equal(vcpu!["cloud.machine.type"], "g4dn.12xlarge");
  assert.equal(vcpu!["cloud.region"], "eu-west-1");
  assert.equal(vcpu!["minerhunt.aws.instance_count"], 0, "a refused launch launched nothing");
  assert.equal(vcpu!["minerhunt.aws.instance_requested"], 8);
  assert.equal(vcpu!["cloud.instance.id"], undefined);
  assert.equal(vcpu!["aws.cloudtrail.response_elements"], undefined);
  assert.equal(vcpu!["user.name"], "ci-session");
  assert.equal(vcpu!["user.roles"], "ci-deployer");

  assert.deepEqual(key!["event.category"], ["iam"]);
  assert.equal(key!["minerhunt.aws.target_user"], "backup-svc");
  assert.equal(key!["minerhunt.aws.created_access_key"], "AKIAI44QH8DHBEXAMPLE");
  assert.equal(key!["user.name"], "dev-ci");
});

test("IAM policy attachment and instance termination carry their targets", async () => {
  const ndjson = [attachAdmin, terminate].map((r) => JSON.stringify(r)).join("\n") + "\n";
  const { events, issues } = await parseWith(cloudTrailSource, ndjson, "lake-export.ndjson");
  assert.deepEqual(issues, []);
  assert.equal(events[0]!["minerhunt.aws.policy_arn"], "arn:aws:iam::aws:policy/AdministratorAccess");
  assert.equal(events[0]!["minerhunt.aws.target_user"], "backup-svc");
  assert.equal(events[0]!["minerhunt.line"], 1);
  assert.deepEqual(events[1]!["cloud.instance.id"], ["i-0a1b2c3d4e5f60001"]);
  assert.equal(events[1]!["event.action"], "TerminateInstances");
  assert.equal(events[1]!["minerhunt.line"], 2);
});

test("a pretty-printed Records document keeps each record's own line", async () => {
  const doc = JSON.stringify({ Records: [createAccessKey, runInstancesP3, vcpuLimitExceeded] }, null, 2);
  const { events, issues } = await parseWith(cloudTrailSource, doc, "trail.json");
  assert.deepEqual(issues, []);
  const lines = doc.split("\n");
  const startLines = lines.flatMap((l, i) => (l === "    {" ? [i + 1] : []));
  assert.deepEqual(events.map((e) => e["minerhunt.line"]), startLines);
  assert.ok((events[1]!["minerhunt.line"] as number) > 20);
});

test("a broken record in a Records array yields an issue naming it; the others still come out", async () => {
  const good1 = JSON.stringify(createAccessKey, null, 2);
  const good2 = JSON.stringify(runInstancesP3, null, 2);
  // Truncated in the middle of a value: not JSON, but its brackets still close.
  const broken = '{\n  "eventVersion": "1.08",\n  "eventTime": "2026-11-20T03:11:00Z",\n  "eventSource": "ec2.amazonaws.com",\n  "eventName": ,\n  "awsRegion": "us-east-1"\n}';
  const notARecord = '"just a string"';
  const doc = `{"Records": [\n${good1},\n${broken},\n${notARecord},\n${good2}\n]}\n`;
  const { events, issues } = await parseWith(cloudTrailSource, doc, "trail.json");
  assert.deepEqual(events.map((e) => e["event.action"]), ["CreateAccessKey", "RunInstances"]);
  assert.equal(issues.length, 2, JSON.stringify(issues));
  const brokenLine = doc.slice(0, doc.indexOf(broken)).split("\n").length;
  assert.match(issues[0]!.message, /^Records\[1\]: invalid JSON/);
  assert.equal(issues[0]!.line, brokenLine);
  assert.equal(issues[1]!.line, brokenLine + 7);
  assert.match(issues[1]!.message, /^Records\[2\]: found "just a string"; expected a CloudTrail record/);
});

test("a record that is valid JSON but not CloudTrail is an issue, not an event", async () => {
  const doc = JSON.stringify({ Records: [{ eventName: "RunInstances" }, createAccessKey] });
  const { events, issues } = await parseWith(cloudTrailSource, doc, "trail.json");
  assert.equal(events.length, 1);
  assert.match(issues[0]!.message, /Records\[0\]: not a CloudTrail record/);
});

test("a Records file cut short (truncated download) gives the complete records and one issue", async () => {
  const doc = JSON.stringify({ Records: [createAccessKey, runInstancesP3, vcpuLimitExceeded] }, null, 1);
  const cut = doc.slice(0, doc.indexOf("g4dn.12xlarge"));
  const { events, issues } = await parseWith(cloudTrailSource, cut, "trail.json");
  assert.deepEqual(events.map((e) => e["event.action"]), ["CreateAccessKey", "RunInstances"]);
  assert.equal(issues.length, 1);
  assert.match(issues[0]!.message, /^Records\[2\]: invalid JSON/);
});

test("an EventBridge envelope gives the record in detail, on the envelope's line", async () => {
  const envelope = {
    version: "0",
    id: "6f87d04b-9f74-4f04-a780-7acf4b0a9b38",
    "detail-type": "AWS API Call via CloudTrail",
    source: "aws.ec2",
    account: "111122223333",
    time: "2026-11-20T03:14:07Z",
    region: "us-east-1",
    resources: [],
    detail: runInstancesP3,
  };
  const text = JSON.stringify(envelope) + "\n" + JSON.stringify({ ...envelope, detail: vcpuLimitExceeded }) + "\n";
  assert.equal(await sniffWith(cloudTrailSource, text, "eb.json"), 0.95);
  const { events, issues } = await parseWith(cloudTrailSource, text, "eb.json");
  assert.deepEqual(issues, []);
  assert.deepEqual(events.map((e) => [e["minerhunt.line"], e["cloud.machine.type"]]), [[1, "p3.16xlarge"], [2, "g4dn.12xlarge"]]);
});

test("lookup-events output: the record inside CloudTrailEvent is read", async () => {
  const doc = JSON.stringify({
    Events: [{
      EventId: createAccessKey.eventID, EventName: "CreateAccessKey", ReadOnly: "false", AccessKeyId: "AKIAIOSFODNN7EXAMPLE",
      EventTime: 1795148202.0, EventSource: "iam.amazonaws.com", Username: "dev-ci",
      Resources: [{ ResourceType: "AWS::IAM::AccessKey", ResourceName: "AKIAI44QH8DHBEXAMPLE" }, { ResourceType: "AWS::IAM::User", ResourceName: "backup-svc" }],
      CloudTrailEvent: JSON.stringify(createAccessKey),
    }],
  }, null, 4);
  assert.ok((await sniffWith(cloudTrailSource, doc, "lookup.json")) >= 0.9);
  const { events, issues } = await parseWith(cloudTrailSource, doc, "lookup.json");
  assert.deepEqual(issues, []);
  assert.equal(events.length, 1);
  assert.equal(events[0]!["minerhunt.aws.created_access_key"], "AKIAI44QH8DHBEXAMPLE");
  assert.equal(events[0]!["minerhunt.line"], 3);
});

test("request and response JSON is bounded to 16 KiB", async () => {
  const big = { ...runInstancesP3, requestParameters: { ...runInstancesP3.requestParameters, userData: "A".repeat(40_000) } };
  const { events } = await parseWith(cloudTrailSource, JSON.stringify({ Records: [big] }), "trail.json");
  assert.equal((events[0]!["aws.cloudtrail.request_parameters"] as string).length, 16 * 1024);
  assert.deepEqual(events[0]!["minerhunt.truncated"], ["aws.cloudtrail.request_parameters"]);
  assert.equal(events[0]!["cloud.machine.type"], "p3.16xlarge", "extraction works on the parsed record, not the cut text");
});

test("sniffing: CloudTrail is claimed; other JSON is not", async (t) => {
  assert.equal(await sniffWith(cloudTrailSource, JSON.stringify({ Records: [createAccessKey] })), 0.95);
  assert.equal(await sniffWith(cloudTrailSource, gzipSync(JSON.stringify({ Records: [createAccessKey] })), "x.json.gz"), 0.95);
  assert.equal(await sniffWith(cloudTrailSource, '{"foo": 1, "bar": [1, 2]}\n'), 0);
  assert.equal(await sniffWith(cloudTrailSource, '{"ts":1700000000.1,"uid":"C1","id.orig_h":"10.0.0.5","query":"pool.minexmr.com"}\n'), 0);
  assert.equal(await sniffWith(cloudTrailSource, "eventName eventSource eventTime awsRegion\n"), 0, "text is not JSON");
  const gd = sharedFixture(t, "cloud-findings/guardduty-sample-CryptoCurrency-Runtime-BitcoinTool.B.json");
  if (gd) assert.equal(await sniffWith(cloudTrailSource, readFileSync(gd)), 0);
});
