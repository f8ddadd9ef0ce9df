// An instant in the owner unit's zone (Asia/Shanghai unless given), zone named. format.ts's
// dateTime() combines dateStyle with timeZoneName, which Intl refuses ("Invalid option"), so
// this area formats instants itself until that is mended.
import { currentLocale } from "../../i18n";

export function when(value: string | null | undefined, zone = "Asia/Shanghai"): string {
  if (!value) return "—";
  return new Intl.DateTimeFormat(currentLocale(), {
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
