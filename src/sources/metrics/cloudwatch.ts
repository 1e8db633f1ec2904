/**
 * Amazon CloudWatch metric exports as the AWS CLI prints them:
 * - `aws cloudwatch get-metric-statistics`: `{"Label":"CPUUtilization","Datapoints":[{"Timestamp":..,"Average":..,"Maximum":..,"Unit":"Percent"}]}`
 * - `aws cloudwatch get-metric-data`: `{"MetricDataResults":[{"Id":..,"Label":..,"Timestamps":[..],"Values":[..],"StatusCode":..}]}`
 *
 * Neither output names the instance, so the host is taken, in this order, from `Dimensions`
 * (`[{"Name":"InstanceId","Value":"i-..."}]`) or `InstanceId` if the file carries them (a saved request
 * beside the response), from an instance id written in the label, then from one in the file name
 * (`cpu-i-0abc1234.json`). It becomes both `host.name` and `cloud.instance.id`.
 * CPUUtilization is host CPU %, the CloudWatch agent's `nvidia_smi_utilization_gpu` is GPU %.
 * A datapoint's reading is its Average, else its Maximum.
 */
import { basename } from "node:path";
import type { Event } from "../../model/index.js";
import type { Input, ParseContext, Sample, Source } from "../types.js";
import { has, hasAll, key } from "../cloud/sniff-json.js";
import { baseEvent } from "./event-base.js";
import { findEc2InstanceId, isEc2InstanceId } from "./hosts.js";
import { isJsonObject, objectStartLines, parseJsonDocument } from "./json-locate.js";
import { quoteForIssue } from "./numbers.js";
import { toIsoUtc } from "./time.js";

const ID = "aws.cloudwatch";

type Metric = "cpu" | "gpu";

function metricOf(label: string): Metric | undefined {
  const l = label.toLowerCase();
  if (l.includes("cpuutilization")) return "cpu";
  if (l.includes("utilization_gpu") || l.includes("gpuutilization")) return "gpu";
  return undefined;
}

/** The instance id the document names in Dimensions or InstanceId (top level or in each result). */
function instanceFromDocument(node: Record<string, unknown>): string | undefined {
  if (typeof node.InstanceId === "string" && isEc2InstanceId(node.InstanceId)) return node.InstanceId;
  if (Array.isArray(node.Dimensions)) {
    for (const d of node.Dimensions) {
      if (isJsonObject(d) && d.Name === "InstanceId" && typeof d.Value === "string") return d.Value;
    }
  }
  return undefined;
}

export const cloudWatchSource: Source = {
  id: ID,
  title: "Amazon CloudWatch get-metric-statistics / get-metric-data JSON (CPUUtilization, GPU utilisation)",
  emits: [{ dataset: "aws.cloudwatch", categories: ["host"], sigma: ["host_metrics"] }],

  sniff(sample: Sample): number {
    const t = sample.text.trimStart();
    if (!t.startsWith("{")) return 0;
    if (has(t, key("MetricDataResults"))) return 0.95;
    if (hasAll(t, key("Datapoints"), key("Label"))) return 0.95;
    return 0;
  },

  async *parse(input: Input, ctx: ParseContext): AsyncIterable<Event> {
    const text = await input.text();
    const doc = parseJsonDocument(text, (l, m) => ctx.issue(l, m), "the JSON the AWS CLI prints for get-metric-statistics or get-metric-data");
    if (doc === undefined) return;
    if (!isJsonObject(doc) || (!Array.isArray(doc.Datapoints) && !Array.isArray(doc.MetricDataResults))) {
      ctx.issue(1, 'expected {"Label":..,"Datapoints":[..]} (get-metric-statistics) or {"MetricDataResults":[..]} (get-metric-data)');
      return;
    }
    const lines = objectStartLines(text, 3);
    const fromFile = findEc2InstanceId(basename(input.path));
    const documentInstance = instanceFromDocument(doc);
    const make = (line: number, label: string, instance: string | undefined, time: unknown, value: number): Event | undefined => {
      const metric = metricOf(label);
      const timestamp = typeof time === "string" ? toIsoUtc(time) : undefined;
      if (metric === undefined) return undefined;
      if (timestamp === undefined) {
        ctx.issue(line, `timestamp ${quoteForIssue(String(time))} is not ISO 8601; expected e.g. "2026-11-20T03:10:00+00:00"`);
        return undefined;
      }
      if (value < 0 || value > 100) {
        ctx.issue(line, `${quoteForIssue(label)} value ${value} is not a percentage between 0 and 100`);
        return undefined;
      }
      const event = baseEvent({ path: input.path, line, format: ID, dataset: "aws.cloudwatch", category: ["host"], kind: "metric" });
      event["@timestamp"] = timestamp;
      event["cloud.provider"] = "aws";
      if (instance !== undefined) {
        event["host.name"] = instance;
        event["cloud.instance.id"] = instance;
      }
      event[metric === "cpu" ? "minerhunt.cpu.pct" : "minerhunt.gpu.utilization"] = value;
      return event;
    };

    if (Array.isArray(doc.Datapoints)) {
      const label = typeof doc.Label === "string" ? doc.Label : "";
      if (metricOf(label) === undefined) {
        ctx.issue(1, `metric ${quoteForIssue(label)} is not CPUUtilization or a GPU utilisation metric; nothing read`);
        return;
      }
      const instance = documentInstance ?? findEc2InstanceId(label) ?? fromFile;
      for (let i = 0; i < doc.Datapoints.length; i++) {
        const point: unknown = doc.Datapoints[i];
        const line = lines.get(`Datapoints/${i}`) ?? 1;
        const value = isJsonObject(point) ? (typeof point.Average === "number" ? point.Average : point.Maximum) : undefined;
        if (!isJsonObject(point) || typeof value !== "number") {
          ctx.issue(line, `datapoint ${i}: expected {"Timestamp":..,"Average": number} or "Maximum"`);
          continue;
        }
        const event = make(line, label, instance, point.Timestamp, value);
        if (event) yield event;
      }
      return;
    }

    const results = doc.MetricDataResults as unknown[];
    for (let r = 0; r < results.length; r++) {
      const result = results[r];
      const line = lines.get(`MetricDataResults/${r}`) ?? 1;
      if (!isJsonObject(result) || !Array.isArray(result.Timestamps) || !Array.isArray(result.Values)) {
        ctx.issue(line, `result ${r}: expected {"Label":..,"Timestamps":[..],"Values":[..]}`);
        continue;
      }
      const label = typeof result.Label === "string" ? result.Label : typeof result.Id === "string" ? result.Id : "";
      if (metricOf(label) === undefined) {
        ctx.issue(line, `result ${r}: metric ${quoteForIssue(label)} is not CPUUtilization or a GPU utilisation metric; skipped`);
        continue;
      }
      if (result.Timestamps.length !== result.Values.length) {
        ctx.issue(line, `result ${r}: ${result.Timestamps.length} timestamps but ${result.Values.length} values; expected one value per timestamp`);
        continue;
      }
      const instance = instanceFromDocument(result) ?? documentInstance ?? findEc2InstanceId(label) ?? fromFile;
      for (let i = 0; i < result.Values.length; i++) {
        const value: unknown = result.Values[i];
        if (typeof value !== "number") {
          ctx.issue(line, `result ${r}, value ${i}: expected a number, got ${quoteForIssue(JSON.stringify(value) ?? "")}`);
          continue;
        }
        const event = make(line, label, instance, result.Timestamps[i], value);
        if (event) yield event;
      }
    }
  },
};
