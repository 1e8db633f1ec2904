/**
 * AWS CloudTrail: the control plane (who launched what, where, with which keys).
 *
 * Packagings read: `{"Records":[...]}` files as CloudTrail delivers them to S3 (usually gzipped,
 * one line), NDJSON of records (CloudTrail Lake and CloudWatch Logs exports), EventBridge events
 * (`"detail-type":"AWS API Call via CloudTrail"`, record in `detail`), `aws cloudtrail lookup-events`
 * output (`Events[].CloudTrailEvent`, the record as a JSON string) and `aws logs filter-log-events`
 * output (`events[].message`). Arrays of any of these too.
 *
 * Beyond the common fields, what PB-31's detectors need is pulled out of requestParameters and
 * responseElements: instance type and count of RunInstances, instance ids acted on, the IAM user
 * given keys or policies, the policy ARN, the new access key id.
 */
import type { Event } from "../../model/index.js";
import type { Input, ParseContext, Sample, Source } from "../types.js";
import { newEvent, setBool, setList, setStr } from "./event.js";
import { type JsonNode, nodeOfText, readJsonNodes } from "./json-doc.js";
import { type RecordRef, memberString, parseObject, refOf } from "./records.js";
import { anyOf, hasAll, hasAny, hasKeyValue, jsonHead, key } from "./sniff-json.js";
import { type JsonObject, asArray, asNumber, asObject, asString, boundedJson, dig, isIpAddress, toIso } from "./values.js";

export const CLOUDTRAIL_ID = "aws.cloudtrail";
/** requestParameters / responseElements are kept as JSON text of at most this many characters. */
export const MAX_PARAMS_CHARS = 16 * 1024;

const EVENTBRIDGE_DETAIL_TYPE = "AWS API Call via CloudTrail";
/** What every verdict of sniff() needs: the EventBridge detail-type, or eventSource (plain or escaped in a string). */
const MAY_BE_CLOUDTRAIL = anyOf(`"${EVENTBRIDGE_DETAIL_TYPE}"`, key("eventSource"), '\\"eventSource\\"');

/** Events whose requestParameters.userName names the IAM user being given access. */
const IAM_USER_TARGET_EVENTS = new Set([
  "CreateUser", "CreateAccessKey", "UpdateAccessKey", "AttachUserPolicy", "PutUserPolicy", "CreateLoginProfile",
  "UpdateLoginProfile", "AddUserToGroup", "DeactivateMFADevice", "DeleteUserPermissionsBoundary",
]);

export const cloudTrailSource: Source = {
  id: CLOUDTRAIL_ID,
  title: "AWS CloudTrail records (S3 Records files, NDJSON, EventBridge, lookup-events, CloudWatch Logs export)",
  emits: [{ dataset: "aws.cloudtrail", categories: ["iam", "configuration"], sigma: ["aws/cloudtrail"] }],
  sniff(sample: Sample): number {
    const t = jsonHead(sample);
    if (!t || !MAY_BE_CLOUDTRAIL(t)) return 0;
    if (hasKeyValue(t, "detail-type", EVENTBRIDGE_DETAIL_TYPE)) return 0.95;
    // A record: its three defining keys (plain, or escaped inside a JSON string of lookup-events / CloudWatch).
    if (hasAll(t, key("eventSource"), key("eventName"), key("eventTime")) && hasAny(t, key("awsRegion"), key("eventVersion"))) return 0.95;
    if (hasAll(t, '\\"eventSource\\"', '\\"eventName\\"') && hasAny(t, key("CloudTrailEvent"), key("logStreamName"))) return 0.9;
    return 0;
  },
  parse(input: Input, ctx: ParseContext): AsyncIterable<Event> {
    return parseCloudTrail(input, ctx);
  },
};

async function* parseCloudTrail(input: Input, ctx: ParseContext): AsyncGenerator<Event> {
  for await (const top of readJsonNodes(input, ctx)) {
    for (const ref of cloudTrailRecords(top, 0)) {
      const rec = parseObject(ref, ctx, "a CloudTrail record (an object with eventName and eventSource)");
      if (!rec) continue;
      if (typeof rec.eventName !== "string" || typeof rec.eventSource !== "string") {
        ctx.issue(ref.line, `${ref.label}: not a CloudTrail record: eventName and eventSource must be strings`);
        continue;
      }
      yield cloudTrailEvent(rec, { path: input.path, line: ref.line, format: CLOUDTRAIL_ID });
    }
  }
}

