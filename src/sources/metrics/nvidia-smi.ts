/**
 * `nvidia-smi --query-gpu=timestamp,name,index,utilization.gpu,memory.used,power.draw --format=csv`
 * (and `csv,nounits`): a header of query names, with units in brackets unless `nounits`
 * ("utilization.gpu [%]", "memory.used [MiB]", "power.draw [W]"), values with units ("97 %", "38012 MiB",
 * "312.45 W"). One metric event per GPU per sample. "[N/A]" and "[Not Supported]" are missing readings,
 * not errors. nvidia-smi prints local time without a zone; it is read as UTC (see time.ts).
 */
import type { Event } from "../../model/index.js";
import type { Input, ParseContext, Sample, Source } from "../types.js";
import { cellAt, normalizeHeader, numberCell, readCsvRows, sampleHeader, type CsvRow } from "./csv.js";
import { baseEvent } from "./event-base.js";
import { quoteForIssue } from "./numbers.js";
import { toIsoUtc } from "./time.js";
import { stripUnit } from "./utilization-columns.js";

const ID = "nvidia_smi";

/** Query names this source maps (what `--help-query-gpu` calls them). */
const NUMERIC_FIELDS: Record<string, string> = {
  "utilization.gpu": "minerhunt.gpu.utilization",
  "memory.used": "minerhunt.gpu.memory_used_mib",
  "power.draw": "minerhunt.gpu.power_w",
  "power.draw.average": "minerhunt.gpu.power_w",
  "power.draw.instant": "minerhunt.gpu.power_w",
};
/** Names that only nvidia-smi's query output uses; two of them make a header nvidia-smi's. */
const NVIDIA_QUERY_NAMES = new Set([
  "utilization.gpu", "utilization.memory", "memory.used", "memory.total", "memory.free", "power.draw", "power.limit",
  "power.draw.average", "power.draw.instant", "temperature.gpu", "pci.bus_id", "clocks.sm", "clocks.mem", "fan.speed",
  "driver_version", "pstate", "uuid", "serial", "count",
]);

function columnKey(header: string): string {
  return stripUnit(normalizeHeader(header));
}

interface Layout {
  /** Column names as written (for issues) and their query keys without units. */
  names: string[];
  keys: string[];
  time: number;
  host: number;
}

function layoutOf(header: readonly string[]): Layout {
  const keys = header.map(columnKey);
  return { names: [...header], keys, time: keys.indexOf("timestamp"), host: keys.findIndex((k) => k === "host" || k === "hostname") };
}

export const nvidiaSmiSource: Source = {
  id: ID,
  title: "nvidia-smi --query-gpu CSV output (with or without units)",
  emits: [{ dataset: "nvidia_smi", categories: ["host"], sigma: ["host_metrics"] }],

  sniff(sample: Sample): number {
    const header = sampleHeader(sample);
    if (!header) return 0;
    const keys = header.map(columnKey);
    const specific = keys.filter((k) => NVIDIA_QUERY_NAMES.has(k)).length;
    if (specific >= 2 || (specific === 1 && (keys.includes("index") || keys.includes("name")))) return 0.95;
    return 0;
  },

  async *parse(input: Input, ctx: ParseContext): AsyncIterable<Event> {
    let layout: Layout | undefined;
    for await (const row of readCsvRows(input, ctx)) {
      if (!layout) {
        layout = layoutOf(row.cells);
        if (!layout.keys.some((k) => k in NUMERIC_FIELDS)) {
          ctx.issue(row.line, "header names no GPU reading (utilization.gpu, memory.used, power.draw); run nvidia-smi with --query-gpu=... --format=csv so the header is printed");
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
  const event = baseEvent({ path, line: row.line, format: ID, dataset: "nvidia_smi", category: ["host"], kind: "metric" });
  if (layout.time !== -1) {
    const raw = cellAt(row, layout.time);
    const timestamp = toIsoUtc(raw);
    if (timestamp === undefined) {
      ctx.issue(row.line, `line ${row.line}: timestamp ${quoteForIssue(raw ?? "")} is not a time; expected nvidia-smi's "YYYY/MM/DD hh:mm:ss.mmm"`);
      return undefined;
    }
    event["@timestamp"] = timestamp;
  }
  const host = cellAt(row, layout.host);
  if (host !== undefined) event["host.name"] = host;

  let readings = 0;
  layout.keys.forEach((key, index) => {
    const header = layout.names[index] ?? key;
    if (key === "name") {
      const name = cellAt(row, index);
      if (name !== undefined) event["minerhunt.gpu.name"] = name;
    } else if (key === "index") {
      const gpuIndex = numberCell(row, index, header, ctx);
      if (gpuIndex !== undefined) event["minerhunt.gpu.index"] = gpuIndex;
    } else if (key === "uuid") {
      const uuid = cellAt(row, index);
      if (uuid !== undefined) event["minerhunt.gpu.uuid"] = uuid;
    } else {
      const field = NUMERIC_FIELDS[key];
      if (field === undefined || event[field] !== undefined) return;
      const value = numberCell(row, index, header, ctx);
      if (value === undefined) return;
      if (key === "utilization.gpu" && (value < 0 || value > 100)) {
        ctx.issue(row.line, `line ${row.line}, column ${quoteForIssue(header)}: expected a percentage between 0 and 100, got ${value}`);
        return;
      }
      event[field] = value;
      readings++;
    }
  });
  return readings > 0 ? event : undefined;
}
