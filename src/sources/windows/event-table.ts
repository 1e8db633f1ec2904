/**
 * Loads data/sources/windows-events.yaml (which Windows events become which ECS events) once, checked with zod so a
 * typo fails at start with the file and path named.
 */
import { readFileSync } from "node:fs";
import { parse } from "yaml";
import { z } from "zod";
import { TRANSFORMS } from "./transforms.js";
import { dataPath } from "../../startup/paths.js";

const EventSpec = z.object({
  dataset: z.string().optional(),
  category: z.array(z.string()).optional(),
  type: z.array(z.string()).optional(),
  action: z.string(),
  fields: z.record(z.string(), z.string()).default({}),
}).strict();

const ChannelSpec = z.object({
  name: z.string(),
  providers: z.array(z.string()).min(1),
  channel: z.string(),
  dataset: z.string(),
  events: z.record(z.string(), EventSpec),
}).strict();

const TableSchema = z.object({
  channels: z.array(ChannelSpec),
}).passthrough();

export type EventSpec = z.infer<typeof EventSpec>;

/** One mapped field: the ECS target and how the text is turned into its value. */
export interface FieldSpec {
  target: string;
  transform?: string;
}

export interface EventRule {
  dataset: string;
  category: readonly string[];
  type: readonly string[];
  action: string;
  fields: ReadonlyMap<string, FieldSpec>;
}

export interface ChannelRule {
  name: string;
  dataset: string;
  events: ReadonlyMap<number, EventRule>;
}

export interface EventTable {
  /** Channel rules by lower-case provider name and by lower-case channel name. */
  byProvider: ReadonlyMap<string, ChannelRule>;
  byChannel: ReadonlyMap<string, ChannelRule>;
  /** Every dataset the table can emit, with its categories (for `emits`). */
  datasets: ReadonlyMap<string, readonly string[]>;
}

function tablePath(): string {
  return dataPath("sources", "windows-events.yaml");
}

function fieldSpec(text: string, file: string): FieldSpec {
  const bar = text.indexOf("|");
  if (bar === -1) return { target: text };
  const transform = text.slice(bar + 1);
  if (!(transform in TRANSFORMS)) throw new Error(`${file}: unknown transform "${transform}" in "${text}"`);
  return { target: text.slice(0, bar), transform };
}

export function buildTable(raw: unknown, file: string): EventTable {
  const parsed = TableSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`${file}: ${issue ? `${issue.path.join(".")}: ${issue.message}` : "invalid table"}`);
  }
  const byProvider = new Map<string, ChannelRule>();
  const byChannel = new Map<string, ChannelRule>();
  const datasets = new Map<string, readonly string[]>();
  for (const c of parsed.data.channels) {
    const events = new Map<number, EventRule>();
    datasets.set(c.dataset, []);
    for (const [id, e] of Object.entries(c.events)) {
      const rule: EventRule = {
        dataset: e.dataset ?? c.dataset,
        category: e.category ?? [],
        type: e.type ?? [],
        action: e.action,
        fields: new Map(Object.entries(e.fields).map(([k, v]) => [k, fieldSpec(v, file)])),
      };
      events.set(Number(id), rule);
      if (!datasets.has(rule.dataset) || rule.category.length > 0) datasets.set(rule.dataset, rule.category);
    }
    const channel: ChannelRule = { name: c.name, dataset: c.dataset, events };
    for (const p of c.providers) byProvider.set(p.toLowerCase(), channel);
    byChannel.set(c.channel.toLowerCase(), channel);
  }
  return { byProvider, byChannel, datasets };
}

let cached: EventTable | undefined;

/** The table shipped with minerhunt (read once per process). */
export function eventTable(): EventTable {
  if (!cached) {
    const file = tablePath();
    cached = buildTable(parse(readFileSync(file, "utf8"), { merge: true, maxAliasCount: 100 }), file);
  }
  return cached;
}
