/**
 * Amazon Route 53 Resolver query logs: the DNS queries a VPC's instances make (often the only DNS
 * record a cloud account keeps). Delivered to S3 (one JSON record per line, gzipped), CloudWatch
 * Logs (exported as `time {json}` lines, or fetched with `aws logs filter-log-events`), or Firehose;
 * the AWS documentation shows one pretty-printed record. All are read (json-records.ts).
 *
 * Speed: with a prefilter and no IP intel, a line whose query name cannot matter and that has no
 * CNAME answer is skipped on its raw bytes, before JSON.parse.
 */
import type { Event } from "../../../model/index.js";
import type { Input, ParseContext, Prefilter, Sample, Source } from "../../types.js";
import { hasAny } from "../../cloud/sniff-json.js";
import { JsonKey, peekString } from "../json-peek.js";
import type { RawLine } from "../line-scanner.js";
import { nameMatters } from "../prefilter-rules.js";
import { dnsRecordMatters } from "./dns-event.js";
import { readJsonRecords } from "./json-records.js";
import { ROUTE53_DATASET, ROUTE53_FORMAT, isRoute53Record, route53Answers, route53Event } from "./route53-record.js";

const KEY_QUERY_NAME = new JsonKey("query_name");

/**
 * Finds "CNAME" in lines of a chunk with one forward search per chunk (as JsonKey does for keys):
 * searching from each line start to the chunk's end would be quadratic when no line has it.
 */
class ChunkSearch {
  private chunk = 0;
  private at = -1;
  constructor(private readonly needle: string) {}
  inLine(line: RawLine): boolean {
    if (this.chunk !== line.chunk || (this.at !== -1 && this.at < line.start)) {
      this.chunk = line.chunk;
      this.at = line.text.indexOf(this.needle, line.start);
    }
    return this.at !== -1 && this.at < line.end;
  }
}
const CNAME = new ChunkSearch('"CNAME"');

function fastSkip(line: RawLine, pf: Prefilter): boolean {
  if (pf.answer) return false; // answers decide too: the parsed record is judged
  const name = peekString(line, KEY_QUERY_NAME);
  if (typeof name !== "string" || name === "") return false;
  if (nameMatters(pf, name)) return false;
  // A CNAME answer may name a pool behind an innocent-looking alias: parse those.
  return !CNAME.inLine(line);
}

async function* parseRoute53(input: Input, ctx: ParseContext): AsyncGenerator<Event> {
  const pf = ctx.prefilter;
  const what = "a Route 53 Resolver query log record";
  const records = readJsonRecords(input, ctx, {
    what,
    wrappers: ["events", "logEvents", "Records"],
    ...(pf ? { fastSkip: (line: RawLine) => fastSkip(line, pf) } : {}),
  });
  for await (const { rec, line } of records) {
    if (!isRoute53Record(rec)) {
      ctx.issue(line, `not ${what}: "query_name" and "query_timestamp" are missing`);
      continue;
    }
    if (pf && !dnsRecordMatters(pf, typeof rec.query_name === "string" ? rec.query_name : undefined, route53Answers(rec))) {
      ctx.skipped();
      continue;
    }
    yield route53Event(rec, { path: input.path, line, format: ROUTE53_FORMAT });
  }
}

/** Keys every Resolver query log record has; in CloudWatch output they sit inside escaped messages. */
function sniff(sample: Sample): number {
  const t = sample.text.replace(/^\uFEFF/, "").trimStart();
  if (!t.startsWith("{") && !t.startsWith("[") && !/^\d{4}-\d{2}-\d{2}T[0-9:.]+Z \{/.test(t)) return 0;
  const hasKey = (k: string) => hasAny(t, `"${k}"`, `\\"${k}\\"`);
  if (!hasKey("query_name") || !hasKey("query_timestamp")) return 0;
  return hasKey("srcaddr") || hasKey("srcids") || hasKey("query_type") ? 0.95 : 0.6;
}

export const route53ResolverSource: Source = {
  id: ROUTE53_FORMAT,
  title: "Amazon Route 53 Resolver query logs (S3, CloudWatch Logs export or filter-log-events JSON, Firehose)",
  emits: [{
    dataset: ROUTE53_DATASET,
    categories: ["network", "dns"],
    sigma: ["dns_query", "dns", "aws/route53_resolver"],
    prefilter: ["domain", "answer"],
  }],
  sniff: (sample) => { try { return sniff(sample); } catch { return 0; } },
  parse: (input, ctx) => parseRoute53(input, ctx),
};
