/**
 * What intel is loaded and from where, for `minerhunt intel list`, and dropping an imported list,
 * for `minerhunt intel remove`.
 *
 * Listing never throws on a broken imported list (loadIntel does, so a scan does not run on half its
 * intel): it is shown with the reason, so the person can remove or re-import it.
 */
import { existsSync, readFileSync, readdirSync, statSync, unlinkSync } from "node:fs";
import { join } from "node:path";
import { parse as parseYaml } from "yaml";
import { defaultIntelDir, userIntelDir } from "./load.js";
import { ImportedFileSchema } from "./schema.js";

export interface IntelSourceInfo {
  /** "pools.yaml" for built-in files; the list name for imported ones. */
  name: string;
  kind: "built-in" | "imported";
  file: string;
  /** How many of each kind of indicator the file holds. */
  counts: Record<string, number>;
  /** Imported lists: where the list was imported from, when, and how much one hit means. */
  source?: string;
  importedAt?: string;
  confidence?: number;
  /** Why the file cannot be read (the scan refuses to run until it is fixed or removed). */
  error?: string;
}

export interface InventoryOptions {
  dataDir?: string;
  importDirs?: string[];
}

/** Indicator counts of a built-in file: the length of every list in it, one level down too ("ports.playbook"). */
function countLists(doc: unknown, prefix = "", depth = 0): Record<string, number> {
  const out: Record<string, number> = {};
  if (doc === null || typeof doc !== "object" || Array.isArray(doc)) return out;
  for (const [k, v] of Object.entries(doc as Record<string, unknown>)) {
    const key = prefix ? `${prefix}.${k}` : k;
    if (Array.isArray(v)) out[key] = v.length;
    else if (depth === 0) Object.assign(out, countLists(v, key, depth + 1));
  }
  return out;
}

function builtIn(dir: string): IntelSourceInfo[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).filter((n) => n.endsWith(".yaml")).sort().map((name): IntelSourceInfo => {
    const file = join(dir, name);
    try {
      const doc: unknown = parseYaml(readFileSync(file, "utf8"), { maxAliasCount: 50 });
      return { name, kind: "built-in" as const, file, counts: countLists(doc) };
    } catch (err) {
      return { name, kind: "built-in" as const, file, counts: {}, error: `not valid YAML: ${(err as Error).message}` };
    }
  });
}

function imported(dir: string): IntelSourceInfo[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).filter((n) => n.endsWith(".json")).sort().map((fileName): IntelSourceInfo => {
    const file = join(dir, fileName);
    const fallbackName = fileName.slice(0, -".json".length);
    let doc: unknown;
    try {
      doc = JSON.parse(readFileSync(file, "utf8"));
    } catch (err) {
      return { name: fallbackName, kind: "imported" as const, file, counts: {}, error: `not valid JSON: ${(err as Error).message}` };
    }
    const parsed = ImportedFileSchema.safeParse(doc);
    if (!parsed.success) {
      return { name: fallbackName, kind: "imported" as const, file, counts: {}, error: `not an imported list (${parsed.error.issues[0]!.message})` };
    }
    const l = parsed.data;
    return {
      name: l.name, kind: "imported" as const, file, counts: { domains: l.domains.length, ips: l.ips.length },
      source: l.source, importedAt: l.importedAt, confidence: l.confidence,
    };
  });
}

/** Built-in data files first, then each import folder's lists, each sorted by name. */
export function listIntelSources(opts: InventoryOptions = {}): IntelSourceInfo[] {
  const out = builtIn(opts.dataDir ?? defaultIntelDir());
  for (const dir of opts.importDirs ?? [userIntelDir()]) out.push(...imported(dir));
  return out;
}

export class UnknownListError extends Error {
  constructor(readonly listName: string, readonly known: string[], builtInFile?: string) {
    const what = builtInFile ? `"${listName}" is built-in data (${builtInFile}), not an imported list` : `no imported list named "${listName}"`;
    super(known.length
      ? `${what}; imported lists: ${known.join(", ")}`
      : `${what}; nothing has been imported (minerhunt intel import LIST)`);
  }
}

/**
 * Delete the imported list NAME from `dir`: the file whose saved name is NAME (or, for a broken file
 * that has no readable name, whose file name is NAME.json). Built-in files cannot be removed.
 */
export function removeImportedList(name: string, dir = userIntelDir(), dataDir = defaultIntelDir()): IntelSourceInfo {
  const lists = imported(dir);
  const hit = lists.find((l) => l.name === name);
  if (!hit) {
    const builtInFile = builtIn(dataDir).find((b) => b.name === name || b.name === `${name}.yaml`);
    if (builtInFile) throw new UnknownListError(name, lists.map((l) => l.name), builtInFile.file);
    throw new UnknownListError(name, lists.map((l) => l.name));
  }
  if (!statSync(hit.file).isFile()) throw new UnknownListError(name, lists.map((l) => l.name));
  unlinkSync(hit.file);
  return hit;
}