/** The records inside one top-level value, whatever wraps them. */
function* cloudTrailRecords(node: JsonNode, depth: number): Generator<RecordRef> {
  if (node.isArray) {
    // An array of records or of envelopes; arrays nested deeper are not a CloudTrail packaging.
    if (depth > 0) { yield refOf(node); return; }
    for (const el of node.elements()) yield* cloudTrailRecords(el, depth + 1);
    return;
  }
  if (!node.isObject) { yield refOf(node); return; }
  const records = node.member("Records");
  if (records?.isArray) {
    for (const el of records.elements()) yield refOf(el);
    return;
  }
  const detail = node.member("detail");
  if (detail && node.member("detail-type")) {
    yield { node: detail, line: node.line, label: node.path === "" ? "EventBridge event" : node.path };
    return;
  }
  // `aws cloudtrail lookup-events`: {"Events":[{"EventName":..., "CloudTrailEvent":"{...}"}]}
  const lookup = node.member("Events");
  if (lookup?.isArray) {
    for (const el of lookup.elements()) yield* embeddedRecord(el, "CloudTrailEvent");
    return;
  }
  // `aws logs filter-log-events`: {"events":[{"logStreamName":..., "message":"{...}"}]}
  const cwEvents = node.member("events");
  if (cwEvents?.isArray) {
    for (const el of cwEvents.elements()) yield* embeddedRecord(el, "message");
    return;
  }
  yield refOf(node);
}

/** A record held as JSON text in a string field of a wrapper element. */
function* embeddedRecord(el: JsonNode, field: string): Generator<RecordRef> {
  const label = el.path;
  const text = memberString(el.isObject ? el.member(field) : undefined);
  if (text === undefined) { yield refOf(el); return; }
  const inner = nodeOfText(text, el.line, `${label}.${field}`);
  if (inner) yield { node: inner, line: el.line, label: `${label}.${field}` };
}

/** One CloudTrail record as an event (docs/events.md, "Cloud control plane"). */
export function cloudTrailEvent(rec: JsonObject, origin: { path: string; line: number; format: string }): Event {
  const eventName = rec.eventName as string;
  const eventSource = rec.eventSource as string;
  const category = eventSource === "iam.amazonaws.com" || eventSource === "sts.amazonaws.com" ? ["iam"] : ["configuration"];
  const e = newEvent(origin, { dataset: "aws.cloudtrail", kind: "event", category });
  setStr(e, "@timestamp", toIso(rec.eventTime));
  e["event.action"] = eventName;
  e["event.provider"] = eventSource;
  setStr(e, "event.id", rec.eventID);
  const errorCode = asString(rec.errorCode);
  e["event.outcome"] = errorCode ? "failure" : "success";
  e["cloud.provider"] = "aws";
  setStr(e, "cloud.region", rec.awsRegion);

  const identity = asObject(rec.userIdentity);
  setStr(e, "cloud.account.id", asString(rec.recipientAccountId) ?? asString(identity?.accountId));
  setIdentity(e, identity);

  const sourceIp = asString(rec.sourceIPAddress);
  if (sourceIp !== undefined) {
    // Calls made by AWS services on someone's behalf carry the service name here, not an address.
    if (isIpAddress(sourceIp)) e["source.ip"] = sourceIp;
    else e["source.domain"] = sourceIp;
  }
  setStr(e, "user_agent.original", rec.userAgent);
  setStr(e, "aws.cloudtrail.error_code", errorCode);
  setStr(e, "aws.cloudtrail.error_message", rec.errorMessage);
  setStr(e, "aws.cloudtrail.event_type", rec.eventType);
  setStr(e, "aws.cloudtrail.event_version", rec.eventVersion);
  setStr(e, "aws.cloudtrail.request_id", rec.requestID);
  setBool(e, "aws.cloudtrail.read_only", rec.readOnly);

  const truncated: string[] = [];
  const req = boundedJson(rec.requestParameters, MAX_PARAMS_CHARS);
  if (req) {
    e["aws.cloudtrail.request_parameters"] = req.text;
    if (req.truncated) truncated.push("aws.cloudtrail.request_parameters");
  }
  const resp = boundedJson(rec.responseElements, MAX_PARAMS_CHARS);
  if (resp) {
    e["aws.cloudtrail.response_elements"] = resp.text;
    if (resp.truncated) truncated.push("aws.cloudtrail.response_elements");
  }
  if (truncated.length > 0) e["minerhunt.truncated"] = truncated;

  const request = asObject(rec.requestParameters);
  const response = asObject(rec.responseElements);
  if (eventSource === "ec2.amazonaws.com") extractEc2(e, eventName, request, response, errorCode !== undefined);
  if (eventSource === "iam.amazonaws.com") extractIam(e, eventName, request, response);
  return e;
}

