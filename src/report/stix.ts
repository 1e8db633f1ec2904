/**
 * The incident's indicators as a STIX 2.1 bundle: an identity (minerhunt), one indicator per IOC
 * with a STIX pattern, the ATT&CK techniques as attack-patterns, "indicates" relationships, and a
 * report that refers to them all. Ids are name-based (UUIDv5), so a second export of the same
 * incident has the same ids and a newer "modified". Everything is marked TLP:AMBER.
 */
import { isIP } from "node:net";
import type { Finding, Incident } from "../model/index.js";
import { collectIocs, hashAlgorithm, splitPool, urlWithScheme } from "./iocs.js";
import type { Ioc } from "./iocs.js";
import { kindName } from "./finding-kinds.js";
import { uuidv5 } from "./ids.js";
import { tacticsOf, technique } from "./mitre.js";

/** STIX 2.1 predefined TLP:AMBER marking definition. */
export const TLP_AMBER = "marking-definition--f88d31f6-486f-44da-b317-01333bde0b82";

export type StixObject = { type: string; id: string; spec_version?: "2.1" } & Record<string, unknown>;
export interface StixBundle { type: "bundle"; id: string; objects: StixObject[] }

export interface StixOptions { now?: Date; playbook?: { id: string; mitre: { technique: string; name: string }[] } }

export function toStixBundle(incident: Incident, findings: readonly Finding[], opts: StixOptions = {}): StixBundle {
  const now = stixTime(opts.now ?? new Date());
  const common = { spec_version: "2.1" as const, created: now, modified: now };
  const identityId = `identity--${uuidv5("identity:minerhunt")}`;
  const identity: StixObject = {
    type: "identity", id: identityId, ...common, name: "minerhunt", identity_class: "system",
    description: "minerhunt: cryptomining (MITRE T1496) detection and PB-31 response",
  };
  const marked = { created_by_ref: identityId, object_marking_refs: [TLP_AMBER] };

  const techniqueIds = new Set<string>(opts.playbook?.mitre.map((m) => m.technique) ?? ["T1496"]);
  for (const f of findings) for (const m of f.mitre) techniqueIds.add(m);
  const attackPatterns = [...techniqueIds].sort().map((tid): StixObject => ({
    type: "attack-pattern", id: `attack-pattern--${uuidv5(`attack-pattern:${tid}`)}`, ...common, ...marked,
    name: technique(tid)?.name ?? opts.playbook?.mitre.find((m) => m.technique === tid)?.name ?? tid,
    ...(tacticsOf(tid).length ? { kill_chain_phases: tacticsOf(tid).map((t) => ({ kill_chain_name: "mitre-attack", phase_name: phaseName(t.name) })) } : {}),
    external_references: [{
      source_name: "mitre-attack", external_id: tid,
      url: `https://attack.mitre.org/techniques/${tid.replace(".", "/")}/`,
    }],
  }));
  const hijacking = attackPatterns.find((a) => (a.external_references as { external_id: string }[])[0]?.external_id === "T1496") ?? attackPatterns[0];

  const indicators: StixObject[] = [];
  const relationships: StixObject[] = [];
  const patterns = new Set<string>();
  for (const ioc of collectIocs(findings).iocs) {
    const pattern = stixPattern(ioc);
    // A pool named by domain and the same domain seen in DNS are one indicator.
    if (!pattern || patterns.has(pattern)) continue;
    patterns.add(pattern);
    const first = findings.find((f) => f.id === ioc.findings[0]);
    const id = `indicator--${uuidv5(`indicator:${incident.id}:${pattern}`)}`;
    indicators.push({
      type: "indicator", id, ...common, ...marked,
      name: `${ioc.type}: ${ioc.value}`.slice(0, 250),
      // The kind of finding, not its title: a title names the victim's own hosts and paths, which a shared bundle must not carry.
      description: first ? `Seen in: ${kindName(first, "en")}`.slice(0, 1000) : undefined,
      indicator_types: ["malicious-activity"],
      pattern, pattern_type: "stix", pattern_version: "2.1",
      valid_from: stixTime(new Date(Date.parse(incident.firstSeen) || Date.now())),
      kill_chain_phases: [{ kill_chain_name: "mitre-attack", phase_name: "impact" }],
      labels: ["cryptomining", ioc.type],
    });
    if (hijacking) {
      relationships.push({
        type: "relationship", id: `relationship--${uuidv5(`relationship:${id}:indicates:${hijacking.id}`)}`, ...common, ...marked,
        relationship_type: "indicates", source_ref: id, target_ref: hijacking.id,
      });
    }
  }
  const report: StixObject = {
    type: "report", id: `report--${uuidv5(`report:${incident.id}`)}`, ...common, ...marked,
    name: `minerhunt incident ${incident.id}: ${incident.title}`.slice(0, 250),
    description: `Cryptomining incident (${incident.environment}, ${incident.severity}, ${incident.priority}); ` +
      `scope ${incident.scope.hosts} hosts, ${incident.scope.instances} instances, ${incident.scope.regions} regions, ${incident.scope.accounts} accounts.`,
    report_types: ["threat-report"],
    published: now,
    labels: ["cryptomining", "T1496"],
    object_refs: [identityId, ...attackPatterns.map((a) => a.id), ...indicators.map((i) => i.id), ...relationships.map((r) => r.id)],
  };
  const objects = [identity, ...attackPatterns, ...indicators, ...relationships, report].map(dropUndefined);
  return { type: "bundle", id: `bundle--${uuidv5(`bundle:${incident.id}:${now}`)}`, objects };
}

