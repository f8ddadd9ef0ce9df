"""SLA policies (the calendars of owner units are in ``calendars``)."""

from __future__ import annotations

import uuid

from sqlalchemy.ext.asyncio import AsyncSession

from collab import repository
from collab.models import SlaPolicy
from collab.schemas import PolicyCreate
from collab.service.access import require_hr
from shared.auth import Principal
from shared.paging import PageQuery


async def create_policy(
    session: AsyncSession, *, principal: Principal, body: PolicyCreate
) -> SlaPolicy:
    require_hr(principal)
    policy: SlaPolicy = await repository.add(
        session,
        row=SlaPolicy(
            id=str(uuid.uuid4()),
            name=body.name,
            rank=body.rank,
            categories=list(body.categories),
            priorities=[p.value for p in body.priorities],
            requester_unit_ids=list(body.requester_unit_ids),
            owner_unit_ids=list(body.owner_unit_ids),
            first_response_hours=body.first_response_hours,
            resolution_hours={p.value: str(h) for p, h in body.resolution_hours.items()},
            at_risk_share=body.at_risk_share,
            active=True,
            created_by=principal.member_id,
        ),
    )
    return policy


async def list_policies(
    session: AsyncSession, *, page: PageQuery
) -> tuple[list[SlaPolicy], str | None]:
    """One page of the active policies (by default in the order they are tried)."""
    return await repository.policies_page(session, page=page)
