"""The pure rules of a live score: which template fits a member, how an indicator's input
becomes points along its curve, and how the lines add up. No I/O: the scoring flow and the
invariant checker compute a score with the same functions."""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from performance.models import IndicatorInput, MemberCopy, ScorecardTemplate
from performance.schemas import IndicatorLine

FOUR = Decimal("0.0001")
SIX = Decimal("0.000001")
COLLAB_SOURCE = "collab:sla"


def q4(value: Decimal) -> Decimal:
    return value.quantize(FOUR, rounding=ROUND_HALF_UP)


def q6(value: Decimal) -> Decimal:
    """An input as ``indicator_inputs.value`` (numeric(12, 6)) stores it: a score computed
    in the writing transaction then equals one computed later from the stored row."""
    return value.quantize(SIX, rounding=ROUND_HALF_UP)


def answered_share(answered_in_sla: int, requests: int) -> Decimal | None:
    """The collaboration indicator's input: the share of requests answered within the SLA."""
    return q6(Decimal(answered_in_sla) / Decimal(requests)) if requests else None


def points_for(curve: dict[str, Any], attainment: Decimal | None) -> Decimal:
    """Points on a curve: linear between its points (the last segment continues), zero
    below the floor, never above the cap, never below zero."""
    if attainment is None or attainment < Decimal(str(curve.get("floor", 0))):
        return Decimal(0)
    points = [(Decimal(str(p["attainment"])), Decimal(str(p["score"]))) for p in curve["points"]]
    if attainment <= points[0][0]:
        value = points[0][1]
    else:
        segment = next(
            ((a, b) for a, b in itertools.pairwise(points) if attainment <= b[0]),
            (points[-2], points[-1]),
        )
        (x0, y0), (x1, y1) = segment
        value = y0 + (y1 - y0) * (attainment - x0) / (x1 - x0)
    return q4(max(Decimal(0), min(value, Decimal(str(curve["cap"])))))


def specificity(population: dict[str, Any], member: MemberCopy) -> int | None:
    """How closely a population fits a member (None: not at all)."""
    units, layers, tiers = (
        population.get("unit_ids") or [],
        population.get("layers") or [],
        population.get("tiers") or [],
    )
    if units and not set(units) & set(member.unit_path or [member.home_unit_id]):
        return None
    if layers and member.layer not in layers:
        return None
    if tiers and member.tier not in tiers:
        return None
    return 4 * bool(units) + 2 * bool(layers) + bool(tiers)


def in_effect(templates: list[ScorecardTemplate], month: str) -> list[ScorecardTemplate]:
    """Each key's version in effect for ``month``: the newest whose effective month is not
    after it (a key with no such version is not in effect yet), in creation order."""
    newest: dict[str, ScorecardTemplate] = {}
    for t in templates:
        if t.effective_from <= month:
            held = newest.get(t.key)
            if held is None or (t.effective_from, t.version) > (held.effective_from, held.version):
                newest[t.key] = t
    kept = {id(t) for t in newest.values()}
    return [t for t in templates if id(t) in kept]


def _most_specific(
    templates: list[ScorecardTemplate], member: MemberCopy, month: str
) -> ScorecardTemplate | None:
    effective = {id(t) for t in in_effect(templates, month)}
    fitting = [
        (fit, index, t)
        for index, t in enumerate(templates)
        if id(t) in effective and (fit := specificity(t.population, member)) is not None
    ]
    return max(fitting, key=lambda f: (f[0], f[1]))[2] if fitting else None


def before_every_version(
    templates: list[ScorecardTemplate], member: MemberCopy, month: str
) -> bool:
    """Whether ``month`` comes before the effective month of every version that fits the
    member: no rule was in effect for it, so the first rule stands in (and a new template
    may take it over)."""
    return all(
        t.effective_from > month for t in templates if specificity(t.population, member) is not None
    )


def template_for(
    templates: list[ScorecardTemplate], member: MemberCopy, month: str
) -> ScorecardTemplate | None:
    """The version that scores the member's ``month`` (``templates``: every version, in
    creation order): of each key's version in effect for the month, the most specific
    whose population includes the member (of equal fits, the one created last). A month
    before every fitting version's effective month is scored as the first month one is in
    effect for: there is no older rule to keep."""
    fits = [t.effective_from for t in templates if specificity(t.population, member) is not None]
    if not fits:
        return None
    return _most_specific(templates, member, max(month, min(fits)))


@dataclass(frozen=True)
class ScoreSheet:
    """A score and the lines that make it."""

    score: Decimal
    lines: list[IndicatorLine]

    def explanation(self, template: ScorecardTemplate) -> dict[str, Any]:
        """What ``live_scores.explanation`` keeps."""
        return {
            "template_key": template.key,
            "indicators": [line.model_dump(mode="json") for line in self.lines],
        }


def score_sheet(template: ScorecardTemplate, inputs: Mapping[str, IndicatorInput]) -> ScoreSheet:
    """Each of the template's indicators scored from its source's input (``inputs`` by
    source); an indicator without input scores 0."""
    lines: list[IndicatorLine] = []
    total = Decimal(0)
    for indicator in template.indicators:
        source = indicator["source"]
        found = inputs.get(source)
        value = found.value if found is not None else None
        points = points_for(indicator["curve"], value)
        weight = Decimal(str(indicator["weight"]))
        contribution = q4(weight * points)
        total += contribution
        note = None
        if found is None or value is None:
            note = "no input this month: 0 points"
        elif source == COLLAB_SOURCE:
            note = f"{found.answered_in_sla} of {found.requests} requests answered within the SLA"
        lines.append(
            IndicatorLine(
                code=indicator["code"],
                name=indicator["name"],
                category=indicator["category"],
                source=source,
                input=value,
                points=points,
                weight=weight,
                contribution=contribution,
                events=list(found.event_ids) if found else [],
                note=note,
            )
        )
    return ScoreSheet(score=q4(total), lines=lines)
