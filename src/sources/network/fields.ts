/**
 * Field groups several network sources fill the same way: URL parts from a Host header and a
 * request target, and the common name out of a certificate subject.
 */
import type { Event } from "../../model/index.js";
import { isIpAddress, normalizeDomain, put } from "./common.js";

/** The CN out of an X.509 distinguished name such as "CN=pool.example,O=Example". */
export function commonName(dn: string | undefined): string | undefined {
  if (!dn) return undefined;
  for (const part of dn.split(",")) {
    const p = part.trim();
    if (p.startsWith("CN=")) return p.slice(3);
  }
  return undefined;
}

/** "host:port" or "[v6]:port" to its host part; plain hosts unchanged. */
export function hostWithoutPort(host: string): { host: string; port?: number } {
  if (host.startsWith("[")) {
    const close = host.indexOf("]");
    if (close > 0) {
      const port = Number(host.slice(close + 2));
      return Number.isInteger(port) && host[close + 1] === ":" ? { host: host.slice(1, close), port } : { host: host.slice(1, close) };
    }
  }
  const colon = host.lastIndexOf(":");
  if (colon > 0 && host.indexOf(":") === colon) {
    const port = Number(host.slice(colon + 1));
    if (Number.isInteger(port) && port > 0 && port < 65536) return { host: host.slice(0, colon), port };
  }
  return { host };
}

/** url.domain / url.port / url.path / url.query from a Host header and a request target. */
export function urlFields(event: Event, host: string | undefined, target: string | undefined): void {
  if (host) {
    const h = hostWithoutPort(host.trim());
    const name = h.host.toLowerCase();
    put(event, "url.domain", name);
    if (h.port !== undefined) put(event, "url.port", h.port);
    if (!isIpAddress(name)) put(event, "destination.domain", normalizeDomain(name));
  }
  if (target) {
    put(event, "url.original", target);
    let pathPart = target;
    if (/^[a-z][a-z0-9+.-]*:\/\//i.test(target)) {
      // Absolute form (proxies): the path starts after the authority.
      const slash = target.indexOf("/", target.indexOf("//") + 2);
      pathPart = slash === -1 ? "/" : target.slice(slash);
    }
    const q = pathPart.indexOf("?");
    put(event, "url.path", q === -1 ? pathPart : pathPart.slice(0, q));
    if (q !== -1) put(event, "url.query", pathPart.slice(q + 1));
  }
}


/**
 * What a flow record (Zeek conn, Suricata flow, VPC flow, a capture's flow) never carries, though other
 * events of its logsources do: names and application fields (DatasetDeclaration.lacks).
 */
export const FLOW_LACKS: readonly string[] = [
  "destination.domain", "url.domain", "url.original", "url.path", "tls.client.server_name", "dns.question.name",
  "user_agent.original", "minerhunt.http.headers",
];
