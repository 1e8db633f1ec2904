/**
 * Loads the two data tables that tie Sigma to minerhunt events: logsource routing
 * (data/logsources.yaml, joined with the datasets the sources declare: declared-routes.ts) and field
 * mapping (data/fields.yaml). They are checked with zod so a
 * broken edit fails at start with the table's own path in the message. loadRules takes the shipped
 * tables from tables-fast.ts, which skips the checks when the build snapshot already holds them.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { z } from "zod";
import { fromSnapshot } from "../../startup/snapshot.js";
import { yaml } from "../../startup/lazy-yaml.js";
import { TRIGGERS } from "../../model/index.js";
import { dataDir } from "./package-paths.js";
import { allSources } from "../../sources/index.js";
import type { Source } from "../../sources/types.js";
import { withDeclaredDatasets } from "./declared-routes.js";
import { FIELDS_KIND, ROUTES_KIND } from "./tables-fast.js";

const Target = z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]);

const LogsourceKeys = z.object({
  product: z.string().optional(),
  category: z.string().optional(),
  service: z.string().optional(),
}).strict();

export const FieldTableSchema = z.object({
  common: z.record(z.string(), Target),
  logsources: z.array(z.object({
    when: LogsourceKeys,
    fields: z.record(z.string(), Target).default({}),
    json: z.record(z.string(), z.string().min(1)).default({}),
    /** A field no table maps is read under this prefix first (Windows: winlog.event_data.<Name>). */
    prefix: z.string().min(1).optional(),
  }).strict()).default([]),
}).strict();
export type FieldTable = z.infer<typeof FieldTableSchema>;

const RouteTarget = z.object({
  datasets: z.array(z.string()).default([]),
  categories: z.array(z.string()).default([]),
  trigger: z.enum(TRIGGERS),
  /** Fields the routed events can hold (x.* is a prefix); absent: any field. */
  carries: z.array(z.string()).optional(),
}).strict();

export const RouteTableSchema = z.object({
  common_carries: z.array(z.string()).default([]),
  products: z.record(z.string(), z.object({
    field: z.string().min(1),
    values: z.array(z.string()).min(1),
    missing: z.boolean().default(false),
  }).strict()),
  categories: z.record(z.string(), RouteTarget),
  services: z.array(RouteTarget.extend({ product: z.string().optional(), service: z.string() }).strict()),
}).strict();
export type RouteTable = z.infer<typeof RouteTableSchema>;

function loadTable<T>(file: string, schema: z.ZodType<T>): T {
  const text = readFileSync(file, "utf8");
  const kind = schema === (FieldTableSchema as z.ZodType) ? FIELDS_KIND : ROUTES_KIND;
  return fromSnapshot(kind, text, () => {
    const parsed = schema.safeParse(yaml().parse(text, { maxAliasCount: 100 }));
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new Error(`${file}: ${issue ? `${issue.path.join(".")}: ${issue.message}` : "invalid table"}`);
    }
    return parsed.data;
  });
}

export interface SigmaTables {
  fields: FieldTable;
  routes: RouteTable;
}

let cached: SigmaTables | undefined;

/** The tables shipped with minerhunt (read once per process). */
export function defaultTables(): SigmaTables {
  if (!cached) {
    const dir = dataDir();
    const routesFile = join(dir, "logsources.yaml");
    cached = {
      fields: loadTable(join(dir, "fields.yaml"), FieldTableSchema),
      routes: withDeclaredDatasets(loadTable(routesFile, RouteTableSchema), allSources, routesFile),
    };
  }
  return cached;
}

/** Tables from other files (a site may map its own sources); datasets still come from the sources' declarations. */
export function loadTables(fieldsFile: string, routesFile: string, sources: readonly Source[] = allSources): SigmaTables {
  return { fields: loadTable(fieldsFile, FieldTableSchema), routes: withDeclaredDatasets(loadTable(routesFile, RouteTableSchema), sources, routesFile) };
}
