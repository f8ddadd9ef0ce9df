"""Tickets between product and sales: one answered at once, one left to breach its SLA."""

from __future__ import annotations

from typing import Any

from deploy.demo.client import StoryClient
from deploy.demo.numbers import WEEKDAYS


class Tickets(StoryClient):
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
