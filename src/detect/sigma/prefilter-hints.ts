/**
 * What the loaded Sigma rules need from the sources' prefilter, so that skipping records intel
 * finds uninteresting never hides a Sigma match.
 *
 * Each source family judges a record by a few fields (see src/sources/network/prefilter-rules.ts and
 * the Zeek/Suricata fast paths): DNS by the query name; TLS by SNI and destination; Zeek HTTP by host,
 * destination, user agent and URL; flows by destination IP and port; process records by their raw text.
 * A rule's witness is the set of literals one of which every event it matches holds. For each family,
 * the literals in judged fields are collected; literals in fields the family's records never carry are
 * ignored (such a record cannot hold them); a literal anywhere else, or a rule that needs no literal,
 * turns that kind of skipping off (null). Correctness first: a null costs speed, never a match.
 */
import type { Event } from "../../model/index.js";
import { routeAccepts } from "./routing.js";
import { sourceKeywords } from "./source-keywords.js";
import type { CompiledRule, WitnessLiteral } from "./types.js";

export interface SigmaPrefilterHints {
  /** Substrings of a DNS/SNI/HTTP host name that keep the record; null keeps every such record. */
  names: string[] | null;
  /** Substrings of a destination IP that keep a record; null keeps every flow. */
  ips: string[] | null;
  /** Destination ports that keep a record; null keeps every flow. */
  ports: number[] | null;
  /** Substrings of raw process records, user agents and URLs; null keeps every such record. */
  text: string[] | null;
}

type Kind = "names" | "ips" | "ports" | "text";

interface Family {
  shapes: Event[];
  /** Field → which hint list its literals go to. */
  judged: Record<string, Kind>;
  /** Fields these records never carry: literals there cannot be in them. */
  absent: readonly string[];
}

const NAME_FIELDS = ["dns.question.name", "tls.client.server_name", "url.domain", "destination.domain"];
const HEADER_FIELDS = ["minerhunt.http.headers"];

const FAMILIES: Family[] = [
  {
    shapes: [{ "event.dataset": "zeek.dns", "event.category": ["network", "dns"] }, { "event.dataset": "suricata.dns", "event.category": ["network", "dns"] }],
    judged: { "dns.question.name": "names" },
    absent: ["tls.client.server_name", "url.domain", "destination.domain", ...HEADER_FIELDS],
  },
  {
    shapes: [{ "event.dataset": "zeek.ssl", "event.category": ["network"] }, { "event.dataset": "suricata.tls", "event.category": ["network"] }],
    judged: { "tls.client.server_name": "names", "destination.ip": "ips", "destination.port": "ports" },
    absent: ["dns.question.name", ...HEADER_FIELDS],
  },
  {
    shapes: [{ "event.dataset": "zeek.http", "event.category": ["network", "web"] }],
    judged: { "url.domain": "names", "destination.domain": "names", "destination.ip": "ips", "destination.port": "ports",
      "user_agent.original": "text", "url.original": "text", "url.path": "text" },
    absent: ["dns.question.name", "tls.client.server_name", ...HEADER_FIELDS], // Zeek's http.log carries no header values
  },
  {
    shapes: [{ "event.dataset": "zeek.conn", "event.category": ["network"] }, { "event.dataset": "suricata.flow", "event.category": ["network"] }, { "event.dataset": "aws.vpcflow", "event.category": ["network"] }],
    judged: { "destination.ip": "ips", "destination.port": "ports" },
    absent: [...NAME_FIELDS, ...HEADER_FIELDS, "user_agent.original", "url.original", "url.path"],
  },
];

const TEXT_SHAPES: Event[] = [
  { "event.dataset": "endpoint.events.process", "event.category": ["process"], "host.os.type": "linux" },
  { "event.dataset": "endpoint.events.process", "event.category": ["process"], "host.os.type": "windows" },
  { "event.dataset": "auditbeat", "event.category": ["process"] },
  { "event.dataset": "endpoint.events.network", "event.category": ["network"] },
  { "event.dataset": "endpoint.events.file", "event.category": ["file"] },
];

function place(lit: WitnessLiteral, family: Family): Kind | "ignore" | "off" {
  if (lit.text === "") return "off";
  for (const key of lit.ref.keys) {
    const kind = family.judged[key];
    if (kind) return kind;
  }
  return lit.ref.keys.every((k) => family.absent.includes(k)) ? "ignore" : "off";
}

export function sigmaPrefilterHints(rules: readonly CompiledRule[]): SigmaPrefilterHints {
  const lists: Record<Kind, Set<string> | null> = { names: new Set(), ips: new Set(), ports: new Set(), text: new Set() };
  const off = (kinds: Iterable<Kind>) => { for (const k of kinds) lists[k] = null; };

  for (const family of FAMILIES) {
    const kinds = new Set(Object.values(family.judged));
    for (const r of rules) {
      if (r.kind !== "detection" || !r.route || !family.shapes.some((s) => routeAccepts(r.route!, s))) continue;
      if (r.witness === null) { off(kinds); break; }
      let familyOff = false;
      for (const lit of r.witness) {
        const where = place(lit, family);
        if (where === "off") { familyOff = true; break; }
        if (where === "ports" && !/^\d{1,5}$/.test(lit.text)) { familyOff = true; break; }
        if (where !== "ignore") lists[where]?.add(lit.text.toLowerCase());
      }
      if (familyOff) { off(kinds); break; }
    }
  }

  for (const shape of TEXT_SHAPES) {
    const kw = sourceKeywords(rules, shape);
    if (kw === null) { lists.text = null; break; }
    for (const k of kw) lists.text?.add(k);
  }

  return {
    names: lists.names ? [...lists.names] : null,
    ips: lists.ips ? [...lists.ips] : null,
    ports: lists.ports ? [...lists.ports].map(Number) : null,
    text: lists.text ? [...lists.text] : null,
  };
}
