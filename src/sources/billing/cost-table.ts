import type { Input, ParseContext } from "../types.js";
import { cellAt, mapColumns, numberCell, readCsvRows, type CsvRow } from "../metrics/csv.js";
import { quoteForIssue } from "../metrics/numbers.js";
import { toIsoUtc } from "../metrics/time.js";

/**
 * What every billing export CSV shares: a header naming its columns (mapped by alias), then one cost
 * line per row that must have a start time and a cost. The AWS, Azure and GCP sources differ only in
 * their column names and in what else they read from a row.
 */
export interface CostTable<K extends string> {
  header: string[];
  columns: Record<K, number>;
}

export interface CostRow<K extends string> {
  table: CostTable<K>;
  row: CsvRow;
  start: string;
  cost: number;
}

export interface CostColumns<K extends string> {
  /** Column aliases by key. */
  aliases: Record<K, readonly string[]>;
  /** Keys of the usage-start and cost columns. */
  start: K;
  cost: K;
  /** Said when the header lacks either column: what the export's header should hold. */
  missing: string;
  /** Said when a start cell is not a time: what it should look like. */
  startExpected: string;
}

export async function* costRows<K extends string>(input: Input, ctx: ParseContext, spec: CostColumns<K>): AsyncGenerator<CostRow<K>> {
  let table: CostTable<K> | undefined;
  for await (const row of readCsvRows(input, ctx)) {
    if (!table) {
      table = { header: row.cells, columns: mapColumns(row.cells, spec.aliases) };
      if (table.columns[spec.start] === -1 || table.columns[spec.cost] === -1) {
        ctx.issue(row.line, `${spec.missing}; nothing read`);
        return;
      }
      continue;
    }
    const name = (index: number): string => table!.header[index] ?? "";
    const startIndex = table.columns[spec.start];
    const rawStart = cellAt(row, startIndex);
    const start = toIsoUtc(rawStart);
    if (start === undefined) {
      ctx.issue(row.line, `line ${row.line}, column ${quoteForIssue(name(startIndex))}: ${quoteForIssue(rawStart ?? "")} is not a date or time; expected ${spec.startExpected}`);
      continue;
    }
    const costIndex = table.columns[spec.cost];
    const cost = numberCell(row, costIndex, name(costIndex), ctx);
    if (cost === undefined) {
      if (cellAt(row, costIndex) === undefined) ctx.issue(row.line, `line ${row.line}, column ${quoteForIssue(name(costIndex))}: empty; expected the line's cost`);
      continue;
    }
    yield { table, row, start, cost };
  }
}
