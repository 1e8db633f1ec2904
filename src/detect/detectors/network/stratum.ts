import type { Event, Observable } from "../../../model/index.js";
import { num, str, strs } from "../../../model/index.js";
import type { Intel } from "../../../intel/index.js";
import type { Detector, DetectorContext } from "../../types.js";
import { clip, obs } from "../common.js";
import { Aggregate, BoundedMap, addEntity, draftFromAggregate } from "../host/aggregate.js";
import { endpointText, flowSides, localEntities } from "./site.js";
import { datasetsFor } from "../../routes.js";

/**
 * Mining on the wire (PB-31 "Stratum protocol: stratum+tcp://", "TLS Inspection → Stratum protocol?"):
 *  - pcap.stratum: a TCP stream carrying mining JSON-RPC (intel.stratum.methods): 0.95, dialect in facts,
 *    login/wallet and agent as observables. A CryptoNote stream that shows only "login" (a word any
 *    JSON-RPC API may use) with no agent and no wallet is held to 0.7;
 *  - HTTP (pcap.http, zeek.http, suricata.http): getwork / getblocktemplate / eth_getWork / mining.* in a
 *    JSON-RPC body, an X-Mining-Extensions / X-Stratum header (intel.stratum.httpHeaders), or a user agent
 *    whose product is a miner (intel.minerByProcessName on "cgminer 3.7.2", "XMRig/6.21.0 ..."): 0.8 each,
 *    0.9 when two agree;
 *  - suricata.alert: mining JSON-RPC in the payload it carries (payload_printable, base64 payload): 0.95 as a
 *    payload; else the coin-mining classtype ("Crypto Currency Mining Activity Detected") or a signature
 *    naming COINMINER: 0.8.
 * Aggregated per (local address, far end ip:port, kind); findings are facts per (local address, kind, dialect,
 * strength), the unnamed endpoints counted in them (model/pool-endpoints.ts), a pool's domain kept apart.
 */
export const STRATUM_ID = "minerhunt.network.stratum";
const TITLE = "Mining protocol on the network";

const STRATUM_METHODS = 0.95;
const STRATUM_LOGIN_ONLY = 0.7;
const STRATUM_UNKNOWN_METHODS = 0.6;
const HTTP_ONE = 0.8;
const HTTP_AGREEING = 0.9;
const IDS_ALERT = 0.8;
/** In-browser mining: real, but a visitor's browser or a compromised page, not this site's machine mining for days. */
const IDS_BROWSER_ALERT = 0.6;
const MAX_METHODS = 32;

/** The coin-mining classtype: its short name and the description Suricata writes as alert.category. */
const COIN_MINING_CATEGORIES = new Set(["coin-mining", "crypto currency mining activity detected"]);
const COINMINER_SIGNATURE = "coinminer";

export interface StratumLimits {
  maxKeys: number;
}

type Kind = "stratum" | "http" | "ids" | "browser";

interface Reading {
  kind: Kind;
  confidence: number;
  reasons: string[];
  dialect?: string;
  methods: string[];
  observables: Observable[];
}

/**
 * Method names in a JSON-RPC text: the string after each `"method"` and a colon. A hand scan (bounded
 * text, bounded count), not a regex over attacker text and not a full JSON parse of a truncated body.
 */
export function jsonRpcMethods(text: string, max = MAX_METHODS): string[] {
  const out: string[] = [];
  const body = text.length > 8192 ? text.slice(0, 8192) : text;
  let from = 0;
  while (out.length < max) {
    const at = body.indexOf("\"method\"", from);
    if (at === -1) break;
    let i = at + 8;
    while (body[i] === " " || body[i] === "\t") i++;
    from = i;
    if (body[i] !== ":") continue;
    i++;
    while (body[i] === " " || body[i] === "\t") i++;
    if (body[i] !== "\"") continue;
    const end = body.indexOf("\"", i + 1);
    if (end === -1 || end - i - 1 > 64) continue;
    const method = body.slice(i + 1, end);
    if (method && !out.includes(method)) out.push(method);
    from = end + 1;
  }
  return out;
}

/** Which dialect a method belongs to in intel, if any. */
function dialectOf(method: string, intel: Intel): keyof Intel["stratum"]["methods"] | undefined {
  const m = intel.stratum.methods;
  for (const d of ["v1", "ethereum", "getwork", "cryptonote"] as const) if (m[d].includes(method)) return d;
  return undefined;
}

