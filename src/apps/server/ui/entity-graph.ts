/**
 * The incident's entity graph as mermaid text: machines (hosts, instances; an address when a record names
 * no machine), the pools and wallets they
 * mine to, the access keys and accounts behind them. Every label is log text, so it is written as a quoted
 * mermaid label with every character outside letters, digits and a few safe marks replaced by mermaid's
 * #code; entity: no value can close its quotes, start a link, a click handler or markup. Node ids are ours.
 */
import type { Finding } from "../../../model/index.js";

export const GRAPH_KINDS = ["host", "instance", "ip", "pool", "wallet", "key", "account"] as const;
export type GraphKind = (typeof GRAPH_KINDS)[number];

/** At most this many nodes of one kind are drawn; the rest are counted. */
export const MAX_NODES_PER_KIND = 20;

const CLASS_STYLE: Record<GraphKind, string> = {
  host: "fill:#d6eaf8,stroke:#2471a3",
  instance: "fill:#d1f2eb,stroke:#138d75",
  ip: "fill:#f4f6f7,stroke:#2471a3",
  pool: "fill:#fadbd8,stroke:#c0392b",
  wallet: "fill:#fdebd0,stroke:#ca6f1e",
  key: "fill:#e8daef,stroke:#7d3c98",
  account: "fill:#eaecee,stroke:#566573",
};

export interface EntityGraph {
  mermaid: string;
  nodes: number;
  omitted: number;
}

/** A mermaid label, quoted, with anything that could mean syntax as #code; (decimal code point). */
export function mermaidLabel(text: string): string {
  let out = "";
  for (const ch of text.replace(/[\r\n]+/g, " ").slice(0, 120)) {
    out += /[\p{L}\p{M}\p{N} ._:/@-]/u.test(ch) && !/[\p{Cc}\p{Cf}]/u.test(ch) ? ch : `#${ch.codePointAt(0)};`;
  }
  return `"${out}"`;
}

export function entityGraph(findings: readonly Finding[], labels: Record<GraphKind, string>): EntityGraph {
  const ids = new Map<string, string>();
  const perKind = new Map<GraphKind, number>();
  const lines: string[] = [];
  const edges = new Set<string>();
  let omitted = 0;

  const node = (kind: GraphKind, value: string): string | undefined => {
    const key = `${kind}\0${value}`;
    const known = ids.get(key);
    if (known) return known;
    const count = perKind.get(kind) ?? 0;
    if (count >= MAX_NODES_PER_KIND) {
      omitted++;
      ids.set(key, "");
      return undefined;
    }
    perKind.set(kind, count + 1);
    const id = `n${ids.size}`;
    ids.set(key, id);
    lines.push(`  ${id}[${mermaidLabel(`${labels[kind]}: ${value}`)}]:::${kind}`);
    return id;
  };
  const edge = (from: string | undefined, to: string | undefined): void => {
    if (from && to && from !== to) edges.add(`  ${from} --> ${to}`);
  };

  for (const f of findings) {
    const e = f.entities;
    let machines = [...(e.hosts ?? []).map((v) => node("host", v)), ...(e.instances ?? []).map((v) => node("instance", v))];
    // A network record names no machine, only its address: draw the address so its pool is not left alone.
    if (machines.length === 0 && (e.pools?.length || f.observables.some((o) => o.type === "wallet"))) machines = (e.ips ?? []).map((v) => node("ip", v));
    const marks = [
      ...(e.pools ?? []).map((v) => node("pool", v)),
      ...f.observables.filter((o) => o.type === "wallet").map((o) => node("wallet", o.value)),
    ];
    const keys = (e.accessKeys ?? []).map((v) => node("key", v));
    const accounts = (e.accounts ?? []).map((v) => node("account", v));
    for (const m of machines) for (const p of marks) edge(m, p);
    for (const k of keys) for (const m of machines) edge(k, m);
    for (const a of accounts) for (const k of keys.length ? keys : machines) edge(a, k);
  }
  const text = ["flowchart LR", ...lines, ...[...edges].sort(), ...GRAPH_KINDS.map((k) => `  classDef ${k} ${CLASS_STYLE[k]}`)];
  return { mermaid: text.join("\n"), nodes: lines.length, omitted };
}
