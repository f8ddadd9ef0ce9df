"""Settled months: the scores performance declares final, published as ``MonthSettled``."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path

from performance.api.deps import TodayDep
from performance.schemas.settlement import SettlementRead, SettleRequest
from performance.service import settlement
from shared.auth import CurrentPrincipal
from shared.db import SessionDep

router = APIRouter(tags=["settlements"])
Month = Annotated[
    str,
    Path(
        pattern=r"^(19[0-9]{2}|2[0-9]{3})-(0[1-9]|1[0-2])$",
        description="A month: 2026-03",
        examples=["2026-03"],
    ),
]


@router.post("/months/{month}/settle", status_code=201, response_model=SettlementRead)
async def settle_month(
    month: Month,
    body: SettleRequest,
    session: SessionDep,
    principal: CurrentPrincipal,
    today: TodayDep,
) -> SettlementRead:
    """Declare a month's scores final (HR): refused (409) while the month is not over or a
    member active in it has no live score (named); settling again is a correction that
    needs a reason and publishes the next revision of ``MonthSettled``."""
    row = await settlement.settle(
        session, principal=principal, month=month, reason=body.reason, today=today
    )
    return settlement.to_read(row)


@router.get("/months/{month}/settlement", response_model=SettlementRead)
async def get_settlement(
    month: Month, session: SessionDep, principal: CurrentPrincipal
) -> SettlementRead:
    """The newest settlement of a month, with its scores (HR)."""
    return await settlement.newest(session, principal=principal, month=month)
