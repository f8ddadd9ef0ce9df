from typing import ClassVar

from shared.settings import ServiceSettings, service_settings_config


class Settings(ServiceSettings):
    """Goals settings: ``GOALS_*`` variables, falling back to ``SPEARHEAD_*``."""

    model_config = service_settings_config("GOALS_")
    service_name: ClassVar[str] = "goals"
