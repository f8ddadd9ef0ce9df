"""The quarter's figures: revenue targets cascaded to the reps, the actuals by CSV, bulk and
one at a time, a deal, and waiting for incentives and performance to count them."""

from __future__ import annotations

from typing import Any

from deploy.demo.client import StoryClient, until
from deploy.demo.numbers import MONTHS, QUARTER, REVENUE


class Figures(StoryClient):
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
