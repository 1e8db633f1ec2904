/**
 * Whether a target is on the protected list (ResponseContext.protect.ids): names or globs ("prod-*",
 * "kube-system/*", "/subscriptions/123/*"). A "*" matches any run of characters, "?" one; nothing else is
 * special, so an id from a provider can never act as a pattern.
 */
export function protectedBy(patterns: readonly string[], candidates: readonly string[]): string | undefined {
  for (const pattern of patterns) {
    const re = globToRegExp(pattern);
    if (candidates.some((c) => re.test(c))) return pattern;
  }
  return undefined;
}

function globToRegExp(glob: string): RegExp {
  let src = "";
  for (const ch of glob) {
    if (ch === "*") src += ".*";
    else if (ch === "?") src += ".";
    else src += ch.replace(/[\\^$.|+()[\]{}]/g, "\\$&");
  }
  return new RegExp(`^${src}$`, "i");
}
