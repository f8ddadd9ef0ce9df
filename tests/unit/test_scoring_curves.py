"""Performance scoring (performance/service/scorecards.py, review_scoring.py): an indicator's
attainment becomes points along its curve (straight lines between the points, the last
segment continuing beyond the last point, nothing below the floor, never above the cap nor
below zero, four places half up); the collaboration input is the share of requests answered
within the SLA; a monthly score is the sum of weight x points (an indicator without input
scores 0); a review's results average the monthly scores, ability and attitude weight each
360 source's average rating (1-5 read as 20-100) over the sources that answered, the final
score weights results, ability and attitude, and the rating is the highest band reached."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from performance.models import Feedback, IndicatorInput, LiveScore, ReviewCycle, ScorecardTemplate
from performance.service.review_scoring import (
    aspect_of,
    final_of,
    rating_of,
    results_of,
    review_score,
)
from performance.service.scorecards import answered_share, points_for, score_sheet

D = Decimal
# The documented example curve: 0 -> 0, 100% -> 100, 120% -> 130; floor 50%, cap 130.
EXAMPLE: dict[str, Any] = {
    "points": [
        {"attainment": "0", "score": "0"},
        {"attainment": "1", "score": "100"},
        {"attainment": "1.2", "score": "130"},
    ],
    "floor": "0.5",
    "cap": "130",
}
# The schema's default curve: 0 -> 0, 100% -> 100, no floor, cap 120.
DEFAULT: dict[str, Any] = {
    "points": [{"attainment": "0", "score": "0"}, {"attainment": "1", "score": "100"}],
    "floor": "0",
    "cap": "120",
}


@pytest.mark.parametrize(
    ("attainment", "points"),
    [
        ("0.4999", "0"),  # below the floor
        ("0.5", "50"),  # at the floor: on the line from (0, 0) to (1, 100)
        ("0.8", "80"),
        ("1", "100"),
        ("1.1", "115"),  # 100 + 30 x 0.1 / 0.2
        ("1.2", "130"),
        ("1.5", "130"),  # the last segment would give 175: capped
    ],
)
def test_the_example_curve(attainment: str, points: str) -> None:
    assert points_for(EXAMPLE, D(attainment)) == D(points)


@pytest.mark.parametrize(
    ("attainment", "points"),
    [
        ("0", "0"),
        ("0.33333333", "33.3333"),  # 33.333333 to four places
        ("0.66666666", "66.6667"),  # 66.666666 half up
        ("1.1", "110"),  # beyond the last point the last segment continues
        ("1.2", "120"),
        ("1.3", "120"),  # 130 capped at 120
    ],
)
def test_the_default_curve_continues_past_its_last_point_up_to_the_cap(
    attainment: str, points: str
) -> None:
    result = points_for(DEFAULT, D(attainment))
    assert result == D(points)
    assert result.as_tuple().exponent == -4


def test_no_attainment_scores_nothing() -> None:
    assert points_for(EXAMPLE, None) == 0
    assert points_for(DEFAULT, None) == 0


def test_a_negative_attainment_is_below_a_zero_floor() -> None:
    assert points_for(DEFAULT, D("-0.2")) == 0


def test_a_falling_curve_never_goes_below_zero() -> None:
    # Points fall from 100 at 0 to 0 at 1; at 1.5 the continued segment would give -50.
    falling = {
        "points": [{"attainment": "0", "score": "100"}, {"attainment": "1", "score": "0"}],
        "cap": "100",
    }
    assert points_for(falling, D("0.25")) == D(75)
    assert points_for(falling, D("1.5")) == 0


def test_the_collaboration_input_is_the_share_answered_within_the_sla() -> None:
    assert answered_share(7, 8) == D("0.875000")
    assert answered_share(2, 3) == D("0.666667")
    assert answered_share(3, 3) == D("1.000000")
    assert answered_share(0, 4) == D("0.000000")
    assert answered_share(0, 0) is None  # no requests: no input, not 0%


def _indicator(code: str, source: str, weight: str, curve: dict[str, Any]) -> dict[str, Any]:
    return {
        "code": code,
        "name": code,
        "category": "result",
        "source": source,
        "weight": weight,
        "curve": curve,
    }


def test_a_monthly_score_is_the_sum_of_weight_times_points() -> None:
    template = ScorecardTemplate(
        key="sales",
        indicators=[
            _indicator("revenue", "kpi:revenue", "0.5", DEFAULT),
            _indicator("collab", "collab:sla", "0.3", DEFAULT),
            _indicator("csat", "kpi:csat", "0.2", DEFAULT),
        ],
    )
    inputs = {
        "kpi:revenue": IndicatorInput(
            source="kpi:revenue", value=D("1.1"), answered_in_sla=0, requests=0, event_ids=["e1"]
        ),
        "collab:sla": IndicatorInput(
            source="collab:sla",
            value=answered_share(7, 8),
            answered_in_sla=7,
            requests=8,
            event_ids=[],
        ),
    }
    sheet = score_sheet(template, inputs)
    # revenue 0.5 x 110 = 55; collab 0.3 x 87.5 = 26.25; csat has no input: 0.
    assert [(line.code, line.points, line.contribution) for line in sheet.lines] == [
        ("revenue", D(110), D("55.0000")),
        ("collab", D("87.5"), D("26.2500")),
        ("csat", D(0), D(0)),
    ]
    assert sheet.score == D("81.2500")
    assert [line.note for line in sheet.lines] == [
        None,
        "7 of 8 requests answered within the SLA",
        "no input this month: 0 points",
    ]
    assert sheet.lines[0].events == ["e1"]


# ------------------------------------------------------------------------------ reviews


def _cycle(scale: list[tuple[str, str]] | None = None) -> ReviewCycle:
    return ReviewCycle(
        weights={"results": "0.6", "ability": "0.2", "attitude": "0.2"},
        source_weights={"self": "0.1", "manager": "0.5", "peer": "0.2", "customer": "0.2"},
        rating_scale=[
            {"rating": r, "min_score": m}
            for r, m in (scale or [("S", "90"), ("A", "80"), ("B", "60"), ("C", "40"), ("D", "0")])
        ],
    )


def _score(month: str, score: str) -> LiveScore:
    return LiveScore(month=month, score=D(score))


def _rating(source: str, ability: str, attitude: str) -> Feedback:
    return Feedback(source=source, ability=D(ability), attitude=D(attitude))


def test_results_average_the_monthly_scores() -> None:
    scores = [_score("2026-01", "80"), _score("2026-02", "91"), _score("2026-03", "85.5")]
    assert results_of(scores)[0] == D("85.50")  # 256.5 / 3
    thirds = [_score("2026-01", "80"), _score("2026-02", "81"), _score("2026-03", "81")]
    assert results_of(thirds)[0] == D("80.67")  # 242 / 3 = 80.666..., half up
    assert results_of([]) == (D(0), "results = 0: no monthly scores in the period")


def test_an_aspect_weights_the_sources_that_answered() -> None:
    feedback = [
        _rating("self", "5", "4"),
        _rating("manager", "4", "3"),
        _rating("peer", "3", "4"),
        _rating("peer", "4", "5"),
    ]
    # No customer answered: the weights of self, manager and peer (0.8) share the score.
    # ability: (0.1 x 100 + 0.5 x 80 + 0.2 x 70) / 0.8 = 64 / 0.8 = 80
    # attitude: (0.1 x 80 + 0.5 x 60 + 0.2 x 90) / 0.8 = 56 / 0.8 = 70
    assert aspect_of(_cycle(), feedback, "ability")[0] == D("80.00")
    assert aspect_of(_cycle(), feedback, "attitude")[0] == D("70.00")
    assert aspect_of(_cycle(), [], "ability") == (D(0), "ability = 0: no 360 ratings")


def test_a_source_weighted_zero_does_not_count() -> None:
    cycle = _cycle()
    cycle.source_weights = {"self": "0", "manager": "1", "peer": "0", "customer": "0"}
    feedback = [_rating("self", "5", "5"), _rating("manager", "3", "3")]
    assert aspect_of(cycle, feedback, "ability")[0] == D("60.00")
    assert aspect_of(cycle, [_rating("self", "5", "5")], "ability")[0] == D(0)


def test_the_final_score_weights_results_ability_and_attitude() -> None:
    # 0.6 x 85.50 + 0.2 x 80 + 0.2 x 70 = 51.30 + 16 + 14
    assert final_of(_cycle(), D("85.50"), D("80.00"), D("70.00"))[0] == D("81.30")


@pytest.mark.parametrize(
    ("final", "rating"),
    [
        ("100", "S"),
        ("90", "S"),
        ("89.99", "A"),
        ("80", "A"),
        ("79.99", "B"),
        ("40", "C"),
        ("39.99", "D"),
        ("0", "D"),
    ],
)
def test_the_rating_is_the_highest_band_the_final_score_reaches(final: str, rating: str) -> None:
    assert rating_of(_cycle(), D(final))[0] == rating


def test_bands_may_be_listed_in_any_order() -> None:
    cycle = _cycle([("B", "0"), ("S", "90"), ("A", "75")])
    assert [rating_of(cycle, D(f))[0] for f in ("95", "80", "74.99")] == ["S", "A", "B"]


def test_a_review_score_puts_the_parts_together() -> None:
    scores = [_score("2026-01", "80"), _score("2026-02", "91"), _score("2026-03", "85.5")]
    feedback = [
        _rating("self", "5", "4"),
        _rating("manager", "4", "3"),
        _rating("peer", "3", "4"),
        _rating("peer", "4", "5"),
    ]
    score = review_score(_cycle(), scores, feedback)
    assert (score.results, score.ability, score.attitude, score.final, score.rating) == (
        D("85.50"),
        D("80.00"),
        D("70.00"),
        D("81.30"),
        "A",
    )
    assert score.explanation[-1] == "rating = A (final >= 80)"
