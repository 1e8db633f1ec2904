/** The price table the CLI sweep uses: the respond core's data/prices (respond/prices.ts). */
import { loadPriceTable } from "../../prices.js";
import type { PriceTable } from "../../types.js";

export function sweepPrices(): PriceTable {
  return loadPriceTable();
}
