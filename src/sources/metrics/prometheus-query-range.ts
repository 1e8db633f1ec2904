/**
 * Prometheus HTTP API query results (`/api/v1/query_range`, also `/api/v1/query` vectors):
 * `{"status":"success","data":{"resultType":"matrix","result":[{"metric":{...},"values":[[ts,"v"],...]}]}}`.
 *
 * What a series measures comes from its `__name__` (see SERIES_BY_NAME and the generic rule in
 * classify()) or, when a rate() dropped the name, from node_exporter's `cpu` and `mode` labels. A series
 * an aggregation left with neither (`avg by (instance)(...)`) is read only when the person scanning says
 * what it is (`--metric`, or `inputs[].metric` in the config: ParseContext.hints).
 * CPU from `node_cpu_seconds_total` (raw counters or their rates) is turned into host CPU use:
 * per CPU, busy = 1 - idle rate (or the sum of the non-idle modes when idle was filtered out),
 * averaged over the host's CPUs, times 100.
 * The host comes from `Hostname` (DCGM), `node`, `nodename`, `hostname`, `host`, then `instance`
 * with its port stripped: the naming labels first because `instance` is often the exporter's pod.
 */
import type { Event } from "../../model/index.js";
import type { Input, MetricHint, ParseContext, Sample, Source } from "../types.js";
import { hasAll, key } from "../cloud/sniff-json.js";
import { baseEvent } from "./event-base.js";
import { isEc2InstanceId, stripPort } from "./hosts.js";
import { isJsonObject, objectStartLines, parseJsonDocument } from "./json-locate.js";
import { parseNumber, quoteForIssue } from "./numbers.js";
import { epochToIso } from "./time.js";
import { toPercent, type Scale } from "./utilization-columns.js";

const ID = "prometheus.query_range";
const DATASET = "prometheus.query_range";

type Measure =
  | { kind: "direct"; metric: "cpu" | "gpu"; scale: Scale }
  | { kind: "cpu-counter" } // node_cpu_seconds_total as scraped: needs a rate
  | { kind: "cpu-rate" }; // rate(node_cpu_seconds_total[..]) per cpu and mode

/** Well-known series whose unit the name alone does not say. */
const SERIES_BY_NAME: Record<string, Measure> = {
  DCGM_FI_DEV_GPU_UTIL: { kind: "direct", metric: "gpu", scale: "percent" },
  nvidia_gpu_duty_cycle: { kind: "direct", metric: "gpu", scale: "percent" },
  nvidia_smi_utilization_gpu_ratio: { kind: "direct", metric: "gpu", scale: "fraction" },
  "instance:node_cpu_utilisation:rate1m": { kind: "direct", metric: "cpu", scale: "fraction" },
  "instance:node_cpu_utilisation:rate5m": { kind: "direct", metric: "cpu", scale: "fraction" },
  "instance:node_cpu:ratio": { kind: "direct", metric: "cpu", scale: "fraction" },
  "node:node_cpu_utilisation:avg1m": { kind: "direct", metric: "cpu", scale: "fraction" },
  node_cpu_seconds_total: { kind: "cpu-counter" },
};

const HOST_LABELS = ["Hostname", "node", "nodename", "hostname", "host"];

/**
 * The series' measure: by name from the table; otherwise a name that mentions cpu or gpu and ends in
 * `_ratio` (0..1) or `_percent`/`_pct` (0..100); otherwise node_exporter's `cpu` + `mode` labels.
 */
function classify(labels: Record<string, string>): Measure | undefined {
  const name = labels.__name__;
  if (name !== undefined) {
    const known = SERIES_BY_NAME[name];
    if (known) return known;
    const lower = name.toLowerCase();
    const metric = lower.includes("gpu") ? "gpu" : lower.includes("cpu") ? "cpu" : undefined;
    if (metric === undefined) return undefined;
    if (lower.endsWith("_ratio")) return { kind: "direct", metric, scale: "fraction" };
    if (lower.endsWith("_percent") || lower.endsWith("_pct")) return { kind: "direct", metric, scale: "percent" };
    return undefined;
  }
  if (labels.cpu !== undefined && labels.mode !== undefined) return { kind: "cpu-rate" };
  return undefined;
}

