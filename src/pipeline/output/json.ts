/**
 * The JSON report, written piece by piece: one document, the same as JSON.stringify(report, null, 2) would
 * give, without ever holding the whole text. With thousands of incidents (an outbreak) the single string
 * was the largest thing in memory. `write` may return a promise (a stream that is full): the next piece
 * waits for it, so a slow reader (`| jq`) holds the writer back instead of the text piling up in memory.
 */
import { once, type EventEmitter } from "node:events";

export type Write = (chunk: string) => void | Promise<void>;

function indent(text: string, pad: string): string {
  return text.replace(/\n/g, `\n${pad}`);
}

/**
 * An item of a top-level list as JSON.stringify(report, null, 2) prints it: four spaces in. Stringified inside two
 * arrays, which put it at that depth, and cut out: an outbreak's report is tens of MB, and indenting each item's
 * text afterwards copied all of it once more.
 */
function listItem(item: unknown): string {
  const text = JSON.stringify([[item]], null, 2);
  return text.slice(LIST_ITEM_HEAD, text.length - LIST_ITEM_TAIL);
}
const LIST_ITEM_HEAD = "[\n  [\n".length;
const LIST_ITEM_TAIL = "\n  ]\n]".length;

/** Write `{ key: value, ..., listKey: [items...] }`, each array item stringified on its own. */
export async function writeJsonDocument(write: Write, fields: Record<string, unknown>, lists: Record<string, readonly unknown[]>): Promise<void> {
  const parts = Object.entries(fields).map(([k, v]) => `  ${JSON.stringify(k)}: ${indent(JSON.stringify(v, null, 2), "  ")}`);
  await write(`{\n${parts.join(",\n")}`);
  for (const [key, items] of Object.entries(lists)) {
    await write(`,\n  ${JSON.stringify(key)}: [`);
    for (let i = 0; i < items.length; i++) await write(`${i ? "," : ""}\n${listItem(items[i])}`);
    await write(items.length ? "\n  ]" : "]");
  }
  await write("\n}\n");
}

/**
 * A writer for `writeJsonDocument` and line outputs over a Node stream: a write that fills the stream's buffer
 * returns a promise that settles when it drains (or fails with the stream's error).
 */
export function drainingWriter(out: NodeJS.WritableStream): (chunk: string) => void | Promise<void> {
  return (chunk) => (out.write(chunk) ? undefined : once(out as EventEmitter, "drain").then(() => undefined));
}
