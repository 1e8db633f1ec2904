/**
 * dnsmasq: `address=/name/` answers NXDOMAIN for the name and every subdomain (dnsmasq 2.86 and later;
 * older versions need an address such as `address=/name/0.0.0.0`). Checked with `dnsmasq --test -C FILE`.
 */
import type { CleanBlocklist } from "./blocklist.js";
import { comment, headerLines, type EmitOptions, type Emitted } from "./common.js";

export function emitDnsmasq(list: CleanBlocklist, opts: EmitOptions = {}): Emitted {
  const lines = [
    comment("#", headerLines(list, "dnsmasq", opts)),
    "# Drop into /etc/dnsmasq.d/ and restart dnsmasq; check with: dnsmasq --test -C FILE",
    ...list.domains.map((d) => `address=/${d}/`),
    "",
  ];
  return { files: [{ name: "minerhunt-blocklist.dnsmasq.conf", content: lines.join("\n"), deploy: "copy to /etc/dnsmasq.d/, dnsmasq --test, restart dnsmasq" }], dropped: [] };
}
