/**
 * The table that names the rule behind a Falco text alert (data/sources/falco-text-rules.yaml): text output has
 * the rendered output only. Loaded once, checked with zod so a broken edit fails with the file's path.
 */
import { readFileSync } from "node:fs";
import { parse } from "yaml";
import { z } from "zod";
import { dataPath } from "../../startup/paths.js";

const TABLE_PATH = dataPath("sources", "falco-text-rules.yaml");

const Table = z.object({
  rules: z.array(z.object({ output: z.string().min(3), rule: z.string().min(1), tags: z.array(z.string()).default([]) }).strict()),
}).strict();

export interface KnownRule { rule: string; tags: string[] }

let cached: { output: string; rule: string; tags: string[] }[] | undefined;

function table() {
  if (!cached) {
    const parsed = Table.safeParse(parse(readFileSync(TABLE_PATH, "utf8")));
    if (!parsed.success) throw new Error(`${TABLE_PATH}: ${parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`);
    cached = [...parsed.data.rules].sort((a, b) => b.output.length - a.output.length);
  }
  return cached;
}

/** The Falco rule whose output starts this way, or undefined. */
export function ruleForOutput(output: string): KnownRule | undefined {
  const hit = table().find((r) => output.startsWith(r.output));
  return hit ? { rule: hit.rule, tags: hit.tags } : undefined;
}
