/**
 * What the loaded Sigma rules need from the sources' prefilter, per dataset, so that skipping records
 * intel finds uninteresting never hides a Sigma match.
 *
 * Each source declares, per dataset it emits, the prefilter checks it applies before building an event
 * (src/sources/types.ts, DatasetDeclaration): `domain` (DNS, SNI, URL host names), `ip` and `port`
 * (destination), `text` (the whole raw record, or the fields the declaration names). A record is kept
 * when any of its checks says "could matter". A rule's witness is a set of literals one of which every
 * event it matches holds (witness.ts). For each dataset, every rule routed to it is placed:
 *   - a literal in a field a check judges joins that check's list (the check then keeps records holding it);
 *   - with a raw-record `text` check, any other literal joins the text list (the raw record holds it);
 *   - a literal in a field these events never carry (logsources.yaml `carries`, the declaration's `lacks`)
 *     cannot be there: ignored;
 *   - anything else, or a rule with no witness at all (cidr, a regex without a literal, lt/gt, exists,
 *     null, fieldref, a condition that is only `not ...`), turns every check of that dataset off (null).
 * Only the datasets a rule routes to are touched. Correctness first: a null costs speed, never a match.
 */
import type { Event } from "../../model/index.js";
import type { DatasetDeclaration, PrefilterCheck } from "../../sources/types.js";
import type { PrefilterNeeds } from "../prefilter.js";
import { routeAccepts, routeCarries } from "./routing.js";
import type { CompiledRule, Route, WitnessLiteral } from "./types.js";

/** Per dataset, what the rules routed to it need kept. A dataset without an entry needs nothing from Sigma. */
export type DatasetNeeds = ReadonlyMap<string, PrefilterNeeds>;

/** The fields each check judges unless a declaration says otherwise. `text` absent: the whole raw record. */
export const PREFILTER_FIELDS: Readonly<Partial<Record<PrefilterCheck, readonly string[]>>> = {
  domain: ["dns.question.name", "tls.client.server_name", "url.domain", "destination.domain"],
  ip: ["destination.ip"],
  port: ["destination.port"],
};

type Check = "domain" | "ip" | "port" | "text";
const NEEDS_KEY: Record<Check, keyof PrefilterNeeds> = { domain: "names", ip: "ips", port: "ports", text: "text" };

/** Product qualifiers read host.os.type: a dataset is looked at as each kind of host could write it. */
const OS_TYPES = [undefined, "linux", "windows", "macos"] as const;

function shapesOf(d: DatasetDeclaration): Event[] {
  return OS_TYPES.map((os) => ({
    "event.dataset": d.dataset,
    "event.category": [...d.categories],
    ...(os ? { "host.os.type": os } : {}),
  }));
}

/**
 * The longest piece of a literal that a JSON writer cannot have escaped (quote, backslash, slash,
 * control characters, non-ASCII may all be written as escapes), or "" when there is none.
 */
export function rawTextPiece(literal: string): string {
  let best = "";
  let start = 0;
  for (let i = 0; i <= literal.length; i++) {
    const c = i < literal.length ? literal.charCodeAt(i) : -1;
    if (c === -1 || c < 0x20 || c === 0x22 || c === 0x5c || c === 0x2f || c > 0x7e) {
      if (i - start > best.length) best = literal.slice(start, i);
      start = i + 1;
    }
  }
  return best;
}

interface Placement { check: Check; text: string }

/** Where one literal goes for one dataset: a check's list, nowhere ("ignore"), or "off". */
function place(lit: WitnessLiteral, route: Route, d: DatasetDeclaration, checks: readonly Check[]): Placement | "ignore" | "off" {
  if (lit.text === "") return "off";
  for (const check of checks) {
    const fields = d.prefilterFields?.[check] ?? PREFILTER_FIELDS[check];
    if (!fields || !lit.ref.keys.some((k) => fields.includes(k))) continue;
    if (check === "port" && !/^\d{1,5}$/.test(lit.text)) return "off";
    if (check === "text") {
      const piece = rawTextPiece(lit.text);
      return piece === "" ? "off" : { check, text: piece };
    }
    return { check, text: lit.text };
  }
  if (checks.includes("text") && !d.prefilterFields?.text) {
    // The raw record holds every field's value as written.
    const piece = rawTextPiece(lit.text);
    return piece === "" ? "off" : { check: "text", text: piece };
  }
  return lit.ref.keys.some((k) => routeCarries(route, k) && !d.lacks?.includes(k)) ? "off" : "ignore";
}

