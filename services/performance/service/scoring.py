"""Scorecard templates and live monthly scores.

An indicator turns its input (a KPI's attainment, or the share of requests answered within
the SLA) into points along its curve; the score is the sum of weight x points. Every score
keeps its explanation: each indicator's input, points, weight, contribution, the template
version and the events behind the input."""

from __future__ import annotations

import itertools
import uuid
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from performance import repository
from performance.events import ScoreComputed, outbox
from performance.models import (
    CollabRequest,
    IndicatorInput,
    LiveScore,
    MemberCopy,
    ScorecardTemplate,
)
from performance.schemas import IndicatorLine, ScoreRead, TemplateCreate
from performance.service.access import require_hr, require_member_visible
from shared.auth import Principal
from shared.errors import NotFound

FOUR = Decimal("0.0001")
COLLAB_SOURCE = "collab:sla"


def q4(value: Decimal) -> Decimal:
    return value.quantize(FOUR, rounding=ROUND_HALF_UP)


def points_for(curve: dict[str, Any], attainment: Decimal | None) -> Decimal:
    """Points on a curve: linear between its points (the last segment continues), zero
    below the floor, never above the cap, never below zero."""
    if attainment is None or attainment < Decimal(str(curve.get("floor", 0))):
        return Decimal(0)
    points = [(Decimal(str(x)), Decimal(str(y))) for x, y in curve["points"]]
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


async def create_template(
    session: AsyncSession, *, principal: Principal, body: TemplateCreate
) -> ScorecardTemplate:
    """A new template, or a new version of one: the old version stays for old scores."""
    require_hr(principal)
    version = await repository.latest_version(session, key=body.key) + 1
    await repository.retire_template(session, key=body.key)
    template: ScorecardTemplate = await repository.add(
        session,
        row=ScorecardTemplate(
            id=str(uuid.uuid4()),
            key=body.key,
            version=version,
            name=body.name,
            population=body.population.model_dump(mode="json"),
            indicators=[i.model_dump(mode="json") for i in body.indicators],
            current=True,
            created_by=principal.member_id,
        ),
    )
    for member in await repository.members(session):
        for month in await repository.months_with_inputs(session, member_id=member.id):
            await recompute(session, member_id=member.id, month=month)
    return template


def _specificity(population: dict[str, Any], member: MemberCopy) -> int | None:
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


def template_for(
    templates: list[ScorecardTemplate], member: MemberCopy
) -> ScorecardTemplate | None:
    """The most specific current template whose population includes the member."""
    fitting = [
        (fit, index, t)
        for index, t in enumerate(templates)
        if (fit := _specificity(t.population, member)) is not None
    ]
    return max(fitting, key=lambda f: (f[0], f[1]))[2] if fitting else None


async def recompute(session: AsyncSession, *, member_id: str, month: str) -> LiveScore | None:
    """Recompute one member's score for one month; publish ``ScoreComputed`` if it changed.

    Without the member's copy (their ``MemberChanged`` has not arrived) there is no
    template to score with: the inputs wait, and the score follows the member event."""
    member = await repository.get_member(session, member_id=member_id)
    if member is None:
        return None
    template = template_for(await repository.current_templates(session), member)
    if template is None:
        return None
    inputs = await repository.inputs_of(session, member_id=member_id, month=month)
    lines: list[IndicatorLine] = []
    total = Decimal(0)
    for indicator in template.indicators:
        source = indicator["source"]
        found: IndicatorInput | None = inputs.get(source)
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
    score = q4(total)
    explanation = {
        "template_key": template.key,
        "indicators": [line.model_dump(mode="json") for line in lines],
    }
    existing = await repository.get_score(
        session, member_id=member_id, month=month, for_update=True
    )
    if (
        existing is not None
        and existing.score == score
        and existing.template_id == template.id
        and existing.explanation == explanation
    ):
        return existing
    if existing is None:
        existing = await repository.add(
            session,
            row=LiveScore(
                member_id=member_id,
                month=month,
                score=score,
                template_id=template.id,
                template_version=template.version,
                explanation=explanation,
                revision=1,
            ),
        )
    else:
        existing.score, existing.template_id = score, template.id
        existing.template_version, existing.explanation = template.version, explanation
        existing.revision += 1
        await session.flush()
    await outbox.publish(
        session,
        ScoreComputed(
            member_id=member_id,
            month=month,
            score=score,
            revision=existing.revision,
            template_key=template.key,
            template_version=template.version,
            indicators=[
                {
                    "code": line.code,
                    "input": line.input,
                    "points": line.points,
                    "weight": line.weight,
                    "contribution": line.contribution,
                    "events": line.events,
                }
                for line in lines
            ],
        ),
    )
    return existing


