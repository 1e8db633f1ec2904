/**
 * The TLS ClientHello at the start of a client's byte stream (RFC 8446 §4.1.2, RFC 6066 §3):
 * the server name (SNI), the offered ALPN protocols and the highest offered version.
 *
 * The handshake message may span several TLS records, so the record payloads are joined first
 * (at most MAX_HELLO_BYTES). Every length is checked against what is there; anything that does
 * not add up gives undefined rather than a guess.
 */

export interface ClientHello {
  serverName?: string;
  alpn: string[];
  /** Highest version offered, as ECS writes it ("1.2", "1.3"). */
  version?: string;
}

const RECORD_HANDSHAKE = 0x16;
const HANDSHAKE_CLIENT_HELLO = 1;
const EXT_SERVER_NAME = 0;
const EXT_ALPN = 16;
const EXT_SUPPORTED_VERSIONS = 43;
/** A ClientHello is a few hundred bytes; post-quantum key shares make it a few KiB. */
const MAX_HELLO_BYTES = 32 * 1024;

/** Whether the stream starts like a TLS handshake record. */
export function looksLikeTlsHandshake(stream: Buffer): boolean {
  return stream.length >= 3 && stream[0] === RECORD_HANDSHAKE && stream[1] === 3 && stream[2]! <= 4;
}

/** Join the payloads of the leading handshake records (bounded). */
function handshakeBytes(stream: Buffer): Buffer | undefined {
  const parts: Buffer[] = [];
  let total = 0;
  let at = 0;
  while (at + 5 <= stream.length && stream[at] === RECORD_HANDSHAKE && total < MAX_HELLO_BYTES) {
    const len = stream.readUInt16BE(at + 3);
    const body = stream.subarray(at + 5, Math.min(stream.length, at + 5 + len));
    parts.push(body);
    total += body.length;
    if (body.length < len) break; // the stream (or the capture) stops inside this record
    at += 5 + len;
    // Stop once the first handshake message is complete.
    const joined = total >= 4 ? Buffer.concat(parts) : undefined;
    if (joined && joined.length >= 4 + joined.readUIntBE(1, 3)) return joined;
  }
  return parts.length > 0 ? Buffer.concat(parts) : undefined;
}

function versionName(v: number): string | undefined {
  if (v === 0x0304) return "1.3";
  if (v === 0x0303) return "1.2";
  if (v === 0x0302) return "1.1";
  if (v === 0x0301) return "1.0";
  if (v === 0x0300) return "3.0";
  return undefined;
}

/** GREASE values (RFC 8701) are 0x?A?A: sent to keep servers honest, never real choices. */
function isGrease(v: number): boolean {
  return (v & 0x0f0f) === 0x0a0a && (v >> 8) === (v & 0xff);
}

export function parseClientHello(stream: Buffer): ClientHello | undefined {
  if (!looksLikeTlsHandshake(stream)) return undefined;
  const hs = handshakeBytes(stream);
  if (!hs || hs.length < 4 || hs[0] !== HANDSHAKE_CLIENT_HELLO) return undefined;
  const bodyLength = hs.readUIntBE(1, 3);
  const body = hs.subarray(4, Math.min(hs.length, 4 + bodyLength));
  let at = 0;
  const need = (n: number): boolean => at + n <= body.length;
  if (!need(2 + 32 + 1)) return undefined;
  const legacyVersion = body.readUInt16BE(0);
  at = 34;
  const sessionIdLength = body[at]!;
  at += 1 + sessionIdLength;
  if (!need(2)) return undefined;
  at += 2 + body.readUInt16BE(at); // cipher suites
  if (!need(1)) return undefined;
  at += 1 + body[at]!; // compression methods
  const hello: ClientHello = { alpn: [], version: versionName(legacyVersion) };
  if (!need(2)) return hello; // no extensions (TLS 1.0 era)
  const extEnd = Math.min(body.length, at + 2 + body.readUInt16BE(at));
  at += 2;
  while (at + 4 <= extEnd) {
    const type = body.readUInt16BE(at);
    const len = body.readUInt16BE(at + 2);
    const data = body.subarray(at + 4, Math.min(extEnd, at + 4 + len));
    if (data.length < len) break;
    if (type === EXT_SERVER_NAME) hello.serverName = readServerName(data) ?? hello.serverName;
    else if (type === EXT_ALPN) hello.alpn = readAlpn(data);
    else if (type === EXT_SUPPORTED_VERSIONS) {
      let best = 0;
      for (let i = 1; i + 1 < data.length && i <= data[0]!; i += 2) {
        const v = data.readUInt16BE(i);
        if (!isGrease(v) && v > best && versionName(v)) best = v;
      }
      if (best) hello.version = versionName(best);
    }
    at += 4 + len;
  }
  return hello;
}

/** server_name extension: list length, then entries of type (0 = host_name), length, name. */
function readServerName(data: Buffer): string | undefined {
  if (data.length < 2) return undefined;
  const end = Math.min(data.length, 2 + data.readUInt16BE(0));
  let at = 2;
  while (at + 3 <= end) {
    const type = data[at]!;
    const len = data.readUInt16BE(at + 1);
    if (at + 3 + len > end) return undefined;
    if (type === 0) {
      const name = data.toString("latin1", at + 3, at + 3 + len);
      // A host name is printable ASCII; anything else is not a name we should pass on.
      return /^[\x21-\x7e]{1,255}$/.test(name) ? name.toLowerCase() : undefined;
    }
    at += 3 + len;
  }
  return undefined;
}

function readAlpn(data: Buffer): string[] {
  const out: string[] = [];
  if (data.length < 2) return out;
  const end = Math.min(data.length, 2 + data.readUInt16BE(0));
  let at = 2;
  while (at < end && out.length < 16) {
    const len = data[at]!;
    if (at + 1 + len > end) break;
    out.push(data.toString("latin1", at + 1, at + 1 + len));
    at += 1 + len;
  }
  return out;
}
