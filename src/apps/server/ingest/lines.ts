/**
 * NDJSON from a forwarder → Events, with the scan's own parsers: each line is sniffed by the sources
 * (a line's top-level keys name its shape, so shapes seen before are not sniffed again), lines of one
 * format are parsed together as one in-memory input, and each event's line number is the line of the
 * request it came from. A line that is not JSON, that no source claims, or that its source reports as
 * bad is refused with its number and why; the other lines go on.
 */
import { openBuffer } from "../../../sources/input.js";
import { MIN_SNIFF_SCORE, chooseSource, type Source } from "../../../sources/index.js";
import type { Event } from "../../../model/index.js";

export interface RefusedLine {
  line: number;
  reason: string;
}

export interface ReadResult {
  events: Event[];
  /** Lines that gave at least one record to a parser without an issue. */
  accepted: number;
  refused: RefusedLine[];
  /** Lines per format id ("falco", "aws.cloudtrail", ...). */
  formats: Record<string, number>;
}

/** Shapes remembered per process: bounded so a sender cannot grow it without end. */
const MAX_SHAPES = 2_000;
const MAX_REASON_CHARS = 300;

export class LineReader {
  private readonly shapes = new Map<string, Source | null>();

  constructor(private readonly sources: readonly Source[]) {}

  /** Which source reads this line: by its shape when seen before, else by sniffing. */
  private sourceOf(text: string, value: Record<string, unknown>): Source | undefined {
    const shape = Object.keys(value).sort().join("\0");
    const known = this.shapes.get(shape);
    if (known !== undefined) return known ?? undefined;
    const bytes = Buffer.from(text, "utf8");
    const choice = chooseSource({ path: "ingest", bytes, text, lines: [text] }, this.sources);
    const source = choice.source && choice.score >= MIN_SNIFF_SCORE ? choice.source : undefined;
    if (this.shapes.size >= MAX_SHAPES) this.shapes.clear();
    this.shapes.set(shape, source ?? null);
    return source;
  }

  /** Read one request's lines; `path` is what evidence will name as the file ("ingest/<user>/<time>"). */
  async read(body: string, path: string): Promise<ReadResult> {
    const refused: RefusedLine[] = [];
    const groups = new Map<Source, { texts: string[]; lineNos: number[] }>();
    let lineNo = 0;
    for (const raw of body.split("\n")) {
      lineNo++;
      const text = raw.endsWith("\r") ? raw.slice(0, -1) : raw;
      if (text.trim() === "") continue;
      let value: unknown;
      try {
        value = JSON.parse(text);
      } catch (err) {
        refused.push({ line: lineNo, reason: `not JSON: ${(err as Error).message.slice(0, MAX_REASON_CHARS)}` });
        continue;
      }
      if (typeof value !== "object" || value === null || Array.isArray(value)) {
        refused.push({ line: lineNo, reason: "expected a JSON object per line" });
        continue;
      }
      const source = this.sourceOf(text, value as Record<string, unknown>);
      if (!source) {
        refused.push({ line: lineNo, reason: "no known format (expected ECS, Zeek JSON, Suricata EVE, Falco, CloudTrail, GuardDuty, Kubernetes audit... JSON)" });
        continue;
      }
      let g = groups.get(source);
      if (!g) groups.set(source, (g = { texts: [], lineNos: [] }));
      g.texts.push(text);
      g.lineNos.push(lineNo);
    }

    const events: Event[] = [];
    const formats: Record<string, number> = {};
    let accepted = 0;
    for (const [source, g] of groups) {
      const bad = new Set<number>();
      const original = (n: number | undefined): number | undefined => (n === undefined ? undefined : g.lineNos[n - 1]);
      const issue = (line: number | undefined, message: string): void => {
        const at = original(line);
        if (at !== undefined) bad.add(at);
        refused.push({ line: at ?? 0, reason: `${source.id}: ${message.slice(0, MAX_REASON_CHARS)}` });
      };
      const { input } = await openBuffer(path, g.texts.join("\n"), issue);
      for await (const event of source.parse(input, { issue, skipped: () => {} })) {
        const at = original(typeof event["minerhunt.line"] === "number" ? event["minerhunt.line"] : undefined);
        if (at !== undefined) event["minerhunt.line"] = at;
        events.push(event);
      }
      const ok = g.lineNos.length - bad.size;
      accepted += ok;
      formats[source.id] = (formats[source.id] ?? 0) + ok;
    }
    refused.sort((a, b) => a.line - b.line);
    return { events, accepted, refused, formats };
  }
}
