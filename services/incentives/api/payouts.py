"""Live projections, what-if, payout runs (draft > approved > exported), statements and
adjustments."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from typing import Annotated

from fastapi import APIRouter, Depends, Header, Response

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
    RunState,
    StatementRead,
    StatementRun,
    WhatIfCreate,
    WhatIfRead,
)
from incentives.service import access, equity, pay_lines, payouts, payroll
from incentives.service.calculator import ROUNDING
from shared.api import Page, check_if_match, etag_of
from shared.auth import CurrentPrincipal
from shared.db import SessionDep
from shared.paging import PageQuery, page_query
from shared.periods import Period, period_path, period_query
from shared.values import Money

router = APIRouter()

ProjectionPage = Annotated[
    PageQuery, Depends(page_query(["period", "updated_at"], default="period"))
]
RunPage = Annotated[
    PageQuery, Depends(page_query(["created_at", "period", "state"], default="created_at"))
]
LinePage = Annotated[
    PageQuery, Depends(page_query(["member_id", "rule", "amount"], default="member_id"))
]
AdjustmentPage = Annotated[
    PageQuery,
    Depends(page_query(["created_at", "period", "member_id", "amount"], default="created_at")),
]


def by_currency(amounts: list[tuple[Decimal, str]]) -> list[Money]:
    """The total in each currency, by currency."""
    totals: dict[str, Decimal] = defaultdict(Decimal)
    for amount, currency in amounts:
        totals[currency] += amount
    return [Money.of(total, currency) for currency, total in sorted(totals.items())]


@router.get(
    "/members/{member_id}/projection", response_model=Page[ProjectionRead], tags=["payouts"]
)
async def projection(
    member_id: str, session: SessionDep, principal: CurrentPrincipal, page: ProjectionPage
) -> Page[ProjectionRead]:
    """What the member would be paid at the current figures, per plan, line by line. It
    moves with every ``KPIUpdated``, closed review and recorded deal."""
    await access.require_member_visible(session, principal, member_id)
    found, cursor = await repository.projections_page(session, member_id=member_id, page=page)
    return Page(
        items=[ProjectionRead.model_validate(p, from_attributes=True) for p in found],
        next_cursor=cursor,
    )


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
        total=Money.of(pay_lines.total(lines), plan.currency),
        lines=[LineRead.model_validate(line.as_json()) for line in lines],
    )


async def _read(session: SessionDep, run: PayoutRun) -> RunRead:
    lines = await repository.run_lines(session, run_id=run.id)
    _, member_totals = payouts.summarise(lines)
    return RunRead(
        id=run.id,
        period=run.period,
        state=run.state,
        version=run.version,
        members=len({m["member_id"] for m in member_totals}),
        lines=len(lines),
        totals=by_currency([(line.amount, line.currency) for line in lines]),
        member_totals=[MemberTotal.model_validate(m) for m in member_totals],
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


@router.get("/payout-runs", response_model=Page[RunRead], tags=["payouts"])
async def list_runs(
    session: SessionDep,
    principal: CurrentPrincipal,
    page: RunPage,
    period: Annotated[str | None, period_query()] = None,
    state: RunState | None = None,
) -> Page[RunRead]:
    """Payout runs (finance and HR), optionally of one period or in one state, oldest first
    by default."""
    access.require_finance_or_hr(principal)
    found, cursor = await repository.runs_page(
        session,
        page=page,
        period=str(Period.parse(period)) if period else None,
        state=None if state is None else state.value,
    )
    return Page(items=[await _read(session, run) for run in found], next_cursor=cursor)


@router.get("/payout-runs/{run_id}", response_model=RunRead, tags=["payouts"])
async def get_run(
    run_id: str, session: SessionDep, principal: CurrentPrincipal, response: Response
) -> RunRead:
    """One run with its totals (finance and HR); its ETag is what an approval names."""
    access.require_finance_or_hr(principal)
    run = await payouts.get_run(session, run_id)
    response.headers["ETag"] = etag_of(run.id, run.version)
    return await _read(session, run)


@router.get("/payout-runs/{run_id}/lines", response_model=Page[LineRead], tags=["payouts"])
async def run_lines(
    run_id: str,
    session: SessionDep,
    principal: CurrentPrincipal,
    page: LinePage,
    member_id: str | None = None,
) -> Page[LineRead]:
    """The lines of the run (optionally one member's) with their rule, inputs and tier
    (finance and HR); by member by default, each member's in the order they were made."""
    access.require_finance_or_hr(principal)
    run = await payouts.get_run(session, run_id)
    found, cursor = await repository.run_lines_page(
        session, run_id=run.id, page=page, member_id=member_id
    )
    return Page(
        items=[LineRead.model_validate(line, from_attributes=True) for line in found],
        next_cursor=cursor,
    )


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
    (and the events behind them), which tier and what amount; beside them, the non-cash
    lines of their approved equity grants made or vesting in the period (never paid through
    payroll). The member, their managers, finance and HR may read it."""
    await access.require_member_visible(session, principal, member_id)
    parsed = Period.parse(period)
    key = str(parsed)
    runs = []
    for run, lines in await payouts.statement(session, member_id=member_id, period=key):
        runs.append(
            StatementRun(
                run_id=run.id,
                state=run.state,
                totals=by_currency([(line.amount, line.currency) for line in lines]),
                lines=[LineRead.model_validate(line, from_attributes=True) for line in lines],
            )
        )
    return StatementRead(
        member_id=member_id,
        period=key,
        rounding=ROUNDING,
        runs=runs,
        non_cash=await equity.statement_lines(session, member_id=member_id, period=parsed),
    )


@router.post("/adjustments", status_code=201, response_model=AdjustmentRead, tags=["payouts"])
async def add_adjustment(
    body: AdjustmentCreate, session: SessionDep, principal: CurrentPrincipal
) -> AdjustmentRead:
    """A correction with its reason (finance or admin), paid as a line of the next run; not
    for your own pay (403 ``self-decision``)."""
    access.require_finance(principal)
    adjustment = await payouts.add_adjustment(session, principal, body)
    return AdjustmentRead.model_validate(adjustment, from_attributes=True)


@router.get("/adjustments", response_model=Page[AdjustmentRead], tags=["payouts"])
async def list_adjustments(
    session: SessionDep,
    principal: CurrentPrincipal,
    page: AdjustmentPage,
    member_id: str | None = None,
) -> Page[AdjustmentRead]:
    """Corrections (finance and HR), optionally one member's, oldest first by default."""
    access.require_finance_or_hr(principal)
    found, cursor = await repository.adjustments_page(session, page=page, member_id=member_id)
    return Page(
        items=[AdjustmentRead.model_validate(a, from_attributes=True) for a in found],
        next_cursor=cursor,
    )
