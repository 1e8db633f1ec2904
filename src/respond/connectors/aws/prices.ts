/**
 * The price table the CLI sweep uses. The respond core owns the table (data/prices, respond/prices); until
 * its loader is merged on this branch nothing is priced here and the sweep says how many suspects are
 * unpriced. INTEGRATION: return the core's loaded PriceTable from this function.
 */
import type { PriceTable } from "../../types.js";

export function sweepPrices(): PriceTable {
  return { instanceUsdPerHour: () => undefined };
}
