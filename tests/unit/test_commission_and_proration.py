"""Pay arithmetic beyond the moved ladder tests (incentives/service/calculator.py): ladders
(the floor up to the first point pays the first point, no accelerator holds the last point,
the default accelerator of 2.5 per unit above 120% up to the 200% cap, points in any
order); commission tiers on the period's cumulative revenue (a deal inside one tier, a deal
ending on a bound, revenue under the first tier's lower bound, exact Decimal commission);
refunds never reversing more than the deal paid; proration by active days, hire and leave
days both included, terms from their effective date, leap years; performance pay by the
rating's multiplier (x1 projected until a review closes); money half up to the cent."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from incentives.service.calculator import (
    Figure,
    Ladder,
    Rating,
    deal_slices,
    money,
    plan_lines,
    prorated,
    reversal_slices,
    segments,
)
from incentives.settings import default_ladder_spec, default_rating_multipliers
from shared.periods import Period

D = Decimal
DEFAULT = Ladder.from_spec(default_ladder_spec())
TIERS = [(D(0), D("0.02")), (D(100_000), D("0.03")), (D(200_000), D("0.05"))]


# ----------------------------------------------------------------------------- ladders


@pytest.mark.parametrize(
    ("attainment", "share"),
    [
        ("1.20", "1.50"),
        ("1.24", "1.60"),  # 1.50 + 2.5 x 0.04
        ("1.40", "2.00"),  # 1.50 + 2.5 x 0.20 reaches the cap exactly
        ("1.41", "2.00"),  # 2.025 capped
    ],
)
def test_the_default_accelerator_adds_2_5_per_unit_above_120_percent(
    attainment: str, share: str
) -> None:
    assert DEFAULT.share(D(attainment))[0] == D(share)


def test_the_accelerator_tier_says_how_it_paid() -> None:
    assert DEFAULT.share(D("1.3"))[1] == "above 120%: 150% + 2.5 x 10% (accelerator)"


def test_from_the_floor_to_the_first_point_the_first_point_pays() -> None:
    ladder = Ladder.from_spec(
        {
            "floor": "0.6",
            "points": [
                {"attainment": "0.8", "payout": "0.5"},
                {"attainment": "1.0", "payout": "1.0"},
            ],
        }
    )
    assert ladder.share(D("0.59"))[0] == 0
    assert ladder.share(D("0.6")) == (D("0.5"), "floor 60% to 80%: 50%")
    assert ladder.share(D("0.79"))[0] == D("0.5")
    assert ladder.share(D("0.9"))[0] == D("0.75")  # linear by default


def test_without_an_accelerator_the_last_point_holds() -> None:
    ladder = Ladder.from_spec(
        {"points": [{"attainment": "1.0", "payout": "1.0"}, {"attainment": "1.2", "payout": "1.5"}]}
    )
    assert ladder.share(D("1.2"))[0] == D("1.5")
    assert ladder.share(D("3")) == (D("1.5"), "at or above 120%: 150%")


def test_points_may_be_given_in_any_order() -> None:
    spec = default_ladder_spec()
    spec["points"] = list(reversed(spec["points"]))
    assert [Ladder.from_spec(spec).share(D(a))[0] for a in ("0.9", "1.1", "1.3")] == [
        D("0.75"),
        D("1.25"),
        D("1.75"),
    ]


# ----------------------------------------------------------------------------- commission


def test_a_deal_inside_one_tier_is_paid_at_that_tier() -> None:
    slices = deal_slices(TIERS, D(250_000), D(10_000))
    assert [(s.start, s.end, s.rate, s.commission) for s in slices] == [
        (D(250_000), D(260_000), D("0.05"), D(500))
    ]


def test_a_deal_ending_on_a_bound_stays_in_the_lower_tier() -> None:
    first = deal_slices(TIERS, D(0), D(100_000))
    assert [(s.revenue, s.rate) for s in first] == [(D(100_000), D("0.02"))]
    second = deal_slices(TIERS, D(100_000), D(50_000))
    assert [(s.revenue, s.rate) for s in second] == [(D(50_000), D("0.03"))]
    assert sum(s.commission for s in first + second) == D(2000 + 1500)


def test_tiers_in_any_order_cut_the_same() -> None:
    assert deal_slices(list(reversed(TIERS)), D(80_000), D(150_000)) == deal_slices(
        TIERS, D(80_000), D(150_000)
    )


def test_revenue_under_the_first_tiers_lower_bound_earns_nothing() -> None:
    slices = deal_slices([(D(50_000), D("0.04"))], D(0), D(80_000))
    assert [(s.start, s.end, s.commission) for s in slices] == [(D(50_000), D(80_000), D(1200))]


def test_a_zero_deal_has_no_slices_and_commission_is_exact() -> None:
    assert deal_slices(TIERS, D(10_000), D(0)) == []
    (piece,) = deal_slices(TIERS, D(120_000), D("12345.67"))
    assert piece.commission == D("370.3701")  # rounded only when a line is made


def test_a_refund_larger_than_the_deal_reverses_only_the_deal() -> None:
    deal = deal_slices(TIERS, D(80_000), D(40_000))  # 20k at 2%, 20k at 3%: 1,000 paid
    taken = reversal_slices(deal, D(0), D(50_000))
    assert [(s.start, s.end, s.rate) for s in taken] == [
        (D(100_000), D(120_000), D("0.03")),
        (D(80_000), D(100_000), D("0.02")),
    ]
    assert sum(s.commission for s in taken) == D(1000)
    assert reversal_slices(deal, D(60_000), D(1)) == []


def test_a_partial_refund_of_a_one_tier_deal_takes_the_top() -> None:
    deal = deal_slices(TIERS, D(0), D(10_000))
    assert [(s.start, s.end, s.commission) for s in reversal_slices(deal, D(0), D(4000))] == [
        (D(6000), D(10_000), D(80))
    ]


# ----------------------------------------------------------------------------- proration

BASE = [{"effective_from": "2026-01-01", "base_pay": "30000"}]
Q1 = Period.parse("2026-Q1")  # 31 + 28 + 31 = 90 days


def _base(
    period: Period, terms: list[dict[str, Any]], hired: date | None, left: date | None
) -> Decimal:
    parts, days = segments(period, terms, hired, left)
    return money(prorated(parts, days, "base_pay", "CNY")[0])


@pytest.mark.parametrize(
    ("hired", "left", "amount"),
    [
        (date(2025, 1, 1), None, "30000.00"),  # the whole quarter
        (date(2025, 1, 1), date(2026, 2, 14), "15000.00"),  # 31 + 14 = 45 of 90 days
        (date(2026, 1, 10), date(2026, 1, 19), "3333.33"),  # 10 days: 3333.333...
        (date(2026, 3, 31), None, "333.33"),  # hired on the last day: 1 day
        (date(2025, 1, 1), date(2026, 1, 1), "333.33"),  # left on the first day: 1 day
        (date(2026, 4, 1), None, "0.00"),  # hired after the quarter
        (date(2024, 1, 1), date(2025, 12, 31), "0.00"),  # left before it
    ],
)
def test_pay_is_prorated_by_active_days_both_ends_included(
    hired: date, left: date | None, amount: str
) -> None:
    assert _base(Q1, BASE, hired, left) == D(amount)


def test_a_term_change_and_a_leave_in_one_quarter() -> None:
    terms = [*BASE, {"effective_from": "2026-03-01", "base_pay": "36000"}]
    # Jan 1 - Feb 28: 59 days at 30,000; Mar 1 - Mar 10: 10 days at 36,000.
    # 30000 x 59 / 90 + 36000 x 10 / 90 = 19666.666... + 4000 = 23666.67
    assert _base(Q1, terms, date(2025, 1, 1), date(2026, 3, 10)) == D("23666.67")


def test_terms_from_before_the_period_apply_and_terms_after_it_do_not() -> None:
    terms = [
        {"effective_from": "2025-07-01", "base_pay": "30000"},
        {"effective_from": "2026-04-01", "base_pay": "99000"},
    ]
    parts, days = segments(Q1, terms, None, None)
    assert [(p.start, p.end, p.days) for p in parts] == [(date(2026, 1, 1), date(2026, 3, 31), 90)]
    assert days == 90


def test_a_month_and_a_leap_year_count_their_own_days() -> None:
    february = Period.parse("2026-02")  # 28 days: hired on the 15th works 14
    assert _base(
        february, [{"effective_from": "2026-01-01", "base_pay": "10000"}], date(2026, 2, 15), None
    ) == D("5000.00")
    leap = Period.parse("2024")  # 366 days: July 1 to December 31 is 184
    # 120000 x 184 / 366 = 60327.868...
    assert _base(
        leap, [{"effective_from": "2024-01-01", "base_pay": "120000"}], date(2024, 7, 1), None
    ) == D("60327.87")


# ----------------------------------------------------------------------------- lines


def _plan() -> dict[str, Any]:
    return {
        "id": "p1",
        "period": "2026-Q1",
        "currency": "CNY",
        "terms": [
            {
                "effective_from": "2026-01-01",
                "base_pay": "30000",
                "performance_pay": "9000",
                "target_bonus": "20000",
            }
        ],
        "bonus_kpis": [{"kpi": "revenue", "weight": "0.6", "ladder": default_ladder_spec()}],
        "rating_multipliers": default_rating_multipliers(),
    }


def _performance_pay(rating: Rating | None, *, projected: bool) -> Decimal:
    lines = plan_lines(
        _plan(), hired_on=None, left_on=None, figures={}, rating=rating, projected=projected
    )
    return next(line.amount for line in lines if line.rule == "performance_pay")


@pytest.mark.parametrize(
    ("rating", "amount"),
    [
        ("S", "13500.00"),
        ("A", "10800.00"),
        ("B", "9000.00"),
        ("C", "5400.00"),
        ("D", "0.00"),
        ("X", "0.00"),
    ],  # a rating the plan does not list multiplies by 0
)
def test_performance_pay_follows_the_rating_multiplier(rating: str, amount: str) -> None:
    assert _performance_pay(Rating(rating, D(80), "r1", 1), projected=False) == D(amount)


def test_a_projection_assumes_a_review_at_target_until_one_closes() -> None:
    assert _performance_pay(None, projected=True) == D("9000.00")
    assert _performance_pay(None, projected=False) == D("0.00")


def test_the_bonus_line_uses_the_accelerated_share() -> None:
    lines = plan_lines(
        _plan(),
        hired_on=None,
        left_on=None,
        figures={"revenue": Figure(D("1.3"))},
        rating=None,
        projected=True,
    )
    bonus = next(line for line in lines if line.rule == "kpi_bonus")
    assert bonus.amount == D("21000.00")  # 20000 x 0.6 x 175%
    assert D(bonus.inputs["payout_share"]) == D("1.75")


@pytest.mark.parametrize(
    ("value", "cents"),
    [
        ("0.005", "0.01"),
        ("2.675", "2.68"),
        ("2.674999", "2.67"),
        ("-0.005", "-0.01"),
        ("19666.666666", "19666.67"),
    ],
)
def test_money_rounds_half_up_to_the_cent(value: str, cents: str) -> None:
    assert money(D(value)) == D(cents)
