/**
 * Binary XML, the encoding of an EVTX record's event: a token stream (open element, attribute, value,
 * substitution, template instance, ...) whose names and template definitions live in the same 64 KiB
 * chunk and are referred to by chunk-relative offsets. Layout as documented in libyal's "Windows XML Event
 * Log (EVTX)" format notes and Microsoft's [MS-EVEN6].
 *
 * Everything is read from the chunk buffer with explicit bounds; offsets that point outside the chunk,
 * names that run past it, loops that do not advance and nesting deeper than MAX_DEPTH are BinXmlErrors
 * (the record is reported and skipped, the chunk read on).
 */
import { instantiate, TemplateCache, type SlotValue, type TemplateElement, type TemplatePart } from "./template.js";
import type { XmlElement } from "./xml-tree.js";

export class BinXmlError extends Error {}

const enum Token {
  EndOfStream = 0x00,
  OpenStartElement = 0x01,
  CloseStartElement = 0x02,
  CloseEmptyElement = 0x03,
  EndElement = 0x04,
  Value = 0x05,
  Attribute = 0x06,
  CData = 0x07,
  CharRef = 0x08,
  EntityRef = 0x09,
  PITarget = 0x0a,
  PIData = 0x0b,
  TemplateInstance = 0x0c,
  NormalSubstitution = 0x0d,
  OptionalSubstitution = 0x0e,
  FragmentHeader = 0x0f,
}
const MORE = 0x40;
const TEMPLATE_HEADER_BYTES = 24;
const MAX_DEPTH = 48;
const MAX_SLOTS = 2048;
const MAX_NESTED_PER_RECORD = 256;
const ENTITIES: Record<string, string> = { lt: "<", gt: ">", amp: "&", quot: "\"", apos: "'" };

/** Reads the records of one chunk. Names and templates are cached for the chunk's lifetime. */
export class ChunkBinXml {
  private readonly names = new Map<number, string>();
  readonly templates = new TemplateCache();
  private depth = 0;

  constructor(private readonly chunk: Buffer) {}

  /** The event elements of one record's BinXML, found in chunk[start, end). */
  parseRecord(start: number, end: number): XmlElement[] {
    this.depth = 0;
    this.nestedSeen.clear();
    this.nestedParses = 0;
    return this.parseFragment(start, end);
  }

  /**
   * Embedded BinXML already parsed in this record, by offset. A template may use one slot many times:
   * without this, a hostile template nesting such slots would cost (uses per level)^depth parses.
   */
  private readonly nestedSeen = new Map<number, XmlElement[]>();
  private nestedParses = 0;

  private u8(p: number, end: number): number {
    if (p >= end) throw new BinXmlError(`BinXML runs past its end at chunk offset ${p}`);
    return this.chunk[p]!;
  }

  private u16(p: number, end: number): number {
    if (p + 2 > end) throw new BinXmlError(`BinXML runs past its end at chunk offset ${p}`);
    return this.chunk.readUInt16LE(p);
  }

  private u32(p: number, end: number): number {
    if (p + 4 > end) throw new BinXmlError(`BinXML runs past its end at chunk offset ${p}`);
    return this.chunk.readUInt32LE(p);
  }

  /** A name structure: 4 bytes (next-in-hash offset), hash, character count, UTF-16 text, NUL. */
  private name(offset: number): { text: string; bytes: number } {
    const len = this.chunk.length;
    if (offset + 8 > len) throw new BinXmlError(`name offset ${offset} is outside the chunk`);
    const chars = this.chunk.readUInt16LE(offset + 6);
    const bytes = 8 + chars * 2 + 2;
    if (offset + bytes > len) throw new BinXmlError(`name at ${offset} runs past the chunk`);
    let text = this.names.get(offset);
    if (text === undefined) {
      text = this.chunk.toString("utf16le", offset + 8, offset + 8 + chars * 2);
      this.names.set(offset, text);
    }
    return { text, bytes };
  }

  /** Read a name reference at p; when the name is stored right there (first use), step over it. */
  private nameAt(p: number, end: number): { text: string; next: number } {
    const offset = this.u32(p, end);
    const n = this.name(offset);
    return { text: n.text, next: offset === p + 4 ? p + 4 + n.bytes : p + 4 };
  }

