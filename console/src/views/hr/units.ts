// The org units HR's screens pick from, and the one a screen opens on: the `?unit=` in the
// address, else the first unit the caller manages, else the top of the tree.
import { type Unit } from "../../api/units";
import { session } from "../../session";

export { allUnits, type Unit } from "../../api/units";


export function defaultUnit(units: Unit[], asked: unknown): string {
  if (typeof asked === "string" && units.some((u) => u.id === asked)) return asked;
  const managed = units.find((u) => session.units.includes(u.id));
  if (managed) return managed.id;
  const top = units.find((u) => u.parent_id === null) ?? units[0];
  return top ? top.id : "";
}

export function unitName(units: Unit[] | null, id: string): string {
  return units?.find((u) => u.id === id)?.name ?? id;
}
