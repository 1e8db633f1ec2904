import type { Event, Observable } from "../../../model/index.js";
import { hasCategory, str, strs } from "../../../model/index.js";
import type { DomainMatch, Intel } from "../../../intel/index.js";
import { normaliseDomain } from "../../../intel/domains.js";
import type { Detector, DetectorContext } from "../../types.js";
import { clip, obs, withDistinct } from "../common.js";
import { Aggregate, BoundedMap, addEntity, draftFromAggregate } from "../host/aggregate.js";
import { flowSides, localEntities } from "./site.js";

/**
 * Names of mining pools a machine looks up or talks to: DNS questions (dns.question.name), TLS SNI
 * (tls.client.server_name) and HTTP hosts (url.domain, destination.domain). intel.matchDomain decides,
 * with the confidence of the list that matched (donation hosts and curated pools high, imported lists
 * as imported). PB-31's label hints ("pool.", "xmr." ... as the FIRST label) are only a weak hint, and never
 * for names on the intel or site allowlist: pool.ntp.org and 0.debian.pool.ntp.org produce nothing.
 *
 * One finding per (client, name) over the run with counts and first/last seen. Provider alerts (GuardDuty's
 * DNS findings) are skipped: the cloud detectors report those.
 */
export const POOL_DNS_ID = "minerhunt.network.pool-dns";
const TITLE = "Mining pool domain contacted";
const HINT_CONFIDENCE = 0.2;
/** A hint needs a subdomain: "pool.example.net", not a registrable name such as "mining.com". */
const HINT_MIN_LABELS = 3;
const MAX_RESOLVED_KEPT = 16;

export interface PoolDnsLimits {
  /** (client, listed name) pairs held; beyond it the least recently seen pair is reported early. */
  maxMatched: number;
  /**
   * (client, hinted name) pairs held. Beyond it NEW hinted pairs are dropped (and counted in the facts of
   * the hint findings): a hint is weak and can never open an incident, and a flood of random "pool.*"
   * names is noise that must not turn into a flood of findings.
   */
  maxHinted: number;
}

type Channel = "dns" | "tls" | "http" | "flow";

interface State {
  agg: Aggregate;
  name: string;
  client: string;
  match?: DomainMatch;
  counts: Record<Channel, number>;
  /** Short lists, not Sets: one state is kept per (client, name) pair, thousands of them on a busy network. */
  resolved: string[];
  responseCodes: string[];
  /** Set when the name is known only because it resolved to this listed mining IP. */
  answerIp?: string;
}

/** Cap for a pool known only from a DNS answer: the list speaks for the address, not for the name. */
const ANSWER_CONFIDENCE_CAP = 0.75;

/** The first DNS answer that an intel list names as a mining IP, as a match for the question's name. */
function listedAnswer(event: Event, intel: Intel): { ip: string; match: DomainMatch } | undefined {
  for (const ip of strs(event, "dns.resolved_ip")) {
    const m = intel.matchIp(ip);
    if (!m) continue;
    const match: DomainMatch = { listed: m.listed, list: m.list, confidence: Math.min(m.confidence, ANSWER_CONFIDENCE_CAP) };
    if (m.label) match.label = m.label;
    return { ip, match };
  }
  return undefined;
}

/** The names an event contacts, each with the channel it came through. */
function namesOf(event: Event): { name: string; channel: Channel }[] {
  const out: { name: string; channel: Channel }[] = [];
  const push = (value: string | undefined, channel: Channel) => {
    if (!value) return;
    const name = normaliseDomain(value);
    if (name && !out.some((o) => o.name === name)) out.push({ name, channel });
  };
  push(str(event, "dns.question.name"), "dns");
  push(str(event, "tls.client.server_name"), "tls");
  push(str(event, "url.domain"), "http");
  const isHttp = str(event, "http.request.method") !== undefined || str(event, "url.original") !== undefined;
  push(str(event, "destination.domain"), hasCategory(event, "dns") ? "dns" : str(event, "tls.client.server_name") ? "tls" : isHttp ? "http" : "flow");
  return out;
}

/** PB-31's DNS prefixes: the name's first label is one of intel.poolLabelHints. */
export function hasPoolLabelHint(name: string, intel: Intel): boolean {
  const labels = name.split(".");
  if (labels.length < HINT_MIN_LABELS) return false;
  return intel.poolLabelHints.includes(labels[0]!) && !intel.isAllowlisted(name);
}

