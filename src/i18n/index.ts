/**
 * Messages in English and Thai. t(lang, key, params) looks the key up in the language's catalogue,
 * falls back to English, then to the key itself (so a missing message shows up, never as blank).
 */
import type { Bilingual } from "../model/index.js";
import { en } from "./en.js";
import type { MessageKey } from "./en.js";
import { th } from "./th.js";

export type { MessageKey };
export const LANGS = ["en", "th"] as const;
export type Lang = (typeof LANGS)[number];

export type Params = Readonly<Record<string, string | number>>;
export type Catalogue = Readonly<Partial<Record<string, string>>>;

const CATALOGUES: Readonly<Record<Lang, Catalogue>> = { en, th };

export function t(lang: Lang, key: MessageKey, params?: Params): string {
  return translate(CATALOGUES, lang, key, params);
}

/** The lookup behind t(), open for other catalogues (tests, plug-ins). Empty strings count as missing. */
export function translate(catalogues: Readonly<Record<Lang, Catalogue>>, lang: Lang, key: string, params?: Params): string {
  const text = nonEmpty(catalogues[lang][key]) ?? nonEmpty(catalogues.en[key]) ?? key;
  return params ? interpolate(text, params) : text;
}

function nonEmpty(s: string | undefined): string | undefined {
  return s === undefined || s === "" ? undefined : s;
}

/** Replace {name} with params.name; unknown placeholders stay as they are so the gap is visible. */
export function interpolate(template: string, params: Params): string {
  let out = "";
  let i = 0;
  while (i < template.length) {
    const open = template.indexOf("{", i);
    if (open < 0) break;
    const close = template.indexOf("}", open + 1);
    if (close < 0) break;
    const name = template.slice(open + 1, close);
    const value = /^[A-Za-z][A-Za-z0-9_]*$/.test(name) ? params[name] : undefined;
    out += template.slice(i, open) + (value === undefined ? template.slice(open, close + 1) : String(value));
    i = close + 1;
  }
  return out + template.slice(i);
}

/** The playbook's own text in the asked language. */
export function pick(text: Bilingual, lang: Lang): string {
  return text[lang] || text.en;
}

export function isLang(value: string): value is Lang {
  return (LANGS as readonly string[]).includes(value);
}

/**
 * The report language: --lang when given (th, en, or a locale like th_TH.UTF-8), otherwise the
 * locale, POSIX order LC_ALL, LC_MESSAGES, LANG; a locale starting with "th" means Thai, anything
 * else English. An unknown --lang is an error the caller shows.
 */
export function resolveLang(flag: string | undefined, env: Readonly<Record<string, string | undefined>> = process.env): Lang {
  if (flag !== undefined && flag !== "") {
    const lang = langOfLocale(flag);
    if (!lang) throw new Error(t("en", "cli.report.badLang", { lang: flag }));
    return lang;
  }
  for (const name of ["LC_ALL", "LC_MESSAGES", "LANG"]) {
    const v = env[name];
    if (v) return v.toLowerCase().startsWith("th") ? "th" : "en";
  }
  return "en";
}

function langOfLocale(value: string): Lang | undefined {
  const v = value.toLowerCase();
  if (v === "th" || v.startsWith("th_") || v.startsWith("th-") || v.startsWith("th.")) return "th";
  if (v === "en" || v.startsWith("en_") || v.startsWith("en-") || v.startsWith("en.") || v === "c" || v === "posix") return "en";
  return undefined;
}

/** Built on first use, for what plainUsd leaves to it: making an Intl.NumberFormat loads ICU's locale data. */
let usd: Intl.NumberFormat | undefined;

/** USD as people write it in both languages: $12,345.67 (what Intl.NumberFormat("en-US", USD) writes). */
export function formatUsd(amount: number): string {
  const plain = plainUsd(amount);
  if (plain !== undefined) return plain;
  usd ??= new Intl.NumberFormat("en-US", { style: "currency", currency: "USD" });
  return usd.format(amount);
}

/**
 * An ordinary amount written without Intl, exactly as Intl writes it: rounded half away from zero on the
 * number's shortest decimal form (String(n)), grouped by thousands, "-" before "$". Every assessment
 * formats the escalation threshold, and making the Intl formatter costs about 15 ms of CPU at a scan's
 * start. Undefined (Intl decides) for what String(n) writes with an exponent, NaN, the infinities and
 * amounts of 10^15 and more. i18n.test.ts compares the two.
 */
export function plainUsd(amount: number): string | undefined {
  const m = /^(\d+)(?:\.(\d+))?$/.exec(String(Math.abs(amount)));
  if (!m || m[1]!.length > 15) return undefined;
  const digits = m[2] ?? "";
  let cents = BigInt(m[1]! + digits.padEnd(2, "0").slice(0, 2));
  if (digits.length > 2 && digits[2]! >= "5") cents += 1n;
  const whole = (cents / 100n).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  const sign = amount < 0 || Object.is(amount, -0) ? "-" : "";
  return `${sign}$${whole}.${(cents % 100n).toString().padStart(2, "0")}`;
}

/** A timestamp as "2026-11-20 03:14:07Z" (UTC, both languages); unparseable input is returned as given. */
export function formatTime(iso: string): string {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) return iso;
  return new Date(ms).toISOString().replace("T", " ").replace(/\.\d{3}Z$/, "Z");
}
