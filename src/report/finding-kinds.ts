/**
 * Finding titles in the report's language. Detectors write their titles in English (they are also log
 * and terminal text); the report names each kind of finding from data/report/finding-kinds.yaml (rule
 * id → English and Thai) and, in Thai, adds what the finding names (pool, domain, machine), which are
 * values, not words to translate. A rule the table does not know keeps its own title.
 */
import { readFileSync } from "node:fs";
import { parse as parseYaml } from "yaml";
import { z } from "zod";
import { dataPath } from "../startup/paths.js";
import type { Bilingual, Finding } from "../model/index.js";
import type { Lang } from "../i18n/index.js";

const FileSchema = z.object({
  kinds: z.record(z.string().min(1), z.object({ en: z.string().min(1), th: z.string().min(1) }).strict()),
}).strict();

export function findingKindsPath(): string {
  return dataPath("report", "finding-kinds.yaml");
}

export function loadFindingKinds(file = findingKindsPath()): ReadonlyMap<string, Bilingual> {
  const parsed = FileSchema.safeParse(parseYaml(readFileSync(file, "utf8")));
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`${file}: ${issue ? `${issue.path.join(".")}: ${issue.message}` : "expected kinds: {rule id: {en, th}}"}`);
  }
  return new Map(Object.entries(parsed.data.kinds));
}

let kinds: ReadonlyMap<string, Bilingual> | undefined;

function kindOf(ruleId: string): Bilingual | undefined {
  kinds ??= loadFindingKinds();
  return kinds.get(ruleId);
}

/** The kind of finding ("Connection to a mining pool"): the table's words, else the rule's own name. */
export function kindName(f: Finding, lang: Lang): string {
  return kindOf(f.rule.id)?.[lang] ?? f.rule.name;
}

/** A finding's title in the language: English keeps the detector's title; Thai is the kind plus what it names. */
export function findingTitle(f: Finding, lang: Lang): string {
  if (lang === "en") return f.title;
  const kind = kindOf(f.rule.id);
  if (!kind) return f.title;
  const subject = subjectOf(f);
  return subject ? `${kind[lang]}: ${subject}` : kind[lang];
}

/** What the finding is about, as values: the pool or remote end, then the machine. */
export function subjectOf(f: Finding): string {
  const obs = (type: Finding["observables"][number]["type"]) => f.observables.find((o) => o.type === type)?.value;
  const remote = f.entities.pools?.[0] ?? obs("domain") ?? obs("url") ?? obs("ip");
  const machine = f.entities.hosts?.[0] ?? f.entities.instances?.[0] ?? f.entities.pods?.[0] ?? f.entities.accounts?.[0];
  return [remote, machine].filter((x): x is string => x !== undefined && x !== "").map((x) => clip(x, 80)).join(" — ");
}

function clip(s: string, n: number): string {
  return s.length > n ? `${s.slice(0, n - 1)}…` : s;
}
