"""The pure arithmetic of a review's score: results from the live monthly scores, ability
and attitude from the 360 ratings, the weighted final score and its rating band. No I/O:
the review flow and the invariant checker use the same functions."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from performance.models import Feedback, LiveScore, ReviewCycle

TWO = Decimal("0.01")
ASPECTS = ("ability", "attitude")


def q2(value: Decimal) -> Decimal:
    return value.quantize(TWO, rounding=ROUND_HALF_UP)


def plain(value: Decimal) -> str:
    return format(value.normalize(), "f")


@dataclass
class ReviewScore:
    """A review's components, final score and rating, with the arithmetic spelt out."""

    results: Decimal
    ability: Decimal
    attitude: Decimal
    final: Decimal
    rating: str
    explanation: list[str] = field(default_factory=list)


def results_of(scores: Sequence[LiveScore]) -> tuple[Decimal, str]:
    """The average of the member's live monthly scores in the period (0 without any)."""
    if not scores:
        return Decimal(0), "results = 0: no monthly scores in the period"
    results = q2(sum((s.score for s in scores), Decimal(0)) / len(scores))
    shown = ", ".join(f"{s.month}: {plain(s.score)}" for s in scores)
    return results, f"results = average of {len(scores)} monthly scores ({shown}) = {results}"


def aspect_of(cycle: ReviewCycle, feedback: Sequence[Feedback], aspect: str) -> tuple[Decimal, str]:
    """Ability or attitude: each source's average rating (1-5, shown as 20-100), weighted
    by the cycle's source weights over the sources that answered."""
    source_weights = {k: Decimal(v) for k, v in cycle.source_weights.items()}
    by_source: dict[str, list[Decimal]] = defaultdict(list)
    for item in feedback:
        by_source[item.source].append(getattr(item, aspect))
    answered = {s: v for s, v in by_source.items() if source_weights.get(s, Decimal(0)) > 0}
    if not answered:
        return Decimal(0), f"{aspect} = 0: no 360 ratings"
    weight_sum = sum((source_weights[s] for s in answered), Decimal(0))
    parts, total = [], Decimal(0)
    for source, ratings in sorted(answered.items()):
        average = sum(ratings, Decimal(0)) / len(ratings)
        total += source_weights[source] * average * 20
        parts.append(f"{source} {plain(source_weights[source])} x {plain(q2(average * 20))}")
    value = q2(total / weight_sum)
    return value, (
        f"{aspect} = ({' + '.join(parts)}) / {plain(weight_sum)} = "
        f"{value} (ratings 1-5 shown as 20-100)"
    )


def final_of(
    cycle: ReviewCycle, results: Decimal, ability: Decimal, attitude: Decimal
) -> tuple[Decimal, str]:
    """The cycle's weights over results, ability and attitude."""
    weights = {k: Decimal(v) for k, v in cycle.weights.items()}
    final = q2(
        weights["results"] * results + weights["ability"] * ability + weights["attitude"] * attitude
    )
    return final, (
        f"final = {plain(weights['results'])} x {results} + {plain(weights['ability'])} x "
        f"{ability} + {plain(weights['attitude'])} x {attitude} = {final}"
    )


def rating_of(cycle: ReviewCycle, final: Decimal) -> tuple[str, str]:
    """The highest band of the cycle's rating scale that the final score reaches."""
    bands = sorted(cycle.rating_scale, key=lambda b: Decimal(b["min_score"]), reverse=True)
    band = next((b for b in bands if final >= Decimal(b["min_score"])), bands[-1])
    return band["rating"], f"rating = {band['rating']} (final >= {band['min_score']})"


def review_score(
    cycle: ReviewCycle, scores: Sequence[LiveScore], feedback: Sequence[Feedback]
) -> ReviewScore:
    """A review scored from the member's monthly scores and the review's 360 ratings."""
    results, line = results_of(scores)
    explanation = [line]
    aspects: dict[str, Decimal] = {}
    for aspect in ASPECTS:
        aspects[aspect], line = aspect_of(cycle, feedback, aspect)
        explanation.append(line)
    final, line = final_of(cycle, results, aspects["ability"], aspects["attitude"])
    explanation.append(line)
    rating, line = rating_of(cycle, final)
    explanation.append(line)
    return ReviewScore(
        results=results,
        ability=aspects["ability"],
        attitude=aspects["attitude"],
        final=final,
        rating=rating,
        explanation=explanation,
    )


def withheld_lines(explanation: Sequence[str], *, note: str) -> list[str]:
    """A review's explanation without the arithmetic of ability, attitude and the final
    score (each would give the peers' ratings away): those lines say ``note`` instead."""
    withheld = (*ASPECTS, "final")
    shown = []
    for line in explanation:
        part = next((w for w in withheld if line.startswith(f"{w} =")), None)
        shown.append(line if part is None else f"{part}: {note}")
    return shown
