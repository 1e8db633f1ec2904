/**
 * Shell-style globs for site lists in the config ("ml-*", "gpu-node-??"): `*` any run of characters,
 * `?` one character, everything else literal, case-insensitive. Matched by the classic two-pointer walk
 * (no regex built from config text, no exponential backtracking: O(pattern × text) at worst).
 */
export function globMatch(pattern: string, text: string): boolean {
  const p = pattern.toLowerCase();
  const t = text.toLowerCase();
  let pi = 0;
  let ti = 0;
  let starAt = -1; // position in p of the last '*'
  let starText = 0; // position in t that '*' is currently standing for up to
  while (ti < t.length) {
    const pc = p[pi];
    if (pc === "*") {
      starAt = pi++;
      starText = ti;
    } else if (pc !== undefined && (pc === "?" || pc === t[ti])) {
      pi++;
      ti++;
    } else if (starAt !== -1) {
      // Let the last '*' swallow one more character and retry from there.
      pi = starAt + 1;
      ti = ++starText;
    } else {
      return false;
    }
  }
  while (p[pi] === "*") pi++;
  return pi === p.length;
}

/** Whether any pattern matches. Empty or missing values never match. */
export function matchesAny(patterns: readonly string[], value: string | undefined): boolean {
  if (!value) return false;
  return patterns.some((p) => globMatch(p, value));
}
