/**
 * Host metrics sources: utilisation CSV, nvidia-smi CSV, Prometheus query results, CloudWatch exports.
 * The CSV, time, number and JSON-position helpers here are shared with the billing and host sources.
 */
import type { Source } from "../types.js";
import { cloudWatchSource } from "./cloudwatch.js";
import { metricsCsvSource } from "./metrics-csv.js";
import { nvidiaSmiSource } from "./nvidia-smi.js";
import { prometheusQueryRangeSource } from "./prometheus-query-range.js";

export const metricsSources: Source[] = [metricsCsvSource, nvidiaSmiSource, prometheusQueryRangeSource, cloudWatchSource];

export { cloudWatchSource, metricsCsvSource, nvidiaSmiSource, prometheusQueryRangeSource };
