// Numbers, money, dates and times as the reader's locale writes them. Money arrives as a
// decimal string with its currency and is never turned into a float for arithmetic: only
// for display, where Intl rounds to the currency's minor unit.
import { currentLocale } from "./i18n";

const locale = (): string => currentLocale();

export interface Money {
  amount: string;
  currency: string;
}

export function money(value: Money | null | undefined): string {
  if (!value) return "—";
  return new Intl.NumberFormat(locale(), { style: "currency", currency: value.currency }).format(
    Number(value.amount),
  );
}

export function number(value: string | number | null | undefined, digits = 2): string {
  if (value === null || value === undefined || value === "") return "—";
  return new Intl.NumberFormat(locale(), { maximumFractionDigits: digits }).format(Number(value));
}

/** A decimal with exactly ``digits`` places as the locale writes it (scores, points: "96.00"). */
export function fixed(value: string | number | null | undefined, digits = 2): string {
  if (value === null || value === undefined || value === "") return "—";
  return new Intl.NumberFormat(locale(), {
    minimumFractionDigits: digits,
    maximumFractionDigits: digits,
  }).format(Number(value));
}

/** A ratio (0.95) as a percentage (95%). */
export function percent(value: string | number | null | undefined, digits = 1): string {
  if (value === null || value === undefined || value === "") return "—";
  return new Intl.NumberFormat(locale(), { style: "percent", maximumFractionDigits: digits }).format(
    Number(value),
  );
}

/** A date (YYYY-MM-DD) as the locale writes it, without moving it across zones. */
export function day(value: string | null | undefined): string {
  if (!value) return "—";
  return new Intl.DateTimeFormat(locale(), { dateStyle: "medium", timeZone: "UTC" }).format(
    new Date(`${value.slice(0, 10)}T00:00:00Z`),
  );
}

/** An instant in the owner unit's time zone (default Asia/Shanghai), with the zone named. */
export function dateTime(value: string | null | undefined, zone = "Asia/Shanghai"): string {
  if (!value) return "—";
  // Fields spelled out: Intl refuses dateStyle/timeStyle beside timeZoneName.
  return new Intl.DateTimeFormat(locale(), {
    year: "numeric",
    month: "short",
    day: "numeric",
    hour: "2-digit",
    minute: "2-digit",
    hourCycle: "h23",
    timeZone: zone,
    timeZoneName: "short",
  }).format(new Date(value));
}

/** A duration in seconds as hours and minutes ("-1h 05m" when overdue). */
export function duration(seconds: number): string {
  const sign = seconds < 0 ? "-" : "";
  const s = Math.abs(Math.round(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  return h > 0
    ? `${sign}${h}h ${String(m).padStart(2, "0")}m`
    : `${sign}${m}m ${String(sec).padStart(2, "0")}s`;
}
