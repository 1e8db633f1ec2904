/**
 * Sigma field name → FieldRef, for one rule's logsource, from the field table (data/fields.yaml).
 * FieldRefs are interned (event-view.ts), so two rules reading the same field share one cache slot
 * in EventView.
 */
import { fieldRef, type FieldRef } from "./event-view.js";
import type { FieldTable } from "./tables.js";
import type { Logsource } from "./types.js";

type Target = string | readonly string[];

function intern(ref: { keys: readonly string[]; json?: readonly string[]; index?: number }): FieldRef {
  return fieldRef(ref.keys, ref.json, ref.index);
}

const INDEXED = /^(.+)\[(\d+)\]$/;

function refFromTarget(target: Target): FieldRef {
  const list = typeof target === "string" ? [target] : target;
  const first = list[0]!;
  const m = list.length === 1 ? INDEXED.exec(first) : null;
  if (m) return intern({ keys: [m[1]!], index: Number(m[2]) });
  return intern({ keys: list });
}

export function plainFieldRef(name: string): FieldRef {
  return intern({ keys: [name] });
}

export type FieldResolver = (name: string) => FieldRef;

function sectionApplies(when: Logsource, ls: Logsource): boolean {
  return (when.product === undefined || when.product === ls.product)
    && (when.category === undefined || when.category === ls.category)
    && (when.service === undefined || when.service === ls.service);
}

interface PreparedSection {
  when: Logsource;
  fields: Map<string, FieldRef>;
  lowerFields: Map<string, FieldRef>;
  json: [string, string][];
  prefix?: string;
}

interface PreparedTable {
  common: Map<string, FieldRef>;
  lowerCommon: Map<string, FieldRef>;
  sections: PreparedSection[];
}

const prepared = new WeakMap<FieldTable, PreparedTable>();

function lowerKeys(m: Map<string, FieldRef>): Map<string, FieldRef> {
  const out = new Map<string, FieldRef>();
  for (const [k, v] of m) if (!out.has(k.toLowerCase())) out.set(k.toLowerCase(), v);
  return out;
}

/** Turn a table into FieldRef maps once (the table is read for every rule). */
function prepare(table: FieldTable): PreparedTable {
  let p = prepared.get(table);
  if (!p) {
    const common = new Map(Object.entries(table.common).map(([k, t]) => [k, refFromTarget(t)] as const));
    p = {
      common,
      lowerCommon: lowerKeys(common),
      sections: table.logsources.map((s) => {
        const fields = new Map(Object.entries(s.fields).map(([k, t]) => [k, refFromTarget(t)] as const));
        const section: PreparedSection = { when: s.when, fields, lowerFields: lowerKeys(fields), json: Object.entries(s.json) };
        if (s.prefix !== undefined) section.prefix = s.prefix;
        return section;
      }),
    };
    prepared.set(table, p);
  }
  return p;
}

/** The resolver for one logsource; it remembers what it resolved. */
export function fieldResolver(table: FieldTable, logsource: Logsource): FieldResolver {
  const p = prepare(table);
  const sections = p.sections.filter((s) => sectionApplies(s.when, logsource)).reverse();
  const memo = new Map<string, FieldRef>();

  const exact = (name: string): FieldRef | undefined => {
    for (const s of sections) {
      const r = s.fields.get(name);
      if (r) return r;
      for (const [prefix, container] of s.json) {
        if (name === prefix) return intern({ keys: [container] });
        if (name.startsWith(`${prefix}.`)) return intern({ keys: [container], json: name.slice(prefix.length + 1).split(".") });
      }
    }
    return p.common.get(name);
  };

  const ignoringCase = (name: string): FieldRef | undefined => {
    const lower = name.toLowerCase();
    for (const s of sections) { const r = s.lowerFields.get(lower); if (r) return r; }
    return p.lowerCommon.get(lower);
  };

  // A field nobody maps is looked up under the sections' prefixes, then under its raw name.
  const prefixes = sections.flatMap((s) => (s.prefix !== undefined ? [s.prefix] : []));
  const unmapped = (name: string): FieldRef => (prefixes.length > 0 ? intern({ keys: [...prefixes.map((p) => p + name), name] }) : plainFieldRef(name));

  return (name: string) => {
    let r = memo.get(name);
    if (!r) {
      r = exact(name) ?? ignoringCase(name) ?? unmapped(name);
      memo.set(name, r);
    }
    return r;
  };
}
