import type { Sample, Source } from "./types.js";

/** A sniff score under this is not a claim: the file is reported as of no known format. */
export const MIN_SNIFF_SCORE = 0.3;

/**
 * The score of a line format from the sample's lines: `all` when every line has the format, `allButOne`
 * when all but one do (the last sampled line may be cut short by the end of the sample, or one line is
 * a stray header), 0 otherwise.
 */
export function lineShareScore(lines: readonly string[], isFormatLine: (line: string) => boolean, all: number, allButOne: number): number {
  if (lines.length === 0) return 0;
  const hits = lines.filter(isFormatLine).length;
  if (hits === lines.length) return all;
  return hits > 0 && hits >= lines.length - 1 ? allButOne : 0;
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
