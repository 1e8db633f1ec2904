/**
 * AWS VPC Flow Logs as delivered to S3 or CloudWatch Logs: space-separated fields, one flow
 * record per line. The default format is version 2 with 14 fields:
 *
 *   version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status
 *
 * S3 files start with a header line of the field names; CloudWatch Logs records have none (the
 * default order is assumed). Custom formats name their fields in the header (`${pkt-dstaddr}`
 * in the format string becomes `pkt-dstaddr` in the header). `-` means "no value"; NODATA and
 * SKIPDATA rows carry no flow and give no event.
 *
 * Each record is one direction of a flow seen at one interface, so bytes and packets are what
 * the source sent.
 */
import type { Event } from "../../../model/index.js";
import type { Input, ParseContext, Sample, Source } from "../../types.js";
import { CATEGORY_NETWORK, IssueReporter, baseEvent, isIpAddress, isoFromEpochSeconds, put, transportName } from "../common.js";
import { LineScanner, scanInput, type RawLine } from "../line-scanner.js";
import { endpointMatters } from "../prefilter-rules.js";
import { FLOW_LACKS } from "../fields.js";

const FORMAT = "aws.vpcflow";

export const DEFAULT_FIELDS = [
  "version", "account-id", "interface-id", "srcaddr", "dstaddr", "srcport", "dstport", "protocol",
  "packets", "bytes", "start", "end", "action", "log-status",
] as const;

/** Every field name AWS documents (versions 2 to 10), for telling a header from a record. */
const KNOWN_FIELDS = new Set<string>([
  ...DEFAULT_FIELDS,
  "vpc-id", "subnet-id", "instance-id", "tcp-flags", "type", "pkt-srcaddr", "pkt-dstaddr",
  "region", "az-id", "sublocation-type", "sublocation-id",
  "pkt-src-aws-service", "pkt-dst-aws-service", "flow-direction", "traffic-path",
  "ecs-cluster-arn", "ecs-cluster-name", "ecs-container-instance-arn", "ecs-container-instance-id",
  "ecs-container-id", "ecs-second-container-id", "ecs-service-name", "ecs-task-definition-arn",
  "ecs-task-arn", "ecs-task-id", "reject-reason", "resource-id", "encryption-status",
]);

/** Header words are the field names; some exports write them with underscores. */
function fieldName(word: string): string {
  return word.replace(/^\$\{|\}$/g, "").replace(/_/g, "-").toLowerCase();
}

/** Whether a line is a header: every word a field-like name, at least three of them known. */
export function headerFields(line: string): string[] | undefined {
  const t = line.trim();
  // Every word must be a field name (the test below): a line that does not start with one is not split.
  if (!/^[a-z$]/i.test(t)) return undefined;
  const words = t.split(/ +/);
  if (words.length < 3) return undefined;
  let known = 0;
  const names: string[] = [];
  for (const w of words) {
    if (!/^(\$\{)?[a-z][a-z0-9_-]*\}?$/i.test(w)) return undefined;
    const name = fieldName(w);
    if (KNOWN_FIELDS.has(name)) known++;
    names.push(name);
  }
  return known >= 3 ? names : undefined;
}

/** A default-format record without a header: 14 fields, version 2, a status word at the end. */
function looksLikeDefaultRecord(words: string[]): boolean {
  return words.length === 14 && words[0] === "2" && /^(OK|NODATA|SKIPDATA)$/.test(words[13]!)
    && /^(\d+|unknown|-)$/.test(words[1]!);
}

function value(words: string[], index: Map<string, number>, name: string): string | undefined {
  const i = index.get(name);
  if (i === undefined) return undefined;
  const v = words[i];
  return v === undefined || v === "-" ? undefined : v;
}

/** A numeric field; NaN marks a value that is present but not a number. */
function numberField(words: string[], index: Map<string, number>, name: string): number | undefined {
  const v = value(words, index, name);
  if (v === undefined) return undefined;
  return /^\d+$/.test(v) ? Number(v) : NaN;
}

const NUMERIC = ["srcport", "dstport", "protocol", "packets", "bytes", "start", "end"] as const;