export function readStratumStream(event: Event, intel: Intel): Reading {
  const methods = strs(event, "minerhunt.stratum.methods").slice(0, MAX_METHODS);
  const known = methods.filter((m) => dialectOf(m, intel) !== undefined);
  const dialect = str(event, "minerhunt.stratum.dialect") ?? (known[0] ? dialectOf(known[0], intel) : undefined);
  const login = str(event, "minerhunt.stratum.login");
  const agent = str(event, "minerhunt.stratum.agent");
  const wallets = login ? intel.findWallets(login) : [];
  const observables: Observable[] = [...obs("user-agent", agent)];
  for (const w of wallets) observables.push(...obs("wallet", w.wallet));
  if (login && wallets.length === 0) observables.push(...obs("user", login));

  let confidence: number;
  const reasons: string[] = [];
  const strongMethods = known.filter((m) => dialectOf(m, intel) !== "cryptonote");
  const cryptonote = known.filter((m) => dialectOf(m, intel) === "cryptonote");
  if (strongMethods.length > 0 || cryptonote.length >= 2 || (cryptonote.length === 1 && (agent || wallets.length > 0))) {
    confidence = STRATUM_METHODS;
    reasons.push(`Stratum${dialect ? ` ${dialect}` : ""} methods ${known.join(", ")}`);
  } else if (cryptonote.length === 1) {
    confidence = STRATUM_LOGIN_ONLY;
    reasons.push(`JSON-RPC "${cryptonote[0]}" only`);
  } else {
    confidence = STRATUM_UNKNOWN_METHODS;
    reasons.push(`mining JSON-RPC stream${methods.length ? ` (${methods.map((m) => clip(m, 40)).join(", ")})` : ""}`);
  }
  if (agent) reasons.push(`agent ${clip(agent, 60)}`);
  if (wallets.length) reasons.push(`wallet ${wallets.length > 1 ? `x${wallets.length}` : "in login"}`);
  return { kind: "stratum", confidence, reasons, ...(dialect ? { dialect } : {}), methods: known, observables };
}

/** The product of a user agent: "XMRig/6.21.0 (Linux …)" → "xmrig", "cgminer 3.7.2" → "cgminer". */
export function userAgentProduct(ua: string): string {
  const t = ua.trimStart();
  let end = 0;
  while (end < t.length && end < 64 && t[end] !== "/" && t[end] !== " " && t[end] !== "(" && t[end] !== ";") end++;
  return t.slice(0, end);
}

export function readMiningHttp(event: Event, intel: Intel): Reading | undefined {
  const reasons: string[] = [];
  const observables: Observable[] = [];
  const wanted = new Set(intel.stratum.httpHeaders.map((h) => h.toLowerCase()));
  for (const header of strs(event, "minerhunt.http.headers").slice(0, 64)) {
    const colon = header.indexOf(":");
    const name = (colon === -1 ? header : header.slice(0, colon)).trim().toLowerCase();
    if (wanted.has(name)) { reasons.push(`header ${clip(header, 80)}`); break; }
  }
  // Over HTTP only the getwork, Ethereum and mining.* methods count: "login"/"submit" are everyday API words.
  const body = str(event, "http.request.body.content");
  const methods = body ? jsonRpcMethods(body).filter((m) => { const d = dialectOf(m, intel); return d !== undefined && d !== "cryptonote"; }) : [];
  if (methods.length) reasons.push(`JSON-RPC ${methods.join(", ")}`);
  const ua = str(event, "user_agent.original");
  const product = ua ? userAgentProduct(ua) : "";
  const miner = product ? intel.minerByProcessName(product) : undefined;
  if (miner) { reasons.push(`miner user agent ${clip(ua, 60)}`); observables.push(...obs("user-agent", ua)); }
  if (reasons.length === 0) return undefined;
  observables.push(...obs("url", str(event, "url.original")), ...obs("domain", str(event, "url.domain") ?? str(event, "destination.domain")));
  return {
    kind: "http", confidence: reasons.length >= 2 ? HTTP_AGREEING : HTTP_ONE, reasons,
    ...(methods.length ? { dialect: dialectOf(methods[0]!, intel) ?? "getwork" } : {}), methods, observables,
  };
}

/**
 * An IDS alert about mining: its class (Suricata's coin-mining classtype) or its message (the words of
 * data/intel/stratum.yaml ids_signatures: "ET POLICY Cryptocurrency Miner Checkin", "ET COINMINER ..."). Alerts
 * about mining in a visitor's browser (Coinhive-style scripts) are their own kind.
 */
