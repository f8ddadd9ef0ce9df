"""Equity grants: a member's long-term reward in units of an instrument (options, RSUs,
phantom shares), with a vesting schedule and the conditions each tranche needs.

A grant is a draft until approved (``EquityGranted``). The conflict-of-interest rules are the
project bonuses': nobody creates or approves a grant for themselves (``self-decision``), a
manager (without HR or admin) only for the members of their units (``out-of-scope``), and who
created a grant does not also approve it (``second-approver-required``); approving is HR's
or an admin's.

Vesting is explicit: ``POST .../vest`` (HR or admin) looks at every pending tranche whose
date has come (the organisation's today): met conditions vest it (``EquityVested``, once per
tranche: a vested tranche is never looked at again); a member who left before the date, or
had not served the minimum tenure by then, forfeits it; a minimum score is met by the final
score of the member's newest review closed by the date (none yet: the tranche waits).

Grants are never money paid: they show on the member's statement as non-cash lines, and the
payroll export, made from payout lines only, never contains them."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from incentives import repository
from incentives.events import EquityGranted, EquityVested, outbox
from incentives.models import EquityGrant, MemberCopy
from incentives.schemas import require_currency
from incentives.schemas.equity import (
    EquityGrantCreate,
    EquityGrantRead,
    NonCashLine,
    TrancheRead,
)
from incentives.service import access
from incentives.service.calculator import money
from incentives.service.rewards import decide_awards
from incentives.settings import Settings
from shared.auth import Principal
from shared.errors import (
    SECOND_APPROVER_REQUIRED,
    Conflict,
    DecisionRefused,
    NotFound,
    Unprocessable,
)
from shared.periods import Period
from shared.values import Money

CREATE, APPROVE, VEST = "create-equity-grant", "approve-equity-grant", "vest-equity-grant"
UNITS = Decimal("0.0001")


def add_months(day: date, months: int) -> date:
    """The same day ``months`` later (the month's last day when it is shorter)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    last = (date(year + (month + 1) // 12, (month + 1) % 12 + 1, 1) - date(year, month + 1, 1)).days
    return date(year, month + 1, min(day.day, last))


def _schedule_errors(body: EquityGrantCreate) -> list[dict[str, Any]]:
    """Each tranche on or after the cliff, in date order, all adding up to the quantity."""
    errors: list[dict[str, Any]] = []
    cliff = add_months(body.granted_on, body.cliff_months)
    previous: date | None = None
    for i, tranche in enumerate(body.tranches):
        if tranche.vests_on < cliff:
            errors.append(
                _error(
                    ["tranches", i, "vests_on"],
                    f"tranche {i + 1} vests on {tranche.vests_on}, before the cliff "
                    f"({body.cliff_months} months after {body.granted_on}: {cliff})",
                )
            )
        elif previous is not None and tranche.vests_on <= previous:
            errors.append(
                _error(
                    ["tranches", i, "vests_on"],
                    f"tranche {i + 1} vests on {tranche.vests_on}, not after tranche {i}",
                )
            )
        previous = tranche.vests_on
    total = sum((t.quantity for t in body.tranches), Decimal(0))
    if total != body.quantity:
        errors.append(
            _error(
                ["tranches"],
                f"the tranches add up to {total:f} units, not the grant's {body.quantity:f}",
            )
        )
    return errors


def _error(loc: list[str | int], message: str) -> dict[str, Any]:
    return {"loc": ["body", *loc], "msg": message, "type": "value_error"}


async def create_grant(
    session: AsyncSession, principal: Principal, settings: Settings, body: EquityGrantCreate
) -> EquityGrant:
    """A draft grant; see the module for who may create one for whom."""
    errors = _schedule_errors(body)
    if errors:
        raise Unprocessable("; ".join(str(e["msg"]) for e in errors), errors=errors)
    currency = body.currency or settings.currency
    require_currency(("strike_price",), body.strike_price, currency)
    require_currency(("fair_value",), body.fair_value, currency)
    await decide_awards(session, principal, [body.member_id], action=CREATE)
    return await repository.add(
        session,
        row=EquityGrant(
            id=str(uuid.uuid4()),
            member_id=body.member_id,
            instrument=body.instrument.value,
            quantity=body.quantity,
            granted_on=body.granted_on,
            cliff_months=body.cliff_months,
            tranches=[
                {
                    "number": i + 1,
                    "vests_on": t.vests_on.isoformat(),
                    "quantity": str(t.quantity.quantize(UNITS)),
                    "state": "pending",
                    "note": None,
                }
                for i, t in enumerate(body.tranches)
            ],
            conditions={
                "min_tenure_months": body.conditions.min_tenure_months,
                "min_score": (
                    None if body.conditions.min_score is None else str(body.conditions.min_score)
                ),
            },
            currency=currency if body.strike_price or body.fair_value else None,
            strike_price=None if body.strike_price is None else body.strike_price.amount,
            fair_value=None if body.fair_value is None else body.fair_value.amount,
            note=body.note,
            state="draft",
            version=1,
            created_by=principal.member_id,
        ),
    )


async def get_grant(
    session: AsyncSession, principal: Principal, grant_id: str, *, lock: bool = False
) -> EquityGrant:
    """The grant, if the caller may see its member's pay (404 otherwise, as for a statement)."""
    grant = await repository.get_equity_grant(session, grant_id=grant_id, lock=lock)
    if grant is None:
        raise NotFound(f"no equity grant {grant_id}")
    await access.require_member_visible(session, principal, grant.member_id)
    return grant


async def approve(session: AsyncSession, principal: Principal, grant: EquityGrant) -> EquityGrant:
    """HR or an admin approves a draft (not their own grant, nor one they created)."""
    await decide_awards(session, principal, [grant.member_id], action=APPROVE)
    if grant.state != "draft":
        raise Conflict(f"equity grant {grant.id} is {grant.state}: it is approved once")
    if grant.created_by == principal.member_id:
        raise DecisionRefused(
            SECOND_APPROVER_REQUIRED,
            "you created this equity grant: another person approves it",
            actor=principal.member_id,
            action=APPROVE,
            subject=grant.id,
        )
    grant.state = "approved"
    grant.approved_by = principal.member_id
    grant.approved_at = datetime.now(UTC)
    grant.version += 1
    await session.flush()
    await outbox.publish(
        session,
        EquityGranted(
            grant_id=grant.id,
            member_id=grant.member_id,
            instrument=grant.instrument,
            quantity=grant.quantity,
            granted_on=grant.granted_on,
            tranches=[
                {k: t[k] for k in ("number", "vests_on", "quantity")} for t in grant.tranches
            ],
            conditions=grant.conditions,
            approved_by=principal.member_id,
        ),
    )
    return grant


async def _newest_score(session: AsyncSession, member_id: str, by: date) -> Decimal | None:
    """The final score of the member's newest review whose period ended by ``by``."""
    closed = [
        (Period.parse(r.period).end, r.final_score)
        for r in await repository.member_reviews(session, member_id=member_id)
        if Period.parse(r.period).end <= by
    ]
    return max(closed)[1] if closed else None


async def _verdict(
    session: AsyncSession, grant: EquityGrant, member: MemberCopy, vests_on: date
) -> tuple[str, str]:
    """What the tranche of ``vests_on`` becomes: vested, forfeited or still pending, and why."""
    if member.left_on is not None and member.left_on < vests_on:
        return "forfeited", f"the member left on {member.left_on}, before {vests_on}"
    tenure = grant.conditions.get("min_tenure_months")
    if tenure is not None and add_months(member.hired_on, tenure) > vests_on:
        return (
            "forfeited",
            f"hired on {member.hired_on}: not {tenure} months of tenure by {vests_on}",
        )
    minimum = grant.conditions.get("min_score")
    if minimum is not None:
        score = await _newest_score(session, member.id, vests_on)
        if score is None:
            return "pending", f"waits for a review closed by {vests_on} (minimum score {minimum})"
        if score < Decimal(minimum):
            return "forfeited", f"final score {score} of the newest review is under {minimum}"
        return "vested", f"final score {score} meets {minimum}; tenure met"
    return "vested", "conditions met on the date"


async def vest(
    session: AsyncSession, principal: Principal, grant: EquityGrant, today: date
) -> EquityGrant:
    """Look at every pending tranche whose date has come (see the module)."""
    await decide_awards(session, principal, [grant.member_id], action=VEST)
    if grant.state != "approved":
        raise Conflict(f"equity grant {grant.id} is {grant.state}: approve it before vesting")
    member = await repository.get_member(session, member_id=grant.member_id)
    assert member is not None  # decide_awards found it
    tranches = [dict(t) for t in grant.tranches]
    vested_now = []
    for tranche in tranches:
        vests_on = date.fromisoformat(tranche["vests_on"])
        if tranche["state"] != "pending" or vests_on > today:
            continue
        tranche["state"], tranche["note"] = await _verdict(session, grant, member, vests_on)
        if tranche["state"] == "vested":
            vested_now.append(tranche)
    grant.tranches = tranches
    grant.version += 1
    await session.flush()
    vested = vested_quantity(grant)
    await outbox.publish_many(
        session,
        [
            EquityVested(
                grant_id=grant.id,
                member_id=grant.member_id,
                instrument=grant.instrument,
                tranche=t["number"],
                vests_on=date.fromisoformat(t["vests_on"]),
                quantity=Decimal(t["quantity"]),
                vested_quantity=vested,
            )
            for t in vested_now
        ],
    )
    return grant


def vested_quantity(grant: EquityGrant) -> Decimal:
    return sum(
        (Decimal(t["quantity"]) for t in grant.tranches if t["state"] == "vested"), Decimal("0")
    ).quantize(UNITS)


def _money(amount: Decimal | None, currency: str | None) -> Money | None:
    if amount is None or currency is None:
        return None
    return Money(amount=amount, currency=currency)


def _value(grant: EquityGrant, quantity: Decimal) -> Money | None:
    """Units at the grant's fair value, half up to the cent (None without a fair value)."""
    if grant.fair_value is None:
        return None
    return _money(money(quantity * grant.fair_value), grant.currency)


def read(grant: EquityGrant) -> EquityGrantRead:
    return EquityGrantRead(
        id=grant.id,
        member_id=grant.member_id,
        instrument=grant.instrument,
        quantity=grant.quantity,
        granted_on=grant.granted_on,
        cliff_months=grant.cliff_months,
        tranches=[TrancheRead.model_validate(t) for t in grant.tranches],
        conditions=grant.conditions,
        currency=grant.currency,
        strike_price=_money(grant.strike_price, grant.currency),
        fair_value=_money(grant.fair_value, grant.currency),
        note=grant.note,
        state=grant.state,
        vested_quantity=vested_quantity(grant),
        created_by=grant.created_by,
        created_at=grant.created_at,
        approved_by=grant.approved_by,
        approved_at=grant.approved_at,
    )


async def statement_lines(
    session: AsyncSession, *, member_id: str, period: Period
) -> list[NonCashLine]:
    """The member's approved grants made in the period, and their tranches dated in it."""
    lines = []
    for grant in await repository.member_equity_grants(session, member_id=member_id):
        per_unit = grant.fair_value
        valued = "" if per_unit is None else f" at {per_unit} {grant.currency} a unit"
        if period.start <= grant.granted_on <= period.end:
            lines.append(
                NonCashLine(
                    rule="equity_grant",
                    grant_id=grant.id,
                    instrument=grant.instrument,
                    quantity=grant.quantity,
                    on=grant.granted_on,
                    state="granted",
                    value=_value(grant, grant.quantity),
                    explanation=(
                        f"{grant.instrument} grant of {grant.quantity:f} units on "
                        f"{grant.granted_on}{valued}, vesting in {len(grant.tranches)} "
                        "tranches; not paid through payroll"
                    ),
                )
            )
        for t in grant.tranches:
            vests_on = date.fromisoformat(t["vests_on"])
            if not period.start <= vests_on <= period.end:
                continue
            quantity = Decimal(t["quantity"])
            lines.append(
                NonCashLine(
                    rule="equity_vesting",
                    grant_id=grant.id,
                    instrument=grant.instrument,
                    quantity=quantity,
                    on=vests_on,
                    state=t["state"],
                    value=_value(grant, quantity),
                    explanation=(
                        f"tranche {t['number']} of {len(grant.tranches)} of the "
                        f"{grant.instrument} grant of {grant.granted_on}: {quantity:f} units"
                        f"{valued}, {t['state']}" + (f" ({t['note']})" if t["note"] else "")
                    ),
                )
            )
    return sorted(lines, key=lambda line: (line.on, line.rule, line.grant_id))
