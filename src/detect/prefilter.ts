import type { Prefilter, Source } from "../sources/types.js";
import type { Intel } from "../intel/types.js";
import { isPrivateIp } from "../intel/ips.js";
import { AhoCorasick } from "./sigma/aho-corasick.js";
import { PoolAnswers } from "./pool-answers.js";

const flatCopy = (text: string): string => Buffer.from(text, "utf8").toString("utf8");

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
  learnAnswer(name: string, address: string): void;
}

/** Learned addresses in all, and per name (pool-answers.ts: one name's endless answers cannot push the rest out). */
const MAX_LEARNED_IPS = 100_000;
const MAX_LEARNED_PER_NAME = 256;
/** Slots of remembered name verdicts (a name takes the slot of its hash; tens of kB). */
const DECIDED_SLOTS = 1_024;
const MAX_NAME_LENGTH = 255;
const DOWNLOAD_AND_RUN_KEYWORDS = ["| sh", "|sh", "| bash", "|bash", "base64 -d", "$(curl", "$(wget", "`curl", "`wget"];

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

/** Per dataset, what other detectors need kept (src/detect/sigma/prefilter-hints.ts computes it for Sigma). */
export type DatasetNeeds = ReadonlyMap<string, PrefilterNeeds>;

/** Needs that keep whatever any of these keep (null, "keep every such record", wins). */
export function unionNeeds(list: readonly PrefilterNeeds[]): PrefilterNeeds {
  const out: PrefilterNeeds = {};
  for (const key of ["names", "ips", "text"] as const) {
    const parts = list.map((n) => n[key]).filter((v) => v !== undefined);
    if (parts.length > 0) out[key] = parts.includes(null) ? null : [...new Set(parts.flatMap((p) => p ?? []))];
  }
  const ports = list.map((n) => n.ports).filter((v) => v !== undefined);
  if (ports.length > 0) out.ports = ports.includes(null) ? null : [...new Set(ports.flatMap((p) => p ?? []))];
  return out;
}

/**
 * The prefilters of one run, one per source: a source's prefilter keeps what the rules routed to any of
 * the datasets it declares need. A source that declares no prefilter checks gets none (it builds every
 * event): only a declared check can be told what the rules need. Learned pool addresses are shared.
 */
export class SourcePrefilters {
  private readonly learned = new PoolAnswers<string>(MAX_LEARNED_IPS, MAX_LEARNED_PER_NAME);
  private readonly bySource = new Map<string, LearningPrefilter | undefined>();
  /** Intel alone: which names' answers are worth learning. */
  private readonly intelOnly: LearningPrefilter;

  constructor(private readonly intel: Intel, private readonly needs: DatasetNeeds = new Map()) {
    this.intelOnly = buildPrefilter(intel, {}, this.learned);
  }

  forSource(source: Source): LearningPrefilter | undefined {
    if (this.bySource.has(source.id)) return this.bySource.get(source.id);
    const declared = source.emits.filter((d) => (d.prefilter ?? []).length > 0);
    const pf = declared.length === 0 ? undefined
      : buildPrefilter(this.intel, unionNeeds(declared.map((d) => this.needs.get(d.dataset) ?? {})), this.learned);
    this.bySource.set(source.id, pf);
    return pf;
  }

  /** The last answer learned, whole: a miner asks its pool again and again and gets the same addresses. */
  private lastName = "";
  private lastAddresses: readonly string[] = [];

