/**
 * When a network record can be skipped, in one place, so the fast paths (raw bytes) and the slow
 * paths (parsed records) of every source decide the same way.
 */
import type { Prefilter } from "../types.js";
import { normalizeDomain } from "./common.js";

/** A DNS record matters when its query name could. */
export function nameMatters(pf: Prefilter, name: string): boolean {
  return pf.domain(normalizeDomain(name));
}

/**
 * nameMatters for a name given as ASCII bytes buf[start, end) (a fast path's span of a raw line): the
 * prefilter answers from the bytes when it can (most names), else the name is made a string and judged.
 */
export function nameBytesMatter(pf: Prefilter, buf: Buffer, start: number, end: number): boolean {
  return pf.domainBytes?.(buf, start, end) ?? nameMatters(pf, buf.toString("latin1", start, end));
}

/**
 * A flow matters when its destination address or its destination port could. With neither
 * known there is nothing to judge by, so it is kept.
 */
export function endpointMatters(pf: Prefilter, ip: string | undefined, port: number | undefined): boolean {
  if (ip === undefined && port === undefined) return true;
  return (ip !== undefined && pf.ip(ip)) || (port !== undefined && pf.port(port));
}

/** A DNS record's answers matter when the prefilter judges answers and accepts one of them. */
export function answersMatter(pf: Prefilter, answers: readonly string[]): boolean {
  return pf.answer !== undefined && answers.some((a) => pf.answer!(a));
}
