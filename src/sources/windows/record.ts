/**
 * One Windows event as both readers see it: the EVTX reader (from the rendered event XML) and the
 * Winlogbeat / Elastic Agent reader (from `winlog.*` JSON). The ECS mapping works on this shape only, so
 * both formats give the same events.
 */
import { child, childElements, isElement, stringOf, textOf, type XmlElement } from "./evtx/xml-tree.js";

export type DataValue = string | readonly string[];

export interface WindowsRecord {
  provider: string;
  eventId: number;
  channel: string;
  computer: string;
  /** TimeCreated SystemTime, ISO 8601. */
  time?: string;
  recordId?: number;
  /** Security UserID (a SID). */
  userSid?: string;
  processId?: number;
  threadId?: number;
  level?: number;
  task?: number;
  opcode?: number;
  keywords?: string;
  version?: number;
  /** EventData <Data Name=…> values (unnamed ones as param1, param2 … as Winlogbeat names them), or UserData's. */
  data: Map<string, DataValue>;
}

/** Data values kept per record at most (a hostile record could carry thousands). */
export const MAX_DATA_FIELDS = 256;

function intOf(text: string): number | undefined {
  if (text === "") return undefined;
  const n = Number(text);
  return Number.isSafeInteger(n) ? n : undefined;
}

/** The record of a rendered <Event> element, or undefined when it has no System/EventID. */
export function recordFromXml(event: XmlElement): WindowsRecord | undefined {
  const system = child(event, "System");
  const eventId = intOf(stringOf(child(system, "EventID")).trim());
  if (!system || eventId === undefined) return undefined;
  const provider = child(system, "Provider");
  const execution = child(system, "Execution");
  const record: WindowsRecord = {
    provider: provider?.attrs.Name ?? provider?.attrs.EventSourceName ?? "",
    eventId,
    channel: stringOf(child(system, "Channel")),
    computer: stringOf(child(system, "Computer")),
    data: new Map(),
  };
  const time = child(system, "TimeCreated")?.attrs.SystemTime;
  if (time) record.time = time;
  const optionalInts: [keyof WindowsRecord, string | undefined][] = [
    ["recordId", stringOf(child(system, "EventRecordID"))],
    ["processId", execution?.attrs.ProcessID],
    ["threadId", execution?.attrs.ThreadID],
    ["level", stringOf(child(system, "Level"))],
    ["task", stringOf(child(system, "Task"))],
    ["opcode", stringOf(child(system, "Opcode"))],
    ["version", stringOf(child(system, "Version"))],
  ];
  for (const [key, text] of optionalInts) {
    const n = text !== undefined ? intOf(text) : undefined;
    if (n !== undefined) (record as unknown as Record<string, number>)[key] = n;
  }
  const keywords = stringOf(child(system, "Keywords"));
  if (keywords) record.keywords = keywords;
  const sid = child(system, "Security")?.attrs.UserID;
  if (sid) record.userSid = sid;

  const eventData = child(event, "EventData");
  if (eventData) {
    let unnamed = 0;
    for (const d of childElements(eventData)) {
      if (record.data.size >= MAX_DATA_FIELDS) break;
      const name = d.attrs.Name ?? `param${++unnamed}`;
      record.data.set(name, textOf(d));
    }
  } else {
    // UserData holds one provider-defined element whose children are the values.
    const inner = childElements(child(event, "UserData"))[0];
    for (const d of childElements(inner)) {
      if (record.data.size >= MAX_DATA_FIELDS) break;
      record.data.set(d.name, d.children.some(isElement) ? "" : textOf(d));
    }
  }
  return record;
}