  /** Remember the addresses a pool-like name resolved to: flows to them matter from now on, in any source. */
  learnAnswers(name: string, addresses: readonly string[]): void {
    // The same answer as the last one changes nothing: its addresses are already the most recently learned, in
    // this order. (Holds one record's strings until the next answer.)
    if (name === this.lastName && sameList(addresses, this.lastAddresses)) return;
    this.lastName = name;
    this.lastAddresses = addresses;
    if (!this.intelOnly.domain(name)) return;
    for (const a of addresses) this.intelOnly.learnAnswer(name, a);
  }
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

export function buildPrefilter(intel: Intel, needs: PrefilterNeeds = {},
  learned = new PoolAnswers<string>(MAX_LEARNED_IPS, MAX_LEARNED_PER_NAME)): LearningPrefilter {
  const nameLiterals = needs.names === null ? null : automatonOf(needs.names ?? []);
  const names = nameLiterals === null ? null : containsAny(nameLiterals);
  const namedAllowlisted = containsAny(automatonOf((needs.names ?? []).filter((n) => intel.isAllowlisted(n.replace(/^\.+|\.+$/g, "")))));
  const ips = needs.ips === undefined ? [] : needs.ips;
  const ports = needs.ports === undefined ? new Set<number>() : needs.ports === null ? null : new Set(needs.ports);
  // PB-31's first-label hints ("pool.", "xmr." ...), compared in place: this runs for every DNS record.
  const hints = intel.poolLabelHints.map((h) => h.toLowerCase());
  const longestHint = Math.max(0, ...hints.map((h) => h.length));
  // One automaton pass per record, whatever the number of keywords (a loop of includes() was the hot spot).
  // Built on first use: a few hundred keywords take tens of milliseconds, which a DNS or flow log (no
  // text check) never needs.
  let keywords: ((text: string) => boolean) | undefined;
  // Answers are judged only when there are listed IPs to find (imported lists such as Maltrail's).
  const answer = (intel.stats()["ips"] ?? 0) > 0
    ? (address: string): boolean => intel.matchIp(address) !== undefined && !isPrivateIp(address)
    : undefined;
  // Whether a DNS name could matter: intel's lists, the rules' name literals, PB-31's label hints.
  const judgeDomain = (name: string): boolean => {
    if (intel.matchDomain(name)) return true;
    // Allowlisted look-alikes (pool.ntp.org) are dropped here, before parsing: the allowlist clears
    // them after detection anyway, for built-ins and Sigma alike. A rule that names an allowlisted
    // domain itself ("ntp.org") still gets the names it names.
    if (names !== null && names(name)) return !intel.isAllowlisted(name) || namedAllowlisted(name);
    return startsWithHint(name) && !intel.isAllowlisted(name);
  };
  const startsWithHint = (name: string): boolean => {
    const dot = name.indexOf(".");
    if (dot <= 0 || dot > longestHint) return false;
    for (const h of hints) if (h.length === dot && startsWithIgnoringCase(name, h)) return true;
    return false;
  };
  const startsWithHintBytes = (buf: Uint8Array, start: number, end: number): boolean => {
    const limit = Math.min(end, start + longestHint + 1);
    let dot = start;
    while (dot < limit && buf[dot] !== 0x2e) dot++;
    if (dot === limit || dot === start) return false;
    for (const h of hints) if (h.length === dot - start && bytesStartWithIgnoringCase(buf, start, h)) return true;
    return false;
  };
  // Names under a PB-31 hint ("pool.ntp.org") come back all day and cost allowlist lookups: their
  // verdict is remembered (bounded). Other names are judged afresh: that is cheaper than a lookup.
  const decided = new RecentVerdicts();
  return {
    ...(answer ? { answer } : {}),
    domain(name: string): boolean {
      if (names === null) return true;
      if (!startsWithHint(name) || name.length > MAX_NAME_LENGTH) return judgeDomain(name);
      const known = decided.get(name);
      if (known !== undefined) return known;
      const verdict = judgeDomain(name);
      decided.set(name, verdict);
      return verdict;
    },
    domainBytes(buf: Uint8Array, start: number, end: number): boolean | undefined {
      if (names === null) return undefined;
      // The bytes hold the name nameMatters normalises (ASCII lower case, one final dot dropped).
      if (startsWithHintBytes(buf, start, end)) {
        // A name under a hint ("pool.ntp.org", a tenth of a network's lookups) is answered from the
        // verdicts domain() remembered, found by the normalised name's bytes.
        return decided.getBytes(buf, start, end > start && buf[end - 1] === 0x2e ? end - 1 : end);
      }
      // judgeDomain's other ways to say yes, each asked of the bytes; only a "no" from all is answered
      // here (most names: one pass each, nothing allocated). The lists' tail hashes and the literal
      // automaton ignore ASCII case, and a trailing dot can only add a literal match, so a "no" here
      // is a "no" from domain().
      if (intel.mayListDomain(buf, start, end)) return undefined;
      if (nameLiterals?.containsAnyBytes(buf, start, end) === true) return undefined;
      return false;
    },
    ip(address: string): boolean {
      if (ips === null || learned.has(address)) return true;
      for (const i of ips) if (address.includes(i)) return true;
      return intel.matchIp(address) !== undefined && !isPrivateIp(address);
    },
    learnAnswer(name: string, address: string): void {
      if (address.length > 64 || name.length > MAX_NAME_LENGTH) return;
      // Copy the texts (a map re-keys a touched entry with the text given): a source's fast path may hand over a
      // slice of a whole 1 MiB chunk, which would stay alive.
      learned.learn(flatCopy(name.toLowerCase()), flatCopy(address));
    },
    port(port: number): boolean {
      return ports === null || intel.minerPorts.has(port) || intel.cryptoNodePorts.has(port) || ports.has(port);
    },
    text(raw: string): boolean {
      if (needs.text === null) return true;
      keywords ??= containsAny(automatonOf(buildKeywords(intel, needs.text ?? [])));
      return keywords(raw);
    },
  };
}

/**
 * Verdicts of names, remembered by content in a fixed table (a name takes the slot of its hash, pushing
 * out the name there), so memory stays bounded. A fast path looks a name up by its bytes, without making
 * a string: the same hash over ASCII-lower-cased characters, and a byte-by-character comparison.
 */
class RecentVerdicts {
  private readonly names: (string | undefined)[] = new Array<string | undefined>(DECIDED_SLOTS).fill(undefined);
  private readonly verdicts = new Uint8Array(DECIDED_SLOTS);

