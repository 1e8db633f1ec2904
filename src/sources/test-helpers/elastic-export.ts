/**
 * Elasticsearch exports for source tests: documents wrapped as search hits and as a search response (the
 * shapes `curl es:9200/idx/_search` saves), and helpers to compare the events read from each packaging.
 */
import type { Event } from "../../model/index.js";

/** A search hit of `doc` in `index`, as Elasticsearch returns it (sorted search: `_score` null, `sort` set). */
export function searchHit(index: string, doc: object, i: number): object {
  return { _index: index, _id: `hit${i}`, _score: null, _source: doc, sort: [1795662847000 + i] };
}

/** A search response holding `hits`. */
export function searchResponse(hits: object[]): object {
  return {
    took: 12, timed_out: false, _shards: { total: 1, successful: 1, skipped: 0, failed: 0 },
    hits: { total: { value: hits.length, relation: "eq" }, max_score: null, hits },
  };
}

/** 1-based numbers of the lines that are exactly `indent` spaces and "{": where JSON.stringify(.., 2) starts an array's objects. */
export function objectStartLines(text: string, indent: number): number[] {
  const opening = `${" ".repeat(indent)}{`;
  return text.split("\n").flatMap((l, i) => (l === opening ? [i + 1] : []));
}

/** The event without what says where it was read (line, source id). */
export function withoutPlace(e: Event): Event {
  const { "minerhunt.line": _line, "minerhunt.format": _format, ...rest } = e;
  return rest;
}
