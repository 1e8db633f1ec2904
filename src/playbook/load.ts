/**
 * Reading playbook files. Every problem is reported as "file:line: path: what was expected", all of
 * them at once, so a person fixing a playbook sees the whole list.
 */
import { readFileSync, readdirSync, statSync } from "node:fs";
import { basename, join } from "node:path";
import type { Document, LineCounter } from "yaml";
import { fromSnapshot } from "../startup/snapshot.js";
import { yaml } from "../startup/lazy-yaml.js";
import { PlaybookSchema } from "./schema.js";
import type { Playbook } from "./schema.js";
import { PLAYBOOK_DIR, isPlaybookPath, playbookFile } from "./files.js";

export { PLAYBOOK_DIR };

/** Playbooks are small; anything bigger is not one. */
const MAX_BYTES = 1024 * 1024;

export interface PlaybookProblem {
  file: string;
  line?: number;
  /** Path in the document, "escalations[2].when.any[0]". */
  path: string;
  message: string;
}

export class PlaybookError extends Error {
  constructor(readonly problems: PlaybookProblem[]) {
    super(problems.map(formatProblem).join("\n"));
    this.name = "PlaybookError";
  }
}

export function formatProblem(p: PlaybookProblem): string {
  const where = p.line !== undefined ? `${p.file}:${p.line}` : p.file;
  return p.path ? `${where}: ${p.path}: ${p.message}` : `${where}: ${p.message}`;
}

/** Parse and check playbook text. `file` is only used in messages. */
export function parsePlaybook(text: string, file: string): Playbook {
  return fromSnapshot("playbook", text, () => parseAndCheck(text, file));
}

function parseAndCheck(text: string, file: string): Playbook {
  const { LineCounter, parseDocument } = yaml();
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length > 0) {
    throw new PlaybookError(doc.errors.map((e) => {
      const p: PlaybookProblem = { file, path: "", message: `YAML: ${e.message.split("\n")[0] ?? e.code}` };
      if (e.linePos?.[0]) p.line = e.linePos[0].line;
      return p;
    }));
  }
  const result = PlaybookSchema.safeParse(doc.toJS({ maxAliasCount: 50 }));
  if (result.success) return result.data;
  throw new PlaybookError(result.error.issues.map((issue) => {
    const path = issue.path.map((k) => (typeof k === "number" ? k : String(k)));
    const p: PlaybookProblem = { file, path: formatPath(path), message: issue.message };
    // An unknown key is best shown at the key itself, not at the start of its parent.
    const at = issue.code === "unrecognized_keys" && issue.keys[0] !== undefined ? [...path, issue.keys[0]] : path;
    const line = lineOf(doc, lineCounter, at);
    if (line !== undefined) p.line = line;
    return p;
  }));
}

export interface PlaybookLoadOptions {
  /**
   * The response actions that exist (respond/registry.ts names()): every `actions:` name of a checklist item
   * and every region-sweep `action` must be one of them. The caller passes the names in so that playbook/
   * knows nothing of respond/. Not checked when absent.
   */
  actions?: ReadonlySet<string>;
}

/** Load one playbook file. */
export function loadPlaybookFile(path: string, options: PlaybookLoadOptions = {}): Playbook {
  const size = statSync(path).size;
  if (size > MAX_BYTES) {
    throw new PlaybookError([{ file: path, path: "", message: `file is ${size} bytes; a playbook is at most ${MAX_BYTES}` }]);
  }
  const text = readFileSync(path, "utf8");
  const pb = parsePlaybook(text, path);
  if (options.actions) checkActionNames(pb, options.actions, path, () => text);
  return pb;
}

/** Every action name the playbook uses, with where it is. */
function actionNames(pb: Playbook): { path: (string | number)[]; name: string }[] {
  const out: { path: (string | number)[]; name: string }[] = [];
  for (const phase of ["containment", "eradication", "recovery"] as const) {
    pb[phase].forEach((item, i) => item.actions.forEach((name, j) => out.push({ path: [phase, i, "actions", j], name })));
  }
  pb.regionSweep?.commands.forEach((c, i) => { if (c.action) out.push({ path: ["regionSweep", "commands", i, "action"], name: c.action }); });
  return out;
}