export function createPoolDnsDetector(limits: PoolDnsLimits = { maxMatched: 10_000, maxHinted: 5_000 }): Detector {
  return {
    id: POOL_DNS_ID,
    title: TITLE,
    routes: { categories: ["network", "dns"] },
    start(ctx: DetectorContext) {
      const emit = (s: State) => ctx.emit(toDraft(s, droppedHints));
      const matched = new BoundedMap<string, State>(limits.maxMatched, (_k, s) => emit(s));
      const hinted = new BoundedMap<string, State>(limits.maxHinted);
      let droppedHints = 0;

      return {
        onEvent(event) {
          if (str(event, "event.kind") === "alert") return;
          const names = namesOf(event);
          if (names.length === 0) return;
          const sides = flowSides(event);
          const client = sides.local ?? (str(event, "host.name") ?? "").toLowerCase();
          for (const { name, channel } of names) {
            let match = ctx.intel.matchDomain(name);
            // A name no list knows that resolves to a listed mining IP (a pool behind a fresh domain or a CNAME).
            const answerIp = !match && channel === "dns" ? listedAnswer(event, ctx.intel) : undefined;
            if (answerIp) match = answerIp.match;
            if (!match && !hasPoolLabelHint(name, ctx.intel)) continue;
            const key = `${client}\0${name}`;
            let state: State;
            if (match) {
              const found = match;
              state = matched.getOrCreate(key, () => newState(name, client, found));
              if (answerIp && !state.answerIp) state.answerIp = answerIp.ip;
            } else {
              const existing = hinted.peek(key);
              if (!existing && hinted.size >= hinted.maxSize) { droppedHints++; continue; }
              state = hinted.getOrCreate(key, () => newState(name, client, undefined));
            }
            state.counts[channel]++;
            const resolved = strs(event, "dns.resolved_ip");
            for (const ip of resolved) state.resolved = withDistinct(state.resolved, ip, MAX_RESOLVED_KEPT);
            const rcode = str(event, "dns.response_code");
            if (rcode) state.responseCodes = withDistinct(state.responseCodes, rcode, 8);
            // Summary and entities are built only if the aggregate keeps them (Aggregate.add).
            state.agg.add(event, () => summaryOf(channel, name, client, resolved, rcode), () => {
              const entities = localEntities(event, sides);
              addEntity(entities, "pools", name);
              return entities;
            });
            const observables: Observable[] = [...obs("domain", name)];
            for (const ip of resolved.slice(0, MAX_RESOLVED_KEPT)) observables.push(...obs("ip", ip));
            if (channel === "http") observables.push(...obs("url", str(event, "url.original")), ...obs("user-agent", str(event, "user_agent.original")));
            state.agg.observe(observables);
          }
        },
        flush(watermarkMs) {
          matched.drainWhere((s) => s.agg.idleBefore(watermarkMs), (_k, s) => emit(s));
          hinted.drainWhere((s) => s.agg.idleBefore(watermarkMs), (_k, s) => emit(s));
        },
        finish() {
          matched.drain((_k, s) => emit(s));
          hinted.drain((_k, s) => emit(s));
        },
      };
    },
  };
}

function summaryOf(channel: Channel, name: string, client: string, resolved: readonly string[], rcode: string | undefined): string {
  const verb = channel === "dns" ? "DNS query" : channel === "tls" ? "TLS SNI" : channel === "http" ? "HTTP host" : "connection to";
  return `${verb} ${clip(name, 120)} from ${client || "unknown client"}` +
    `${resolved.length ? ` -> ${clip(resolved.slice(0, 4).join(","), 80)}` : ""}${rcode ? ` (${rcode})` : ""}`;
}

function newState(name: string, client: string, match: DomainMatch | undefined): State {
  const s: State = { agg: new Aggregate(), name, client, counts: { dns: 0, tls: 0, http: 0, flow: 0 }, resolved: [], responseCodes: [] };
  if (match) s.match = match;
  return s;
}

function toDraft(s: State, droppedHints: number) {
  const from = s.client ? ` from ${s.client}` : "";
  const facts: Record<string, string | number | boolean> = {
    "dns.count": s.counts.dns, "tls.count": s.counts.tls, "http.count": s.counts.http, "flow.count": s.counts.flow, "domain.name": s.name,
  };
  if (s.resolved.length) facts["dns.resolved_ip"] = s.resolved.join(",");
  if (s.responseCodes.length) facts["dns.response_codes"] = s.responseCodes.join(",");
  if (s.match) {
    facts["domain.list"] = s.match.list;
    facts["domain.listed"] = s.match.listed;
    if (s.match.label) facts["pool.label"] = s.match.label;
    if (s.answerIp) {
      facts["dns.answer_listed"] = s.answerIp;
      return draftFromAggregate({ id: POOL_DNS_ID, title: TITLE }, s.agg, {
        title: `${clip(s.name, 120)} resolves to known mining IP ${s.answerIp}${from}`,
        description: `PB-31 §1.2: the DNS answer ${s.answerIp} for "${s.name}" is on the ${s.match.list} list (as ${s.match.listed}).`,
        trigger: "network",
        confidence: s.match.confidence,
        facts,
        tags: ["pb-31:1.2:dns", "dns-answer"],
      });
    }
    const what = s.match.list === "donation" ? "XMRig donation host" : s.match.list === "browser-miners" ? "browser-miner domain"
      : s.match.list.startsWith("campaign:") ? "cryptojacking campaign host" : "mining pool domain";
    return draftFromAggregate({ id: POOL_DNS_ID, title: TITLE }, s.agg, {
      title: `Contact with ${what} ${clip(s.name, 120)}${s.match.label ? ` (${s.match.label})` : ""}${from}`,
      description: `PB-31 §1.2: "${s.name}" is on the ${s.match.list} list (as ${s.match.listed}).`,
      trigger: "network",
      confidence: s.match.confidence,
      facts,
      tags: ["pb-31:1.2:dns"],
    });
  }
  if (droppedHints > 0) facts["hints.dropped"] = droppedHints;
  return draftFromAggregate({ id: POOL_DNS_ID, title: TITLE }, s.agg, {
    title: `DNS name with a PB-31 pool prefix: ${clip(s.name, 120)}${from}`,
    description: "PB-31 §1.2 lists pool., mining., xmr., f2pool., nanopool. as suspicious DNS prefixes. A hint only: many such names are not pools.",
    trigger: "network",
    confidence: HINT_CONFIDENCE,
    facts,
    tags: ["pb-31:1.2:dns", "hint"],
  });
}

export const poolDnsDetector: Detector = createPoolDnsDetector();
