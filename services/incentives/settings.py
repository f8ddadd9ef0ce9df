from decimal import Decimal
from typing import Any, ClassVar

from pydantic import Field

from shared.settings import ServiceSettings, service_settings_config


def default_ladder_spec() -> dict[str, Any]:
    # The management plan's ladder: nothing under 80%, 100% at target, 150% at 120%, the
    # same slope beyond (the accelerator) up to a cap of 200% of the target bonus.
    return {
        "interpolation": "linear",
        "floor": "0.80",
        "points": [
            {"attainment": "0.80", "payout": "0.50"},
            {"attainment": "1.00", "payout": "1.00"},
            {"attainment": "1.20", "payout": "1.50"},
        ],
        "accelerator": "2.5",
        "cap": "2.00",
    }


def default_rating_multipliers() -> dict[str, str]:
    return {"S": "1.50", "A": "1.20", "B": "1.00", "C": "0.60", "D": "0"}


class Settings(ServiceSettings):
    """Incentives settings: ``INCENTIVES_*`` variables, falling back to ``SPEARHEAD_*``.
    The defaults are the management plan's; every one is configuration."""

    model_config = service_settings_config("INCENTIVES_")
    service_name: ClassVar[str] = "incentives"

    currency: str = Field(default="CNY", description="Currency of plans that name none")
    default_ladder: dict[str, Any] = Field(
        default_factory=default_ladder_spec, description="The ladder named `default`"
    )
    rating_multipliers: dict[str, str] = Field(
        default_factory=default_rating_multipliers,
        description="Performance pay as a share of its target, by review rating",
    )
    recalc_interval_s: float = Field(
        default=1.0, description="Pay recalculation: the longest wait between passes"
    )
    recalc_batch: int = Field(default=2000, ge=1, description="Members per recalculation pass")
    star_share: Decimal = Field(default=Decimal("0.10"), description="Top share named stars")
