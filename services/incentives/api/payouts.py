"""Live projections, what-if, payout runs (draft > approved > exported), statements and
adjustments."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated

from fastapi import APIRouter, Header, Response

from incentives import repository
from incentives.models import PayoutRun
from incentives.schemas import (
    AdjustmentCreate,
    AdjustmentRead,
    LineRead,
    MemberTotal,
    ProjectionRead,
    RunCreate,
    RunRead,
    StatementRead,
    StatementRun,
    WhatIfCreate,
    WhatIfRead,
)
from incentives.service import access, pay_lines, payouts, payroll
from incentives.service.calculator import ROUNDING
from shared.api import check_if_match, etag_of
from shared.auth import CurrentPrincipal
from shared.db import SessionDep
from shared.periods import Period, period_path

router = APIRouter()


@router.get(
    "/members/{member_id}/projection", response_model=list[ProjectionRead], tags=["payouts"]
)
async def projection(
    member_id: str, session: SessionDep, principal: CurrentPrincipal
) -> list[ProjectionRead]:
    """What the member would be paid at the current figures, per plan, line by line. It
    moves with every ``KPIUpdated``, closed review and recorded deal."""
    await access.require_member_visible(session, principal, member_id)
    return [
        ProjectionRead.model_validate(p, from_attributes=True)
        for p in await repository.projections(session, member_id=member_id)
    ]


@router.post("/what-if", response_model=WhatIfRead, tags=["payouts"])
async def what_if(
    body: WhatIfCreate, session: SessionDep, principal: CurrentPrincipal
) -> WhatIfRead:
    """What the member's plan would pay at the attainments (and rating) given; the rest at
    the current figures. Nothing is stored."""
    await access.require_member_visible(session, principal, body.member_id)
    plan, lines = await pay_lines.what_if(session, body)
    return WhatIfRead(
        member_id=body.member_id,
        plan_id=plan.id,
        period=plan.period,
        currency=plan.currency,
        total=pay_lines.total(lines),
        lines=[LineRead.model_validate(line.as_json()) for line in lines],
    )


async def _read(session: SessionDep, run: PayoutRun) -> RunRead:
    lines = await repository.run_lines(session, run_id=run.id)
    totals, member_totals = payouts.summarise(lines)
    return RunRead(
        id=run.id,
        period=run.period,
        state=run.state,
        version=run.version,
        members=len({m["member_id"] for m in member_totals}),
        lines=len(lines),
        totals=totals,
        member_totals=[MemberTotal(**m) for m in member_totals],
        created_by=run.created_by,
        created_at=run.created_at,
        first_approved_by=run.first_approved_by,
        first_approved_at=run.first_approved_at,
        approved_by=run.approved_by,
        approved_at=run.approved_at,
        exported_by=run.exported_by,
        exported_at=run.exported_at,
    )


@router.post("/payout-runs", status_code=201, response_model=RunRead, tags=["payouts"])
async def create_run(
    body: RunCreate, session: SessionDep, principal: CurrentPrincipal, response: Response
) -> RunRead:
    """A draft run for a period (finance). Closing a review also makes one."""
    access.require_finance(principal)
    run = await payouts.create_run(session, period=body.period, created_by=principal.member_id)
    response.headers["Location"] = f"/incentives/payout-runs/{run.id}"
    response.headers["ETag"] = etag_of(run.id, run.version)
    return await _read(session, run)


@router.get("/payout-runs", response_model=list[RunRead], tags=["payouts"])
async def list_runs(session: SessionDep, principal: CurrentPrincipal) -> list[RunRead]:
    access.require_finance_or_hr(principal)
    return [await _read(session, run) for run in await repository.runs(session)]


@router.get("/payout-runs/{run_id}", response_model=RunRead, tags=["payouts"])
async def get_run(
    run_id: str, session: SessionDep, principal: CurrentPrincipal, response: Response
) -> RunRead:
    access.require_finance_or_hr(principal)
    run = await payouts.get_run(session, run_id)
    response.headers["ETag"] = etag_of(run.id, run.version)
    return await _read(session, run)


@router.get("/payout-runs/{run_id}/lines", response_model=list[LineRead], tags=["payouts"])
async def run_lines(
    run_id: str, session: SessionDep, principal: CurrentPrincipal
) -> list[LineRead]:
    """Every line of the run with its rule, inputs and tier (finance and HR)."""
    access.require_finance_or_hr(principal)
    run = await payouts.get_run(session, run_id)
    return [
        LineRead.model_validate(line, from_attributes=True)
        for line in await repository.run_lines(session, run_id=run.id)
    ]


@router.post("/payout-runs/{run_id}/recalculate", response_model=RunRead, tags=["payouts"])
async def recalculate(
    run_id: str, session: SessionDep, principal: CurrentPrincipal, response: Response
) -> RunRead:
    """Recalculate a draft run from the current figures (finance)."""
    access.require_finance(principal)
    run = await payouts.recalculate(session, run_id)
    response.headers["ETag"] = etag_of(run.id, run.version)
    return await _read(session, run)


@router.post("/payout-runs/{run_id}/approve", response_model=RunRead, tags=["payouts"])
async def approve(
    run_id: str,
    session: SessionDep,
    principal: CurrentPrincipal,
    response: Response,
    if_match: Annotated[str | None, Header()] = None,
) -> RunRead:
    """Approve a run (finance or admin; If-Match the ETag you reviewed, so a run recalculated
    since is not approved blind). It becomes immutable; ``PayoutApproved`` is published.

    Nobody approves alone a run that pays themselves: an approver with a line in the run gives
    the first approval, and the run is ``awaiting_second_approval`` until a different finance
    or admin principal it does not pay approves it (the same person, or anyone it pays, is
    refused: 403 ``second-approver-required``). Recalculating it withdraws the first."""
    access.require_finance(principal)
    run = await payouts.get_run(session, run_id, lock=True)
    payouts.require_unapproved(run)
    check_if_match(if_match, run.id, run.version)
    run = await payouts.approve(session, principal, run)
    response.headers["ETag"] = etag_of(run.id, run.version)
    return await _read(session, run)


@router.post(
    "/payout-runs/{run_id}/export",
    tags=["payouts"],
    response_class=Response,
    responses={200: {"content": {"text/csv": {"schema": {"type": "string"}}}}},
)
async def export(run_id: str, session: SessionDep, principal: CurrentPrincipal) -> Response:
    """The payroll CSV of an approved run (finance); the run is then exported. Exporting
    again returns the same file."""
    access.require_finance(principal)
    run = await payouts.get_run(session, run_id, lock=True)
    content = await payroll.export(session, principal, run)
    return Response(
        content,
        media_type="text/csv; charset=utf-8",
        headers={
            "Content-Disposition": f'attachment; filename="payroll-{run.period}-{run.id}.csv"'
        },
    )


@router.get(
    "/members/{member_id}/statements/{period}", response_model=StatementRead, tags=["payouts"]
)
async def statement(
    member_id: str,
    period: Annotated[str, period_path()],
    session: SessionDep,
    principal: CurrentPrincipal,
) -> StatementRead:
    """A member's payout lines for a period, run by run: each says which rule, which inputs
    (and the events behind them), which tier and what amount. The member, their managers,
    finance and HR may read it."""
    await access.require_member_visible(session, principal, member_id)
    key = str(Period.parse(period))
    runs = []
    for run, lines in await payouts.statement(session, member_id=member_id, period=key):
        totals: dict[str, Decimal] = {}
        for line in lines:
            totals[line.currency] = totals.get(line.currency, Decimal(0)) + line.amount
        runs.append(
            StatementRun(
                run_id=run.id,
                state=run.state,
                totals=totals,
                lines=[LineRead.model_validate(line, from_attributes=True) for line in lines],
            )
        )
    return StatementRead(member_id=member_id, period=key, rounding=ROUNDING, runs=runs)


@router.post("/adjustments", status_code=201, response_model=AdjustmentRead, tags=["payouts"])
async def add_adjustment(
    body: AdjustmentCreate, session: SessionDep, principal: CurrentPrincipal
) -> AdjustmentRead:
    """A correction with its reason (finance or admin), paid as a line of the next run; not
    for your own pay (403 ``self-decision``)."""
    access.require_finance(principal)
    adjustment = await payouts.add_adjustment(session, principal, body)
    return AdjustmentRead.model_validate(adjustment, from_attributes=True)


@router.get("/adjustments", response_model=list[AdjustmentRead], tags=["payouts"])
async def list_adjustments(
    session: SessionDep, principal: CurrentPrincipal, member_id: str | None = None
) -> list[AdjustmentRead]:
    access.require_finance_or_hr(principal)
    return [
        AdjustmentRead.model_validate(a, from_attributes=True)
        for a in await repository.adjustments(session, member_id=member_id)
    ]
