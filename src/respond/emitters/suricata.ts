/**
 * Suricata rules: per pool name a dns.query, a tls.sni and an http.host rule (the name and its subdomains:
 * dotprefix + endswith), one rule for the pool addresses, and one for connections to pool ports. Every rule
 * has its own sid in the local range (1,000,000-1,999,999) and rev:1. Suricata is not installable on the
 * build machine, so the tests check the syntax themselves; run `suricata -T -S FILE` where it is installed.
 */
import type { CleanBlocklist, Rejected } from "./blocklist.js";
import { comment, headerLines, type EmitOptions, type Emitted } from "./common.js";
import { safeRef } from "./validate.js";

export const SID_BASE = 1_931_000;
const SID_LOCAL_MAX = 1_999_999;
/** Addresses per IP rule: long address lists make a rule hard to read and slow to load. */
const IPS_PER_RULE = 50;

export function emitSuricata(list: CleanBlocklist, opts: EmitOptions & { sidBase?: number } = {}): Emitted {
  const base = opts.sidBase ?? SID_BASE;
  if (!Number.isInteger(base) || base < 1_000_000 || base > SID_LOCAL_MAX) throw new Error(`sid base ${base}: expected a number in the local range 1000000-1999999`);
  const ref = safeRef(list.refs.incidentId ?? list.refs.source);
  const dropped: Rejected[] = [];
  const rules: string[] = [];
  let sid = base;
  const add = (head: string, msg: string, options: string[]): boolean => {
    if (sid > SID_LOCAL_MAX) return false;
    const all = [`msg:"minerhunt ${msg} (${ref})"`, ...options, "classtype:coin-mining", `sid:${sid}`, "rev:1"];
    rules.push(`${head} (${all.join("; ")};)`);
    sid++;
    return true;
  };
  for (const d of list.domains) {
    const ok = add("alert dns $HOME_NET any -> any any", `DNS query for mining pool ${d}`, ["dns.query", "dotprefix", `content:".${d}"`, "nocase", "endswith"])
      && add("alert tls $HOME_NET any -> $EXTERNAL_NET any", `TLS SNI of mining pool ${d}`, ["flow:established,to_server", "tls.sni", "dotprefix", `content:".${d}"`, "nocase", "endswith"])
      && add("alert http $HOME_NET any -> $EXTERNAL_NET any", `HTTP Host of mining pool ${d}`, ["flow:established,to_server", "http.host", "dotprefix", `content:".${d}"`, "endswith"]);
    if (!ok) dropped.push({ kind: "domain", value: d, reason: "no sid left in the local range" });
  }
  const ips = [...list.v4, ...list.v6].map((i) => i.cidr);
  for (let i = 0; i < ips.length; i += IPS_PER_RULE) {
    const chunk = ips.slice(i, i + IPS_PER_RULE);
    if (!add(`alert ip $HOME_NET any -> [${chunk.join(",")}] any`, "traffic to a mining pool address", [])) {
      for (const ip of chunk) dropped.push({ kind: "ip", value: ip, reason: "no sid left in the local range" });
    }
  }
  for (const protocol of ["tcp", "udp"] as const) {
    const ports = list.ports.filter((p) => p.protocol === protocol).map((p) => p.port);
    if (!ports.length) continue;
    // TCP: the opening SYN only (one alert per connection, not per packet).
    const options = protocol === "tcp" ? ["flow:to_server", "flags:S,12"] : [];
    if (!add(`alert ${protocol} $HOME_NET any -> $EXTERNAL_NET [${ports.join(",")}]`, `${protocol} connection to a mining pool port`, options)) {
      for (const p of ports) dropped.push({ kind: "port", value: String(p), reason: "no sid left in the local range" });
    }
  }
  const content = [
    comment("#", headerLines(list, "Suricata", opts)),
    `# sids ${base}-${sid - 1} (local range); check with: suricata -T -S FILE`,
    ...rules,
    "",
  ].join("\n");
  return { files: [{ name: "minerhunt-blocklist.rules", content, deploy: "add to rule-files in suricata.yaml, suricata -T, then reload rules" }], dropped };
}
