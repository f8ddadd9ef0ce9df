// Position titles and unit names for HR's lists (an id stands in where they cannot be read).
import { api, ok, type Schemas } from "../../api/client";
import { allUnits } from "./units";

export interface Names {
  position: (id: string) => string;
  unit: (id: string) => string;
}

export async function names(): Promise<Names> {
  const positions = new Map<string, string>();
  const units = new Map<string, string>();
  try {
    let cursor: string | undefined;
    do {
      const page = ok(
        await api.GET("/goals/positions", {
          params: { query: { include_inactive: true, limit: 200, cursor } },
        }),
      );
      for (const p of page.items as Schemas["PositionRead"][]) positions.set(p.id, p.title);
      cursor = page.next_cursor ?? undefined;
    } while (cursor);
  } catch {
    /* titles are a nicety: ids are shown instead */
  }
  try {
    for (const u of await allUnits()) units.set(u.id, u.name);
  } catch {
    /* as above */
  }
  return {
    position: (id) => positions.get(id) ?? id,
    unit: (id) => units.get(id) ?? id,
  };
}