/** The measure the person scanning named for series that carry no name (ParseContext.hints.metric). */
function measureFromHint(hint: MetricHint | undefined): Extract<Measure, { kind: "direct" }> | undefined {
  switch (hint) {
    case "cpu": return { kind: "direct", metric: "cpu", scale: "percent" };
    case "gpu": return { kind: "direct", metric: "gpu", scale: "percent" };
    case "cpu-ratio": return { kind: "direct", metric: "cpu", scale: "fraction" };
    case "gpu-ratio": return { kind: "direct", metric: "gpu", scale: "fraction" };
    default: return undefined;
  }
}

/** Every value (a [time, "value"] pair) between 0 and 1, and at least one of them. */
function looksLikeRatio(points: unknown[]): boolean {
  let seen = 0;
  for (const p of points) {
    const value = Array.isArray(p) && typeof p[1] === "string" ? Number(p[1]) : Number.NaN;
    if (!Number.isFinite(value)) continue;
    if (value < 0 || value > 1) return false;
    seen++;
  }
  return seen > 0;
}

function hostOf(labels: Record<string, string>): string | undefined {
  for (const key of HOST_LABELS) {
    const v = labels[key];
    if (v) return v;
  }
  return labels.instance ? stripPort(labels.instance) : undefined;
}

function describe(labels: Record<string, string>): string {
  const text = Object.entries(labels).slice(0, 8).map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(",");
  return quoteForIssue(`{${text}}`, 160);
}

/** Per host, per timestamp, per CPU: what node_cpu_seconds_total says about that CPU. */
type CpuModes = Map<string, Map<number, Map<string, { idle?: number; busy: number }>>>;

