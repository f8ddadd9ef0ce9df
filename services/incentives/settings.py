from typing import ClassVar

from shared.settings import ServiceSettings, service_settings_config


class Settings(ServiceSettings):
    """Incentives settings: ``INCENTIVES_*`` variables, falling back to ``SPEARHEAD_*``."""

    model_config = service_settings_config("INCENTIVES_")
    service_name: ClassVar[str] = "incentives"
