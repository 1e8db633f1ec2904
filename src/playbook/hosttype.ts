/**
 * Host type for PB-31's Resource Impact Assessment (production P1, cloud instance P1, workstation P2,
 * dev/test P3). For each affected machine, first answer wins:
 *   1. known: the caller says so (CMDB, analyst)
 *   2. config: DetectConfig.hostTypes glob patterns, first match
 *   3. tag: a cloud tag on a finding about the machine (Environment=prod|dev|test|...)
 *   4. name: naming conventions (prod-, dev-, -test, ws-, laptop, desktop, ...)
 *   5. default: a cloud instance is a cloud instance; any other machine is "unknown"
 *      (priced as production by the playbook's impact.unknown rule)
 */
import type { DetectConfig } from "../detect/config.js";
import type { Entities, Environment, Finding, HostType } from "../model/index.js";
import type { HostClassification } from "./types.js";

/** Name parts (whole tokens, digits stripped: "prod01" → "prod") that mark a host type. */
const NAME_TOKENS: readonly { type: Exclude<HostType, "unknown" | "cloud-instance">; tokens: readonly string[] }[] = [
  // Checked first: when a name says both (dev-prod-bridge), the costlier reading wins.
  { type: "production", tokens: ["prod", "prd", "production", "live"] },
  { type: "workstation", tokens: ["ws", "wks", "workstation", "laptop", "desktop", "pc", "notebook", "macbook"] },
  { type: "dev-test", tokens: ["dev", "devel", "development", "test", "tst", "testing", "qa", "uat", "stg", "staging", "sandbox", "lab"] },
];

/** Tag keys (case-insensitive) whose value names the environment, and what the values mean. */
const ENV_TAG_KEYS = ["environment", "env", "stage", "tier"];
const ENV_TAG_VALUES: Record<string, HostType> = {
  prod: "production", production: "production", prd: "production", live: "production",
  dev: "dev-test", development: "dev-test", test: "dev-test", testing: "dev-test", qa: "dev-test",
  uat: "dev-test", staging: "dev-test", stage: "dev-test", stg: "dev-test", sandbox: "dev-test",
};

export interface HostTypeInput {
  entities: Entities;
  findings: readonly Finding[];
  environment: Environment;
  hostTypes?: Record<string, HostType>;
}

export function classifyHosts(input: HostTypeInput, config: DetectConfig): HostClassification[] {
  const out: HostClassification[] = [];
  const seen = new Set<string>();
  const instances = new Set(input.entities.instances ?? []);
  const machines: { name: string; kind: "host" | "instance" }[] = [
    ...(input.entities.instances ?? []).map((name) => ({ name, kind: "instance" as const })),
    ...(input.entities.hosts ?? []).map((name) => ({ name, kind: "host" as const })),
  ];
  for (const m of machines) {
    if (seen.has(m.name)) continue;
    seen.add(m.name);
    out.push(classifyOne(m.name, m.kind, input, config, instances));
  }
  return out;
}

function classifyOne(
  name: string, kind: "host" | "instance", input: HostTypeInput, config: DetectConfig, instances: ReadonlySet<string>,
): HostClassification {
  const base = { name, kind };
  const known = input.hostTypes?.[name];
  if (known) return { ...base, type: known, source: "known" };
  for (const rule of config.hostTypes) {
    if (globMatch(rule.match, name)) return { ...base, type: rule.type, source: "config", because: rule.match };
  }
  const about = input.findings.filter((f) => f.entities.hosts?.includes(name) || f.entities.instances?.includes(name));
  const tagged = typeFromTags(about);
  if (tagged) return { ...base, type: tagged.type, source: "tag", because: tagged.because };
  const named = typeFromName(name);
  if (named) return { ...base, type: named.type, source: "name", because: named.because };
  // A host seen together with a cloud instance or provider in one finding is that cloud instance.
  const inCloud = kind === "instance" || instances.has(name) ||
    about.some((f) => (f.entities.instances?.length ?? 0) > 0 || (f.entities.providers?.length ?? 0) > 0);
  return { ...base, type: inCloud ? "cloud-instance" : "unknown", source: "default" };
}

/** Host type from a naming convention, if the name has a telling part. */
export function typeFromName(name: string): { type: HostType; because: string } | undefined {
  const tokens = nameTokens(name);
  for (const { type, tokens: marks } of NAME_TOKENS) {
    const hit = tokens.find((t) => marks.includes(t));
    if (hit) return { type, because: hit };
  }
  return undefined;
}

/**
 * Tokens of a machine name: the labels before the domain (all but the last two of a longer FQDN, so
 * "db01.prod.corp.example.com" gives db01, prod, corp), split on - and _, trailing digits removed.
 */
function nameTokens(name: string): string[] {
  const labels = name.toLowerCase().split(".");
  const local = labels.length > 2 ? labels.slice(0, -2) : labels.slice(0, 1);
  const out: string[] = [];
  for (const label of local) {
    for (const part of label.split(/[-_\s]/)) {
      let end = part.length;
      while (end > 0 && part.charCodeAt(end - 1) >= 48 && part.charCodeAt(end - 1) <= 57) end--;
      if (end > 0) out.push(part.slice(0, end));
    }
  }
  return out;
}

/** Host type from an environment tag: finding tags "Environment=prod", or facts "tag.Environment": "prod". */
function typeFromTags(findings: readonly Finding[]): { type: HostType; because: string } | undefined {
  for (const f of findings) {
    const pairs: [string, string][] = [];
    for (const t of f.tags ?? []) {
      const eq = t.indexOf("=");
      if (eq > 0) pairs.push([t.slice(0, eq), t.slice(eq + 1)]);
    }
    for (const [k, v] of Object.entries(f.facts ?? {})) {
      if (typeof v === "string" && k.toLowerCase().startsWith("tag.")) pairs.push([k.slice(4), v]);
    }
    for (const [k, v] of pairs) {
      if (!ENV_TAG_KEYS.includes(k.trim().toLowerCase())) continue;
      const type = ENV_TAG_VALUES[v.trim().toLowerCase()];
      if (type) return { type, because: `${k}=${v}` };
    }
  }
  return undefined;
}

/**
 * Case-insensitive glob with * (any run) and ? (one character). Two-pointer matching with a single
 * backtrack point: at worst pattern length × name length steps, never exponential, so a hostile name
 * cannot make it slow.
 */
export function globMatch(pattern: string, text: string): boolean {
  const p = pattern.toLowerCase();
  const s = text.toLowerCase();
  let pi = 0;
  let si = 0;
  let star = -1;
  let mark = 0;
  while (si < s.length) {
    if (pi < p.length && (p[pi] === "?" || p[pi] === s[si])) { pi++; si++; }
    else if (pi < p.length && p[pi] === "*") { star = pi++; mark = si; }
    else if (star >= 0) { pi = star + 1; si = ++mark; }
    else return false;
  }
  while (pi < p.length && p[pi] === "*") pi++;
  return pi === p.length;
}
