/**
 * HTTP/1.x requests and responses out of a reassembled TCP byte stream (RFC 9112): start line,
 * header fields, and the body as Content-Length or chunked coding frames it. Mining rides on
 * this in two ways: getwork / getblocktemplate JSON-RPC in POST bodies, and the
 * X-Mining-Extensions / X-Stratum headers. Bounded: at most MAX_MESSAGES per stream, header
 * blocks up to MAX_HEADER_BYTES, bodies kept up to BODY_KEEP_BYTES.
 */

export interface HttpMessage {
  /** Byte position of the message's first byte in the stream. */
  at: number;
  /** Request: method and target; response: status. */
  method?: string;
  target?: string;
  status?: number;
  version: string;
  /** Header fields in order, names as sent. */
  headers: { name: string; value: string }[];
  /** The first BODY_KEEP_BYTES of the (de-chunked) body. */
  body: Buffer;
  /** Declared body length (Content-Length), when given. */
  contentLength?: number;
}

export const BODY_KEEP_BYTES = 4096;
const MAX_MESSAGES = 32;
const MAX_HEADER_BYTES = 16 * 1024;
const MAX_HEADERS = 100;

const METHODS = new Set(["GET", "POST", "PUT", "HEAD", "OPTIONS", "DELETE", "PATCH", "CONNECT", "TRACE"]);

/** Whether a stream starts with an HTTP request line ("POST / HTTP/1.1"). */
export function looksLikeHttpRequest(stream: Buffer): boolean {
  const space = stream.indexOf(0x20);
  if (space < 3 || space > 7) return false;
  return METHODS.has(stream.toString("latin1", 0, space));
}

export function looksLikeHttpResponse(stream: Buffer): boolean {
  return stream.length >= 12 && stream.toString("latin1", 0, 5) === "HTTP/";
}

const CRLFCRLF = Buffer.from("\r\n\r\n");

export function header(msg: HttpMessage, name: string): string | undefined {
  const lower = name.toLowerCase();
  for (const h of msg.headers) if (h.name.toLowerCase() === lower) return h.value;
  return undefined;
}

/**
 * Parse the messages of one direction. For responses, `requestMethods` (the methods of the
 * requests, in order) tells which responses have no body (answers to HEAD).
 */
export function parseHttpMessages(stream: Buffer, kind: "request" | "response", requestMethods: string[] = []): HttpMessage[] {
  const out: HttpMessage[] = [];
  let at = 0;
  while (at < stream.length && out.length < MAX_MESSAGES) {
    const headEnd = stream.indexOf(CRLFCRLF, at);
    if (headEnd === -1 || headEnd - at > MAX_HEADER_BYTES) break;
    const lines = stream.toString("latin1", at, headEnd).split("\r\n");
    const start = lines[0]!.split(" ");
    const msg: HttpMessage = { at, version: "", headers: [], body: Buffer.alloc(0) };
    if (kind === "request") {
      if (start.length !== 3 || !METHODS.has(start[0]!) || !start[2]!.startsWith("HTTP/")) break;
      msg.method = start[0]!;
      msg.target = start[1]!;
      msg.version = start[2]!.slice(5);
    } else {
      if (start.length < 2 || !start[0]!.startsWith("HTTP/") || !/^\d{3}$/.test(start[1]!)) break;
      msg.version = start[0]!.slice(5);
      msg.status = Number(start[1]);
    }
    for (const line of lines.slice(1, 1 + MAX_HEADERS)) {
      const colon = line.indexOf(":");
      if (colon <= 0) continue;
      msg.headers.push({ name: line.slice(0, colon).trim(), value: line.slice(colon + 1).trim() });
    }
    let bodyStart = headEnd + 4;
    const lengthText = header(msg, "content-length");
    const chunked = /chunked/i.test(header(msg, "transfer-encoding") ?? "");
    const method = kind === "response" ? requestMethods[out.length] : msg.method;
    const noBody = kind === "response" && (method === "HEAD" || msg.status === 204 || msg.status === 304 || (msg.status! >= 100 && msg.status! < 200));
    if (noBody) {
      at = bodyStart;
    } else if (chunked) {
      const { body, end } = dechunk(stream, bodyStart);
      msg.body = body;
      out.push(msg);
      if (end === -1) break;
      at = end;
      continue;
    } else if (lengthText !== undefined && /^\d{1,15}$/.test(lengthText)) {
      const length = Number(lengthText);
      msg.contentLength = length;
      msg.body = stream.subarray(bodyStart, Math.min(stream.length, bodyStart + Math.min(length, BODY_KEEP_BYTES)));
      bodyStart += length;
      at = bodyStart;
    } else if (kind === "response") {
      // No length: the body runs to the end of the connection.
      msg.body = stream.subarray(bodyStart, Math.min(stream.length, bodyStart + BODY_KEEP_BYTES));
      out.push(msg);
      break;
    } else {
      at = bodyStart; // a request without a body
    }
    out.push(msg);
  }
  return out;
}

/** Decode chunked transfer coding from `at`; keep the first BODY_KEEP_BYTES. end -1 when cut short. */
function dechunk(stream: Buffer, at: number): { body: Buffer; end: number } {
  const parts: Buffer[] = [];
  let kept = 0;
  for (let chunks = 0; chunks < 10000; chunks++) {
    const lineEnd = stream.indexOf("\r\n", at);
    if (lineEnd === -1 || lineEnd - at > 64) return { body: Buffer.concat(parts), end: -1 };
    const sizeText = stream.toString("latin1", at, lineEnd).split(";")[0]!.trim();
    if (!/^[0-9a-fA-F]{1,8}$/.test(sizeText)) return { body: Buffer.concat(parts), end: -1 };
    const size = parseInt(sizeText, 16);
    at = lineEnd + 2;
    if (size === 0) {
      // Trailer fields (usually none) end with an empty line.
      if (stream[at] === 0x0d && stream[at + 1] === 0x0a) return { body: Buffer.concat(parts), end: at + 2 };
      const trailerEnd = stream.indexOf(CRLFCRLF, at);
      return { body: Buffer.concat(parts), end: trailerEnd === -1 ? -1 : trailerEnd + 4 };
    }
    if (kept < BODY_KEEP_BYTES) {
      const take = stream.subarray(at, Math.min(stream.length, at + size, at + BODY_KEEP_BYTES - kept));
      parts.push(take);
      kept += take.length;
    }
    at += size + 2;
    if (at > stream.length) return { body: Buffer.concat(parts), end: -1 };
  }
  return { body: Buffer.concat(parts), end: -1 };
}
