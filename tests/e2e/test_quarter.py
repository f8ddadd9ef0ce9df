"""A quarter in the life of a marketing team, end to end: every service its own process on
the real broker and Postgres, only through the gateway, with tokens of the right roles. The
story is `deploy/demo.py` (what `make demo` loads); every number checked here is computed by
hand in the comments."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import httpx
import pytest

from deploy.demo import MONTHS, Story, until
from shared.settings import ServiceSettings
from tests.cluster import Cluster, verified
from tests.conftest import TEST_JWT_SECRET

pytestmark = [pytest.mark.kafka, pytest.mark.slow]
D = Decimal


async def _events(cluster: Cluster, schema: str, event_type: str) -> int:
    return int(
        str(
            await cluster.scalar(
                f"SELECT count(*) FROM {schema}.outbox WHERE event_type = $1", event_type
            )
        )
    )


async def projected(story: Story, rep: str, total: str) -> Any:
    """The rep's projection, once its total is ``total``."""

    async def check() -> Any:
        found = await story.projection(rep)
        return found if found and D(found["total"]["amount"]) == D(total) else None

    return await until(check)


async def step_1_the_organisation_and_its_cascaded_targets(story: Story) -> None:
    await story.organisation()

    # 2,400,000 a year: 600,000 a quarter, 200,000 a month; the sales team takes all of
    # it and its two reps half each: 300,000 for Q1, 100,000 a month.
    targets = await story.targets()
    assert [D(q["target_value"]) for q in targets["quarters"]] == [D(600000)] * 4
    assert [D(m["target_value"]) for m in targets["months"]] == [D(200000)] * 3
    assert {p: {o: D(v) for o, v in t.items()} for p, t in targets["reps"].items()} == {
        period: {story.member("s1"): D(value), story.member("s2"): D(value)}
        for period, value in (("2026-Q1", 300000), *((m, 100000) for m in MONTHS))
    }


async def step_2_actuals_move_the_projection_month_by_month(story: Story) -> None:
    # January by CSV: s1 has 120,000 of 300,000 (40%, under the 80% floor): base 30,000
    # + performance pay at target 9,000 + no bonus = 39,000.
    report = await story.actuals(MONTHS[0])
    assert (report["rows"], report["accepted"], report["rejected"]) == (2, 2, 0)
    await projected(story, "s1", "39000.00")
    # February in bulk (s1 at 70%: still 39,000); a 150,000 deal: 100,000 at 2% and
    # 50,000 at 3% = 3,500 commission.
    bulk = await story.actuals(MONTHS[1])
    assert bulk["accepted"] == 2
    deal = await story.deal()
    assert deal["commission"] == {"amount": "3500.00", "currency": "CNY"}
    await projected(story, "s1", "42500.00")
    # March one by one: s1 at 330,000 = 110% -> 125% of 20,000 = 25,000 -> 67,500;
    # s2 at 240,000 = 80% -> 50% = 10,000 -> 49,000.
    await story.actuals(MONTHS[2])
    march = await projected(story, "s1", "67500.00")
    assert march["lines"][2]["tier"] == "100% to 120% (linear 100% to 150%)"
    await projected(story, "s2", "49000.00")


async def step_3_live_scores_month_by_month(story: Story) -> None:
    # Live scores: 0.8 x revenue points (attainment x 100, at most 120) + 0.2 x the
    # share of requests answered in the SLA (none in Q1: 0 points).
    expected_scores = {
        "s1": [D(96), D(72), D(96)],
        "s2": [D(64), D(80), D(48)],
    }
    for rep, scores in expected_scores.items():
        for month, score in zip(MONTHS, scores, strict=True):

            async def scored(rep: str = rep, month: str = month, score: Decimal = score) -> Any:
                found = await story.score(rep, month)
                return found if found and D(found["score"]) == score else None

            await until(scored)


async def step_4_answering_requests_counts_in_the_score(story: Story) -> None:
    client = story.client
    # Two requests from product: s1 answers at once, s2's waits past its 18 s target.
    tickets = await story.tickets()
    now_month = datetime.now(UTC).strftime("%Y-%m")

    async def collaboration(rep: str, in_sla: int) -> Any:
        async def check() -> Any:
            found = await story.score(rep, now_month)
            if not found:
                return None
            line = next(i for i in found["indicators"] if i["code"] == "responsiveness")
            wanted = f"{in_sla} of 1 requests answered within the SLA"
            return found if line["note"] == wanted else None

        return await until(check, timeout_s=120)

    # s1: 1 of 1 in time: 100 points x 0.2 = 20; s2: 0 of 1: 0 (no revenue this month).
    assert D((await collaboration("s1", 1))["score"]) == D(20)
    assert D((await collaboration("s2", 0))["score"]) == D(0)
    ticket = await story.call(
        "GET", f"/collab/tickets/{tickets['s2']['id']}", headers=story.partner
    )
    assert ticket["sla"]["response_breached"] is True
    outsider = story.as_("stranger", ["member"], ["some-other-unit"])
    hidden = await client.get(f"/collab/tickets/{tickets['s2']['id']}", headers=outsider)
    assert hidden.status_code == 404


