/**
 * The shipped Sigma tables for loadRules, without loading YAML and zod when the build snapshot holds their
 * checked values (startup/snapshot.ts; importing the parser and the schemas to check them again cost about
 * a tenth of a CPU-second). Otherwise tables.ts reads and checks them. This module must not import
 * tables.ts (only its types).
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { snapshotValue } from "../../startup/snapshot.js";
import { allSources } from "../../sources/index.js";
import { dataDir } from "./package-paths.js";
import { withDeclaredDatasets } from "./declared-routes.js";
import type { FieldTable, RouteTable, SigmaTables } from "./tables.js";

/** The snapshot kinds of the two tables (tables.ts records them under these names). */
export const FIELDS_KIND = "sigma.fields";
export const ROUTES_KIND = "sigma.routes";

/**
 * What tables.ts defaultTables returns, from the build snapshot when it holds both tables. Not cached here:
 * the snapshot hands each entry out once, so a second call takes tables.ts's path (which caches).
 */
export async function defaultTablesFast(): Promise<SigmaTables> {
  const dir = dataDir();
  const routesFile = join(dir, "logsources.yaml");
  const fields = fromSnapshotOnly<FieldTable>(FIELDS_KIND, join(dir, "fields.yaml"));
  const routes = fromSnapshotOnly<RouteTable>(ROUTES_KIND, routesFile);
  if (fields && routes) return { fields, routes: withDeclaredDatasets(routes, allSources, routesFile) };
  return (await import("./tables.js")).defaultTables();
}

function fromSnapshotOnly<T>(kind: string, file: string): T | undefined {
  try {
    return snapshotValue<T>(kind, readFileSync(file, "utf8"));
  } catch {
    return undefined; // tables.ts reads it again and reports what is wrong
  }
}
