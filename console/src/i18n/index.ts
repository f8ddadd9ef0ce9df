// Chinese first, English second: one vue-i18n instance, every area's texts merged in.
import { createI18n } from "vue-i18n";
import common from "./common";
import rep from "../views/rep/messages";
import manager from "../views/manager/messages";
import director from "../views/director/messages";
import finance from "../views/finance/messages";
import hr from "../views/hr/messages";
import dept from "../views/dept/messages";

export type Locale = "zh-CN" | "en";
export const LOCALES: { code: Locale; label: string }[] = [
  { code: "zh-CN", label: "中文" },
  { code: "en", label: "English" },
];
const KEY = "spearhead.locale";

function merged(locale: Locale): Record<string, unknown> {
  return Object.assign(
    {},
    ...[common, rep, manager, director, finance, hr, dept].map((m) => m[locale]),
  ) as Record<string, unknown>;
}

const saved = localStorage.getItem(KEY);
const messages: Record<string, Record<string, unknown>> = {
  "zh-CN": merged("zh-CN"),
  en: merged("en"),
};
export const i18n = createI18n({
  legacy: false,
  locale: saved === "en" ? "en" : "zh-CN",
  fallbackLocale: "zh-CN",
  messages: messages as Record<string, never>,
});

/** The locale shown now ("zh-CN" or "en"). */
export function currentLocale(): Locale {
  return i18n.global.locale.value as Locale;
}

export function setLocale(locale: Locale): void {
  i18n.global.locale.value = locale;
  localStorage.setItem(KEY, locale);
  document.documentElement.lang = locale;
}
document.documentElement.lang = currentLocale();