/**
 * A STIX pattern for an indicator, or undefined for what is not shared as one: context (process names,
 * local paths, users, user agents...: see iocs.ts) and values no pattern can express.
 */
export function stixPattern(ioc: Ioc): string | undefined {
  if (ioc.role !== "indicator") return undefined;
  const q = quote;
  switch (ioc.type) {
    case "domain": return `[domain-name:value = ${q(ioc.value.toLowerCase())}]`;
    case "ip": return ipPattern(ioc.value);
    case "url": {
      const url = urlWithScheme(ioc.value);
      return url ? `[url:value = ${q(url)}]` : undefined;
    }
    case "hash": {
      const alg = hashAlgorithm(ioc.value);
      return alg ? `[file:hashes.'${alg}' = ${q(ioc.value.toLowerCase())}]` : undefined;
    }
    // An access key id has no STIX observable (user-account is a person's account): the report and TheHive carry it.
    // No STIX Cyber-observable for wallets: a custom object, as STIX allows (x- prefix).
    case "wallet": return `[x-cryptocurrency-wallet:address = ${q(ioc.value)}]`;
    case "pool": {
      const { host, port, isIp } = splitPool(ioc.value);
      if (host === "") return undefined;
      const refType = isIp ? (isIP(host) === 6 ? "ipv6-addr" : "ipv4-addr") : "domain-name";
      const value = isIp ? host : host.toLowerCase();
      if (port === undefined) return isIp ? ipPattern(host) : `[domain-name:value = ${q(value)}]`;
      return `[network-traffic:dst_ref.type = '${refType}' AND network-traffic:dst_ref.value = ${q(value)} AND network-traffic:dst_port = ${port}]`;
    }
    default: return undefined;
  }
}

function ipPattern(value: string): string | undefined {
  const v = isIP(value);
  if (v === 4) return `[ipv4-addr:value = ${quote(value)}]`;
  if (v === 6) return `[ipv6-addr:value = ${quote(value)}]`;
  return undefined;
}

/** A STIX pattern string literal: backslash and quote escaped. */
function quote(s: string): string {
  return `'${s.replace(/\\/g, "\\\\").replace(/'/g, "\\'")}'`;
}

/** ATT&CK tactic as a STIX kill-chain phase name: "Defense Evasion" → "defense-evasion". */
function phaseName(tactic: string): string {
  return tactic.toLowerCase().replace(/[^a-z0-9]+/g, "-");
}

/** STIX timestamps: UTC with milliseconds and a Z. */
function stixTime(d: Date): string {
  return d.toISOString();
}

function dropUndefined(o: StixObject): StixObject {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as StixObject;
}