export function readMiningAlert(event: Event, intel: Intel): Reading | undefined {
  const category = (str(event, "rule.category") ?? "").trim().toLowerCase();
  const signature = str(event, "rule.name") ?? "";
  const text = signature.toLowerCase();
  const words = intel.stratum.idsSignatures;
  const browser = words.browser.find((w) => text.includes(w));
  const byCategory = COIN_MINING_CATEGORIES.has(category);
  const bySignature = browser ?? (text.includes(COINMINER_SIGNATURE) ? COINMINER_SIGNATURE : words.mining.find((w) => text.includes(w)));
  if (!byCategory && !bySignature) return undefined;
  const reasons = [`IDS alert "${clip(signature, 100)}"${byCategory ? " (coin-mining class)" : ""}`];
  return { kind: browser ? "browser" : "ids", confidence: browser ? IDS_BROWSER_ALERT : IDS_ALERT, reasons, methods: [], observables: [] };
}

/** The string value of a JSON key in bounded text (`"agent":"XMRig/6.21.0 ..."`), by hand, no regex. */
function jsonStringValue(text: string, key: string): string | undefined {
  // The key may also appear as a value first ("method":"login" before "params":{"login":...}): try each.
  for (let at = text.indexOf(`"${key}"`), tries = 0; at !== -1 && tries < 8; at = text.indexOf(`"${key}"`, at + 1), tries++) {
    let i = at + key.length + 2;
    while (text[i] === " " || text[i] === "\t") i++;
    if (text[i] !== ":") continue;
    i++;
    while (text[i] === " " || text[i] === "\t") i++;
    if (text[i] !== "\"") continue;
    const end = text.indexOf("\"", i + 1);
    if (end === -1 || end - i - 1 > 200) continue;
    return text.slice(i + 1, end);
  }
  return undefined;
}

/**
 * Mining JSON-RPC in the payload an IDS alert carries (Suricata payload_printable or base64 payload): a
 * Stratum "mining.subscribe"/"mining.authorize", a CryptoNote "login" sent by a miner agent (XMRig...) or with
 * a wallet. The alert's rule may be about anything; the payload speaks for itself.
 */
export function readAlertPayload(event: Event, intel: Intel): Reading | undefined {
  const text = str(event, "minerhunt.payload.printable");
  if (!text) return undefined;
  const known = jsonRpcMethods(text).filter((m) => dialectOf(m, intel) !== undefined);
  if (known.length === 0) return undefined;
  const agent = jsonStringValue(text, "agent");
  const login = jsonStringValue(text, "login");
  const miner = agent ? intel.minerByProcessName(userAgentProduct(agent)) : undefined;
  const wallets = login ? intel.findWallets(login) : [];
  const strongMethods = known.filter((m) => dialectOf(m, intel) !== "cryptonote");
  const cryptonote = known.length - strongMethods.length;
  if (strongMethods.length === 0 && cryptonote < 2 && !miner && wallets.length === 0) return undefined;
  const dialect = dialectOf(known[0]!, intel);
  const reasons = [`alert payload carries ${dialect ? `${dialect} ` : ""}JSON-RPC ${known.join(", ")}`];
  if (agent) reasons.push(`agent ${clip(agent, 60)}`);
  if (wallets.length) reasons.push("wallet in login");
  const observables: Observable[] = [...(agent ? obs("user-agent", agent) : [])];
  for (const w of wallets) observables.push(...obs("wallet", w.wallet));
  return { kind: "stratum", confidence: STRATUM_METHODS, reasons, ...(dialect ? { dialect } : {}), methods: known, observables };
}

interface State {
  agg: Aggregate;
  reading: Reading;
  local: string;
  remote: string;
  port?: number;
  messages: number;
  signatures: Set<string>;
}

