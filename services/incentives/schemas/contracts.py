"""Incentives' slim copies of the events it consumes (only the fields it needs). Producers
write decimals as strings (``"1.200000"``); ``Decimal`` reads them, and numbers of older
events, alike."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import ClassVar

from pydantic import BaseModel, ConfigDict, Field

from shared.events import Consumed


class OrgUnitChangedV1(Consumed):
    """Incentives' copy of goals' ``OrgUnitChanged`` (version 1): the org tree, for the
    subtree a dashboard figure of a unit covers."""

    event_type: ClassVar[str] = "goals.org-unit.changed"

    unit_id: str
    name: str
    kind: str
    parent_id: str | None = None
    version: int


class MemberChangedV1(Consumed):
    """Incentives' copy of goals' ``MemberChanged`` (version 1)."""

    event_type: ClassVar[str] = "goals.member.changed"

    member_id: str
    name: str
    home_unit_id: str
    unit_path: list[str] = Field(default_factory=list)
    layer: str
    tier: str
    manager_id: str | None = None
    hired_on: date
    left_on: date | None = None
    position_id: str | None = None
    mentor_id: str | None = None
    version: int


class KPIUpdatedV1(Consumed):
    """Incentives' copy of goals' ``KPIUpdated`` (version 1)."""

    event_type: ClassVar[str] = "goals.kpi.updated"

    owner_type: str
    owner_id: str
    kpi: str
    period: str
    actual: Decimal | None = None
    target: Decimal | None = None
    attainment: Decimal | None = None
    version: int | None = None


class ReviewClosedV1(Consumed):
    """Incentives' copy of performance's ``ReviewClosed`` (version 1)."""

    event_type: ClassVar[str] = "performance.review.closed"

    review_id: str
    period: str
    member_id: str
    final_score: Decimal
    rating: str
    revision: int
    correction: bool = False


class ScoreComputedV1(Consumed):
    """Incentives' copy of performance's ``ScoreComputed`` (version 1)."""

    event_type: ClassVar[str] = "performance.score.computed"

    member_id: str
    month: str
    score: Decimal
    revision: int


class KPIDefinitionChangedV1(Consumed):
    """Incentives' copy of goals' ``KPIDefinitionChanged`` (version 1): which KPI codes
    exist (and are not retired), so that plans name only real KPIs."""

    event_type: ClassVar[str] = "goals.kpi-definition.changed"

    code: str
    name: str
    unit: str | None = None
    active: bool = True
    version: int


class SettledScoreV1(BaseModel):
    """One member's final score in a ``MonthSettled``."""

    model_config = ConfigDict(extra="ignore")

    member_id: str
    score: Decimal
    template_id: str | None = None
    template_version: int | None = None


class MonthSettledV1(Consumed):
    """Incentives' copy of performance's ``MonthSettled`` (version 1): a month's scores are
    final (revision 1), or corrected (2, 3, ... with a reason). Stars come only from these."""

    event_type: ClassVar[str] = "performance.month.settled"

    month: str
    revision: int
    settled_at: datetime
    settled_by: str
    reason: str | None = None
    scores: list[SettledScoreV1] = Field(default_factory=list)