/** Throw a PlaybookError naming file:line of every action name that is not known. */
function checkActionNames(pb: Playbook, known: ReadonlySet<string>, file: string, text: () => string): void {
  const unknown = actionNames(pb).filter((a) => !known.has(a.name));
  if (unknown.length === 0) return;
  const { LineCounter, parseDocument } = yaml();
  const lineCounter = new LineCounter();
  const doc = parseDocument(text(), { lineCounter });
  const expected = [...known].sort().join(", ");
  throw new PlaybookError(unknown.map((a) => {
    const p: PlaybookProblem = { file, path: formatPath(a.path), message: `unknown response action "${a.name}": expected one of ${expected}` };
    const line = lineOf(doc, lineCounter, a.path);
    if (line !== undefined) p.line = line;
    return p;
  }));
}

const cache = new Map<string, Playbook>();

/** A playbook by id ("PB-31" reads pb-31.yaml) from the playbook folder; cached per folder and id. */
export function loadPlaybook(id = "PB-31", dir = PLAYBOOK_DIR, options: PlaybookLoadOptions = {}): Playbook {
  const key = `${dir}\0${id}`;
  const file = playbookFile(id, dir);
  let pb = cache.get(key);
  if (!pb) {
    pb = loadPlaybookFile(file);
    if (pb.id !== id) throw new PlaybookError([{ file, path: "id", message: `file is named for ${id} but says id ${pb.id}` }]);
    cache.set(key, pb);
  }
  if (options.actions) checkActionNames(pb, options.actions, file, () => readFileSync(file, "utf8"));
  return pb;
}

/** A playbook by id ("PB-31") or by path to a YAML file (scan and the server; load-fast.ts has a lighter start). */
export function choosePlaybook(idOrPath = "PB-31"): Playbook {
  return isPlaybookPath(idOrPath) ? loadPlaybookFile(idOrPath) : loadPlaybook(idOrPath);
}

/**
 * Every playbook in a folder, checked together: ids match file names, and every hand-off to another
 * playbook (escalations, related) names one that exists.
 */
export function loadPlaybooks(dir = PLAYBOOK_DIR, options: PlaybookLoadOptions = {}): Map<string, Playbook> {
  const problems: PlaybookProblem[] = [];
  const out = new Map<string, Playbook>();
  const files = readdirSync(dir).filter((f) => f.endsWith(".yaml") || f.endsWith(".yml")).sort();
  for (const name of files) {
    const file = join(dir, name);
    try {
      const pb = loadPlaybookFile(file, options);
      const expected = basename(name).replace(/\.ya?ml$/, "").toUpperCase();
      if (pb.id !== expected) problems.push({ file, path: "id", message: `id ${pb.id} does not match the file name (expected ${expected})` });
      else out.set(pb.id, pb);
    } catch (err) {
      if (err instanceof PlaybookError) problems.push(...err.problems);
      else throw err;
    }
  }
  for (const pb of out.values()) {
    const file = join(dir, `${pb.id.toLowerCase()}.yaml`);
    pb.escalations.forEach((e, i) => {
      if (e.playbook && !out.has(e.playbook)) {
        problems.push({ file, path: `escalations[${i}].playbook`, message: `hands over to ${e.playbook}, which has no file in ${dir}` });
      }
    });
    pb.related.forEach((r, i) => {
      if (!out.has(r)) problems.push({ file, path: `related[${i}]`, message: `${r} has no file in ${dir}` });
    });
  }
  if (problems.length > 0) throw new PlaybookError(problems);
  return out;
}

function formatPath(path: (string | number)[]): string {
  let s = "";
  for (const k of path) s += typeof k === "number" ? `[${k}]` : s ? `.${k}` : k;
  return s;
}

/** Line of the deepest node of the path that exists in the document (a missing key points at its parent). */
function lineOf(doc: Document, lc: LineCounter, path: (string | number)[]): number | undefined {
  for (let n = path.length; n >= 0; n--) {
    const node: unknown = n === 0 ? doc.contents : doc.getIn(path.slice(0, n), true);
    if (yaml().isNode(node) && node.range) return lc.linePos(node.range[0]).line;
  }
  return undefined;
}
