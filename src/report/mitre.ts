/**
 * ATT&CK technique names and tactics, read from data/mitre/attack.yaml (data, not code). Every export
 * (report table, STIX attack-patterns, OCSF attacks, TheHive procedures) takes them from here. An id
 * not in the table is still shown with its id, never with a made-up name or tactic.
 */
import { readFileSync } from "node:fs";
import { parse as parseYaml } from "yaml";
import { z } from "zod";
import { dataPath } from "../startup/paths.js";

export interface Tactic { id: string; name: string }
export interface Technique { id: string; name: string; tactics: Tactic[] }

const TECHNIQUE_ID = /^T\d{4}(\.\d{3})?$/;
const FileSchema = z.object({
  tactics: z.record(z.string().regex(/^TA\d{4}$/, "a tactic id like TA0040"), z.string().min(1)),
  techniques: z.record(
    z.string().regex(TECHNIQUE_ID, "a technique id like T1496 or T1053.003"),
    z.object({ name: z.string().min(1), tactics: z.array(z.string()).min(1) }).strict(),
  ),
}).strict();

/** Where the table lives: data/mitre/attack.yaml of the package. */
export function attackTablePath(): string {
  return dataPath("mitre", "attack.yaml");
}

/** Reads and checks a table; an unknown tactic id or a bad technique id names the file and the entry. */
export function loadAttackTable(file = attackTablePath()): ReadonlyMap<string, Technique> {
  const parsed = FileSchema.safeParse(parseYaml(readFileSync(file, "utf8")));
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`${file}: ${issue ? `${issue.path.join(".")}: ${issue.message}` : "not an ATT&CK table"}`);
  }
  const out = new Map<string, Technique>();
  for (const [id, t] of Object.entries(parsed.data.techniques)) {
    const tactics = t.tactics.map((tid) => {
      const name = parsed.data.tactics[tid];
      if (!name) throw new Error(`${file}: techniques.${id}.tactics: unknown tactic ${tid} (expected one of ${Object.keys(parsed.data.tactics).join(", ")})`);
      return { id: tid, name };
    });
    out.set(id, { id, name: t.name, tactics });
  }
  return out;
}

let table: ReadonlyMap<string, Technique> | undefined;

/** The technique by id, from the package's table (read once). */
export function technique(id: string): Technique | undefined {
  table ??= loadAttackTable();
  return table.get(id);
}

/** The tactics of a technique, or of its parent when only the parent is listed. */
export function tacticsOf(id: string): Tactic[] {
  return technique(id)?.tactics ?? technique(id.split(".")[0] ?? id)?.tactics ?? [];
}