/** Who made the call: user.name is the IAM user, the role of an assumed-role session, or "root". */
function setIdentity(e: Event, identity: JsonObject | undefined): void {
  if (!identity) return;
  const type = asString(identity.type);
  setStr(e, "aws.cloudtrail.user_identity.type", type);
  setStr(e, "aws.cloudtrail.user_identity.arn", identity.arn);
  setStr(e, "user.id", identity.principalId);
  const keyId = asString(identity.accessKeyId);
  setStr(e, "aws.cloudtrail.user_identity.access_key_id", keyId);
  // The same key under a provider-neutral name, so GuardDuty accessKeyDetails and CloudTrail meet.
  setStr(e, "minerhunt.aws.access_key_id", keyId);
  const issuer = asObject(dig(identity, "sessionContext", "sessionIssuer"));
  setStr(e, "aws.cloudtrail.user_identity.session_context.session_issuer.user_name", issuer?.userName);
  setStr(e, "aws.cloudtrail.user_identity.session_context.session_issuer.arn", issuer?.arn);

  const userName = asString(identity.userName);
  if (userName) e["user.name"] = userName;
  else if (type === "Root") e["user.name"] = "root";
  else if (type === "AssumedRole") {
    // arn:aws:sts::123456789012:assumed-role/RoleName/session-name: the role, and the session as the user.
    const arn = asString(identity.arn) ?? "";
    const parts = arn.split("/");
    const session = parts.length >= 3 ? parts[parts.length - 1] : undefined;
    setStr(e, "user.name", session ?? issuer?.userName);
    setStr(e, "user.roles", issuer?.userName);
  } else setStr(e, "user.name", issuer?.userName);
}

function itemsOf(o: unknown, ...path: string[]): JsonObject[] {
  return asArray(dig(o, ...path, "items")).map(asObject).filter((x): x is JsonObject => x !== undefined);
}

function extractEc2(e: Event, eventName: string, request: JsonObject | undefined, response: JsonObject | undefined, failed: boolean): void {
  const requestItems = itemsOf(request, "instancesSet");
  const responseItems = itemsOf(response, "instancesSet");
  setList(e, "cloud.instance.id", [
    responseItems.map((i) => i.instanceId),
    requestItems.map((i) => i.instanceId),
    request?.instanceId,
  ], true);

  if (eventName === "RunInstances") {
    setList(e, "cloud.machine.type", [request?.instanceType ?? responseItems.map((i) => i.instanceType)]);
    let requested = 0;
    for (const item of requestItems) requested += asNumber(item.maxCount) ?? asNumber(item.minCount) ?? 0;
    if (requested > 0) e["minerhunt.aws.instance_requested"] = requested;
    // Launched is what came back; a refused call (VcpuLimitExceeded, ...) launched none.
    if (responseItems.length > 0) e["minerhunt.aws.instance_count"] = responseItems.length;
    else if (failed) e["minerhunt.aws.instance_count"] = 0;
    else if (requested > 0) e["minerhunt.aws.instance_count"] = requested;
    setList(e, "cloud.image.id", [requestItems.map((i) => i.imageId)]);
  } else if (eventName === "RequestSpotInstances") {
    setList(e, "cloud.machine.type", [dig(request, "launchSpecification", "instanceType")]);
    const count = asNumber(request?.instanceCount);
    if (count !== undefined) e["minerhunt.aws.instance_requested"] = count;
  }
}

function extractIam(e: Event, eventName: string, request: JsonObject | undefined, response: JsonObject | undefined): void {
  if (IAM_USER_TARGET_EVENTS.has(eventName)) {
    // CreateAccessKey without userName makes a key for the caller; the response names the user.
    const target = asString(request?.userName) ?? asString(dig(response, "accessKey", "userName")) ?? asString(dig(response, "user", "userName"));
    setStr(e, "minerhunt.aws.target_user", target);
  }
  setStr(e, "minerhunt.aws.target_role", request?.roleName);
  setStr(e, "minerhunt.aws.target_group", request?.groupName);
  setStr(e, "minerhunt.aws.policy_arn", request?.policyArn);
  setStr(e, "minerhunt.aws.policy_name", request?.policyName);
  if (eventName === "CreateAccessKey") setStr(e, "minerhunt.aws.created_access_key", dig(response, "accessKey", "accessKeyId"));
}
