from decimal import Decimal
from typing import ClassVar

from pydantic import Field

from shared.settings import ServiceSettings, service_settings_config


class Settings(ServiceSettings):
    """Goals settings: ``GOALS_*`` variables, falling back to ``SPEARHEAD_*``."""

    model_config = service_settings_config("GOALS_")
    service_name: ClassVar[str] = "goals"

    smart_min_description: int = Field(
        default=10, description="Characters a goal's description needs to count as specific"
    )
    smart_achievable_margin: Decimal = Field(
        default=Decimal("0.30"),
        description="Warn when a target is this far beyond the owner's best recent period",
    )
    risk_at_risk_margin: Decimal = Field(
        default=Decimal("0.10"),
        description="At risk when progress trails the elapsed share of the period by this",
    )
    risk_off_track_margin: Decimal = Field(
        default=Decimal("0.25"),
        description="Off track when progress trails the elapsed share by this",
    )
    risk_evaluation_interval_s: float = Field(
        default=900,
        gt=0,
        description=(
            "Seconds between two evaluations of every live goal's risk state (each change "
            "published as GoalAtRisk, GoalOffTrack or GoalBackOnTrack)"
        ),
    )
    candidate_retention_days: int = Field(
        default=180,
        ge=1,
        le=3650,
        description=(
            "Days a candidate who was not hired keeps their personal data after being closed "
            "(rejected, withdrawn, declined); then it is erased and the erasure recorded"
        ),
    )
    candidate_erasure_interval_s: float = Field(
        default=3600,
        gt=0,
        description="Seconds between two passes of the erasure of expired candidate data",
    )
    composition_min_group: int = Field(
        default=5,
        ge=2,
        le=100,
        description=(
            "Fewest members a team or squad needs for HR's composition to show its age bands "
            "and genders; smaller groups are withheld"
        ),
    )
    max_upload_rows: int = Field(default=100_000, description="Most rows in one CSV upload")
    dashboard_result_kpi: str = Field(
        default="revenue",
        min_length=1,
        max_length=64,
        description=(
            "Code of the KPI whose actual is the members' result in the dashboard's "
            "per-member result growth"
        ),
    )
