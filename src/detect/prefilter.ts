import type { Prefilter } from "../sources/types.js";
import type { Intel } from "../intel/types.js";
import { isPrivateIp } from "../intel/ips.js";
import { AhoCorasick } from "./sigma/aho-corasick.js";

/**
 * The source-side prefilter built from intel: which DNS names, IPs, ports and raw records could
 * possibly produce a finding. Sources use it to skip building events for the rest (a Zeek DNS line
 * whose query is "www.example.com" is never JSON-parsed).
 *
 * It must never say "no" to something a detector would flag, so it errs towards "yes": a miner port
 * or a PB-31 label hint keeps a record, and IPs that a pool name resolved to earlier in the run are
 * learned (the scan reads DNS logs before flow logs so that this works across files).
 */
export interface LearningPrefilter extends Prefilter {
  /** Remember an address a pool domain resolved to: flows to it matter from now on. */
  learnIp(address: string): void;
}

const MAX_LEARNED_IPS = 100_000;

/**
 * What other detectors (the Sigma rules) need kept, in the same terms: substrings of names, IPs and raw
 * text, and ports. `null` means "keep every such record": a rule needs something no cheap test can see.
 */
export interface PrefilterNeeds {
  names?: readonly string[] | null;
  ips?: readonly string[] | null;
  ports?: readonly number[] | null;
  text?: readonly string[] | null;
}

export function buildPrefilter(intel: Intel, needs: PrefilterNeeds = {}): LearningPrefilter {
  const learned = new Set<string>();
  const names = needs.names === null ? null : containsAny(needs.names ?? []);
  const ips = needs.ips === undefined ? [] : needs.ips;
  const ports = needs.ports === undefined ? new Set<number>() : needs.ports === null ? null : new Set(needs.ports);
  const hints = intel.poolLabelHints.map((h) => `${h}.`);
  // One automaton pass per record, whatever the number of keywords (a loop of includes() was the hot spot).
  const keywords = needs.text === null ? null : containsAny(buildKeywords(intel, needs.text ?? []));
  return {
    domain(name: string): boolean {
      if (names === null || intel.matchDomain(name)) return true;
      const lower = name.toLowerCase();
      if (names(lower)) return true;
      for (const h of hints) if (lower.startsWith(h)) return !intel.isAllowlisted(lower);
      return false;
    },
    ip(address: string): boolean {
      if (ips === null || learned.has(address)) return true;
      for (const i of ips) if (address.includes(i)) return true;
      return !isPrivateIp(address) && intel.matchIp(address) !== undefined;
    },
    learnIp(address: string): void {
      // Copy the text: a source's fast path may hand over a slice of a whole 1 MiB chunk, which a Set would keep alive.
      if (learned.size < MAX_LEARNED_IPS && address.length <= 64) learned.add(Buffer.from(address, "utf8").toString("utf8"));
    },
    port(port: number): boolean {
      return ports === null || intel.minerPorts.has(port) || ports.has(port);
    },
    text(raw: string): boolean {
      if (keywords === null) return true;
      return keywords(raw.toLowerCase());
    },
  };
}

/** A test "does this lower-case text contain any of these lower-case literals?" in one pass. */
function containsAny(literals: readonly string[]): (lower: string) => boolean {
  const list = [...new Set(literals.map((l) => l.toLowerCase()).filter((l) => l !== ""))];
  if (list.length === 0) return () => false;
  const automaton = new AhoCorasick(list);
  const hits: number[] = [];
  return (lower) => {
    hits.length = 0;
    automaton.scan(lower, hits);
    return hits.length > 0;
  };
}

/** Lower-case fragments any miner-related process record contains at least one of. */
function buildKeywords(intel: Intel, extra: readonly string[]): string[] {
  const set = new Set<string>();
  for (const m of intel.miners) for (const n of m.processNames) set.add(n);
  for (const a of intel.minerArgs) set.add(a.trim());
  for (const s of intel.stratum.schemes) set.add(s.split("+")[0]!); // "stratum", "stratum1", "daemon"
  for (const n of intel.masqueradeNames) set.add(n);
  for (const n of intel.campaignProcessNames) set.add(n.toLowerCase());
  for (const p of intel.dropPaths) set.add(p.toLowerCase());
  // A renamed miner with no telltale flag still names its pool: "-o pool.supportxmr.com:3333".
  for (const d of intel.curatedPoolDomains) set.add(d);
  for (const port of intel.minerPorts) set.add(`:${port}`);
  for (const e of extra) set.add(e.toLowerCase());
  set.delete("");
  return [...set];
}