/** What one dataset's checks must keep for these rules. */
function datasetNeeds(rules: readonly CompiledRule[], d: DatasetDeclaration, checks: readonly Check[]): PrefilterNeeds {
  const lists = new Map<Check, Set<string> | null>(checks.map((c) => [c, new Set<string>()]));
  const shapes = shapesOf(d);
  rules: for (const r of rules) {
    if (r.kind !== "detection" || !r.route || !shapes.some((s) => routeAccepts(r.route!, s))) continue;
    if (r.witness === null) { for (const c of checks) lists.set(c, null); break; }
    const placed: Placement[] = [];
    for (const lit of r.witness) {
      const where = place(lit, r.route, d, checks);
      if (where === "off") { for (const c of checks) lists.set(c, null); break rules; }
      if (where !== "ignore") placed.push(where);
    }
    for (const p of placed) lists.get(p.check)?.add(p.text.toLowerCase());
  }
  const needs: PrefilterNeeds = {};
  for (const [check, list] of lists) {
    const key = NEEDS_KEY[check];
    if (key === "ports") needs.ports = list === null ? null : [...list].map(Number);
    else needs[key] = list === null ? null : [...list];
  }
  return needs;
}

/**
 * Per declared dataset with prefilter checks: what the loaded rules need its checks to keep. Each dataset's
 * needs are worked out when first asked for (SourcePrefilters asks for the datasets of the sources whose
 * files are read): placing every rule's literals for every declared dataset cost a few hundredths of a
 * CPU-second at every scan's start, for datasets a scan mostly never sees. Asking for all of them (size,
 * iteration) works them all out; the answers are the same either way.
 */
export function sigmaPrefilterHints(rules: readonly CompiledRule[], declarations: readonly DatasetDeclaration[]): DatasetNeeds {
  const pending = new Map<string, () => PrefilterNeeds>();
  for (const d of declarations) {
    const checks = (d.prefilter ?? []).filter((c): c is Check => c !== "answer");
    if (checks.length > 0) pending.set(d.dataset, () => datasetNeeds(rules, d, checks));
  }
  return new NeedsOnDemand(pending);
}

/** A map of needs whose values are computed on first read (see sigmaPrefilterHints); otherwise a plain Map. */
class NeedsOnDemand extends Map<string, PrefilterNeeds> {
  constructor(private readonly pending: Map<string, () => PrefilterNeeds>) {
    super();
    // Keys in declaration order, as the eager map had them: an entry is set when it is computed.
    for (const key of pending.keys()) super.set(key, PENDING);
  }

  private resolve(key: string): void {
    const compute = this.pending.get(key);
    if (!compute) return;
    this.pending.delete(key);
    super.set(key, compute());
  }

  private resolveAll(): void {
    for (const key of [...this.pending.keys()]) this.resolve(key);
  }

  override get(key: string): PrefilterNeeds | undefined {
    this.resolve(key);
    return super.get(key);
  }

  override set(key: string, value: PrefilterNeeds): this {
    this.pending.delete(key);
    return super.set(key, value);
  }

  override delete(key: string): boolean {
    this.pending.delete(key);
    return super.delete(key);
  }

  override clear(): void {
    this.pending.clear();
    super.clear();
  }

  override forEach(fn: (value: PrefilterNeeds, key: string, map: Map<string, PrefilterNeeds>) => void, thisArg?: unknown): void {
    this.resolveAll();
    super.forEach(fn, thisArg);
  }

  override entries(): MapIterator<[string, PrefilterNeeds]> {
    this.resolveAll();
    return super.entries();
  }

  override values(): MapIterator<PrefilterNeeds> {
    this.resolveAll();
    return super.values();
  }

  override [Symbol.iterator](): MapIterator<[string, PrefilterNeeds]> {
    return this.entries();
  }
}

/** The placeholder of a dataset whose needs are not worked out yet (never handed out: get resolves first). */
const PENDING: PrefilterNeeds = Object.freeze({});
