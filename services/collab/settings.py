from decimal import Decimal
from typing import ClassVar

from pydantic import Field

from shared.settings import ServiceSettings, service_settings_config


class Settings(ServiceSettings):
    """Collab settings: ``COLLAB_*`` variables, falling back to ``SPEARHEAD_*``. The SLA
    defaults apply where no policy matches a ticket and no calendar is set for a unit."""

    model_config = service_settings_config("COLLAB_")
    service_name: ClassVar[str] = "collab"

    first_response_hours: Decimal = Field(
        default=Decimal(24), description="Default first-response target, in business hours"
    )
    resolution_hours: dict[str, Decimal] = Field(
        default_factory=lambda: {
            "urgent": Decimal(8),
            "high": Decimal(24),
            "normal": Decimal(40),
            "low": Decimal(80),
        },
        description="Default resolution target per priority, in business hours",
    )
    at_risk_share: Decimal = Field(
        default=Decimal("0.8"),
        gt=0,
        lt=1,
        description="Warn (TicketSLAAtRisk) when this share of a target is used up",
    )
    holiday_country: str | None = Field(
        default="CN",
        max_length=3,
        description="Whose public holidays and make-up working days business calendars "
        "follow (ISO 3166-1 code known to the holidays package); empty for none. A unit's "
        "calendar may name another country or opt out",
    )
    holiday_region: str | None = Field(
        default=None,
        max_length=10,
        description="The region (ISO 3166-2 subdivision) of holiday_country, if its holidays "
        "differ by region",
    )
    sla_scheduler_interval_s: float = Field(
        default=5.0,
        gt=0,
        le=30,
        description="How often the deadline scheduler looks for due warnings and breaches",
    )
    sla_scheduler_batch: int = Field(default=200, description="Deadlines fired per transaction")
    retro_due_days: int = Field(
        default=3, ge=0, description="A project's retrospective is due this many days after it ends"
    )
