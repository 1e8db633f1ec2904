/**
 * How an EventData text becomes ECS values (the `|transform` suffixes of data/sources/windows-events.yaml). Each
 * transform writes one or more fields into the event; all are linear scans over bounded text.
 */
import { isIP } from "node:net";
import type { Event } from "../../model/index.js";

type Transform = (event: Event, target: string, text: string) => void;

/** Text a transform looks at, at most (a TaskContent XML or a QueryResults list can be long). */
const MAX_TEXT = 64 * 1024;
const MAX_LIST = 64;

/** Last segment of a Windows (or POSIX) path. */
export function windowsBaseName(path: string): string {
  const cut = Math.max(path.lastIndexOf("\\"), path.lastIndexOf("/"));
  return path.slice(cut + 1);
}

/** "process.executable" → "process.name", "file.path" → "file.name". */
function nameFieldOf(target: string): string {
  const dot = target.lastIndexOf(".");
  return `${target.slice(0, dot)}.name`;
}

function integer(text: string, radix: 10 | 16): number | undefined {
  let t = text.trim();
  if (radix === 16 && (t.startsWith("0x") || t.startsWith("0X"))) t = t.slice(2);
  if (t === "" || t.length > 16) return undefined;
  const n = radix === 16 ? Number.parseInt(t, 16) : Number(t);
  return Number.isSafeInteger(n) && (radix === 10 ? /^-?\d+$/.test(t) : /^[0-9a-fA-F]+$/.test(t)) ? n : undefined;
}

/** Sysmon's "MD5=…,SHA256=…,IMPHASH=…" into ECS hash fields (lower-case hex). */
function hashes(event: Event, target: string, text: string): void {
  const base = target.endsWith(".hash") ? target.slice(0, -5) : target;
  for (const pair of text.slice(0, 1024).split(",")) {
    const eq = pair.indexOf("=");
    if (eq === -1) continue;
    const algo = pair.slice(0, eq).trim().toLowerCase();
    const value = pair.slice(eq + 1).trim().toLowerCase();
    if (!/^[0-9a-f]{16,128}$/.test(value)) continue;
    if (algo === "imphash") event[`${base}.pe.imphash`] = value;
    else if (algo === "md5" || algo === "sha1" || algo === "sha256" || algo === "sha512") event[`${base}.hash.${algo}`] = value;
  }
}

/**
 * Sysmon 22 QueryResults: answers separated by ";", each an address ("1.2.3.4", "::ffff:1.2.3.4") or
 * "type:  5 cname.example" for records that are not addresses. Only the addresses become dns.resolved_ip.
 */
export function queryResultAddresses(text: string): string[] {
  const out: string[] = [];
  for (const raw of text.slice(0, MAX_TEXT).split(";")) {
    let t = raw.trim();
    if (t === "" || t.startsWith("type:")) continue;
    if (t.toLowerCase().startsWith("::ffff:") && isIP(t.slice(7)) === 4) t = t.slice(7);
    if (isIP(t) !== 0 && !out.includes(t)) out.push(t);
    if (out.length >= MAX_LIST) break;
  }
  return out;
}

/** Sysmon 22 QueryStatus is a Win32 status code; the common ones become DNS response codes. */
const DNS_STATUS: Record<string, string> = { "0": "NOERROR", "9501": "NOERROR", "9003": "NXDOMAIN", "9002": "SERVFAIL", "9005": "REFUSED", "9001": "FORMERR" };

const ENTITIES: Record<string, string> = { "&amp;": "&", "&lt;": "<", "&gt;": ">", "&quot;": "\"", "&apos;": "'" };

function xmlText(s: string): string {
  return s.replace(/&(?:amp|lt|gt|quot|apos);/g, (m) => ENTITIES[m] ?? m).trim();
}

/** Text of every <tag>…</tag> in a bounded XML text, by indexOf (no regex over the document). */
function tagTexts(xml: string, tag: string): string[] {
  const out: string[] = [];
  const open = `<${tag}>`;
  const close = `</${tag}>`;
  let at = 0;
  while (out.length < MAX_LIST) {
    const s = xml.indexOf(open, at);
    if (s === -1) break;
    const e = xml.indexOf(close, s + open.length);
    if (e === -1) break;
    out.push(xmlText(xml.slice(s + open.length, e)));
    at = e + close.length;
  }
  return out;
}

/**
 * Security 4698 TaskContent (the task's XML): each <Exec> action's Command and Arguments, as the command
 * lines the task runs. Several actions are joined with " ; " so a shell-style reader sees each.
 */
export function taskCommands(xml: string): string {
  const text = xml.slice(0, MAX_TEXT);
  const execs = tagTexts(text, "Exec");
  const lines = (execs.length > 0 ? execs : [text]).map((exec) => {
    const command = tagTexts(exec, "Command")[0] ?? "";
    const args = tagTexts(exec, "Arguments")[0] ?? "";
    return args ? `${command} ${args}` : command;
  }).filter((l) => l !== "");
  return lines.join(" ; ");
}

/** "HKLM\SOFTWARE\…\Run\evil" → registry.path, registry.hive, registry.key, registry.value. */
function registryPath(event: Event, target: string, text: string): void {
  event[target] = text;
  const first = text.indexOf("\\");
  const last = text.lastIndexOf("\\");
  if (first === -1) return;
  event["registry.hive"] = text.slice(0, first);
  if (last > first) event["registry.key"] = text.slice(first + 1, last);
  event["registry.value"] = text.slice(last + 1);
}

export const TRANSFORMS: Record<string, Transform> = {
  path(event, target, text) {
    event[target] = text;
    const name = windowsBaseName(text);
    if (name) event[nameFieldOf(target)] = name;
  },
  number(event, target, text) {
    const n = integer(text, 10);
    if (n !== undefined) event[target] = n;
  },
  hex_number(event, target, text) {
    const n = integer(text, 16);
    if (n !== undefined) event[target] = n;
  },
  account(event, target, text) {
    const slash = text.indexOf("\\");
    if (slash === -1) { event[target] = text; return; }
    event[target] = text.slice(slash + 1);
    event[target.endsWith(".name") ? `${target.slice(0, -5)}.domain` : `${target}.domain`] = text.slice(0, slash);
  },
  hashes,
  query_results(event, target, text) {
    const ips = queryResultAddresses(text);
    if (ips.length > 0) event[target] = ips;
  },
  domain(event, target, text) {
    const t = text.trim().toLowerCase();
    event[target] = t.endsWith(".") ? t.slice(0, -1) : t;
  },
  dns_status(event, target, text) {
    event[target] = DNS_STATUS[text.trim()] ?? text.trim();
  },
  lower(event, target, text) {
    event[target] = text.toLowerCase();
  },
  registry_path: registryPath,
  task_command(event, target, text) {
    const cmd = taskCommands(text);
    if (cmd) event[target] = cmd;
  },
  bool(event, target, text) {
    event[target] = text.toLowerCase() === "true";
  },
};
