/**
 * Rule files → YAML documents, with line numbers. Uses the `yaml` package with duplicate keys as
 * errors (pySigma does the same) and a cap on alias expansion, so a "billion laughs" file is
 * refused instead of eating the memory of the scan.
 */
import type { Document, Node } from "yaml";
import { fromSnapshot } from "../../startup/snapshot.js";
import { yaml } from "../../startup/lazy-yaml.js";

/** Aliases one document may expand (the yaml package's own default; rules need none). */
export const MAX_ALIAS_COUNT = 100;
/** Rule files larger than this are refused unread (the largest SigmaHQ rule is ~20 KiB). */
export const MAX_RULE_FILE_BYTES = 1024 * 1024;

export interface YamlDoc {
  index: number;
  /** 1-based line where the document's content starts. */
  line: number;
  value: unknown;
  /** Line of the node at a key path (falls back to the closest enclosing node, then the document). */
  lineOf(path: readonly (string | number)[]): number;
}

export interface YamlProblem {
  index: number;
  line: number;
  message: string;
}

export interface YamlFile {
  docs: YamlDoc[];
  problems: YamlProblem[];
}

function firstLine(message: string): string {
  const nl = message.indexOf("\n");
  return (nl >= 0 ? message.slice(0, nl) : message).replace(/ at line \d+, column \d+:?$/, "");
}

function childNode(node: unknown, key: string | number): unknown {
  const { isMap, isScalar, isSeq } = yaml();
  if (isMap(node)) {
    for (const pair of node.items) {
      const k = isScalar(pair.key) ? pair.key.value : pair.key;
      if (k === key || String(k) === String(key)) return pair.value ?? pair.key;
    }
    return undefined;
  }
  if (isSeq(node) && typeof key === "number") return node.items[key];
  return undefined;
}

function keyNode(node: unknown, key: string | number): unknown {
  const { isMap, isScalar } = yaml();
  if (isMap(node)) {
    for (const pair of node.items) {
      const k = isScalar(pair.key) ? pair.key.value : pair.key;
      if (k === key || String(k) === String(key)) return pair.key;
    }
  }
  return undefined;
}

function nodeStart(node: unknown): number | undefined {
  const range = (node as Node | undefined)?.range;
  return Array.isArray(range) ? range[0] : undefined;
}

/** A rule file's documents as plain data: what the build snapshot keeps of a parse. */
interface PlainYamlFile {
  /** `lines`: the line of every path one or two keys deep (pathKey), which is what loading asks for. */
  docs: { index: number; line: number; value: unknown; lines: Record<string, number> }[];
  problems: YamlProblem[];
}

/** A path as one string; numbers stay distinct from numeric-looking keys (a list index is not a map key). */
function pathKey(path: readonly (string | number)[]): string {
  return path.map((k) => (typeof k === "number" ? `#${k}` : `:${k}`)).join("\0");
}

/** Lines of the paths one and two keys deep (top-level keys, list items and map keys under them). */
function shallowLines(doc: YamlDoc): Record<string, number> {
  const lines: Record<string, number> = {};
  const v = doc.value;
  if (v === null || typeof v !== "object" || Array.isArray(v)) return lines;
  for (const [k, child] of Object.entries(v as Record<string, unknown>)) {
    lines[pathKey([k])] = doc.lineOf([k]);
    if (Array.isArray(child)) child.forEach((_, i) => { lines[pathKey([k, i])] = doc.lineOf([k, i]); });
    else if (child !== null && typeof child === "object") {
      for (const c of Object.keys(child)) lines[pathKey([k, c])] = doc.lineOf([k, c]);
    }
  }
  return lines;
}

/**
 * Rule file text → documents. The shipped pack comes from the build snapshot (startup/snapshot.ts),
 * which keeps the lines of shallow paths (embedded tests, top-level keys); a deeper `lineOf` parses
 * the text again on first use (a warning or a refused rule: rare, and then the same line as without
 * the snapshot).
 */
export function parseYamlDocs(text: string): YamlFile {
  let full: YamlFile | undefined;
  const parseFull = (): YamlFile => (full ??= parseYamlDocsFresh(text));
  const plain: PlainYamlFile = fromSnapshot("sigma.yaml-docs", text, () => {
    const f = parseFull();
    return { docs: f.docs.map((d) => ({ index: d.index, line: d.line, value: d.value, lines: shallowLines(d) })), problems: f.problems };
  });
  if (full) return full;
  return {
    problems: plain.problems,
    docs: plain.docs.map(({ index, line, value, lines }) => ({
      index, line, value,
      lineOf: (path) => lines[pathKey(path)] ?? parseFull().docs.find((x) => x.index === index)?.lineOf(path) ?? line,
    })),
  };
}

function parseYamlDocsFresh(text: string): YamlFile {
  const { LineCounter, parseAllDocuments } = yaml();
  const lineCounter = new LineCounter();
  const docs: YamlDoc[] = [];
  const problems: YamlProblem[] = [];
  const parsed = parseAllDocuments(text, { lineCounter, prettyErrors: false, uniqueKeys: true }) as Document.Parsed[] | unknown;
  const list: Document.Parsed[] = Array.isArray(parsed) ? (parsed as Document.Parsed[]) : [];
  const lineAt = (offset: number | undefined): number => (offset === undefined ? 1 : lineCounter.linePos(offset).line);

  list.forEach((doc, index) => {
    const contentsStart = nodeStart(doc.contents) ?? doc.range[0];
    const docLine = lineAt(contentsStart);
    if (doc.errors.length > 0) {
      const e = doc.errors[0]!;
      problems.push({ index, line: lineAt(e.pos[0]), message: `YAML error: ${firstLine(e.message)}` });
      return;
    }
    let value: unknown;
    try {
      value = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
    } catch (e) {
      const msg = e instanceof Error ? e.message : String(e);
      problems.push({
        index, line: docLine,
        message: /alias/i.test(msg)
          ? `YAML refused: aliases expand beyond ${MAX_ALIAS_COUNT} nodes (resource exhaustion attack?)`
          : `YAML error: ${msg}`,
      });
      return;
    }
    if (value === null || value === undefined) return; // an empty document (e.g. a trailing ---)
    const lineOf = (path: readonly (string | number)[]): number => {
      let node: unknown = doc.contents;
      let best = contentsStart;
      for (let i = 0; i < path.length; i++) {
        const key = path[i]!;
        const isLast = i === path.length - 1;
        const next = isLast ? keyNode(node, key) ?? childNode(node, key) : childNode(node, key);
        const start = nodeStart(next ?? keyNode(node, key));
        if (start !== undefined) best = start;
        if (next === undefined) break;
        node = next;
      }
      return lineAt(best);
    };
    docs.push({ index, line: docLine, value, lineOf });
  });
  return { docs, problems };
}
