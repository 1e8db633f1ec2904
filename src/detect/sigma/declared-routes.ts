/**
 * The datasets of each logsource come from the sources: a source that declares `sigma: ["dns_query"]`
 * for a dataset puts that dataset in the `dns_query` route (src/sources/types.ts, DatasetDeclaration).
 * data/logsources.yaml keeps what is Sigma's side of the bargain: the taxonomy, the categories an entry
 * matches by, the trigger, the fields routed events carry and the product qualifiers.
 *
 * A logsource name is a taxonomy category ("process_creation") or "product/service" ("zeek/dns").
 */
import type { DatasetDeclaration, Source } from "../../sources/types.js";
import type { RouteTable } from "./tables.js";

/** Every dataset declaration of these sources, once per dataset (the first declaration of a dataset wins). */
export function declaredDatasets(sources: readonly Source[]): DatasetDeclaration[] {
  const seen = new Map<string, DatasetDeclaration>();
  for (const s of sources) for (const d of s.emits) if (!seen.has(d.dataset)) seen.set(d.dataset, d);
  return [...seen.values()];
}

/**
 * The route table with each entry's datasets joined by those the sources declare for it. A declaration
 * naming a logsource the table has no entry for is an error: it would silently route nothing.
 */
export function withDeclaredDatasets(table: RouteTable, sources: readonly Source[], where = "data/logsources.yaml"): RouteTable {
  const categories: RouteTable["categories"] = {};
  for (const [name, entry] of Object.entries(table.categories)) categories[name] = { ...entry, datasets: [...entry.datasets] };
  const services = table.services.map((s) => ({ ...s, datasets: [...s.datasets] }));
  const add = (list: string[], dataset: string) => { if (!list.includes(dataset)) list.push(dataset); };
  for (const source of sources) {
    for (const d of source.emits) {
      for (const logsource of d.sigma ?? []) {
        const slash = logsource.indexOf("/");
        if (slash === -1) {
          const entry = categories[logsource];
          if (!entry) throw new Error(`source ${source.id} declares Sigma category "${logsource}" for ${d.dataset}, which ${where} has no entry for`);
          add(entry.datasets, d.dataset);
        } else {
          const product = logsource.slice(0, slash);
          const service = logsource.slice(slash + 1);
          const entry = services.find((s) => s.service === service && (s.product === undefined || s.product === product));
          if (!entry) throw new Error(`source ${source.id} declares Sigma service "${logsource}" for ${d.dataset}, which ${where} has no entry for`);
          add(entry.datasets, d.dataset);
        }
      }
    }
  }
  return { ...table, categories, services };
}
