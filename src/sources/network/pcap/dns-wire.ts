/**
 * DNS messages as they travel over UDP (RFC 1035 §4): header, questions and the answer section
 * (A, AAAA, CNAME read; other types kept as their type only).
 *
 * Names may be compressed with pointers to earlier bytes. A hostile packet can point a name at
 * itself or build a cycle, so every name follows at most MAX_POINTER_JUMPS pointers, each
 * pointing strictly before the previous one (RFC 1035 pointers refer to a *prior* occurrence),
 * and stops at 255 bytes of name: a loop cannot run forever and a name cannot grow without end.
 */
import { formatIPv4, formatIPv6 } from "./decode.js";

export interface DnsQuestion {
  name: string;
  type: string;
}

export interface DnsAnswer {
  name: string;
  type: string;
  /** Address for A/AAAA, target name for CNAME, empty for other types. */
  data: string;
}

export interface DnsMessage {
  id: number;
  response: boolean;
  opcode: number;
  rcode: string;
  questions: DnsQuestion[];
  answers: DnsAnswer[];
}

const MAX_POINTER_JUMPS = 16;
const MAX_NAME_BYTES = 255;
const MAX_QUESTIONS = 8;
const MAX_ANSWERS = 64;

const TYPE_NAMES: Record<number, string> = {
  1: "A", 2: "NS", 5: "CNAME", 6: "SOA", 12: "PTR", 15: "MX", 16: "TXT", 28: "AAAA", 33: "SRV",
  35: "NAPTR", 41: "OPT", 43: "DS", 46: "RRSIG", 47: "NSEC", 48: "DNSKEY", 64: "SVCB", 65: "HTTPS",
  255: "ANY", 257: "CAA",
};

const RCODE_NAMES = ["NOERROR", "FORMERR", "SERVFAIL", "NXDOMAIN", "NOTIMP", "REFUSED", "YXDOMAIN", "YXRRSET", "NXRRSET", "NOTAUTH", "NOTZONE"];

export function dnsTypeName(type: number): string {
  return TYPE_NAMES[type] ?? `TYPE${type}`;
}

export function dnsRcodeName(rcode: number): string {
  return RCODE_NAMES[rcode] ?? `RCODE${rcode}`;
}

export class DnsFormatError extends Error {}

/**
 * Read a (possibly compressed) name starting at `at`. Returns the name (lower case, no trailing
 * dot; "" for the root) and where the name ends in the original position (after the first pointer).
 */
export function readName(msg: Buffer, at: number): { name: string; next: number } {
  const labels: string[] = [];
  let pos = at;
  let next = -1;
  let jumps = 0;
  let bytes = 0;
  let lowestTarget = at;
  for (;;) {
    if (pos >= msg.length) throw new DnsFormatError(`name at ${at} runs past the end of the message`);
    const len = msg[pos]!;
    if (len === 0) {
      if (next === -1) next = pos + 1;
      break;
    }
    const kind = len & 0xc0;
    if (kind === 0xc0) {
      if (pos + 1 >= msg.length) throw new DnsFormatError(`name at ${at}: pointer cut short`);
      const target = ((len & 0x3f) << 8) | msg[pos + 1]!;
      if (++jumps > MAX_POINTER_JUMPS) throw new DnsFormatError(`name at ${at}: more than ${MAX_POINTER_JUMPS} compression pointers (a loop)`);
      if (target >= lowestTarget) throw new DnsFormatError(`name at ${at}: compression pointer to ${target} does not point backwards (a loop)`);
      if (next === -1) next = pos + 2;
      lowestTarget = target;
      pos = target;
      continue;
    }
    if (kind !== 0) throw new DnsFormatError(`name at ${at}: label type 0x${kind.toString(16)} is not supported`);
    if (pos + 1 + len > msg.length) throw new DnsFormatError(`name at ${at}: label runs past the end of the message`);
    bytes += len + 1;
    if (bytes > MAX_NAME_BYTES) throw new DnsFormatError(`name at ${at} is longer than ${MAX_NAME_BYTES} bytes`);
    labels.push(msg.toString("latin1", pos + 1, pos + 1 + len));
    pos += 1 + len;
  }
  return { name: labels.join(".").toLowerCase(), next };
}

/** Parse one DNS message; throws DnsFormatError with a reason when it is malformed. */
export function parseDnsMessage(msg: Buffer): DnsMessage {
  if (msg.length < 12) throw new DnsFormatError(`${msg.length} bytes: shorter than the 12-byte DNS header`);
  const id = msg.readUInt16BE(0);
  const flags = msg.readUInt16BE(2);
  const qdCount = msg.readUInt16BE(4);
  const anCount = msg.readUInt16BE(6);
  const result: DnsMessage = {
    id,
    response: (flags & 0x8000) !== 0,
    opcode: (flags >> 11) & 0x0f,
    rcode: dnsRcodeName(flags & 0x0f),
    questions: [],
    answers: [],
  };
  let at = 12;
  for (let i = 0; i < qdCount; i++) {
    const { name, next } = readName(msg, at);
    if (next + 4 > msg.length) throw new DnsFormatError(`question ${i + 1} is cut short`);
    if (i < MAX_QUESTIONS) result.questions.push({ name, type: dnsTypeName(msg.readUInt16BE(next)) });
    at = next + 4;
  }
  for (let i = 0; i < anCount && i < MAX_ANSWERS; i++) {
    const { name, next } = readName(msg, at);
    if (next + 10 > msg.length) throw new DnsFormatError(`answer ${i + 1} is cut short`);
    const type = msg.readUInt16BE(next);
    const rdLength = msg.readUInt16BE(next + 8);
    const rdata = next + 10;
    if (rdata + rdLength > msg.length) throw new DnsFormatError(`answer ${i + 1}: its data runs past the end of the message`);
    let data = "";
    if (type === 1 && rdLength === 4) data = formatIPv4(msg, rdata);
    else if (type === 28 && rdLength === 16) data = formatIPv6(msg, rdata);
    else if (type === 5) data = readName(msg, rdata).name;
    result.answers.push({ name, type: dnsTypeName(type), data });
    at = rdata + rdLength;
  }
  return result;
}
