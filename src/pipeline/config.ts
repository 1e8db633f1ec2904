import { readFileSync } from "node:fs";
import type { Document, LineCounter } from "yaml";
import { yaml } from "../startup/lazy-yaml.js";
import { defaultConfig, type DetectConfig } from "../detect/config.js";
import { DetectConfigSchema } from "../detect/config-schema.js";

/** A config that cannot be used; `problems` holds one line per problem (file:line: where: what was expected). */
export class ConfigError extends Error {
  readonly problems: readonly string[];
  constructor(problems: string | readonly string[]) {
    const list = typeof problems === "string" ? [problems] : problems;
    super(list.join("; "));
    this.problems = list;
  }
}

/**
 * Read --config FILE (YAML or JSON). Unknown keys are errors, so a typo ("treshold") is caught
 * instead of silently ignored; each error names the file, the line and what was expected.
 */
export function loadConfig(path?: string): DetectConfig {
  if (!path) return defaultConfig();
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (err) {
    throw new ConfigError(`${path}: cannot read config: ${(err as Error).message}`);
  }
  const { LineCounter, parseDocument } = yaml();
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, uniqueKeys: true });
  if (doc.errors.length > 0) {
    const e = doc.errors[0]!;
    throw new ConfigError(`${path}:${e.linePos?.[0]?.line ?? "?"}: not valid YAML/JSON: ${e.message.split("\n")[0]}`);
  }
  const result = DetectConfigSchema.safeParse(doc.toJS({ maxAliasCount: 50 }) ?? {});
  if (!result.success) {
    // Every problem, each with its line: a person fixes the file once, not once per run.
    const problems = result.error.issues.slice(0, 20).map((issue) => {
      const path0 = issue.path.filter((p): p is string | number => typeof p === "string" || typeof p === "number");
      const keys = issue.code === "unrecognized_keys" ? issue.keys : [];
      const at = [...path0, ...keys.slice(0, 1)];
      const line = lineOfPath(doc, lineCounter, path0, keys[0]);
      const what = issue.code === "unrecognized_keys" ? `unknown setting "${keys.join('", "')}"` : issue.message;
      return `${path}${line ? `:${line}` : ""}: ${at.join(".") || "(top level)"}: ${what}`;
    });
    throw new ConfigError(problems);
  }
  return result.data;
}

function lineOfPath(doc: Document, lc: LineCounter, path: (string | number)[], key?: string): number | undefined {
  const node = path.length ? doc.getIn(path, true) : doc.contents;
  let target: unknown = node;
  const { isMap, isNode } = yaml();
  if (key !== undefined && isMap(node)) {
    target = node.items.find((p) => isNode(p.key) && (p.key as { value?: unknown }).value === key)?.key;
  }
  if (isNode(target) && target.range) return lc.linePos(target.range[0]).line;
  return undefined;
}
