// What the collaboration screens look up beside their own reads, once per unit: the owner
// unit's calendar (time zone and business hours) and a unit's name (its id when the caller
// may not read it).
import { reactive } from "vue";
import { api, ok } from "../../api/client";
import type { Calendar } from "./time";

const calendars = new Map<string, Promise<Calendar | null>>();

/** The unit's effective calendar, or null when it cannot be read (the ticket's own
 * ``sla.timezone`` is then used and the clock counts whenever it runs). */
export function calendarOf(unitId: string): Promise<Calendar | null> {
  let found = calendars.get(unitId);
  if (!found) {
    found = api
      .GET("/collab/calendars/{unit_id}", { params: { path: { unit_id: unitId } } })
      .then((answer) => ok(answer))
      .catch(() => null);
    calendars.set(unitId, found);
  }
  return found;
}

/** The calendars of several units, by unit id. */
export async function calendarsOf(unitIds: string[]): Promise<Record<string, Calendar | null>> {
  const unique = [...new Set(unitIds)];
  const found = await Promise.all(unique.map((id) => calendarOf(id)));
  return Object.fromEntries(unique.map((id, i) => [id, found[i]]));
}

export const unitNames = reactive<Record<string, string>>({});
const asked = new Set<string>();

/** Starts reading the units' names into ``unitNames`` (once each). */
export function learnUnits(unitIds: string[]): void {
  for (const id of unitIds) {
    if (asked.has(id)) continue;
    asked.add(id);
    void api
      .GET("/goals/org-units/{unit_id}", { params: { path: { unit_id: id } } })
      .then((answer) => {
        unitNames[id] = ok(answer).name;
      })
      .catch(() => undefined);
  }
}

/** A unit as the screens name it: its name, else the start of its id. */
export function unitLabel(id: string): string {
  return unitNames[id] ?? id.slice(0, 8);
}
