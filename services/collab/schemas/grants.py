"""Bodies of data grants between units."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Annotated, Any

from pydantic import BaseModel, StringConstraints

from collab.schemas.common import Day, Ident
from shared.api import RequestModel, examples

GRANT_EXAMPLE: dict[str, Any] = {
    "grantor_unit_id": "u-product",
    "grantee_unit_id": "u-marketing",
    "data_set": "kpi_figures",
    "valid_until": "2026-06-30",
    "reason": "Joint launch planning",
}


class DataSet(StrEnum):
    """What a unit may share: its KPI figures (honoured by goals), customer profiles, the
    conversion funnel."""

    kpi_figures = "kpi_figures"
    customer_profiles = "customer_profiles"
    conversion_funnel = "conversion_funnel"


class GrantCreate(RequestModel):
    model_config = examples(GRANT_EXAMPLE)

    grantor_unit_id: Ident
    grantee_unit_id: Ident
    data_set: DataSet
    valid_until: Day
    reason: Annotated[str, StringConstraints(max_length=2000)] | None = None


class GrantUpdate(RequestModel):
    """Move a grant's end date; guarded by If-Match."""

    model_config = examples({"valid_until": "2026-09-30"})

    valid_until: Day


class GrantRead(BaseModel):
    model_config = examples(
        {
            **GRANT_EXAMPLE,
            "id": "5e6f7a8b-9c0d-4e1f-a2b3-c4d5e6f7a8b9",
            "revoked_at": None,
            "granted_by": "m-product-head",
            "active": True,
            "version": 1,
        }
    )

    id: str
    grantor_unit_id: str
    grantee_unit_id: str
    data_set: str
    valid_until: date
    revoked_at: datetime | None
    granted_by: str
    reason: str | None
    active: bool
    version: int
