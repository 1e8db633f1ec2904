/**
 * The JSON report, written piece by piece: one document, the same as JSON.stringify(report, null, 2) would
 * give, without ever holding the whole text. With thousands of incidents (an outbreak) the single string
 * was the largest thing in memory.
 */
export type Write = (chunk: string) => void;

function indent(text: string, pad: string): string {
  return text.replace(/\n/g, `\n${pad}`);
}

/** Write `{ key: value, ..., listKey: [items...] }`, each array item stringified on its own. */
export function writeJsonDocument(write: Write, fields: Record<string, unknown>, lists: Record<string, readonly unknown[]>): void {
  const parts = Object.entries(fields).map(([k, v]) => `  ${JSON.stringify(k)}: ${indent(JSON.stringify(v, null, 2), "  ")}`);
  write(`{\n${parts.join(",\n")}`);
  for (const [key, items] of Object.entries(lists)) {
    write(`,\n  ${JSON.stringify(key)}: [`);
    items.forEach((item, i) => write(`${i ? "," : ""}\n    ${indent(JSON.stringify(item, null, 2), "    ")}`));
    write(items.length ? "\n  ]" : "]");
  }
  write("\n}\n");
}