export interface VpcOrigin {
  path: string;
  line: number;
}

/** One record to an event, or the reason it cannot be read. */
export function vpcEvent(words: string[], index: Map<string, number>, origin: VpcOrigin): { event?: Event; error?: string } {
  for (const name of NUMERIC) {
    if (Number.isNaN(numberField(words, index, name))) {
      return { error: `field ${name} is ${JSON.stringify(value(words, index, name)!.slice(0, 40))}, expected a number or "-"` };
    }
  }
  const status = value(words, index, "log-status");
  if (status === "NODATA" || status === "SKIPDATA") return {};
  const ev = baseEvent(origin.path, FORMAT, FORMAT, CATEGORY_NETWORK);
  ev["minerhunt.line"] = origin.line;
  ev["cloud.provider"] = "aws";
  const start = numberField(words, index, "start");
  const end = numberField(words, index, "end");
  if (start !== undefined) {
    put(ev, "@timestamp", isoFromEpochSeconds(start));
    put(ev, "event.start", isoFromEpochSeconds(start));
  }
  if (end !== undefined) put(ev, "event.end", isoFromEpochSeconds(end));

  // Behind a NAT gateway or load balancer the interface addresses are the middlebox's; the
  // pkt-* fields, when logged, hold the addresses of the packets themselves.
  const srcaddr = value(words, index, "srcaddr");
  const dstaddr = value(words, index, "dstaddr");
  const pktSrc = value(words, index, "pkt-srcaddr");
  const pktDst = value(words, index, "pkt-dstaddr");
  put(ev, "source.ip", pktSrc ?? srcaddr);
  put(ev, "destination.ip", pktDst ?? dstaddr);
  if (pktSrc !== undefined && srcaddr !== undefined && pktSrc !== srcaddr) ev["minerhunt.vpcflow.srcaddr"] = srcaddr;
  if (pktDst !== undefined && dstaddr !== undefined && pktDst !== dstaddr) ev["minerhunt.vpcflow.dstaddr"] = dstaddr;
  put(ev, "source.port", numberField(words, index, "srcport"));
  put(ev, "destination.port", numberField(words, index, "dstport"));
  const protocol = numberField(words, index, "protocol");
  if (protocol !== undefined) {
    ev["network.transport"] = transportName(protocol);
    ev["network.iana_number"] = String(protocol);
  }
  put(ev, "source.packets", numberField(words, index, "packets"));
  put(ev, "source.bytes", numberField(words, index, "bytes"));

  const action = value(words, index, "action");
  if (action !== undefined) {
    ev["event.action"] = action.toLowerCase();
    if (action === "ACCEPT") ev["event.outcome"] = "success";
    else if (action === "REJECT") ev["event.outcome"] = "failure";
  }
  const account = value(words, index, "account-id");
  if (account !== "unknown") put(ev, "cloud.account.id", account);
  put(ev, "cloud.instance.id", value(words, index, "instance-id"));
  put(ev, "cloud.region", value(words, index, "region"));
  const direction = value(words, index, "flow-direction");
  if (direction === "ingress" || direction === "egress") ev["network.direction"] = direction;
  const type = value(words, index, "type");
  if (type !== undefined) ev["network.type"] = type.toLowerCase();
  put(ev, "minerhunt.vpcflow.version", value(words, index, "version"));
  put(ev, "minerhunt.vpcflow.interface_id", value(words, index, "interface-id"));
  put(ev, "minerhunt.vpcflow.vpc_id", value(words, index, "vpc-id"));
  put(ev, "minerhunt.vpcflow.subnet_id", value(words, index, "subnet-id"));
  put(ev, "minerhunt.vpcflow.az_id", value(words, index, "az-id"));
  put(ev, "minerhunt.vpcflow.tcp_flags", numberField(words, index, "tcp-flags"));
  put(ev, "minerhunt.vpcflow.traffic_path", value(words, index, "traffic-path"));
  put(ev, "minerhunt.vpcflow.pkt_src_aws_service", value(words, index, "pkt-src-aws-service"));
  put(ev, "minerhunt.vpcflow.pkt_dst_aws_service", value(words, index, "pkt-dst-aws-service"));
  put(ev, "minerhunt.vpcflow.reject_reason", value(words, index, "reject-reason"));
  put(ev, "minerhunt.vpcflow.log_status", status);
  put(ev, "container.id", value(words, index, "ecs-container-id"));
  put(ev, "orchestrator.cluster.name", value(words, index, "ecs-cluster-name"));
  return { event: ev };
}