export const prometheusQueryRangeSource: Source = {
  id: ID,
  title: "Prometheus HTTP API query_range / query JSON (node_exporter CPU, DCGM and nvidia GPU utilisation)",
  emits: [{ dataset: DATASET, categories: ["host"], sigma: ["host_metrics"] }],

  sniff(sample: Sample): number {
    const t = sample.text.trimStart();
    if (!t.startsWith("{")) return 0;
    return hasAll(t, key("resultType"), key("result"), key("status")) ? 0.95 : 0;
  },

  async *parse(input: Input, ctx: ParseContext): AsyncIterable<Event> {
    const text = await input.text();
    const doc = parseJsonDocument(text, (l, m) => ctx.issue(l, m), 'a Prometheus API response {"status":"success","data":{"resultType":"matrix","result":[...]}}');
    if (doc === undefined) return;
    if (!isJsonObject(doc) || !isJsonObject(doc.data)) {
      if (isJsonObject(doc) && doc.status === "error") {
        ctx.issue(1, `the query failed: ${quoteForIssue(String(doc.errorType ?? ""))} ${quoteForIssue(String(doc.error ?? ""))}; nothing to read`);
      } else {
        ctx.issue(1, 'expected {"status":"success","data":{"resultType":...,"result":[...]}}');
      }
      return;
    }
    const resultType = doc.data.resultType;
    const result = doc.data.result;
    if ((resultType !== "matrix" && resultType !== "vector") || !Array.isArray(result)) {
      ctx.issue(1, `resultType ${quoteForIssue(String(resultType))} is not read; expected "matrix" (query_range) or "vector" (query)`);
      return;
    }
    const lines = objectStartLines(text, 4);
    const cpuModes: CpuModes = new Map();
    const hostLines = new Map<string, number>();

    for (let i = 0; i < result.length; i++) {
      const series: unknown = result[i];
      const line = lines.get(`data/result/${i}`) ?? 1;
      if (!isJsonObject(series) || !isJsonObject(series.metric)) {
        ctx.issue(line, `result ${i}: expected {"metric":{...},"values":[[time,"value"],...]}`);
        continue;
      }
      const labels = stringLabels(series.metric);
      const points = resultType === "matrix" ? series.values : series.value !== undefined ? [series.value] : undefined;
      if (!Array.isArray(points)) {
        ctx.issue(line, `result ${i}: expected "${resultType === "matrix" ? "values" : "value"}" with [time, "value"] pairs`);
        continue;
      }
      const hinted = labels.__name__ === undefined ? measureFromHint(ctx.hints?.metric) : undefined;
      const measure = classify(labels) ?? hinted;
      if (!measure) {
        const tell = labels.__name__ === undefined ? ", or say what it is with --metric cpu|gpu|cpu-ratio|gpu-ratio (or inputs[].metric in --config)" : "";
        ctx.issue(line, `series ${describe(labels)} does not say what it measures; keep __name__ (a metric or recording-rule name such as DCGM_FI_DEV_GPU_UTIL or instance:node_cpu_utilisation:rate5m) or node_exporter's cpu and mode labels${tell}`);
        continue;
      }
      if (measure === hinted && hinted.kind === "direct" && hinted.scale === "percent" && looksLikeRatio(points)) {
        ctx.issue(line, `series ${describe(labels)}: read as ${hinted.metric} percent (0-100) as told, but every value is at most 1; if the query returns a 0-1 ratio, use --metric ${hinted.metric}-ratio`);
      }
      const host = hostOf(labels);
      if (measure.kind === "direct") {
        yield* directSeries(input.path, line, labels, host, measure, points, ctx);
        continue;
      }
      if (host === undefined) {
        ctx.issue(line, `series ${describe(labels)} has no instance, node or Hostname label; CPU use cannot be given to a host`);
        continue;
      }
      if (!hostLines.has(host)) hostLines.set(host, line);
      if (resultType === "vector" && measure.kind === "cpu-counter") {
        ctx.issue(line, "node_cpu_seconds_total in an instant vector is a counter with one point: no rate can be derived; query a range or rate()");
        continue;
      }
      addCpuModes(cpuModes, host, labels, measure, points, line, ctx);
    }
    yield* cpuEvents(input.path, cpuModes, hostLines);
  },
};

function stringLabels(metric: Record<string, unknown>): Record<string, string> {
  const labels: Record<string, string> = {};
  for (const [k, v] of Object.entries(metric)) {
    if (typeof v === "string" && k !== "__proto__") labels[k] = v;
  }
  return labels;
}

/** A [time, "value"] pair, or undefined for a gap ("NaN", "Inf") or a broken pair (counted in `bad`). */
function readPoint(point: unknown, bad: { count: number; example?: string }): { ms: number; iso: string; value: number } | undefined {
  if (!Array.isArray(point) || point.length !== 2) {
    bad.count++;
    bad.example ??= JSON.stringify(point)?.slice(0, 60);
    return undefined;
  }
  const [t, v] = point as [unknown, unknown];
  if (v === "NaN" || v === "+Inf" || v === "-Inf") return undefined; // Prometheus writes gaps this way
  const iso = typeof t === "number" ? epochToIso(t) : undefined;
  const value = typeof v === "string" ? parseNumber(v) : typeof v === "number" ? v : undefined;
  if (iso === undefined || value === undefined || typeof t !== "number") {
    bad.count++;
    bad.example ??= JSON.stringify(point).slice(0, 60);
    return undefined;
  }
  return { ms: Math.round(t * 1000), iso, value };
}

function reportBad(ctx: ParseContext, line: number, labels: Record<string, string>, bad: { count: number; example?: string }): void {
  if (bad.count === 0) return;
  ctx.issue(line, `series ${describe(labels)}: ${bad.count} point(s) are not [unix seconds, "number"], for example ${quoteForIssue(bad.example ?? "")}; skipped`);
}

