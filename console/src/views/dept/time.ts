// Time for the collaboration screens: instants in the owner unit's zone, and whether an SLA
// clock runs now (the unit's business hours: its week, typed holidays and make-up days, and
// the built-in public days it follows).
import { onBeforeUnmount, onMounted, ref, type Ref } from "vue";
import type { Schemas } from "../../api/client";

/** An instant in the owner unit's zone, the zone named ("2026年12月7日 GMT+8 01:24"). */
export { dateTime as inZone } from "../../format";

export type Calendar = Schemas["CalendarRead"];


interface Local {
  date: string; // YYYY-MM-DD
  weekday: string; // mon..sun
  minutes: number; // since local midnight
}

function local(at: Date, zone: string): Local {
  const parts = new Intl.DateTimeFormat("en-US", {
    timeZone: zone,
    weekday: "short",
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
    hourCycle: "h23",
  }).formatToParts(at);
  const part = (type: string): string => parts.find((p) => p.type === type)?.value ?? "";
  return {
    date: `${part("year")}-${part("month")}-${part("day")}`,
    weekday: part("weekday").slice(0, 3).toLowerCase(),
    minutes: Number(part("hour")) * 60 + Number(part("minute")),
  };
}

function minutesOf(hhmm: string): number {
  const [h, m] = hhmm.split(":").map(Number);
  return h * 60 + m;
}

/** Whether ``at`` falls in the calendar's business hours (windows are "HH:MM-HH:MM"). */
export function inBusinessHours(at: Date, calendar: Calendar): boolean {
  const here = local(at, calendar.timezone);
  const publicDays = calendar.public_holidays;
  const makeup =
    calendar.makeup_days.includes(here.date) || (publicDays?.makeup_days ?? []).includes(here.date);
  const holiday =
    calendar.holidays.includes(here.date) ||
    (publicDays?.days_off ?? []).some((d) => d.date === here.date);
  let windows: string[];
  if (makeup) windows = calendar.makeup_hours;
  else if (holiday) windows = [];
  else windows = calendar.week[here.weekday] ?? [];
  return windows.some((w) => {
    const [from, to] = w.split("-");
    return here.minutes >= minutesOf(from) && here.minutes < minutesOf(to);
  });
}

/** Business seconds left as the screen writes them: "12h 05m 09s", "4m 09s", "-" past due. */
export function remaining(seconds: number): string {
  const s = Math.max(0, Math.floor(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  const mm = String(m).padStart(2, "0");
  const ss = String(sec).padStart(2, "0");
  return h > 0 ? `${h}h ${mm}m ${ss}s` : `${m}m ${ss}s`;
}

/** A clock that ticks every second while the calling component lives. */
export function useTicker(): Ref<number> {
  const now = ref(Date.now());
  let timer: ReturnType<typeof setInterval> | undefined;
  onMounted(() => {
    timer = setInterval(() => (now.value = Date.now()), 1000);
  });
  onBeforeUnmount(() => clearInterval(timer));
  return now;
}