  private enter(): void {
    if (++this.depth > MAX_DEPTH) throw new BinXmlError(`BinXML nested deeper than ${MAX_DEPTH} levels`);
  }

  /** A fragment: header, then elements or template instances, until end-of-stream or `end`. */
  parseFragment(start: number, end: number): XmlElement[] {
    this.enter();
    const out: XmlElement[] = [];
    let p = start;
    while (p < end) {
      const token = this.chunk[p]!;
      if (token === Token.EndOfStream) break;
      if (token === Token.FragmentHeader) { p += 4; continue; }
      if (token === Token.TemplateInstance) {
        const r = this.templateInstance(p, end);
        out.push(r.element);
        p = r.next;
        continue;
      }
      if ((token & ~MORE) === Token.OpenStartElement) {
        const r = this.element(p, end);
        out.push(instantiate(r.element, this.chunk, [], this.nested));
        p = r.next;
        continue;
      }
      if (token === Token.PITarget || token === Token.PIData) { p = this.skipPI(p, end); continue; }
      throw new BinXmlError(`unexpected BinXML token 0x${token.toString(16)} at chunk offset ${p}`);
    }
    this.depth--;
    return out;
  }

  private readonly nested = (offset: number, size: number): XmlElement[] => {
    if (offset + size > this.chunk.length) throw new BinXmlError(`embedded BinXML at ${offset} runs past the chunk`);
    const seen = this.nestedSeen.get(offset);
    if (seen) return seen;
    if (++this.nestedParses > MAX_NESTED_PER_RECORD) throw new BinXmlError(`more than ${MAX_NESTED_PER_RECORD} embedded BinXML values in one record`);
    const elements = this.parseFragment(offset, offset + size);
    this.nestedSeen.set(offset, elements);
    return elements;
  };

  private templateInstance(t: number, end: number): { element: XmlElement; next: number } {
    let p = t + 2; // token, then one byte (always 1)
    p += 4; // template identifier
    const defOffset = this.u32(p, end);
    p += 4;
    if (defOffset + TEMPLATE_HEADER_BYTES > this.chunk.length) throw new BinXmlError(`template definition offset ${defOffset} is outside the chunk`);
    const dataSize = this.chunk.readUInt32LE(defOffset + 20);
    const bodyStart = defOffset + TEMPLATE_HEADER_BYTES;
    const bodyEnd = bodyStart + dataSize;
    if (bodyEnd > this.chunk.length) throw new BinXmlError(`template definition at ${defOffset} runs past the chunk`);
    // The first record using a template carries its definition inline, right here.
    if (defOffset === p) p = bodyEnd;
    let template = this.templates.get(defOffset);
    if (!template) {
      template = this.compile(bodyStart, bodyEnd);
      this.templates.set(defOffset, template);
    }
    const count = this.u32(p, end);
    p += 4;
    if (count > MAX_SLOTS || p + count * 4 > end) throw new BinXmlError(`template instance claims ${count} values`);
    const values: SlotValue[] = new Array<SlotValue>(count);
    let dataAt = p + count * 4;
    for (let i = 0; i < count; i++) {
      const size = this.chunk.readUInt16LE(p + i * 4);
      const type = this.chunk[p + i * 4 + 2]!;
      values[i] = { type, offset: dataAt, size };
      dataAt += size;
    }
    if (dataAt > end) throw new BinXmlError(`template values run past the record (${dataAt - end} bytes over)`);
    return { element: instantiate(template, this.chunk, values, this.nested), next: dataAt };
  }

  /** A template definition body: fragment header, one element, end-of-stream. */
  private compile(start: number, end: number): TemplateElement {
    let p = start;
    if (this.chunk[p] === Token.FragmentHeader) p += 4;
    const token = this.u8(p, end);
    if ((token & ~MORE) !== Token.OpenStartElement) throw new BinXmlError(`template definition at ${start} does not start with an element`);
    return this.element(p, end).element;
  }

