import type { Source } from "./types.js";
import { hostSources } from "./host/index.js";
import { metricsSources } from "./metrics/index.js";
import { billingSources } from "./billing/index.js";
import { networkSources } from "./network/index.js";
import { cloudSources } from "./cloud/index.js";
import { containerSources } from "./container/index.js";
import { windowsSources } from "./windows/index.js";

export type { Source, Sample, Input, Line, ParseContext, Prefilter } from "./types.js";
export { chooseSource, MIN_SNIFF_SCORE } from "./sniff.js";

/** Every input format, for sniffing and `minerhunt formats`. */
export const allSources: readonly Source[] = [
  ...cloudSources, ...containerSources, ...networkSources, ...hostSources, ...metricsSources, ...billingSources,
  ...windowsSources,
];
