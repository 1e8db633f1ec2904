import type { Event } from "../model/index.js";

/**
 * The first bytes of an input, for format sniffing. Sniffers must be cheap and must not throw.
 */
export interface Sample {
  /** Path as given ("-" for stdin); inside an archive or gzip, the inner name without ".gz". */
  path: string;
  /** Up to 64 KiB from the start (after gunzip). */
  bytes: Uint8Array;
  /** The same bytes decoded as UTF-8 (invalid sequences replaced). */
  text: string;
  /** The first non-empty lines of text (at most 20), without line endings. */
  lines: string[];
}

/** One line of a text input. */
export interface Line {
  text: string;
  /** 1-based line number. */
  line: number;
  /** Byte offset of the line start. */
  offset: number;
}

/** An opened input. A source reads it one way: lines, whole text or bytes. */
export interface Input {
  path: string;
  /** Lines without their endings; invalid UTF-8 is replaced; lines over the limit are reported and skipped. */
  lines(): AsyncIterable<Line>;
  /** The whole input as text (bounded: inputs over the limit are an error for document formats). */
  text(): Promise<string>;
  /** The whole input as bytes (bounded likewise), for binary formats such as pcap. */
  bytes(): Promise<Uint8Array>;
  /** A byte stream, for binary formats that can be read incrementally. */
  stream(): AsyncIterable<Uint8Array>;
  /**
   * The same bytes, each chunk lent only until the next is asked for: a large file is read into one
   * buffer again and again, so a reader must copy what it keeps. A fresh 1 MiB buffer per chunk costs
   * more than the read itself (page faults, and collections forced by the external memory): a reader
   * that only looks at lines (sources/network/line-scanner.ts) takes this one.
   */
  lentStream?(): AsyncIterable<Uint8Array>;
  /** Bytes read so far (after gunzip), for progress bars. */
  bytesRead?(): number;
}

/**
 * Hints from detection so a source can skip building events that cannot matter.
 * Optional: with no prefilter a source builds every event. A source that skips records still
 * counts them (ParseContext.skipped) so the summary's totals stay true.
 */
export interface Prefilter {
  /** Could a DNS name matter (pool domain, donation host, ...)? */
  domain(name: string): boolean;
  /**
   * nameMatters (src/sources/network/prefilter-rules.ts) for a name given as ASCII bytes buf[start, end),
   * as a fast path finds it in a raw line, without making a string: domain()'s verdict on the normalised
   * name when it can tell from the bytes, undefined when domain() must judge it (the caller then makes
   * the string). Optional.
   */
  domainBytes?(buf: Uint8Array, start: number, end: number): boolean | undefined;
  /** Could this destination IP matter? */
  ip(address: string): boolean;
  /** Could this destination port matter (miner ports)? */
  port(port: number): boolean;
  /** Could this raw text (a command line, a whole record) matter? Case-insensitive keyword scan. */
  text(raw: string): boolean;
  /**
   * Could a DNS answer address matter (a listed mining IP)? Absent when no IP intel is loaded: then DNS
   * records are judged by their names alone. When present, sources keep DNS records whose answers it
   * accepts (or, when answers cannot be read cheaply, keep DNS records for the parser to judge).
   */
  answer?(address: string): boolean;
}

/**
 * What an unnamed metric series measures, as the person scanning says (`scan --metric`, or `inputs` in the
 * config): host CPU or GPU use, in percent (0-100) or as a ratio (0-1, Prometheus' `_ratio` convention).
 */
export const METRIC_HINTS = ["cpu", "gpu", "cpu-ratio", "gpu-ratio"] as const;
export type MetricHint = (typeof METRIC_HINTS)[number];

/** What the person scanning told minerhunt about one input, beyond its format. */
export interface InputHints {
  metric?: MetricHint;
}

export interface ParseContext {
  /** Report a record that could not be read; the source then skips it and goes on. */
  issue(line: number | undefined, message: string, offset?: number): void;
  /** Count records a prefilter let the source skip without building an event. */
  skipped(count?: number): void;
  prefilter?: Prefilter;
  /** Hints for this input (absent: none given). */
  hints?: InputHints;
}

/**
 * What one source emits: a dataset and the ECS categories its events carry. Logsource routing (Sigma),
 * prefilter hints, detector routing and `minerhunt formats` read these declarations instead of
 * repeating dataset names.
 */
export interface DatasetDeclaration {
  /** `event.dataset` of the events ("zeek.dns", "windows.sysmon"). */
  readonly dataset: string;
  /** `event.category` values those events carry (["network", "dns"]). */
  readonly categories: readonly string[];
  /**
   * Sigma logsources whose rules should see these events: taxonomy categories ("dns_query",
   * "process_creation"), and product/service pairs ("zeek/dns", "aws/cloudtrail", "windows/sysmon").
   */
  readonly sigma?: readonly string[];
  /**
   * Which prefilter checks the source applies before building such events (so a rule that needs more can
   * turn them off). A source that declares none is given no prefilter: it builds every event.
   */
  readonly prefilter?: readonly PrefilterCheck[];
  /**
   * Which event fields a check judges, where not the usual ones (PREFILTER_FIELDS in
   * src/detect/sigma/prefilter-hints.ts: domain: the DNS, SNI and URL host names; ip: destination.ip;
   * port: destination.port; text: the whole raw record). Zeek's http.log, say, runs `text` on the user
   * agent and URL only.
   */
  readonly prefilterFields?: Readonly<Partial<Record<PrefilterCheck, readonly string[]>>>;
  /**
   * Fields these events never carry, though other events of their logsources do (a flow has no
   * destination.domain; Zeek's http.log no header values): a rule's literal there cannot be in them, so
   * it costs the prefilter nothing.
   */
  readonly lacks?: readonly string[];
}

/** The checks of Prefilter, by name. */
export type PrefilterCheck = "domain" | "ip" | "port" | "text" | "answer";

/**
 * One module per input format. `sniff` scores a sample (0 = not mine, 1 = certainly mine); the
 * highest score wins, so a generic format (ECS NDJSON) scores lower than a specific one (Zeek JSON).
 */
export interface Source {
  /** Format id, also accepted by --input-format: "zeek.dns", "aws.cloudtrail", "pcap", ... */
  readonly id: string;
  /** One line for `--help` and docs. */
  readonly title: string;
  /**
   * The datasets this source emits (see DatasetDeclaration): logsource routing, prefilter hints, detector
   * routes and `minerhunt formats` read them. Every dataset the source can write is listed.
   */
  readonly emits: readonly DatasetDeclaration[];
  sniff(sample: Sample): number;
  parse(input: Input, ctx: ParseContext): AsyncIterable<Event>;
}