  /**
   * An element: open-start token, (dependency id,) data size, name, attributes, then either an empty
   * close or content up to the end-element token. The 2-byte dependency id is absent in some embedded
   * BinXML; which layout applies is told by where the name offset points (inline, or earlier in the chunk).
   */
  private element(t: number, end: number): { element: TemplateElement; next: number } {
    this.enter();
    const token = this.chunk[t]!;
    const withDep = this.plausibleName(t + 7, t + 11);
    let p = withDep ? t + 7 : t + 5;
    if (!withDep && !this.plausibleName(t + 5, t + 9)) throw new BinXmlError(`element at chunk offset ${t} has no readable name`);
    const n = this.nameAt(p, end);
    p = n.next;
    const el: TemplateElement = { name: n.text, attrs: [], children: [] };
    if (token & MORE) {
      p += 4; // attribute list size
      while (p < end && (this.chunk[p]! & ~MORE) === Token.Attribute) {
        const an = this.nameAt(p + 1, end);
        const parts: TemplatePart[] = [];
        p = this.valueParts(an.next, end, parts);
        el.attrs.push({ name: an.text, parts });
      }
    }
    const close = this.u8(p, end);
    p++;
    if (close === Token.CloseEmptyElement) { this.depth--; return { element: el, next: p }; }
    if (close !== Token.CloseStartElement) throw new BinXmlError(`expected the end of a start tag at chunk offset ${p - 1}, found 0x${close.toString(16)}`);
    for (;;) {
      const c = this.u8(p, end);
      if (c === Token.EndElement) { p++; break; }
      if ((c & ~MORE) === Token.OpenStartElement) {
        const r = this.element(p, end);
        el.children.push(r.element);
        p = r.next;
      } else if ((c & ~MORE) === Token.CData) {
        const chars = this.u16(p + 1, end);
        if (p + 3 + chars * 2 > end) throw new BinXmlError(`CDATA at ${p} runs past the record`);
        el.children.push(this.chunk.toString("utf16le", p + 3, p + 3 + chars * 2));
        p += 3 + chars * 2;
      } else if (c === Token.PITarget || c === Token.PIData) {
        p = this.skipPI(p, end);
      } else {
        const before = p;
        p = this.valueParts(p, end, el.children as TemplatePart[], true);
        if (p === before) throw new BinXmlError(`unexpected BinXML token 0x${c.toString(16)} in element content at chunk offset ${p}`);
      }
    }
    this.depth--;
    return { element: el, next: p };
  }

  /** Is there a name offset at p that is either inline (== inlineAt) or points back into the chunk? */
  private plausibleName(p: number, inlineAt: number): boolean {
    if (p + 4 > this.chunk.length) return false;
    const off = this.chunk.readUInt32LE(p);
    if (off !== inlineAt && off >= p) return false;
    if (off + 8 > this.chunk.length) return false;
    const chars = this.chunk.readUInt16LE(off + 6);
    return off + 10 + chars * 2 <= this.chunk.length;
  }

  /**
   * Value text, substitutions, character and entity references, appended to parts. Stops at the first
   * other token; outside element content (an attribute's value) also after a final piece of text.
   */
  private valueParts(start: number, end: number, parts: TemplatePart[], content = false): number {
    let p = start;
    while (p < end) {
      const token = this.chunk[p]!;
      const base = token & ~MORE;
      if (base === Token.Value) {
        const type = this.u8(p + 1, end);
        const chars = this.u16(p + 2, end);
        if (type !== 0x01 || p + 4 + chars * 2 > end) throw new BinXmlError(`bad value text at chunk offset ${p}`);
        parts.push(this.chunk.toString("utf16le", p + 4, p + 4 + chars * 2));
        p += 4 + chars * 2;
      } else if (token === Token.NormalSubstitution || token === Token.OptionalSubstitution) {
        parts.push({ slot: this.u16(p + 1, end), optional: token === Token.OptionalSubstitution });
        p += 4;
      } else if (base === Token.CharRef) {
        parts.push(String.fromCharCode(this.u16(p + 1, end)));
        p += 3;
      } else if (base === Token.EntityRef) {
        const n = this.nameAt(p + 1, end);
        parts.push(ENTITIES[n.text] ?? `&${n.text};`);
        p = n.next;
      } else {
        break;
      }
      if (!content && !(token & MORE) && !(token === Token.NormalSubstitution || token === Token.OptionalSubstitution)) break;
    }
    return p;
  }

  private skipPI(p: number, end: number): number {
    if (this.chunk[p] === Token.PITarget) return this.nameAt(p + 1, end).next;
    const chars = this.u16(p + 1, end);
    return p + 3 + chars * 2;
  }
}
