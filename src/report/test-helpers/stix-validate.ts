/**
 * A checker for the STIX 2.1 rules a test can verify without the OASIS validator (Python, not here):
 * common properties, identifier form (`type--UUID`, RFC 4122 variant), timestamps (RFC 3339 in UTC
 * with a Z), per-type required properties, references that point at objects of the right type, and the
 * pattern grammar for the comparison expressions minerhunt emits:
 *
 *   pattern     = "[" comparison *( ("AND" / "OR") comparison ) "]"
 *   comparison  = object-path SP "=" SP ( string / integer )
 *   object-path = object-type ":" property *( "." ( property / quoted-key ) )
 *   string      = "'" *( char-except-quote-and-backslash / "\\'" / "\\\\" ) "'"
 *
 * STIX 2.1 part 9 (patterning) and part 2 (common data types). Returns the problems found, empty when valid.
 */

const TYPE = /^[a-z0-9][a-z0-9-]*[a-z0-9]$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[1-8][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;

const REQUIRED: Record<string, string[]> = {
  "identity": ["name"],
  "attack-pattern": ["name"],
  "indicator": ["pattern", "pattern_type", "valid_from"],
  "relationship": ["relationship_type", "source_ref", "target_ref"],
  "report": ["name", "published", "object_refs"],
  "marking-definition": [],
};

export function validateStixBundle(bundle: unknown): string[] {
  const problems: string[] = [];
  const b = bundle as { type?: unknown; id?: unknown; objects?: unknown };
  if (b.type !== "bundle") problems.push("bundle: type must be 'bundle'");
  if (typeof b.id !== "string" || !isId(b.id, "bundle")) problems.push(`bundle: bad id ${String(b.id)}`);
  if (!Array.isArray(b.objects) || b.objects.length === 0) return [...problems, "bundle: objects must be a non-empty list"];
  const byId = new Map<string, Record<string, unknown>>();
  for (const o of b.objects as Record<string, unknown>[]) {
    if (typeof o.id === "string") {
      if (byId.has(o.id)) problems.push(`${o.id}: duplicate id`);
      byId.set(o.id, o);
    }
  }
  for (const o of b.objects as Record<string, unknown>[]) problems.push(...validateObject(o, byId));
  return problems;
}

function validateObject(o: Record<string, unknown>, byId: Map<string, Record<string, unknown>>): string[] {
  const problems: string[] = [];
  const type = typeof o.type === "string" ? o.type : "";
  const where = typeof o.id === "string" ? o.id : `(${type || "untyped"} object)`;
  const bad = (m: string) => problems.push(`${where}: ${m}`);
  if (!TYPE.test(type) || type.length < 3 || type.length > 250) bad(`bad type '${type}'`);
  if (o.spec_version !== "2.1") bad("spec_version must be '2.1'");
  if (typeof o.id !== "string" || !isId(o.id, type)) bad("id must be '<type>--<RFC 4122 UUID>'");
  for (const k of ["created", "modified"]) {
    if (typeof o[k] !== "string" || !TIMESTAMP.test(o[k] as string)) bad(`${k} must be an RFC 3339 UTC timestamp`);
  }
  if (typeof o.created === "string" && typeof o.modified === "string" && o.modified < o.created) bad("modified is before created");
  for (const k of REQUIRED[type] ?? []) if (o[k] === undefined || o[k] === "") bad(`missing required property ${k}`);
  if (o.created_by_ref !== undefined && !refTo(o.created_by_ref, "identity")) bad("created_by_ref must refer to an identity");
  if (o.object_marking_refs !== undefined) {
    if (!Array.isArray(o.object_marking_refs) || !o.object_marking_refs.every((r) => refTo(r, "marking-definition"))) bad("object_marking_refs must be marking-definition ids");
  }
  if (type === "indicator") {
    if (o.pattern_type !== "stix") bad("pattern_type must be 'stix'");
    const issue = typeof o.pattern === "string" ? patternProblem(o.pattern) : "pattern must be a string";
    if (issue) bad(`pattern ${JSON.stringify(o.pattern)}: ${issue}`);
    if (typeof o.valid_from !== "string" || !TIMESTAMP.test(o.valid_from)) bad("valid_from must be an RFC 3339 UTC timestamp");
  }
  if (type === "relationship") {
    for (const k of ["source_ref", "target_ref"]) if (typeof o[k] !== "string" || !byId.has(o[k] as string)) bad(`${k} refers to no object in the bundle`);
  }
  if (type === "report") {
    if (!Array.isArray(o.object_refs) || o.object_refs.length === 0) bad("object_refs must be a non-empty list");
    else for (const r of o.object_refs) if (typeof r !== "string" || !byId.has(r)) bad(`object_refs: ${String(r)} is not in the bundle`);
    if (typeof o.published !== "string" || !TIMESTAMP.test(o.published)) bad("published must be an RFC 3339 UTC timestamp");
  }
  if (type === "attack-pattern" && Array.isArray(o.kill_chain_phases)) {
    for (const p of o.kill_chain_phases as { kill_chain_name?: unknown; phase_name?: unknown }[]) {
      if (typeof p.kill_chain_name !== "string" || typeof p.phase_name !== "string" || !/^[a-z0-9-]+$/.test(p.phase_name)) bad("kill_chain_phases need kill_chain_name and a lower-case phase_name");
    }
  }
  return problems;
}

function isId(id: string, type: string): boolean {
  const i = id.indexOf("--");
  return i > 0 && id.slice(0, i) === type && UUID.test(id.slice(i + 2));
}

function refTo(ref: unknown, type: string): boolean {
  return typeof ref === "string" && isId(ref, type);
}

/** Undefined when the pattern is one bracketed observation of comparisons joined by AND/OR; else what is wrong. */
export function patternProblem(pattern: string): string | undefined {
  let i = 0;
  const s = pattern;
  const expect = (text: string): boolean => {
    if (s.startsWith(text, i)) { i += text.length; return true; }
    return false;
  };
  if (!expect("[")) return "must start with '['";
  for (;;) {
    const path = /^([a-z0-9][a-z0-9-]*[a-z0-9]):([a-z0-9_]+)((\.([a-z0-9_]+|'[^'\\]+'))*)/.exec(s.slice(i));
    if (!path) return `expected an object path at ${i}`;
    i += path[0].length;
    if (!expect(" = ")) return `expected ' = ' at ${i}`;
    if (s[i] === "'") {
      i++;
      for (;;) {
        const c = s[i];
        if (c === undefined) return "unterminated string";
        if (c === "\\") {
          const n = s[i + 1];
          if (n !== "'" && n !== "\\") return `bad escape \\${n ?? ""} at ${i}`;
          i += 2;
          continue;
        }
        i++;
        if (c === "'") break;
      }
    } else {
      const num = /^-?\d+/.exec(s.slice(i));
      if (!num) return `expected a string or an integer at ${i}`;
      i += num[0].length;
    }
    if (expect(" AND ") || expect(" OR ")) continue;
    break;
  }
  if (!expect("]")) return `expected ']' at ${i}`;
  return i === s.length ? undefined : `trailing text at ${i}`;
}
