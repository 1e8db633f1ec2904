/**
 * Reading and checking the intel data (data/intel/*.yaml, each against its schema) and the imported lists,
 * then assembling Intel (build.ts). A scan's start takes the shipped files from the build snapshot instead
 * (load-fast.ts), without this module's YAML parser and zod.
 */
import { readFileSync, readdirSync, existsSync } from "node:fs";
import { join } from "node:path";
import type { z } from "zod";
import { fromSnapshot } from "../startup/snapshot.js";
import { yaml } from "../startup/lazy-yaml.js";
import { buildIntel, type IntelFiles } from "./build.js";
import { IntelError, defaultIntelDir, userIntelDir, type LoadIntelOptions } from "./locations.js";
import { CampaignsFileSchema, CloudFileSchema, HostsFileSchema, ImportedFileSchema, MinersFileSchema, PoolsFileSchema, StratumFileSchema, WindowsFileSchema, type ImportedFile } from "./schema.js";
import type { Intel } from "./types.js";

export { IntelError, defaultIntelDir, userIntelDir, type LoadIntelOptions };

/** A checked data file; `kind` names its schema for the build snapshot (the same text checked another way is another entry). */
export function readYaml<S extends z.ZodType>(file: string, kind: string, schema: S): z.infer<S> {
  const text = readFileSync(file, "utf8");
  return fromSnapshot(`intel.${kind}`, text, () => {
    let doc: unknown;
    try {
      doc = yaml().parse(text, { maxAliasCount: 50 });
    } catch (err) {
      throw new IntelError(`${file}: not valid YAML: ${(err as Error).message}`);
    }
    const parsed = schema.safeParse(doc);
    if (!parsed.success) {
      const first = parsed.error.issues[0]!;
      throw new IntelError(`${file}: at ${first.path.join(".") || "(top)"}: ${first.message}`);
    }
    return parsed.data;
  });
}

/** Every data/intel file, checked, in the order of INTEL_FILES. */
export function readIntelData(dir: string): IntelFiles {
  const file = (name: keyof IntelFiles) => join(dir, `${name}.yaml`);
  return {
    miners: readYaml(file("miners"), "miners", MinersFileSchema),
    stratum: readYaml(file("stratum"), "stratum", StratumFileSchema),
    pools: readYaml(file("pools"), "pools", PoolsFileSchema),
    cloud: readYaml(file("cloud"), "cloud", CloudFileSchema),
    hosts: readYaml(file("hosts"), "hosts", HostsFileSchema),
    campaigns: readYaml(file("campaigns"), "campaigns", CampaignsFileSchema),
    windows: readYaml(file("windows"), "windows", WindowsFileSchema),
  };
}

/** The lists `minerhunt intel import` saved in these folders, checked (a broken one stops the load). */
export function readImportedLists(dirs: readonly string[]): ImportedFile[] {
  const imported: ImportedFile[] = [];
  for (const importDir of dirs) {
    if (!existsSync(importDir)) continue;
    for (const name of readdirSync(importDir).sort()) {
      if (!name.endsWith(".json")) continue;
      const file = join(importDir, name);
      let doc: unknown;
      try { doc = JSON.parse(readFileSync(file, "utf8")); } catch (err) { throw new IntelError(`${file}: not valid JSON: ${(err as Error).message}`); }
      const parsed = ImportedFileSchema.safeParse(doc);
      if (!parsed.success) throw new IntelError(`${file}: not an imported list (${parsed.error.issues[0]!.message}); re-import it with 'minerhunt intel import'`);
      imported.push(parsed.data);
    }
  }
  return imported;
}

export function loadIntel(opts: LoadIntelOptions = {}): Intel {
  const files = readIntelData(opts.dataDir ?? defaultIntelDir());
  const imported = [...(opts.extraLists ?? []), ...readImportedLists(opts.importDirs ?? [userIntelDir()])];
  return buildIntel(files, imported, opts.allowDomains);
}
