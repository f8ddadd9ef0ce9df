// What the manager's and director's screens share: the units and people the caller may see
// (for names), the unit and period a screen starts on, and the words for statuses.
import { api, ok, type Schemas } from "../../api/client";
import { session } from "../../session";

export type Unit = Schemas["goals.OrgUnitRead"];
export type Member = Schemas["MemberRead"];
export type Goal = Schemas["GoalRead"];

/** Every org unit the caller may see. */
export { allUnits as loadUnits } from "../../api/units";

/** The members of a unit and the units below it that the caller may see. */
export async function loadMembers(unitId: string): Promise<Member[]> {
  return ok(await api.GET("/goals/members", { params: { query: { unit_id: unitId, limit: 200 } } }))
    .items;
}

/** Every goal the caller may see (up to 200). */
export async function loadGoals(): Promise<Goal[]> {
  return ok(await api.GET("/goals/goals", { params: { query: { limit: 200, sort: "period" } } }))
    .items;
}

/** The unit a screen starts on: ``?unit=``, else the caller's first unit, else the first team
 * (or ``prefer``-kind unit) the caller may see. */
export function startUnit(units: Unit[], asked: unknown, prefer = "team"): string {
  if (typeof asked === "string" && units.some((u) => u.id === asked)) return asked;
  const own = session.units.find((id) => units.some((u) => u.id === id));
  if (own) return own;
  const first =
    units.find((u) => u.kind === prefer) ?? units.find((u) => u.kind !== "company") ?? units[0];
  return first?.id ?? "";
}

const MONTH = /^\d{4}-\d{2}$/;
const YEAR = /^\d{4}$/;

/** The latest month (YYYY-MM) or year (YYYY) that has goals, not after today: the demo's
 * data is in the past, so a screen opens where there is something to show. */
export function latestPeriod(goals: Goal[], kind: "month" | "year", ownerId?: string): string {
  const today = new Date().toISOString().slice(0, kind === "month" ? 7 : 4);
  const shape = kind === "month" ? MONTH : YEAR;
  const periods = goals
    .filter((g) => !ownerId || g.owner_id === ownerId)
    .map((g) => (kind === "year" ? g.period.slice(0, 4) : g.period))
    .filter((p) => shape.test(p) && p <= today)
    .sort();
  return periods.length ? periods[periods.length - 1] : today;
}

/** A query value as a string, when it has the shape asked for. */
export function queryValue(value: unknown, shape: "month" | "year" | "any"): string | null {
  if (typeof value !== "string" || !value) return null;
  if (shape === "month") return MONTH.test(value) ? value : null;
  if (shape === "year") return YEAR.test(value) ? value : null;
  return value;
}

/** Names for ids: units and members; an unknown id is shown as it is. */
export function namer(units: Unit[], members: Member[]): (id: string) => string {
  const names = new Map<string, string>();
  for (const u of units) names.set(u.id, u.name);
  for (const m of members) names.set(m.id, m.name);
  return (id: string) => names.get(id) ?? id;
}

/** The colour class of a status word (the word itself is always written too). */
export function tone(status: string | null | undefined): string {
  switch (status) {
    case "met":
    case "on_track":
    case "ok":
      return "good";
    case "at_risk":
      return "warn";
    case "missed":
    case "off_track":
    case "unavailable":
      return "bad";
    default:
      return "";
  }
}

/** Every member the caller may see (up to 200). */
export async function loadAllMembers(): Promise<Member[]> {
  return ok(await api.GET("/goals/members", { params: { query: { limit: 200 } } })).items;
}

/** Each KPI's unit of measure by code ("CNY" for money, "count"...). */
export async function loadKpiUnits(): Promise<Map<string, string>> {
  const kpis = ok(await api.GET("/goals/kpi-definitions", { params: { query: { limit: 200 } } }));
  return new Map(kpis.items.map((k) => [k.code, k.unit]));
}

/** The data of an answer, null for a 404 (nothing there yet), or the problem thrown. */
export function found<T>(answer: { data?: T; error?: unknown; response: Response }): T | null {
  if (answer.response.status === 404) return null;
  return ok(answer);
}

/** Points and scores with two decimals ("96.00"), as the locale writes them. */
export { fixed as points } from "../../format";