  get(name: string): boolean | undefined {
    const slot = hashName(name) & (DECIDED_SLOTS - 1);
    return this.names[slot] === name ? this.verdicts[slot] === 1 : undefined;
  }

  /** The verdict for the name spelled by buf[start, end) in lower case, if remembered. */
  getBytes(buf: Uint8Array, start: number, end: number): boolean | undefined {
    const slot = hashNameBytes(buf, start, end) & (DECIDED_SLOTS - 1);
    const known = this.names[slot];
    if (known === undefined || known.length !== end - start) return undefined;
    for (let i = 0; i < known.length; i++) if (lowerAscii(buf[start + i]!) !== known.charCodeAt(i)) return undefined;
    return this.verdicts[slot] === 1;
  }

  set(name: string, verdict: boolean): void {
    const slot = hashName(name) & (DECIDED_SLOTS - 1);
    // A flat copy: the name may be a slice of a whole window of input, which the table would keep alive.
    this.names[slot] = Buffer.from(name, "utf8").toString("utf8");
    this.verdicts[slot] = verdict ? 1 : 0;
  }
}

function lowerAscii(c: number): number {
  return c >= 0x41 && c <= 0x5a ? c | 0x20 : c;
}

/** FNV-1a over the characters, ASCII lower-cased (hashNameBytes gives the same for the same ASCII name). */
function hashName(name: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < name.length; i++) h = Math.imul(h ^ lowerAscii(name.charCodeAt(i)), 0x01000193);
  return (h ^ (h >>> 15)) >>> 0;
}

function hashNameBytes(buf: Uint8Array, start: number, end: number): number {
  let h = 0x811c9dc5;
  for (let i = start; i < end; i++) h = Math.imul(h ^ lowerAscii(buf[i]!), 0x01000193);
  return (h ^ (h >>> 15)) >>> 0;
}

/** Whether `text` starts with the lower-case ASCII `prefix`, ignoring ASCII case, without allocating. */
function startsWithIgnoringCase(text: string, prefix: string): boolean {
  for (let i = 0; i < prefix.length; i++) {
    let c = text.charCodeAt(i);
    if (c >= 0x41 && c <= 0x5a) c |= 0x20;
    if (c !== prefix.charCodeAt(i)) return false;
  }
  return true;
}

/** Whether buf[start...] starts with the lower-case ASCII `prefix`, ignoring ASCII case. */
function bytesStartWithIgnoringCase(buf: Uint8Array, start: number, prefix: string): boolean {
  for (let i = 0; i < prefix.length; i++) {
    let c = buf[start + i]!;
    if (c >= 0x41 && c <= 0x5a) c |= 0x20;
    if (c !== prefix.charCodeAt(i)) return false;
  }
  return true;
}

/** One automaton for "does this text contain any of these literals, ignoring ASCII case?"; undefined for none. */
function automatonOf(literals: readonly string[]): AhoCorasick | undefined {
  const list = [...new Set(literals.map((l) => l.toLowerCase()).filter((l) => l !== ""))];
  return list.length === 0 ? undefined : new AhoCorasick(list, true);
}

/** The automaton's test as a function, in one pass over the text. */
function containsAny(automaton: AhoCorasick | undefined): (text: string) => boolean {
  if (!automaton) return () => false;
  return (text) => automaton.containsAny(text);
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
  // Download-and-run, the dropper's signature (persistence and entry-vector detectors read it).
  for (const k of DOWNLOAD_AND_RUN_KEYWORDS) set.add(k);
  for (const e of extra) set.add(e.toLowerCase());
  set.delete("");
  return [...set];
}
