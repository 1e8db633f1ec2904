/** A message in both languages, for a plan step's `why` and refusal reasons (the texts live in i18n/). */
import { t, type MessageKey, type Params } from "../../i18n/index.js";
import type { Bilingual } from "../../model/index.js";

export function both(key: MessageKey, params?: Params): Bilingual {
  return { en: t("en", key, params), th: t("th", key, params) };
}
