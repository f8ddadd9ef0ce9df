"""Ladders and plans: what each population is paid for a period, and which plan a member
falls under (the most specific; among equals, the newest)."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from incentives import repository
from incentives.models import Ladder, MemberCopy, Plan
from incentives.schemas import LadderCreate, PlanCreate, TermsChange, require_currency
from incentives.settings import Settings
from shared.auth import Principal
from shared.errors import Conflict, NotFound, Unprocessable, invalid
from shared.periods import Period
from shared.values import Money

DEFAULT_LADDER = "default"


async def create_ladder(
    session: AsyncSession, principal: Principal, settings: Settings, body: LadderCreate
) -> Ladder:
    if body.key == DEFAULT_LADDER or await repository.get_ladder(session, key=body.key):
        raise Conflict(f"ladder {body.key} exists; ladders are not edited, make a new key")
    return await repository.add(
        session,
        row=Ladder(
            key=body.key, name=body.name, spec=body.spec.as_spec(), created_by=principal.member_id
        ),
    )


def default_ladder(settings: Settings) -> Ladder:
    return Ladder(
        key=DEFAULT_LADDER,
        name="The plan's default ladder (configuration)",
        spec=settings.default_ladder,
        created_by="settings",
    )


async def ladders(session: AsyncSession, settings: Settings) -> list[Ladder]:
    return [default_ladder(settings), *await repository.ladders(session)]


async def ladder_spec(session: AsyncSession, settings: Settings, key: str) -> dict[str, Any]:
    if key == DEFAULT_LADDER:
        return dict(settings.default_ladder)
    ladder = await repository.get_ladder(session, key=key)
    if ladder is None:
        raise invalid("bonus_kpis.ladder", f"no ladder {key}")
    return dict(ladder.spec)


async def require_defined_kpis(session: AsyncSession, codes: list[str], field: str) -> None:
    """422 naming the field (``["body", "bonus_kpis", 0, "kpi"]``) for each code that is not
    a KPI defined in goals, or one retired there, by incentives' own copy of the definitions
    (from ``KPIDefinitionChanged``; never a call to goals)."""
    known = await repository.kpi_definitions(session, codes=set(codes))
    errors: list[dict[str, Any]] = []
    messages = []
    for i, code in enumerate(codes):
        definition = known.get(code)
        if definition is None:
            message = f"KPI {code} is not defined in goals (no definition known to incentives)"
        elif not definition.active:
            message = f"KPI {code} ({definition.name}) is retired in goals"
        else:
            continue
        messages.append(message)
        errors.append({"loc": ["body", field, i, "kpi"], "msg": message, "type": "value_error"})
    if errors:
        raise Unprocessable("; ".join(messages), errors=errors)


async def create_plan(
    session: AsyncSession, principal: Principal, settings: Settings, body: PlanCreate
) -> Plan:
    await require_defined_kpis(session, [k.kpi for k in body.bonus_kpis], "bonus_kpis")
    bonus_kpis = [
        {
            "kpi": entry.kpi,
            "weight": str(entry.weight),
            "ladder_key": entry.ladder,
            "ladder": await ladder_spec(session, settings, entry.ladder),
        }
        for entry in body.bonus_kpis
    ]
    multipliers: dict[str, Any] = dict(body.rating_multipliers or settings.rating_multipliers)
    currency = body.currency or settings.currency
    for name in ("base_pay", "performance_pay", "target_bonus"):
        require_currency((name,), getattr(body, name), currency)
    for i, tier in enumerate(body.commission.tiers if body.commission else []):
        require_currency(("commission", "tiers", i, "from"), tier.from_, currency)
    return await repository.add(
        session,
        row=Plan(
            id=str(uuid.uuid4()),
            name=body.name,
            period=str(body.period),
            currency=currency,
            population=body.population.model_dump(exclude_none=True),
            terms=[
                {
                    "effective_from": body.period.start.isoformat(),
                    "base_pay": _amount(body.base_pay),
                    "performance_pay": _amount(body.performance_pay),
                    "target_bonus": _amount(body.target_bonus),
                    "reason": "plan created",
                    "by": principal.member_id,
                }
            ],
            bonus_kpis=bonus_kpis,
            rating_multipliers={k: str(v) for k, v in multipliers.items()},
            commission=(
                None
                if body.commission is None
                else {
                    "tiers": [
                        {"from": str(t.from_.amount), "rate": str(t.rate)}
                        for t in body.commission.tiers
                    ]
                }
            ),
            version=1,
            created_by=principal.member_id,
        ),
    )


def _amount(value: Money | None) -> str:
    """An amount as the plan's JSON columns keep it: text, in the plan's currency."""
    return "0" if value is None else str(value.amount)


async def get_plan(session: AsyncSession, plan_id: str, *, lock: bool = False) -> Plan:
    """A plan, or 404; ``lock`` it to change it (two changes never both read one version)."""
    plan = await repository.get_plan(session, plan_id=plan_id, lock=lock)
    if plan is None:
        raise NotFound(f"no plan {plan_id}")
    return plan


async def change_terms(
    session: AsyncSession, principal: Principal, plan: Plan, body: TermsChange
) -> Plan:
    """A mid-period change: new amounts from the effective date, the earlier days keep theirs."""
    period = Period.parse(plan.period)
    if not period.contains(body.effective_from):
        raise invalid("effective_from", f"must fall in the plan's period {plan.period}")
    if body.base_pay is None and body.performance_pay is None and body.target_bonus is None:
        raise invalid("body", "name at least one amount that changes")
    for name in ("base_pay", "performance_pay", "target_bonus"):
        require_currency((name,), getattr(body, name), plan.currency)
    current = sorted(plan.terms, key=lambda t: str(t["effective_from"]))
    before = [t for t in current if t["effective_from"] <= body.effective_from.isoformat()][-1]
    changed = {
        "effective_from": body.effective_from.isoformat(),
        "base_pay": _amount(body.base_pay) if body.base_pay else before["base_pay"],
        "performance_pay": (
            _amount(body.performance_pay) if body.performance_pay else before["performance_pay"]
        ),
        "target_bonus": (
            _amount(body.target_bonus) if body.target_bonus else before["target_bonus"]
        ),
        "reason": body.reason,
        "by": principal.member_id,
    }
    plan.terms = [t for t in current if t["effective_from"] != changed["effective_from"]] + [
        changed
    ]
    plan.terms.sort(key=lambda t: str(t["effective_from"]))
    plan.version += 1
    await session.flush()
    return plan


def specificity(plan: Plan, member: MemberCopy) -> int | None:
    """How closely a plan's population names the member: by id 3, by unit 2, by layer 1,
    everyone 0; None when it does not cover the member."""
    population = plan.population
    if population.get("member_ids") is not None:
        return 3 if member.id in population["member_ids"] else None
    if population.get("unit_id"):
        return 2 if population["unit_id"] in member.unit_path else None
    if population.get("layer"):
        return 1 if population["layer"] == member.layer else None
    return 0


def plan_for(candidates: list[Plan], member: MemberCopy) -> Plan | None:
    best: tuple[int, Any, str] | None = None
    chosen: Plan | None = None
    for plan in candidates:
        level = specificity(plan, member)
        if level is None:
            continue
        rank = (level, plan.created_at, plan.id)
        if best is None or rank > best:
            best, chosen = rank, plan
    return chosen


def active_in(member: MemberCopy, period: Period) -> bool:
    return member.hired_on <= period.end and (
        member.left_on is None or member.left_on >= period.start
    )


def as_dict(plan: Plan) -> dict[str, Any]:
    return {
        "id": plan.id,
        "period": plan.period,
        "currency": plan.currency,
        "terms": plan.terms,
        "bonus_kpis": plan.bonus_kpis,
        "rating_multipliers": plan.rating_multipliers,
    }
