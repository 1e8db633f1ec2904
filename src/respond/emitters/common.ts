/**
 * What every emitter returns, and the comment header each file starts with. A header names only
 * checked references (safeRef) and counts, never a raw value from a log.
 */
import type { CleanBlocklist, Rejected } from "./blocklist.js";
import { safeRef } from "./validate.js";

export interface EmittedFile {
  /** File name to write it under ("minerhunt-blocklist.nft"). */
  name: string;
  content: string;
  /** How to deploy it, one line (shown by the CLI, repeated in docs/respond-host-and-emitters.md). */
  deploy: string;
}

export interface Emitted {
  files: EmittedFile[];
  /** Values this format cannot hold (too long for the zone, over the rule limit...), on top of the blocklist's own. */
  dropped: Rejected[];
}

export interface EmitOptions {
  /** Written into headers when given; left out by default so the same list gives the same bytes. */
  generatedAt?: string;
}

/** Header lines (without the comment marker): what this is, where it came from, what it holds. */
export function headerLines(list: CleanBlocklist, format: string, opts: EmitOptions): string[] {
  const from = list.refs.source === "intel"
    ? "the curated pool list (minerhunt intel)"
    : `incident ${safeRef(list.refs.incidentId ?? "unknown")} (${list.refs.findingIds.length} finding(s))`;
  const lines = [
    `minerhunt ${format} blocklist from ${from}`,
    `${list.domains.length} domain(s), ${list.v4.length + list.v6.length} address(es), ${list.ports.length} port(s)`,
  ];
  if (opts.generatedAt) lines.push(`generated ${safeRef(opts.generatedAt)}`);
  if (list.dropped.length) lines.push(`${list.dropped.length} value(s) were not valid and were left out (see minerhunt's output)`);
  return lines;
}

export function comment(prefix: string, lines: readonly string[]): string {
  return lines.map((l) => `${prefix} ${l}`).join("\n");
}
