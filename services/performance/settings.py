from decimal import Decimal
from typing import ClassVar

from pydantic import Field

from shared.settings import ServiceSettings, service_settings_config


class Settings(ServiceSettings):
    """Performance settings: ``PERFORMANCE_*`` variables, falling back to ``SPEARHEAD_*``.
    The dashboard's targets are the organisation's, kept in ``dashboard_targets``
    (``service.dashboard.TARGETS``), which the training summary and promotion readiness use
    too."""

    model_config = service_settings_config("PERFORMANCE_")
    service_name: ClassVar[str] = "performance"

    core_share: Decimal = Field(
        default=Decimal("0.30"),
        description="Core members: this top share of the headcount at the start of the year, "
        "by average monthly score (rounded half up)",
    )
    min_peer_answers: int = Field(
        default=3,
        ge=1,
        description="Peer answers a review needs before its reviewee sees peer ratings "
        "(a cycle's default)",
    )
    distribution_tolerance: Decimal = Field(
        default=Decimal("0.05"),
        ge=0,
        le=1,
        description="How far (a share: 0.05 is 5 percentage points) a rating's share may be "
        "from the cycle's target before closing the cycle needs an acknowledgement",
    )
    backbone_min_months: int = Field(default=6, description="Tenure before backbone")
    management_min_months: int = Field(default=24, description="Tenure before management")
