/**
 * Host utilisation CSV: a header with a time column, optionally a host column, and a CPU and/or GPU
 * utilisation column (see utilization-columns.ts for the names and the percent/fraction rule).
 * One metric event per row.
 */
import type { Event } from "../../model/index.js";
import type { Input, ParseContext, Sample, Source } from "../types.js";
import { cellAt, findColumn, normalizeHeader, numberCell, readCsvRows, sampleHeader, type CsvRow } from "./csv.js";
import { baseEvent } from "./event-base.js";
import { isEc2InstanceId, stripPort } from "./hosts.js";
import { quoteForIssue } from "./numbers.js";
import { toIsoUtc } from "./time.js";
import { toPercent, utilizationColumn, type UtilizationColumn } from "./utilization-columns.js";

const ID = "metrics.csv";
const TIME_COLUMNS = ["timestamp", "time", "@timestamp", "datetime", "date", "ts"];
const HOST_COLUMNS = ["host", "hostname", "host.name", "instance", "node", "nodename"];
const INSTANCE_ID_COLUMNS = ["instance_id", "instanceid", "cloud.instance.id"];
/** Header names that mark nvidia-smi output, which its own source reads with units and GPU details. */
const NVIDIA_SMI_MARKERS = ["index", "name", "uuid", "pci.bus_id", "memory.used", "power.draw"];

interface Layout {
  time: number;
  host: number;
  instanceId: number;
  metrics: { index: number; name: string; column: UtilizationColumn }[];
}

function layoutOf(header: readonly string[]): Layout {
  const metrics: Layout["metrics"] = [];
  header.forEach((name, index) => {
    const column = utilizationColumn(name);
    if (column && !metrics.some((m) => m.column.metric === column.metric)) metrics.push({ index, name, column });
  });
  return {
    time: findColumn(header, TIME_COLUMNS),
    host: findColumn(header, HOST_COLUMNS),
    instanceId: findColumn(header, INSTANCE_ID_COLUMNS),
    metrics,
  };
}

function looksLikeNvidiaSmi(header: readonly string[]): boolean {
  const names = header.map((h) => normalizeHeader(h).replace(/\s*\[.*$/, ""));
  return names.includes("utilization.gpu") && NVIDIA_SMI_MARKERS.some((m) => names.includes(m));
}

export const metricsCsvSource: Source = {
  id: ID,
  title: "Host CPU/GPU utilisation CSV (timestamp, host, cpu and/or gpu columns)",
  emits: [{ dataset: "metrics.csv", categories: ["host"], sigma: ["host_metrics"] }],

  sniff(sample: Sample): number {
    const header = sampleHeader(sample);
    if (!header) return 0;
    const layout = layoutOf(header);
    if (layout.time === -1 || layout.metrics.length === 0) return 0;
    if (looksLikeNvidiaSmi(header)) return 0.3; // nvidia_smi reads it better
    return layout.host !== -1 ? 0.8 : 0.7;
  },

  async *parse(input: Input, ctx: ParseContext): AsyncIterable<Event> {
    let layout: Layout | undefined;
    for await (const row of readCsvRows(input, ctx)) {
      if (!layout) {
        layout = layoutOf(row.cells);
        if (layout.time === -1 || layout.metrics.length === 0) {
          ctx.issue(row.line, "header has no time column (timestamp, time, @timestamp, datetime) or no CPU/GPU utilisation column (cpu, cpu_pct, %cpu, CPUUtilization, gpu, utilization.gpu [%] ...); nothing read");
          return;
        }
        continue;
      }
      const event = rowToEvent(input.path, layout, row, ctx);
      if (event) yield event;
    }
  },
};

function rowToEvent(path: string, layout: Layout, row: CsvRow, ctx: ParseContext): Event | undefined {
  const rawTime = cellAt(row, layout.time);
  const timestamp = toIsoUtc(rawTime);
  if (timestamp === undefined) {
    ctx.issue(row.line, `line ${row.line}: time ${quoteForIssue(rawTime ?? "")} is not a timestamp; expected ISO 8601, "YYYY-MM-DD hh:mm:ss" (UTC) or Unix epoch seconds/milliseconds`);
    return undefined;
  }
  const event = baseEvent({ path, line: row.line, format: ID, dataset: "metrics.csv", category: ["host"], kind: "metric" });
  event["@timestamp"] = timestamp;
  const host = cellAt(row, layout.host);
  if (host !== undefined) event["host.name"] = stripPort(host);
  const instanceId = cellAt(row, layout.instanceId) ?? (host !== undefined && isEc2InstanceId(host) ? host : undefined);
  if (instanceId !== undefined) event["cloud.instance.id"] = instanceId;

  let readings = 0;
  for (const m of layout.metrics) {
    const value = numberCell(row, m.index, m.name, ctx);
    if (value === undefined) continue;
    const pct = toPercent(value, m.column.scale);
    if (pct === undefined) {
      const expected = m.column.scale === "fraction" ? "a fraction between 0 and 1 (the column name says norm/ratio)" : "a percentage between 0 and 100";
      ctx.issue(row.line, `line ${row.line}, column ${quoteForIssue(m.name)}: expected ${expected}, got ${value}`);
      continue;
    }
    event[m.column.metric === "cpu" ? "minerhunt.cpu.pct" : "minerhunt.gpu.utilization"] = pct;
    readings++;
  }
  return readings > 0 ? event : undefined;
}