const DEFAULT_INDEX = new Map<string, number>(DEFAULT_FIELDS.map((f, i) => [f, i]));

export async function* parseVpcFlow(input: Input, ctx: ParseContext): AsyncGenerator<Event> {
  const path = input.path;
  const pf = ctx.prefilter;
  const issues = new IssueReporter(ctx);
  const scanner = new LineScanner(ctx);
  const out: Event[] = [];
  let index: Map<string, number> | undefined;
  let width = 0;

  const visit = (raw: RawLine): void => {
    const { line, offset } = raw;
    const text = scanner.decode(raw).trim();
    if (text === "") return;
    const header = headerFields(text);
    if (header) {
      // Concatenated S3 objects repeat the header; each one sets the layout for what follows.
      index = new Map(header.map((f, i) => [f, i]));
      width = header.length;
      return;
    }
    const words = text.split(/ +/);
    if (!index) {
      if (!looksLikeDefaultRecord(words)) {
        issues.report(line, "no header line naming the fields, and not a default-format (version 2, 14 fields) record", offset);
        return;
      }
      index = DEFAULT_INDEX;
      width = DEFAULT_FIELDS.length;
    }
    if (words.length !== width) {
      issues.report(line, `${words.length} fields, expected ${width} as the header (or the default format) names`, offset);
      return;
    }
    if (pf) {
      const ip = value(words, index, "pkt-dstaddr") ?? value(words, index, "dstaddr");
      const port = numberField(words, index, "dstport");
      const srcIp = value(words, index, "pkt-srcaddr") ?? value(words, index, "srcaddr");
      const srcPort = numberField(words, index, "srcport");
      // A record is one direction: the pool's replies have the pool as the source.
      if (!endpointMatters(pf, ip, port) && !endpointMatters(pf, srcIp, srcPort)) { ctx.skipped(); return; }
    }
    const r = vpcEvent(words, index, { path, line });
    if (r.error) issues.report(line, r.error, offset);
    else if (r.event) out.push(r.event);
  };

  yield* scanInput(input, scanner, out, visit);
  issues.finish();
}

function sniff(sample: Sample): number {
  const first = sample.lines[0];
  if (first === undefined) return 0;
  const header = headerFields(first);
  if (header) {
    const hasAddresses = header.includes("srcaddr") || header.includes("dstaddr") || header.includes("pkt-dstaddr");
    return hasAddresses ? 0.95 : 0.5;
  }
  let records = 0;
  for (const line of sample.lines) {
    const t = line.trim();
    // A default record starts with its version, "2": any other line is not split (it may be 64 KiB of JSON).
    if (!t.startsWith("2 ")) return 0;
    const words = t.split(/ +/);
    if (!looksLikeDefaultRecord(words)) return 0;
    if (words[3] !== "-" && !isIpAddress(words[3]!)) return 0;
    records++;
  }
  return records > 0 ? 0.9 : 0;
}

export const vpcFlowSource: Source = {
  id: FORMAT,
  title: "AWS VPC Flow Logs (default version 2 or custom format with a header)",
  emits: [{
    dataset: "aws.vpcflow", categories: ["network"], sigma: ["network_connection", "firewall", "aws/vpcflow"], prefilter: ["ip", "port"],
    // A record is kept when either end could matter.
    prefilterFields: { ip: ["destination.ip", "source.ip"], port: ["destination.port", "source.port"] },
    lacks: FLOW_LACKS,
  }],
  sniff: (sample) => { try { return sniff(sample); } catch { return 0; } },
  parse: (input, ctx) => parseVpcFlow(input, ctx),
};
