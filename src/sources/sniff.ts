import type { Sample, Source } from "./types.js";

/** A sniff score under this is not a claim: the file is reported as of no known format. */
export const MIN_SNIFF_SCORE = 0.3;

/**
 * The score of a line format from the sample's lines: `all` when every line has the format, `allButOne`
 * when all but one do (the last sampled line may be cut short by the end of the sample, or one line is
 * a stray header), 0 otherwise.
 */
export function lineShareScore(lines: readonly string[], isFormatLine: (line: string, index: number) => boolean, all: number, allButOne: number): number {
  if (lines.length === 0) return 0;
  let misses = 0;
  for (const [i, line] of lines.entries()) {
    if (isFormatLine(line, i)) continue;
    // A second miss already means 0: the other lines need not be tested (every file is sniffed by every source).
    if (++misses === 2) return 0;
  }
  if (misses === 0) return all;
  return lines.length > 1 ? allButOne : 0;
}

/**
 * A sample line read as JSON by the sniffers of JSON-lines formats (Zeek, Suricata EVE, ECS, Winlogbeat):
 * the object; "not-an-object" when the line, after leading blanks (String.prototype.trimStart), does not
 * start with "{"; "unparsable" when it does but JSON.parse fails (the sample's last line may be cut short).
 */
export type JsonLine = Record<string, unknown> | "not-an-object" | "unparsable";

/**
 * Every file of a folder scan is sniffed by every source, and each JSON-lines sniffer used to JSON.parse the
 * sample's lines itself: on a folder of small Zeek logs that was most of the sniffing. A line is parsed once
 * per sample, when a sniffer first asks for it, and kept here for the others (a sniffer that needs only the
 * first lines does not pay for the rest). The objects are shared: sniffers read them and never change them.
 */
const jsonLines = new WeakMap<Sample, (JsonLine | undefined)[]>();

/** sample.lines[index] read as JSON after leading blanks, as `JSON.parse(line.trimStart())`; parsed once per sample. */
export function sampleJsonLine(sample: Sample, index: number): JsonLine {
  let parsed = jsonLines.get(sample);
  if (!parsed) {
    parsed = [];
    jsonLines.set(sample, parsed);
  }
  let line = parsed[index];
  if (line === undefined) {
    line = parseJsonLine(sample.lines[index] ?? "");
    parsed[index] = line;
  }
  return line;
}

/**
 * sample.lines[index] read as `JSON.parse(line)` does, without trimming: the same object as sampleJsonLine
 * when only JSON's own blanks (space, tab, CR, LF) come before the "{". trimStart() also
 * removes what JSON.parse rejects (a BOM, a no-break space), so such a line is "unparsable" here.
 */
export function sampleJsonLineAsIs(sample: Sample, index: number): JsonLine {
  const line = sample.lines[index] ?? "";
  let i = 0;
  while (line[i] === " " || line[i] === "\t" || line[i] === "\r" || line[i] === "\n") i++;
  if (line[i] === "{") return sampleJsonLine(sample, index);
  return line.trimStart().startsWith("{") ? "unparsable" : "not-an-object";
}

function parseJsonLine(line: string): JsonLine {
  const t = line.trimStart();
  if (!t.startsWith("{")) return "not-an-object";
  try {
    const value: unknown = JSON.parse(t);
    // Text that starts with "{" and parses is an object; the test keeps the type honest.
    return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : "unparsable";
  } catch {
    return "unparsable";
  }
}

/**
 * The lines of a text as text.split("\n", limit) gives them, one at a time: a sample is up to 64 KiB and its
 * readers need its first few lines, so the rest never becomes strings.
 */
export function* textLines(text: string, limit = Infinity): Generator<string> {
  for (let start = 0, n = 0; n < limit; n++) {
    const end = text.indexOf("\n", start);
    yield text.slice(start, end === -1 ? text.length : end);
    if (end === -1) return;
    start = end + 1;
  }
}

export interface SniffResult {
  source?: Source;
  score: number;
  /** Why nothing claimed it, for the person reading the summary. */
  reason?: string;
}

export function chooseSource(sample: Sample, sources: readonly Source[], override?: string): SniffResult {
  if (override) {
    const s = sources.find((x) => x.id === override);
    if (!s) return { score: 0, reason: `unknown --input-format "${override}"; known: ${sources.map((x) => x.id).join(", ")}` };
    return { source: s, score: 1 };
  }
  let best: Source | undefined;
  let bestScore = 0;
  for (const s of sources) {
    let score = 0;
    try {
      score = s.sniff(sample);
    } catch {
      score = 0; // a sniffer must not throw; if one does, it just does not claim the file
    }
    if (score > bestScore) { best = s; bestScore = score; }
  }
  if (best && bestScore >= MIN_SNIFF_SCORE) return { source: best, score: bestScore };
  return { score: bestScore, reason: describeUnknown(sample) };
}

function describeUnknown(sample: Sample): string {
  if (sample.bytes.length === 0) return "empty file";
  if (sample.bytes.includes(0)) return "binary file of no known format (expected pcap/pcapng or gzip of a text log)";
  const t = sample.text.trimStart();
  if (t.startsWith("{") || t.startsWith("[")) return "JSON of no known format (expected CloudTrail, GuardDuty, Defender, SCC, Falco, Kubernetes audit, Zeek, Suricata EVE, ECS, Laurel, osquery, Prometheus or Cost Explorer JSON); use --input-format to force one";
  return "text of no known format; use --input-format to force one (see `minerhunt formats`)";
}