export function createStratumDetector(limits: StratumLimits = { maxKeys: 10_000 }): Detector {
  return {
    id: STRATUM_ID,
    title: TITLE,
    routes: { datasets: datasetsFor(["stratum", "proxy", "suricata/alert"]) },
    start(ctx: DetectorContext) {
      const emit = (s: State) => ctx.emit(toDraft(s));
      const streams = new BoundedMap<string, State>(limits.maxKeys, (_k, s) => emit(s));
      return {
        onEvent(event) {
          const dataset = str(event, "event.dataset");
          const reading = dataset === "pcap.stratum" ? readStratumStream(event, ctx.intel)
            : dataset === "suricata.alert" ? readAlertPayload(event, ctx.intel) ?? readMiningAlert(event, ctx.intel)
              : readMiningHttp(event, ctx.intel);
          if (!reading) return;
          const sides = flowSides(event);
          const local = sides.local ?? (str(event, "host.name") ?? "").toLowerCase();
          const remote = sides.remote ?? str(event, "destination.domain") ?? str(event, "url.domain") ?? "";
          const port = sides.remotePort;
          const key = `${local}\0${remote}\0${port ?? ""}\0${reading.kind}`;
          const state = streams.getOrCreate(key, () => ({ agg: new Aggregate(), reading, local, remote, ...(port !== undefined ? { port } : {}), messages: 0, signatures: new Set<string>() }));
          if (reading.confidence > state.reading.confidence) state.reading = { ...reading, observables: [] };
          for (const m of reading.methods) if (!state.reading.methods.includes(m) && state.reading.methods.length < MAX_METHODS) state.reading.methods.push(m);
          state.messages += num(event, "minerhunt.stratum.messages") ?? 0;
          const signature = str(event, "rule.name");
          if (signature && state.signatures.size < 8) state.signatures.add(signature);
          const domain = str(event, "destination.domain") ?? str(event, "url.domain");
          // Summary and entities are built only if the aggregate keeps them (Aggregate.add).
          state.agg.add(event, () => `${local || "?"} -> ${remote ? endpointText(remote, port) : "?"}: ${reading.reasons.join("; ")}`, () => {
            const entities = localEntities(event, sides);
            if (remote) addEntity(entities, "pools", sides.remote ? endpointText(remote, port) : remote.toLowerCase());
            if (domain) addEntity(entities, "pools", domain.toLowerCase());
            return entities;
          });
          state.agg.observe([
            ...(sides.remote ? obs("ip", sides.remote) : []), ...obs("port", port), ...obs("domain", domain?.toLowerCase()), ...reading.observables,
          ]);
        },
        flush(watermarkMs) {
          streams.drainWhere((s) => s.agg.idleBefore(watermarkMs), (_k, s) => emit(s));
        },
        finish() {
          streams.drain((_k, s) => emit(s));
        },
      };
    },
  };
}

function toDraft(s: State) {
  const r = s.reading;
  const target = s.remote ? endpointText(s.remote, s.port) : "an unknown host";
  const from = s.local ? ` from ${s.local}` : "";
  const title = r.kind === "stratum"
    ? `Stratum${r.dialect ? ` (${r.dialect})` : ""} mining traffic to ${target}${from}`
    : r.kind === "http" ? `Mining over HTTP to ${target}${from}`
      : r.kind === "browser" ? `Browser mining script from ${target}${from} (IDS alert)` : `IDS coin-mining alert for ${target}${from}`;
  const dialect = r.dialect ? ` (${r.dialect})` : "";
  const manyTitle = r.kind === "stratum" ? `Stratum${dialect} mining traffic to {n} pool endpoints${from}`
    : r.kind === "http" ? `Mining over HTTP to {n} endpoints${from}`
      : r.kind === "browser" ? `Browser mining script from {n} endpoints${from} (IDS alert)` : `IDS coin-mining alerts for {n} endpoints${from}`;
  const facts: Record<string, string | number | boolean> = { "stratum.kind": r.kind, reasons: r.reasons.join("; ") };
  if (r.dialect) facts["stratum.dialect"] = r.dialect;
  if (r.methods.length) facts["stratum.methods"] = r.methods.join(",");
  if (s.messages) facts["stratum.messages"] = s.messages;
  if (s.signatures.size) facts["alert.signature"] = [...s.signatures].join(" | ");
  return draftFromAggregate({ id: STRATUM_ID, title: TITLE }, s.agg, {
    title,
    description: r.kind === "browser"
      ? "Mining in a web browser: an IDS saw a Coinhive-style mining script. A visitor's browser, or a compromised page this site serves, mines while the page is open (T1496)."
      : "PB-31 network inspection: mining protocol seen in traffic (Stratum JSON-RPC, mining over HTTP, or an IDS coin-mining signature).",
    manyEndpoints: { title: manyTitle },
    trigger: "network",
    confidence: r.confidence,
    facts,
    tags: ["pb-31:1.2:stratum"],
    // The strength class: what was read, in which dialect, how surely (endpoints of one class are one fact).
    key: `${r.kind}:${r.dialect ?? ""}:${r.confidence}`,
    kind: r.kind === "ids" || r.kind === "browser" ? "sensor-alert" : "payload",
  });
}

export const stratumDetector: Detector = createStratumDetector();
