/**
 * The price table (data/prices/*.yaml): USD per hour by provider, instance type and region. Data, not code:
 * each file names its source and date in its header. Every problem is reported as "file:line: what was expected".
 */
import { readFileSync, readdirSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { z } from "zod";
import type { Provider } from "../model/index.js";
import { PROVIDERS } from "../model/index.js";
import { yaml } from "../startup/lazy-yaml.js";
import type { PriceTable } from "./types.js";

export const PRICE_DIR = resolve(dirname(fileURLToPath(import.meta.url)), "../../data/prices");

const MAX_BYTES = 1024 * 1024;

const PriceFileSchema = z.strictObject({
  provider: z.enum(PROVIDERS),
  source: z.string().min(1, "where the prices come from"),
  date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "the date the prices were taken, YYYY-MM-DD"),
  currency: z.literal("USD"),
  prices: z.record(
    z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, "an instance type such as c5.4xlarge"),
    z.record(z.string().regex(/^[a-z0-9-]+$/, "a region such as us-east-1"), z.number().positive("a price in USD per hour, above 0")),
  ),
});

export class PriceTableError extends Error {
  constructor(readonly problems: string[]) {
    super(problems.join("\n"));
    this.name = "PriceTableError";
  }
}

export interface PriceFile {
  file: string;
  provider: Provider;
  source: string;
  date: string;
  /** type → region → USD per hour. */
  prices: Map<string, Map<string, number>>;
}

/** Parse one price file's text; `file` is for messages. */
export function parsePriceFile(text: string, file: string): PriceFile {
  const { LineCounter, parseDocument, isNode } = yaml();
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc, uniqueKeys: true });
  if (doc.errors.length > 0) {
    throw new PriceTableError(doc.errors.map((e) => `${file}:${e.linePos?.[0]?.line ?? "?"}: not valid YAML: ${e.message.split("\n")[0]}`));
  }
  const result = PriceFileSchema.safeParse(doc.toJS({ maxAliasCount: 10 }) ?? {});
  if (!result.success) {
    throw new PriceTableError(result.error.issues.slice(0, 20).map((issue) => {
      const path = issue.path.filter((p): p is string | number => typeof p === "string" || typeof p === "number");
      let line: number | undefined;
      for (let n = path.length; n >= 0 && line === undefined; n--) {
        const node: unknown = n === 0 ? doc.contents : doc.getIn(path.slice(0, n), true);
        // A bad key (a type or region name) is reported at its own line, the path's deepest node that exists.
        if (isNode(node) && node.range) line = lc.linePos(node.range[0]).line;
      }
      const where = path.join(".") || "(top level)";
      const what = issue.code === "unrecognized_keys" ? `unknown key "${issue.keys.join('", "')}"`
        // zod reports a bad record key without its own message: say what a key must be.
        : issue.code === "invalid_key" ? `"${String(path.at(-1))}" is not ${path.length > 2 ? "a region such as us-east-1" : "an instance type such as c5.4xlarge"}`
          : issue.message;
      return `${file}${line !== undefined ? `:${line}` : ""}: ${where}: ${what}`;
    }));
  }
  const prices = new Map<string, Map<string, number>>();
  for (const [type, regions] of Object.entries(result.data.prices)) prices.set(type, new Map(Object.entries(regions)));
  return { file, provider: result.data.provider, source: result.data.source, date: result.data.date, prices };
}

export class YamlPriceTable implements PriceTable {
  private readonly byProvider = new Map<Provider, Map<string, Map<string, number>>>();

  constructor(readonly files: readonly PriceFile[]) {
    const problems: string[] = [];
    for (const f of files) {
      const table = this.byProvider.get(f.provider) ?? new Map<string, Map<string, number>>();
      this.byProvider.set(f.provider, table);
      for (const [type, regions] of f.prices) {
        if (table.has(type)) problems.push(`${f.file}: ${type} is priced in another ${f.provider} file too`);
        table.set(type, regions);
      }
    }
    if (problems.length) throw new PriceTableError(problems);
  }

  instanceUsdPerHour(provider: Provider, type: string, region?: string): number | undefined {
    const regions = this.byProvider.get(provider)?.get(type);
    if (!regions || regions.size === 0) return undefined;
    const exact = region === undefined ? undefined : regions.get(region);
    // Unknown region: the cheapest listed one, so a plan never overstates what is at stake.
    return exact ?? Math.min(...regions.values());
  }
}

/** Every *.yaml in the folder (data/prices by default), checked together. */
export function loadPriceTable(dir = PRICE_DIR): YamlPriceTable {
  const problems: string[] = [];
  const files: PriceFile[] = [];
  for (const name of readdirSync(dir).filter((n) => /\.ya?ml$/.test(n)).sort()) {
    const path = join(dir, name);
    const text = readFileSync(path, "utf8");
    if (text.length > MAX_BYTES) { problems.push(`${path}: ${text.length} bytes; a price file is at most ${MAX_BYTES}`); continue; }
    try {
      files.push(parsePriceFile(text, path));
    } catch (err) {
      if (err instanceof PriceTableError) problems.push(...err.problems);
      else throw err;
    }
  }
  if (problems.length) throw new PriceTableError(problems);
  return new YamlPriceTable(files);
}
