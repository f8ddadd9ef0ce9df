"""The quarter's close: the review with 360 feedback and a calibration, the payout run
approved and exported, the months settled and March's stars."""

from __future__ import annotations

from typing import Any

from deploy.demo.client import StoryClient, StoryError, until
from deploy.demo.numbers import FEEDBACK, PEER, QUARTER


class Close(StoryClient):
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
