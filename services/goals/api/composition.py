"""Team composition for HR: function, layer, age and gender mix, withheld for small groups."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from goals.api.deps import SettingsDep, TodayDep
from goals.schemas.composition import UnitComposition
from goals.service import composition
from shared.api import IsoDate
from shared.auth import CurrentPrincipal
from shared.db import SessionDep

router = APIRouter(tags=["composition"])


@router.get(
    "/units/{unit_id}/composition",
    response_model=UnitComposition,
    response_model_exclude_none=True,
)
async def get_unit_composition(
    unit_id: str,
    session: SessionDep,
    principal: CurrentPrincipal,
    settings: SettingsDep,
    today: TodayDep,
    as_of: Annotated[
        IsoDate | None, Query(description="The day members are counted on; today unless given")
    ] = None,
) -> UnitComposition:
    """The mix of functions and layers of a unit and of every unit and active squad below it
    (HR and admins only), with age bands and genders only for groups of at least
    ``GOALS_COMPOSITION_MIN_GROUP`` members (5 unless set): a smaller group is withheld. No
    member ids or names."""
    return await composition.unit_composition(
        session,
        principal=principal,
        unit_id=unit_id,
        as_of=as_of or today,
        min_group=settings.composition_min_group,
    )
