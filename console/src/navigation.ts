// The navigation: each area's listed screens that the signed-in roles see.
import { areaRoutes } from "./router";
import { session } from "./session";

export interface NavArea {
  key: string;
  items: { path: string; title: string }[];
}

export function navigation(): NavArea[] {
  const areas = new Map<string, NavArea>();
  for (const route of areaRoutes) {
    const meta = route.meta ?? {};
    if (!meta.nav || !meta.area || !meta.title) continue;
    if (meta.roles && !session.has(...meta.roles)) continue;
    const area = areas.get(meta.area) ?? { key: meta.area, items: [] };
    area.items.push({ path: route.path, title: meta.title });
    areas.set(meta.area, area);
  }
  return [...areas.values()];
}
