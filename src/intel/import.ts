import { isIP } from "node:net";
import { yaml } from "../startup/lazy-yaml.js";
import { normaliseDomain } from "./domains.js";

/**
 * Read public blocklist formats into domains and IPs:
 *  - hosts files ("0.0.0.0 pool.example.com", "127.0.0.1 ..."),
 *  - plain lists (one domain, IP, CIDR or IP:port a line; Maltrail trails, CoinBlocker lists),
 *  - Adblock Plus / uBlock lists ("||coinhive.com^", "||x.com^$third-party"; cosmetic and regex rules are skipped),
 *  - Falco list YAML ("- list: miner_domains" with "items").
 * Comments ("#", "!") and headers are skipped; what cannot be read is reported with its line.
 */
export interface ImportedList {
  name: string;
  source: string;
  format: "hosts" | "plain" | "adblock" | "falco-yaml";
  domains: string[];
  ips: { address: string; ports?: number[] }[];
  issues: { line: number; message: string }[];
  skipped: number;
  /** The file as a whole cannot be read as this format (invalid YAML, not a Falco list): nothing may be saved. */
  fatal?: { line: number; message: string };
}

const HOSTS_SINK = new Set(["0.0.0.0", "127.0.0.1", "::", "::1", "0"]);

export function detectListFormat(text: string): ImportedList["format"] {
  const head = text.slice(0, 8192);
  if (/^\s*-\s*list:\s*\S+/m.test(head) && /items:/m.test(head)) return "falco-yaml";
  if (/^\[Adblock/im.test(head) || /^\|\|[^\s]+\^/m.test(head)) return "adblock";
  if (/^(0\.0\.0\.0|127\.0\.0\.1)\s+\S+/m.test(head)) return "hosts";
  return "plain";
}

export function importList(text: string, name: string, source: string, format = detectListFormat(text)): ImportedList {
  const out: ImportedList = { name, source, format, domains: [], ips: [], issues: [], skipped: 0 };
  if (format === "falco-yaml") return importFalco(text, out);
  const ipPorts = new Map<string, Set<number>>();
  const addIp = (address: string, port?: number) => {
    let set = ipPorts.get(address);
    if (!set) { set = new Set(); ipPorts.set(address, set); }
    if (port !== undefined) set.add(port);
  };
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i]!.replace(/\r$/, "");
    const line = raw.trim();
    if (line === "" || line.startsWith("#") || line.startsWith("!") || line.startsWith("[")) continue;
    const lineNo = i + 1;
    const entry = format === "adblock" ? adblockEntry(line) : format === "hosts" ? hostsEntry(line) : plainEntry(line);
    if (entry === "skip") { out.skipped++; continue; }
    if (entry === undefined) {
      if (out.issues.length < 100) out.issues.push({ line: lineNo, message: `not a domain, IP, CIDR or IP:port: ${JSON.stringify(line.slice(0, 80))}` });
      continue;
    }
    if (entry.kind === "ip") addIp(entry.value, entry.port);
    else out.domains.push(entry.value);
  }
  for (const [address, ports] of ipPorts) out.ips.push(ports.size ? { address, ports: [...ports].sort((a, b) => a - b) } : { address });
  out.domains = [...new Set(out.domains)];
  return out;
}

type Entry = { kind: "ip"; value: string; port?: number } | { kind: "domain"; value: string } | "skip" | undefined;

function hostsEntry(line: string): Entry {
  const noComment = line.split("#", 1)[0]!.trim();
  const parts = noComment.split(/\s+/);
  if (parts.length < 2) return plainEntry(noComment);
  if (!HOSTS_SINK.has(parts[0]!)) return undefined;
  const host = parts[1]!;
  if (host === "localhost" || host.startsWith("localhost.") || host === "broadcasthost") return "skip";
  return domainOrIp(host);
}

function adblockEntry(line: string): Entry {
  if (line.includes("##") || line.includes("#@#") || line.startsWith("@@")) return "skip"; // cosmetic / exception rules
  if (line.startsWith("/") && line.endsWith("/")) return "skip"; // regex rules: not a list entry
  if (!line.startsWith("||")) return "skip"; // path rules block URLs, not hosts
  const rest = line.slice(2);
  const end = rest.search(/[\^/$]/);
  const host = end === -1 ? rest : rest.slice(0, end);
  if (host.includes("*")) return "skip";
  return domainOrIp(host);
}

function plainEntry(line: string): Entry {
  const token = line.split(/[\s#]/, 1)[0]!;
  // Maltrail trails may be "domain/path" or "ip:port".
  const hostPart = token.includes("/") && !/^\d+\.\d+\.\d+\.\d+\/\d+$/.test(token) && !token.includes("::") ? token.split("/", 1)[0]! : token;
  const ipPort = /^(\d{1,3}(?:\.\d{1,3}){3}):(\d{1,5})$/.exec(hostPart);
  if (ipPort) {
    const port = Number(ipPort[2]);
    if (isIP(ipPort[1]!) === 4 && port > 0 && port < 65536) return { kind: "ip", value: ipPort[1]!, port };
    return undefined;
  }
  return domainOrIp(hostPart);
}

function domainOrIp(value: string): Entry {
  const [addr, len] = value.split("/", 2);
  if (addr && isIP(addr)) {
    if (len !== undefined && !/^\d{1,3}$/.test(len)) return undefined;
    return { kind: "ip", value };
  }
  const d = normaliseDomain(value);
  if (!d || !/^[a-z0-9_](?:[a-z0-9_-]{0,62}\.)*[a-z0-9_-]{1,63}$/.test(d) || !d.includes(".")) return undefined;
  return { kind: "domain", value: d };
}

function importFalco(text: string, out: ImportedList): ImportedList {
  const lineCounter = new (yaml().LineCounter)();
  const parsed = yaml().parseDocument(text, { lineCounter, uniqueKeys: true });
  if (parsed.errors.length > 0) {
    const e = parsed.errors[0]!;
    out.fatal = { line: e.linePos?.[0]?.line ?? 1, message: `not valid YAML: ${e.message.split("\n")[0]}` };
    return out;
  }
  let doc: unknown;
  try {
    doc = parsed.toJS({ maxAliasCount: 100 });
  } catch (err) {
    out.fatal = { line: 1, message: `not valid YAML: ${(err as Error).message}` };
    return out;
  }
  if (!Array.isArray(doc)) {
    out.fatal = { line: 1, message: "expected a YAML list of Falco items (- list: NAME / items: [...])" };
    return out;
  }
  for (const item of doc as unknown[]) {
    if (!item || typeof item !== "object" || !("list" in item) || !("items" in item)) continue;
    const listName = String((item as { list: unknown }).list);
    const items = (item as { items: unknown }).items;
    if (!Array.isArray(items)) continue;
    if (/port/i.test(listName)) continue; // ports are not reputation; data/intel/pools.yaml holds them
    for (const raw of items) {
      const value = String(raw).replace(/^["']|["']$/g, "");
      const e = domainOrIp(value);
      if (e && e !== "skip") {
        if (e.kind === "ip") out.ips.push({ address: e.value });
        else out.domains.push(e.value);
      } else out.skipped++;
    }
  }
  out.domains = [...new Set(out.domains)];
  return out;
}
