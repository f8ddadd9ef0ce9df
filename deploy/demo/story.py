"""The whole story: its chapters on one client, told against a running Spearhead."""

from __future__ import annotations

import argparse
import asyncio
import sys

import httpx

from deploy.demo.client import StoryError, until
from deploy.demo.close import Close
from deploy.demo.figures import Figures
from deploy.demo.numbers import MONTHS, QUARTER
from deploy.demo.organisation import Organisation
from deploy.demo.tickets import Tickets
from shared.settings import ServiceSettings


class Story(Organisation, Figures, Tickets, Close):
    """The story's chapters, each a method, on the gateway's client."""


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
        token = f"make token MEMBER={prefix}s1 ROLES=member"
        print(f"Done. Explore it at {url}/docs (a token: {token})")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="A quarter in the life of a marketing team, through the gateway only"
    )
    parser.add_argument("--url", default="http://127.0.0.1:8000")
    parser.add_argument("--prefix", default="", help="prefix for the story's member ids")
    args = parser.parse_args(argv)
    try:
        asyncio.run(tell(args.url, args.prefix))
    except StoryError as exc:
        print(f"The story stopped: {exc}", file=sys.stderr)
        return 1
    return 0
