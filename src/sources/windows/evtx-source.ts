/**
 * Windows event log files (.evtx) as Windows writes them: Sysmon, Security, System and any other
 * channel. Read as a byte stream, one 64 KiB chunk at a time (evtx/reader.ts); each record's BinXML
 * becomes a WindowsRecord, then an ECS event (map.ts). Damaged chunks and unreadable records are
 * reported with their file offset and skipped; the rest of the file is read.
 */
import type { Event } from "../../model/index.js";
import type { DatasetDeclaration, Input, ParseContext, Sample, Source } from "../types.js";
import { hasFileSignature } from "./evtx/file-header.js";
import { readEvtx } from "./evtx/reader.js";
import { isElement } from "./evtx/xml-tree.js";
import { recordFromXml } from "./record.js";
import { WINDOWS_EMITS } from "./emits.js";

export const EVTX_ID = "windows.evtx";

export const evtxSource: Source = {
  id: EVTX_ID,
  title: "Windows event log files (.evtx: Sysmon, Security 4688/4698, System 7045, any channel)",
  emits: WINDOWS_EMITS as readonly DatasetDeclaration[],

  sniff(sample: Sample): number {
    return hasFileSignature(sample.bytes) ? 1 : 0;
  },

  async *parse(input: Input, ctx: ParseContext): AsyncIterable<Event> {
    // Loaded with the first Windows file: the mapping table's YAML parser and zod are not a cost of every scan.
    const { recordToEvent } = await import("./map.js");
    const report = { problem: (p: { offset: number; message: string }) => ctx.issue(undefined, p.message, p.offset) };
    for await (const r of readEvtx(input.stream(), report)) {
      const root = r.elements.find((e) => isElement(e) && e.name === "Event") ?? r.elements[0];
      const rec = root ? recordFromXml(root) : undefined;
      if (!rec) {
        ctx.issue(undefined, `event record ${r.recordId} has no System/EventID; skipped`, r.offset);
        continue;
      }
      rec.recordId ??= r.recordId;
      rec.time ??= r.written;
      yield recordToEvent(rec, { path: input.path, format: EVTX_ID, offset: r.offset });
    }
  },
};
