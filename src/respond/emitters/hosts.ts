/**
 * /etc/hosts sinkhole lines: every pool name to 0.0.0.0 and ::. A hosts file matches exact names only,
 * so subdomains not seen in the evidence are not blocked; the DNS formats (RPZ, dnsmasq, Unbound) are.
 */
import type { CleanBlocklist } from "./blocklist.js";
import { comment, headerLines, type EmitOptions, type Emitted } from "./common.js";

export function emitHosts(list: CleanBlocklist, opts: EmitOptions & { fileName?: string } = {}): Emitted {
  const lines = [
    comment("#", headerLines(list, "hosts", opts)),
    "# Append to /etc/hosts; exact names only (no subdomains)",
    "# BEGIN minerhunt blocklist",
    ...list.domains.flatMap((d) => [`0.0.0.0 ${d}`, `:: ${d}`]),
    "# END minerhunt blocklist",
    "",
  ];
  return { files: [{ name: `${opts.fileName ?? "minerhunt-blocklist"}.hosts`, content: lines.join("\n"), deploy: "append between the BEGIN/END markers of /etc/hosts (replace an earlier block)" }], dropped: [] };
}