function* directSeries(path: string, line: number, labels: Record<string, string>, host: string | undefined,
  measure: Extract<Measure, { kind: "direct" }>, points: unknown[], ctx: ParseContext): Generator<Event> {
  const bad = { count: 0, example: undefined as string | undefined };
  let outOfRange = 0;
  for (const raw of points) {
    const point = readPoint(raw, bad);
    if (!point) continue;
    const pct = toPercent(point.value, measure.scale);
    if (pct === undefined) {
      outOfRange++;
      continue;
    }
    const event = baseEvent({ path, line, format: ID, dataset: DATASET, category: ["host"], kind: "metric" });
    event["@timestamp"] = point.iso;
    if (host !== undefined) event["host.name"] = host;
    if (labels.instance_id && isEc2InstanceId(labels.instance_id)) event["cloud.instance.id"] = labels.instance_id;
    if (labels.__name__ !== undefined) event["minerhunt.metric.name"] = labels.__name__;
    if (measure.metric === "cpu") {
      event["minerhunt.cpu.pct"] = pct;
    } else {
      event["minerhunt.gpu.utilization"] = pct;
      const index = labels.gpu !== undefined ? parseNumber(labels.gpu) : undefined;
      if (index !== undefined) event["minerhunt.gpu.index"] = index;
      const model = labels.modelName ?? labels.name;
      if (model !== undefined) event["minerhunt.gpu.name"] = model;
      if (labels.UUID !== undefined) event["minerhunt.gpu.uuid"] = labels.UUID;
    }
    yield event;
  }
  reportBad(ctx, line, labels, bad);
  if (outOfRange > 0) {
    const expected = measure.scale === "fraction" ? "fractions between 0 and 1" : "percentages between 0 and 100";
    ctx.issue(line, `series ${describe(labels)}: ${outOfRange} value(s) out of range; expected ${expected}`);
  }
}

function addCpuModes(all: CpuModes, host: string, labels: Record<string, string>, measure: Measure, points: unknown[], line: number, ctx: ParseContext): void {
  const cpu = labels.cpu ?? "";
  const isIdle = labels.mode === "idle";
  let byTime = all.get(host);
  if (!byTime) all.set(host, (byTime = new Map()));
  const bad = { count: 0, example: undefined as string | undefined };
  let previous: { ms: number; value: number } | undefined;
  for (const raw of points) {
    const point = readPoint(raw, bad);
    if (!point) continue;
    let rate: number | undefined;
    if (measure.kind === "cpu-rate") {
      rate = point.value;
    } else if (previous && point.ms > previous.ms && point.value >= previous.value) {
      rate = (point.value - previous.value) / ((point.ms - previous.ms) / 1000);
    } // a counter reset (value going down) gives no rate for that step
    if (measure.kind === "cpu-counter") previous = { ms: point.ms, value: point.value };
    if (rate === undefined) continue;
    let cpus = byTime.get(point.ms);
    if (!cpus) byTime.set(point.ms, (cpus = new Map()));
    let state = cpus.get(cpu);
    if (!state) cpus.set(cpu, (state = { busy: 0 }));
    if (isIdle) state.idle = rate;
    else if (labels.mode !== "guest" && labels.mode !== "guest_nice") state.busy += rate; // guest time is counted in user already
  }
  reportBad(ctx, line, labels, bad);
}

function* cpuEvents(path: string, all: CpuModes, hostLines: Map<string, number>): Generator<Event> {
  for (const [host, byTime] of all) {
    for (const [ms, cpus] of [...byTime].sort((a, b) => a[0] - b[0])) {
      let sum = 0;
      for (const state of cpus.values()) sum += state.idle !== undefined ? 1 - state.idle : state.busy;
      const pct = Math.min(100, Math.max(0, (sum / cpus.size) * 100));
      const event = baseEvent({ path, line: hostLines.get(host), format: ID, dataset: DATASET, category: ["host"], kind: "metric" });
      event["@timestamp"] = new Date(ms).toISOString();
      event["host.name"] = host;
      event["minerhunt.metric.name"] = "node_cpu_seconds_total";
      event["minerhunt.cpu.pct"] = Math.round(pct * 1e6) / 1e6;
      yield event;
    }
  }
}