async def step_5_the_quarterly_review(story: Story) -> None:
    # The quarterly review. Results = the average monthly score; ability and attitude
    # from 360 ratings (1-5 shown as 20-100) weighted self .1, manager .5, peer .2 over
    # the sources that answered (.8); final = .6 results + .2 ability + .2 attitude.
    # s1: results 88; ability (10 + 40 + 16) / .8 = 82.50; attitude (10 + 40 + 20) / .8
    #     = 87.50; final 52.80 + 16.50 + 17.50 = 86.80 -> A.
    # s2: results 64; ability (8 + 30 + 12) / .8 = 62.50; attitude (8 + 40 + 12) / .8
    #     = 75; final 38.40 + 12.50 + 15 = 65.90 -> C, calibrated to B.
    # lead: no scores, no ratings -> 0 -> D.
    review = await story.review()
    reviews = await story.call(
        "GET",
        f"/performance/review-cycles/{review['cycle']['id']}/reviews",
        headers=story.hr,
    )
    finals = {
        r["member_id"]: (
            D(r["results_score"]),
            D(r["final_score"]),
            r["calibrated_rating"] or r["rating"],
        )
        for r in reviews["items"]
    }
    assert finals == {
        story.member("s1"): (D("88.00"), D("86.80"), "A"),
        story.member("s2"): (D("64.00"), D("65.90"), "B"),
        story.member("lead"): (D("0.00"), D("0.00"), "D"),
    }


async def step_6_the_payout_run_and_the_statement(story: Story) -> dict[str, Any]:
    """Returns the payout run."""
    client = story.client
    # The payout run from the closed reviews. s1: 30,000 + 9,000 x 1.2 (A) + 25,000 +
    # 3,500 = 69,300; s2: 30,000 + 9,000 x 1.0 (B) + 10,000 = 49,000; the lead's own
    # plan: 45,000 (performance pay 0 of 0).
    run = await story.payout_run()
    totals = {m["member_id"]: D(m["total"]["amount"]) for m in run["member_totals"]}
    assert totals == {
        story.member("s1"): D("69300.00"),
        story.member("s2"): D("49000.00"),
        story.member("lead"): D("45000.00"),
    }
    statement = await story.call(
        "GET",
        f"/incentives/members/{story.member('s1')}/statements/2026-Q1",
        headers=story.rep("s1"),
    )
    lines = [(line["rule"], D(line["amount"]["amount"])) for line in statement["runs"][0]["lines"]]
    assert lines == [
        ("base_pay", D("30000.00")),
        ("performance_pay", D("10800.00")),
        ("kpi_bonus", D("25000.00")),
        ("commission", D("3500.00")),
    ]
    peek = await client.get(
        f"/incentives/members/{story.member('s1')}/statements/2026-Q1",
        headers=story.rep("s2"),
    )
    assert peek.status_code == 404
    return dict(run)


async def step_7_approval_and_payroll(story: Story, run: dict[str, Any]) -> None:
    approved, payroll = await story.approve_and_export(run)
    assert approved["state"] == "approved"
    assert approved["totals"] == [{"amount": "163300.00", "currency": "CNY"}]
    rows = {r["member_id"]: r for r in csv.DictReader(io.StringIO(payroll))}
    assert (rows[story.member("s1")]["commission"], rows[story.member("s1")]["total"]) == (
        "3500.00",
        "69300.00",
    )
    assert rows[story.member("s2")]["name"] == "李强 Li Qiang"


async def step_8_marchs_star(story: Story) -> None:
    # March's star, from performance's settlement of March (the members nobody set a
    # March goal get one first, so that each has a score): s1 (96) ahead of s2 (48) and
    # the others; the top 10%, rounded up, is one.
    stars = await story.stars("2026-03")
    assert [(s["member_id"], D(s["score"])) for s in stars["stars"]] == [
        (story.member("s1"), D(96))
    ]
    assert (stars["revision"], stars["reason"]) == (1, None)


async def step_9_exactly_the_events_the_story_causes(cluster: Cluster) -> None:
    # Exactly the events the story causes.
    async def relayed() -> bool:
        pending = await cluster.scalar(
            "SELECT (SELECT count(*) FROM incentives.outbox WHERE sent_at IS NULL)"
            " + (SELECT count(*) FROM collab.outbox WHERE sent_at IS NULL)"
            " + (SELECT count(*) FROM performance.outbox WHERE sent_at IS NULL)"
        )
        return pending == 0

    await until(relayed)
    counts = {
        event: await _events(cluster, event.split(".")[0], event)
        for event in (
            "performance.review.closed",
            "incentives.bonus.calculated",
            "incentives.payout.approved",
            "incentives.star.awarded",
            "collab.ticket.opened",
            "collab.ticket.resolved",
            "collab.ticket.sla-breached",
        )
    }
    assert counts == {
        "performance.review.closed": 3,
        # one a member when the run is approved
        "incentives.bonus.calculated": 3,
        "incentives.payout.approved": 1,
        "incentives.star.awarded": 1,
        "collab.ticket.opened": 2,
        "collab.ticket.resolved": 1,
        "collab.ticket.sla-breached": 1,
    }


async def test_a_quarter_of_a_marketing_team(cluster: Cluster) -> None:
    async with httpx.AsyncClient(base_url=cluster.gateway, timeout=60) as client:
        story = Story(client, ServiceSettings(environment="test", jwt_secret=TEST_JWT_SECRET))
        await step_1_the_organisation_and_its_cascaded_targets(story)
        await step_2_actuals_move_the_projection_month_by_month(story)
        await step_3_live_scores_month_by_month(story)
        await step_4_answering_requests_counts_in_the_score(story)
        await step_5_the_quarterly_review(story)
        run = await step_6_the_payout_run_and_the_statement(story)
        await step_7_approval_and_payroll(story, run)
        await step_8_marchs_star(story)
        await step_9_exactly_the_events_the_story_causes(cluster)
    # Every derived number equals what it is derived from, in every service.
    await verified(cluster)
