/**
 * Hand-built CloudTrail events for tests, with exactly the fields docs/events.md names for the
 * "aws.cloudtrail" dataset. Values follow real records: eventSource, identity types, error codes
 * and request shapes as CloudTrail writes them.
 */
import type { Event } from "../../../../model/index.js";

export const ATTACKER_KEY = "AKIAIOSFODNN7EXAMPLE";
export const ATTACKER_ARN = "arn:aws:iam::111122223333:user/ci-deploy";
export const ACCOUNT = "111122223333";

let line = 0;

export interface TrailOptions {
  time: string;
  action: string;
  region?: string;
  provider?: string;
  key?: string;
  arn?: string;
  userName?: string;
  identityType?: string;
  errorCode?: string;
  errorMessage?: string;
  file?: string;
  extra?: Event;
}

export function trail(o: TrailOptions): Event {
  line++;
  const e: Event = {
    "@timestamp": o.time,
    "event.dataset": "aws.cloudtrail",
    "event.category": o.provider === "iam.amazonaws.com" ? ["iam"] : ["configuration"],
    "event.kind": "event",
    "event.action": o.action,
    "event.provider": o.provider ?? "ec2.amazonaws.com",
    "event.outcome": o.errorCode ? "failure" : "success",
    "event.id": `5b1f1f3e-0000-4000-8000-${String(line).padStart(12, "0")}`,
    "cloud.provider": "aws",
    "cloud.region": o.region ?? "us-east-1",
    "cloud.account.id": ACCOUNT,
    "user.name": o.userName ?? "ci-deploy",
    "aws.cloudtrail.user_identity.type": o.identityType ?? "IAMUser",
    "aws.cloudtrail.user_identity.arn": o.arn ?? ATTACKER_ARN,
    "aws.cloudtrail.user_identity.access_key_id": o.key ?? ATTACKER_KEY,
    "source.ip": "203.0.113.77",
    "user_agent.original": "aws-cli/2.15.30 Python/3.11.8 Linux/6.1.0 exe/x86_64.ubuntu.22",
    "log.file.path": o.file ?? `AWSLogs/${ACCOUNT}/CloudTrail/${o.region ?? "us-east-1"}/2026/11/20/${ACCOUNT}_CloudTrail_${o.region ?? "us-east-1"}_20261120T0315Z_a1b2c3d4.json.gz`,
    "minerhunt.line": line,
    "minerhunt.format": "aws.cloudtrail",
    ...o.extra,
  };
  if (o.errorCode) {
    e["aws.cloudtrail.error_code"] = o.errorCode;
    if (o.errorMessage) e["aws.cloudtrail.error_message"] = o.errorMessage;
  }
  return e;
}

/** A successful RunInstances with the fields the CloudTrail source extracts. */
export function runInstances(time: string, region: string, instanceType: string, ids: string[], o: Partial<TrailOptions> = {}): Event {
  return trail({
    time, action: "RunInstances", region, ...o,
    extra: {
      "cloud.machine.type": instanceType,
      "cloud.instance.id": ids,
      "minerhunt.aws.instance_count": ids.length,
      "aws.cloudtrail.request_parameters": JSON.stringify({
        instancesSet: { items: [{ imageId: "ami-0c7217cdde317cfec", minCount: ids.length, maxCount: ids.length }] },
        instanceType, blockDeviceMapping: {}, monitoring: { enabled: false }, disableApiTermination: false,
      }),
      ...o.extra,
    },
  });
}