async def record_kpi(
    session: AsyncSession,
    *,
    member_id: str,
    month: str,
    kpi: str,
    attainment: Decimal | None,
    event_id: str,
    event_time: datetime,
) -> None:
    """Keep a member's latest attainment of a KPI for the month, then rescore."""
    source = f"kpi:{kpi}"
    found = await repository.get_input(
        session, member_id=member_id, month=month, source=source, for_update=True
    )
    if found is None:
        await repository.add(
            session,
            row=IndicatorInput(
                member_id=member_id,
                month=month,
                source=source,
                value=attainment,
                event_ids=[event_id],
                last_event_time=event_time,
            ),
        )
    elif found.last_event_time is not None and event_time < found.last_event_time:
        return  # an older figure arriving late: the newer one stands
    else:
        found.value = attainment
        found.event_ids = [*found.event_ids, event_id][-20:]
        found.last_event_time = event_time
        await session.flush()
    await recompute(session, member_id=member_id, month=month)


async def record_request(
    session: AsyncSession,
    *,
    ticket_id: str,
    member_id: str,
    month: str,
    within_sla: bool,
    event_id: str,
) -> None:
    """A request answered (or breached) by a member: the collaboration indicator's input is
    the month's share answered within the SLA; a breach is final for its ticket."""
    request = await repository.get_collab_request(session, ticket_id=ticket_id)
    if request is None:
        await repository.add(
            session,
            row=CollabRequest(
                ticket_id=ticket_id,
                member_id=member_id,
                month=month,
                within_sla=within_sla,
                event_ids=[event_id],
            ),
        )
    else:
        request.within_sla = request.within_sla and within_sla
        request.event_ids = [*request.event_ids, event_id]
        await session.flush()
    in_sla, total, events = await repository.collab_counts(
        session, member_id=member_id, month=month
    )
    found = await repository.get_input(
        session, member_id=member_id, month=month, source=COLLAB_SOURCE, for_update=True
    )
    share = Decimal(in_sla) / Decimal(total) if total else None
    if found is None:
        await repository.add(
            session,
            row=IndicatorInput(
                member_id=member_id,
                month=month,
                source=COLLAB_SOURCE,
                value=share,
                answered_in_sla=in_sla,
                requests=total,
                event_ids=events[-20:],
            ),
        )
    else:
        found.value, found.answered_in_sla, found.requests = share, in_sla, total
        found.event_ids = events[-20:]
        await session.flush()
    await recompute(session, member_id=member_id, month=month)


async def get_score(
    session: AsyncSession, *, principal: Principal, member_id: str, month: str
) -> ScoreRead:
    await require_member_visible(session, principal, member_id)
    score = await repository.get_score(session, member_id=member_id, month=month)
    if score is None:
        raise NotFound(f"no score for {member_id} in {month}")
    return ScoreRead(
        member_id=score.member_id,
        month=score.month,
        score=score.score,
        revision=score.revision,
        template_id=score.template_id,
        template_key=score.explanation.get("template_key", ""),
        template_version=score.template_version,
        indicators=[
            IndicatorLine.model_validate(line) for line in score.explanation.get("indicators", [])
        ],
        formula="score = sum of weight x points; points follow each indicator's curve",
    )
