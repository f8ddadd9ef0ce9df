// What the rep screens share: the signed-in member's goals and the month or period to show
// by default (the latest one with goals that has begun, so the demo's Q1 2026 shows).
import type { RouteLocationNormalizedLoaded } from "vue-router";
import { api, ok, type Schemas } from "../../api/client";
import { session } from "../../session";

export type Goal = Schemas["GoalRead"];

export const MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;
export const PERIOD = /^(19\d{2}|2\d{3})(-Q[1-4]|-(0[1-9]|1[0-2]))?$/;

/** Whose screen it is: ?member= (a manager looking at a report of theirs), else my own. */
export function memberOf(route: RouteLocationNormalizedLoaded): string {
  const asked = route.query.member;
  return typeof asked === "string" && asked ? asked : session.memberId;
}

/** Every goal ``member`` (the signed-in member by default) owns (all pages). */
export async function myGoals(member: string = session.memberId): Promise<Goal[]> {
  const found: Goal[] = [];
  let cursor: string | undefined;
  do {
    const page = ok(
      await api.GET("/goals/goals", {
        params: {
          query: { owner_type: "member", owner_id: member, limit: 200, cursor, sort: "period" },
        },
      }),
    );
    found.push(...page.items);
    cursor = page.next_cursor ?? undefined;
  } while (cursor);
  return found;
}

/** Orders periods by when they start, a longer one first: 2026, 2026-Q1, 2026-01, 2026-02... */
export function periodOrder(a: string, b: string): number {
  const key = (p: string): [number, number] => {
    const year = Number(p.slice(0, 4));
    if (p.length === 4) return [year * 12, 0];
    if (p[5] === "Q") return [year * 12 + (Number(p[6]) - 1) * 3, 1];
    return [year * 12 + Number(p.slice(5, 7)) - 1, 2];
  };
  const [x, y] = [key(a), key(b)];
  return x[0] - y[0] || x[1] - y[1];
}

/** This month as YYYY-MM (in the viewer's clock). */
export function thisMonth(): string {
  const now = new Date();
  return `${now.getFullYear()}-${String(now.getMonth() + 1).padStart(2, "0")}`;
}

/** The latest month of the member's monthly goals that is not in the future, else this month. */
export async function latestMonth(member: string = session.memberId): Promise<string> {
  const now = thisMonth();
  const months = (await myGoals(member)).map((g) => g.period).filter((p) => MONTH.test(p) && p <= now);
  return months.sort().at(-1) ?? now;
}

export { dateTime as when, fixed } from "../../format";
