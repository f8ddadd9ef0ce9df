"""A quarter in the life of a marketing team, through the gateway only: `make demo` loads it
into a running Spearhead for people to explore, and `tests/e2e/` runs the same story and
checks every number in it.

The team: Spark Group's marketing department with a sales team (lead, s1, s2) and the
product department as the partner that answers tickets. Annual revenue targets cascade to
quarters, months and the reps; three months of actuals arrive by CSV and by API; a deal
earns commission; the reps' tickets to product and back are answered, or breach; the
quarterly review runs with 360 feedback and a calibration; the payout run is approved and
exported; March's star is named.

    python -m deploy.demo --url http://127.0.0.1:8000
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any, TypeVar

import httpx

from shared.auth import mint_token
from shared.settings import ServiceSettings

T = TypeVar("T")

QUARTER = "2026-Q1"
MONTHS = ("2026-01", "2026-02", "2026-03")
# Revenue per rep and month; every monthly target is 100,000 and the quarter's 300,000.
REVENUE = {
    "s1": {"2026-01": "120000", "2026-02": "90000", "2026-03": "120000"},
    "s2": {"2026-01": "80000", "2026-02": "100000", "2026-03": "60000"},
}
# 360 ratings (ability, attitude) by source, for each rep.
FEEDBACK = {
    "s1": {"self": ("5", "5"), "manager": ("4", "4"), "peer": ("4", "5")},
    "s2": {"self": ("4", "4"), "manager": ("3", "4"), "peer": ("3", "3")},
}
PEER = {"s1": "s2", "s2": "s1"}


class StoryError(RuntimeError):
    pass


async def until(check: Callable[[], Awaitable[T | None]], timeout_s: float = 90) -> T:
    """Poll until ``check`` returns something truthy: events take their time."""
    deadline = asyncio.get_running_loop().time() + timeout_s
    while True:
        result = await check()
        if result:
            return result
        if asyncio.get_running_loop().time() > deadline:
            raise StoryError(f"{check.__name__} did not happen within {timeout_s}s")
        await asyncio.sleep(0.3)


@dataclass
class Story:
    client: httpx.AsyncClient
    settings: ServiceSettings
    prefix: str = ""
    ids: dict[str, str] = field(default_factory=dict)

    # ------------------------------------------------------------------------- plumbing

    def member(self, name: str) -> str:
        return f"{self.prefix}{name}"

    def token(self, who: str, roles: list[str], units: list[str] | None = None) -> str:
        return mint_token(
            self.settings,
            member_id=self.member(who) if who in ("dir", "lead", "s1", "s2", "p1") else who,
            roles=roles,
            units=units,
            ttl=timedelta(hours=2),
        )

    def as_(self, who: str, roles: list[str], units: list[str] | None = None) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token(who, roles, units)}"}

    @property
    def admin(self) -> dict[str, str]:
        return self.as_("story-admin", ["admin"])

    @property
    def hr(self) -> dict[str, str]:
        return self.as_("story-hr", ["hr"])

    @property
    def finance(self) -> dict[str, str]:
        return self.as_("story-finance", ["finance"])

    @property
    def director(self) -> dict[str, str]:
        return self.as_("dir", ["manager"], [self.ids["marketing"]])

    @property
    def lead(self) -> dict[str, str]:
        return self.as_("lead", ["manager"], [self.ids["sales"]])

    def rep(self, name: str) -> dict[str, str]:
        return self.as_(name, ["member"], [self.ids["sales"]])

    @property
    def partner(self) -> dict[str, str]:
        return self.as_("p1", ["member"], [self.ids["product"]])

    async def call(
        self,
        method: str,
        path: str,
        body: Any = None,
        *,
        headers: dict[str, str] | None = None,
        expect: tuple[int, ...] = (200, 201),
        content: bytes | None = None,
    ) -> Any:
        response = await self.client.request(
            method,
            path,
            json=body if content is None else None,
            content=content,
            headers=headers or self.admin,
        )
        if response.status_code not in expect:
            raise StoryError(f"{method} {path}: {response.status_code} {response.text}")
        if response.headers.get("content-type", "").startswith("text/csv"):
            return response.text
        return response.json() if response.content else None

    async def created(self, path: str, body: Any, *, headers: dict[str, str]) -> Any:
        """POST ``body``: the created resource, or None while a 422 says a KPI it names is
        not known yet (another service's event on its way)."""
        response = await self.client.post(path, json=body, headers=headers)
        if response.status_code == 422 and all(
            error["loc"][-1] == "kpi" for error in response.json().get("errors", [])
        ):
            return None
        if response.status_code != 201:
            raise StoryError(f"POST {path}: {response.status_code} {response.text}")
        return response.json()

    # ------------------------------------------------------------------------- the story

    async def organisation(self) -> None:
        """The org tree, the people, the KPIs, the scorecard and the pay plan."""
        unit = await self.call(
            "POST", "/goals/org-units", {"name": f"{self.prefix}星火集团 Spark", "kind": "company"}
        )
        self.ids["company"] = unit["id"]
        for key, name, kind, parent in (
            ("marketing", "市场部 Marketing", "department", "company"),
            ("sales", "销售组 Sales", "team", "marketing"),
            ("product", "产品部 Product", "department", "company"),
        ):
            created = await self.call(
                "POST",
                "/goals/org-units",
                {"name": name, "kind": kind, "parent_id": self.ids[parent]},
            )
            self.ids[key] = created["id"]
        for name, unit_key, layer, manager in (
            ("dir", "marketing", "management", None),
            ("lead", "sales", "management", "dir"),
            ("s1", "sales", "execution", "lead"),
            ("s2", "sales", "execution", "lead"),
            ("p1", "product", "support", None),
        ):
            await self.call(
                "POST",
                "/goals/members",
                {
                    "id": self.member(name),
                    "name": {"s1": "王芳 Wang Fang", "s2": "李强 Li Qiang"}.get(name, name),
                    "home_unit_id": self.ids[unit_key],
                    "layer": layer,
                    "manager_id": self.member(manager) if manager else None,
                    "hired_on": "2025-06-01",
                },
            )
        for code, name in (("revenue", "销售额 Revenue"), ("leads", "线索 Leads")):
            await self.call(
                "POST",
                "/goals/kpi-definitions",
                {"code": code, "name": name, "unit": "CNY" if code == "revenue" else "count"},
                expect=(201, 409),
            )
        await self.call(
            "POST",
            "/performance/scorecard-templates",
            {
                "key": f"{self.prefix}sales",
                "name": "Sales scorecard",
                "population": {"unit_ids": [self.ids["sales"]]},
                "indicators": [
                    {
                        "code": "revenue",
                        "name": "Revenue",
                        "category": "result",
                        "source": "kpi:revenue",
                        "weight": "0.8",
                    },
                    {
                        "code": "responsiveness",
                        "name": "Cross-department responsiveness",
                        "category": "team",
                        "source": "collab:sla",
                        "weight": "0.2",
                    },
                ],
            },
            headers=self.hr,
        )
        # Everyone else (management and support outside the sales team) is scored on revenue
        # too: performance settles a month only once every member active in it has a score.
        # Made after the sales scorecard, which keeps its members (more specific, or first).
        await self.call(
            "POST",
            "/performance/scorecard-templates",
            {
                "key": f"{self.prefix}others",
                "name": "Everyone else's scorecard",
                "population": {"layers": ["management", "support"]},
                "indicators": [
                    {
                        "code": "revenue",
                        "name": "Revenue",
                        "category": "result",
                        "source": "kpi:revenue",
                        "weight": "1",
                    }
                ],
            },
            headers=self.hr,
        )
        # Incentives pays only on KPIs it knows goals defined: it learns them from goals'
        # KPIDefinitionChanged, in its own time (until then the plan is a 422 naming the KPI).
        plan = await until(
            lambda: self.created(
                "/incentives/plans",
                {
                    "name": "Sales reps Q1",
                    "period": QUARTER,
                    "population": {"unit_id": self.ids["sales"]},
                    "base_pay": {"amount": "30000", "currency": "CNY"},
                    "performance_pay": {"amount": "9000", "currency": "CNY"},
                    "target_bonus": {"amount": "20000", "currency": "CNY"},
                    "bonus_kpis": [{"kpi": "revenue", "weight": "1"}],
                    "commission": {
                        "tiers": [
                            {"from": {"amount": "0", "currency": "CNY"}, "rate": "0.02"},
                            {"from": {"amount": "100000", "currency": "CNY"}, "rate": "0.03"},
                        ]
                    },
                },
                headers=self.finance,
            )
        )
        self.ids["plan"] = plan["id"]
        # The lead is paid under a plan of their own (not the reps' KPI bonus).
        await self.call(
            "POST",
            "/incentives/plans",
            {
                "name": "Sales lead Q1",
                "period": QUARTER,
                "population": {"member_ids": [self.member("lead")]},
                "base_pay": {"amount": "45000", "currency": "CNY"},
            },
            headers=self.finance,
        )

    async def targets(self) -> dict[str, Any]:
        """The department's 2026 revenue: to quarters, Q1 to months, and each down to the
        sales team and its two reps (evenly)."""
        year = await self.call(
            "POST",
            "/goals/goals",
            {
                "kind": "kpi_target",
                "title": "Marketing revenue 2026",
                "description": "What the department sells in 2026",
                "owner_type": "unit",
                "owner_id": self.ids["marketing"],
                "period": "2026",
                "kpi": "revenue",
                "target_value": "2400000",
            },
        )
        quarters = await self.call(
            "POST", f"/goals/goals/{year['id']}/cascade", {"by_period": True}
        )
        q1 = quarters[0]
        months = await self.call("POST", f"/goals/goals/{q1['id']}/cascade", {"by_period": True})
        reps: dict[str, Any] = {}
        for goal in [q1, *months]:
            [team_goal] = await self.call(
                "POST",
                f"/goals/goals/{goal['id']}/cascade",
                {"children": [{"owner_type": "unit", "owner_id": self.ids["sales"]}]},
            )
            children = await self.call(
                "POST",
                f"/goals/goals/{team_goal['id']}/cascade",
                {
                    "children": [
                        {"owner_type": "member", "owner_id": self.member(r)} for r in ("s1", "s2")
                    ]
                },
            )
            reps[goal["period"]] = {c["owner_id"]: c["target_value"] for c in children}
        return {"quarters": quarters, "months": months, "reps": reps}

    async def actuals(self, month: str) -> Any:
        """January by CSV, February in one bulk call, March one measurement at a time."""
        rows = [
            (self.member(rep), f"{month}-15", value, f"{self.prefix}{rep}-{month}")
            for rep, values in REVENUE.items()
            for m, value in values.items()
            if m == month
        ]
        if month == MONTHS[0]:
            lines = ["owner_id,kpi,date,value,source,idempotency_key"]
            lines += [f"{o},revenue,{d},{v},crm,{k}" for o, d, v, k in rows]
            return await self.call(
                "POST",
                "/goals/actuals/csv",
                content=("\n".join(lines) + "\n").encode(),
                headers={**self.admin, "content-type": "text/csv"},
            )
        items = [
            {"owner_id": o, "kpi": "revenue", "date": d, "value": v, "idempotency_key": k}
            for o, d, v, k in rows
        ]
        if month == MONTHS[1]:
            return await self.call("POST", "/goals/actuals/bulk", {"items": items})
        return [await self.call("POST", "/goals/actuals", item) for item in items]

    async def deal(self) -> Any:
        return await self.call(
            "POST",
            "/incentives/revenue",
            {
                "id": f"{self.prefix}deal-1",
                "member_id": self.member("s1"),
                "amount": {"amount": "150000", "currency": "CNY"},
                "closed_on": "2026-02-20",
            },
            headers=self.finance,
        )

    async def projection(self, rep: str) -> Any:
        found = await self.call(
            "GET", f"/incentives/members/{self.member(rep)}/projection", headers=self.rep(rep)
        )
        return next((p for p in found["items"] if p["period"] == QUARTER), None)

    async def score(self, rep: str, month: str) -> Any:
        response = await self.client.get(
            f"/performance/members/{self.member(rep)}/scores/{month}", headers=self.rep(rep)
        )
        return response.json() if response.status_code == 200 else None

    async def figures_settled(self) -> None:
        """Wait until incentives and performance have every month's figures: each rep's
        projection counts the quarter's revenue, and each month has a live score."""
        for rep, months in REVENUE.items():
            quarter = sum(int(v) for v in months.values())

            async def projected(rep: str = rep, quarter: int = quarter) -> bool:
                found = await self.projection(rep)
                bonus = [
                    line for line in (found or {}).get("lines", []) if line["rule"] == "kpi_bonus"
                ]
                actual = bonus[0]["inputs"].get("actual") if bonus else None
                return actual is not None and float(actual) == quarter

            await until(projected)
            for month in months:

                async def scored(rep: str = rep, month: str = month) -> bool:
                    found = await self.score(rep, month)
                    return bool(found) and any(
                        i["code"] == "revenue" and i["input"] is not None
                        for i in found["indicators"]
                    )

                await until(scored)

    async def tickets(self) -> dict[str, Any]:
        """Product asks sales for two things. Sales answers one at once; the other waits past
        its first-response target (18 business seconds on a round-the-clock calendar, so the
        demo need not wait a day)."""
        await self.call(
            "PUT",
            f"/collab/calendars/{self.ids['sales']}",
            # Public holidays would stop the round-the-clock hours on a holiday: opted out.
            {
                "timezone": "Asia/Shanghai",
                "week": {d: ["00:00-23:59"] for d in WEEKDAYS},
                "builtin_holidays": False,
            },
            headers=self.admin,
        )
        await self.call(
            "POST",
            "/collab/sla-policies",
            {
                "name": f"{self.prefix}Sales answers fast",
                "rank": 1,
                "owner_unit_ids": [self.ids["sales"]],
                "first_response_hours": "0.005",
            },
            headers=self.admin,
        )
        opened: dict[str, Any] = {}
        for rep, title in (("s1", "Launch price list"), ("s2", "Customer list for the webinar")):
            opened[rep] = await self.call(
                "POST",
                "/collab/tickets",
                {
                    "title": title,
                    "description": "产品部需要 / product needs this for the launch",
                    "category": "sales_data",
                    "priority": "normal",
                    "requester_unit_id": self.ids["product"],
                    "owner_unit_id": self.ids["sales"],
                    "assignee_id": self.member(rep),
                },
                headers=self.partner,
            )
        answered = opened["s1"]["id"]
        await self.call(
            "POST",
            f"/collab/tickets/{answered}/comments",
            {"body": "在做 / on it"},
            headers=self.rep("s1"),
        )
        await self.call(
            "POST",
            f"/collab/tickets/{answered}/transition",
            {"to": "resolved", "note": "Sent the price list"},
            headers=self.rep("s1"),
        )
        return opened

    async def review(self) -> dict[str, Any]:
        """The quarterly review: nominated peers, self and peer ratings, the lead's, a
        calibration, closed."""
        cycle = await self.call(
            "POST",
            "/performance/review-cycles",
            {
                "name": "Sales Q1 2026",
                "kind": "quarterly",
                "period": QUARTER,
                "population": {"unit_ids": [self.ids["sales"]]},
            },
            headers=self.hr,
        )
        advance = f"/performance/review-cycles/{cycle['id']}/advance"
        await self.call("POST", advance, {"to": "self_assessment"}, headers=self.hr)
        reviews = {
            r["member_id"]: r["id"]
            for r in (
                await self.call(
                    "GET", f"/performance/review-cycles/{cycle['id']}/reviews", headers=self.hr
                )
            )["items"]
        }

        async def rate(rep: str, source: str, headers: dict[str, str]) -> None:
            ability, attitude = FEEDBACK[rep][source]
            await self.call(
                "POST",
                f"/performance/reviews/{reviews[self.member(rep)]}/feedback",
                {"source": source, "ability": ability, "attitude": attitude},
                headers=headers,
            )

        # Peers are nominated: each rep proposes their peer, and the lead approves.
        for rep in ("s1", "s2"):
            nominations = f"/performance/reviews/{reviews[self.member(rep)]}/nominations"
            proposed = await self.call(
                "POST", nominations, {"member_id": self.member(PEER[rep])}, headers=self.rep(rep)
            )
            await self.call("POST", f"{nominations}/{proposed['id']}/approve", headers=self.lead)
        for rep in ("s1", "s2"):
            await rate(rep, "self", self.rep(rep))
            await rate(rep, "peer", self.rep(PEER[rep]))
        await self.call("POST", advance, {"to": "manager_assessment"}, headers=self.hr)
        for rep in ("s1", "s2"):
            await rate(rep, "manager", self.lead)
        await self.call("POST", advance, {"to": "calibration"}, headers=self.hr)
        await self.call(
            "POST",
            f"/performance/reviews/{reviews[self.member('s2')]}/calibrations",
            {"rating": "B", "reason": "Carried the product launch webinar"},
            headers=self.hr,
        )
        await self.call(
            "POST",
            advance,
            {
                "to": "closed",
                "acknowledge_distribution": {"reason": "Two reps cannot follow the target curve"},
            },
            headers=self.hr,
        )
        return {"cycle": cycle, "reviews": reviews}

    async def payout_run(self) -> Any:
        """The quarter's draft run once it holds every closed review: the performance pay
        line of each of the three names its review."""
        wanted = {self.member(r) for r in ("lead", "s1", "s2")}

        async def run_of_quarter() -> Any:
            runs = await self.call(
                "GET", f"/incentives/payout-runs?period={QUARTER}", headers=self.finance
            )
            found = runs["items"]
            if not found:
                return None
            lines = await self.call(
                "GET",
                f"/incentives/payout-runs/{found[0]['id']}/lines?limit=200",
                headers=self.finance,
            )
            lines = lines["items"]
            reviewed = {
                line["member_id"]
                for line in lines
                if line["rule"] == "performance_pay" and line["inputs"].get("rating")
            }
            return found[0] if wanted <= reviewed else None

        return await until(run_of_quarter)

    async def approve_and_export(self, run: dict[str, Any]) -> tuple[Any, str]:
        response = await self.client.get(
            f"/incentives/payout-runs/{run['id']}", headers=self.finance
        )
        approved = await self.call(
            "POST",
            f"/incentives/payout-runs/{run['id']}/approve",
            headers={**self.finance, "If-Match": response.headers["ETag"]},
        )
        payroll = await self.call(
            "POST", f"/incentives/payout-runs/{run['id']}/export", headers=self.finance
        )
        return approved, str(payroll)

    async def settle(self, month: str) -> Any:
        """Performance settles the month once every member active in it has a score: a
        member without one yet (nobody set them a goal for it) gets a revenue goal for the
        month first, and is scored on it. A month settled before (another story in the same
        instance) is settled again as a correction, with its reason."""
        path = f"/performance/months/{month}/settle"
        earlier = await self.client.get(f"/performance/months/{month}/settlement", headers=self.hr)
        reason = None if earlier.status_code == 404 else f"The story {self.prefix!r} was added"
        response = await self.client.post(path, json={"reason": reason}, headers=self.hr)
        missing = response.json().get("missing_member_ids", [])
        if response.status_code != 409 or not missing:
            if response.status_code != 201:
                raise StoryError(f"POST {path}: {response.status_code} {response.text}")
            return response.json()
        for member in missing:
            await self.call(
                "POST",
                "/goals/goals",
                {
                    "kind": "kpi_target",
                    "title": f"Revenue {month}",
                    "description": f"The revenue this member brings in {month}",
                    "owner_type": "member",
                    "owner_id": member,
                    "period": month,
                    "kpi": "revenue",
                    "target_value": "10000",
                },
                headers=self.hr,
            )

            async def scored(member: str = member) -> bool:
                response = await self.client.get(
                    f"/performance/members/{member}/scores/{month}", headers=self.hr
                )
                return response.status_code == 200

            await until(scored)
        return await self.call("POST", path, {"reason": reason}, headers=self.hr)

    async def stars(self, month: str) -> Any:
        """The month's stars, awarded from performance's settlement of it once incentives
        has it (a month awarded before is re-awarded by incentives from the new revision)."""
        settlement = await self.settle(month)

        async def awarded() -> Any:
            response = await self.client.post(
                "/incentives/stars", json={"month": month}, headers=self.hr
            )
            if response.status_code == 201:
                return response.json()
            if response.status_code != 409:
                raise StoryError(f"POST /incentives/stars: {response.status_code} {response.text}")
            current = await self.client.get(f"/incentives/stars/{month}", headers=self.hr)
            if current.status_code == 200 and current.json()["revision"] == settlement["revision"]:
                return current.json()
            return None  # the settlement is still on its way to incentives

        return await until(awarded)


WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


async def tell(url: str, prefix: str) -> None:
    """The whole story against a running Spearhead, saying what happens."""
    async with httpx.AsyncClient(base_url=url, timeout=60) as client:
        story = Story(client, ServiceSettings(), prefix)
        runs = await story.call(
            "GET", f"/incentives/payout-runs?period={QUARTER}", headers=story.finance
        )
        if runs["items"]:
            raise StoryError(
                f"{QUARTER} already has a payout run here (a period is paid once); "
                "load the story into a fresh instance (stop it and remove its .data folder)"
            )
        print(f"Loading the Q1 2026 story into {url} (members {prefix}s1, {prefix}s2, ...)")
        await story.organisation()
        await story.targets()
        for month in MONTHS:
            await story.actuals(month)
            print(f"  {month}: actuals recorded")
        await story.deal()
        await story.figures_settled()
        await story.tickets()
        print("  tickets opened; one is answered, the other will breach its SLA in seconds")
        projection = await until(lambda: story.projection("s1"))
        total = projection["total"]
        print(f"  {prefix}s1's projected Q1 pay: {total['amount']} {total['currency']}")
        await story.review()
        run = await story.payout_run()
        approved, _payroll = await story.approve_and_export(run)
        totals = ", ".join(f"{t['amount']} {t['currency']}" for t in approved["totals"])
        print(f"  payout run {approved['id']} approved: {totals}")
        stars = await story.stars("2026-03")
        print(f"  March's stars: {[s['name'] for s in stars['stars']]}")
        from deploy.demo_talent import talent  # the chapter builds on this module's Story

        hired = await talent(story)
        print(f"  talent: positions, a requisition, {prefix}s3 hired ({hired['hired']})")
        print(f"Done. Explore it at {url}/docs (a token: make token MEMBER={prefix}s1)")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default="http://127.0.0.1:8000")
    parser.add_argument("--prefix", default="", help="prefix for the story's member ids")
    args = parser.parse_args(argv)
    try:
        asyncio.run(tell(args.url, args.prefix))
    except StoryError as exc:
        print(f"The story stopped: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
