"""The story's first chapter: Spark Group's org tree, its people, KPIs, scorecards and pay
plans."""

from __future__ import annotations

from deploy.demo.client import StoryClient, until
from deploy.demo.numbers import QUARTER


class Organisation(StoryClient):
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
