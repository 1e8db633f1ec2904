/**
 * Elasticsearch exports for source tests: documents wrapped as search hits and as a search response (the
 * shapes `curl es:9200/idx/_search` saves), and helpers to compare the events read from each packaging.
 */
import assert from "node:assert/strict";
import type { Event } from "../../model/index.js";
import { parseWith } from "../../test-helpers/index.js";
import type { Source } from "../types.js";

/** A search hit of `doc` in `index`, as Elasticsearch returns it (sorted search: `_score` null, `sort` set). */
export function searchHit(index: string, doc: object, i: number): object {
  return { _index: index, _id: `hit${i}`, _score: null, _source: doc, sort: [1795662847000 + i] };
}

/** A search response holding `hits`. */
export function searchResponse(hits: object[]): object {
  return {
    took: 12, timed_out: false, _shards: { total: 1, successful: 1, skipped: 0, failed: 0 },
    hits: { total: { value: hits.length, relation: "eq" }, max_score: null, hits },
  };
}

/** 1-based numbers of the lines that are exactly `indent` spaces and "{": where JSON.stringify(.., 2) starts an array's objects. */
export function objectStartLines(text: string, indent: number): number[] {
  const opening = `${" ".repeat(indent)}{`;
  return text.split("\n").flatMap((l, i) => (l === opening ? [i + 1] : []));
}

/** The event without what says where it was read (line, source id). */
export function withoutPlace(e: Event): Event {
  const { "minerhunt.line": _line, "minerhunt.format": _format, ...rest } = e;
  return rest;
}

/**
 * JSON documents that sources of their own read, for checking that a reader of Elasticsearch exports does
 * not take them: a GuardDuty findings array, a CloudTrail file and a Suricata EVE array (real field names).
 */
export const JSON_DOCUMENTS_OF_OTHER_SOURCES: readonly { label: string; text: string; owner: string }[] = [
  {
    label: "GuardDuty findings array",
    owner: "aws.guardduty",
    text: JSON.stringify([{
      AccountId: "111122223333", Arn: "arn:aws:guardduty:us-east-1:111122223333:detector/d1/finding/f1", CreatedAt: "2026-11-20T03:36:16.000Z",
      Id: "f1", Region: "us-east-1", Resource: { ResourceType: "Instance", InstanceDetails: { InstanceId: "i-0abc" } },
      SchemaVersion: "2.0", Service: { ServiceName: "guardduty", DetectorId: "d1", Count: 3 }, Severity: 8,
      Title: "EC2 instance i-0abc is querying a domain name that is associated with Bitcoin-related activity.",
      Type: "CryptoCurrency:EC2/BitcoinTool.B!DNS", UpdatedAt: "2026-11-20T04:36:16.000Z",
    }], null, 2),
  },
  {
    label: "CloudTrail document",
    owner: "aws.cloudtrail",
    text: JSON.stringify({ Records: [{
      eventVersion: "1.08", userIdentity: { type: "IAMUser", userName: "ci-deploy" }, eventTime: "2026-11-20T03:14:07Z",
      eventSource: "ec2.amazonaws.com", eventName: "RunInstances", awsRegion: "us-east-1", sourceIPAddress: "203.0.113.7",
      requestParameters: { instanceType: "p3.16xlarge" }, responseElements: null, eventID: "e1", recipientAccountId: "111122223333",
    }] }),
  },
  {
    label: "Suricata EVE array",
    owner: "suricata.eve",
    text: JSON.stringify([{
      timestamp: "2026-11-20T03:44:12.000000+0000", flow_id: 1, event_type: "alert", src_ip: "10.0.0.5", dest_ip: "198.51.100.7", dest_port: 3333,
      proto: "TCP", alert: { signature: "ET POLICY Cryptocurrency Miner Checkin", category: "Crypto Currency Mining Activity Detected", severity: 1 },
    }], null, 2),
  },
];

/**
 * Three documents as a pretty-printed array with the second one broken (`from` replaced by `to`: an
 * unquoted value keeps the brackets balanced but is not JSON), read by `source`: the broken record is one
 * issue at its own line, and its neighbours are read as `datasets`.
 */
export async function assertBrokenSecondRecordIsReported(source: Source, docs: readonly object[], from: string, to: string, datasets: readonly string[]): Promise<void> {
  const text = JSON.stringify(docs, null, 2);
  const starts = objectStartLines(text, 2);
  const broken = text.replace(from, to);
  assert.notEqual(broken, text, `the test breaks the second record (${from})`);
  const { events, issues } = await parseWith(source, broken, "export.json");
  assert.equal(issues.length, 1, JSON.stringify(issues));
  assert.equal(issues[0]!.line, starts[1]);
  assert.match(issues[0]!.message, /^\[1\]: invalid JSON/);
  assert.deepEqual(events.map((e) => e["minerhunt.line"]), [starts[0], starts[2]]);
  assert.deepEqual(events.map((e) => e["event.dataset"]), datasets);
}
