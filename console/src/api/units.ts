// The org units the caller may see, every page of them: what the screens name units by and
// pick a unit from.
import { api, ok, type Schemas } from "./client";

export type Unit = Schemas["goals.OrgUnitRead"];

export async function allUnits(): Promise<Unit[]> {
  const units: Unit[] = [];
  let cursor: string | undefined;
  do {
    const page = ok(
      await api.GET("/goals/org-units", { params: { query: { limit: 200, cursor } } }),
    );
    units.push(...page.items);
    cursor = page.next_cursor ?? undefined;
  } while (cursor);
  return units;
}
