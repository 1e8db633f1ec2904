/**
 * Unbound: a `local-zone: "name." always_refuse` per pool name (the zone covers its subdomains), inside a
 * `server:` clause. Checked with `unbound-checkconf FILE`.
 */
import type { CleanBlocklist } from "./blocklist.js";
import { comment, headerLines, type EmitOptions, type Emitted } from "./common.js";

export function emitUnbound(list: CleanBlocklist, opts: EmitOptions = {}): Emitted {
  const lines = [
    comment("#", headerLines(list, "Unbound", opts)),
    "# Include from unbound.conf (include: FILE) or drop into /etc/unbound/unbound.conf.d/; check with unbound-checkconf",
    "server:",
    ...list.domains.map((d) => `  local-zone: "${d}." always_refuse`),
    "",
  ];
  return { files: [{ name: "minerhunt-blocklist.unbound.conf", content: lines.join("\n"), deploy: "copy to /etc/unbound/unbound.conf.d/, unbound-checkconf, unbound-control reload" }], dropped: [] };
}
