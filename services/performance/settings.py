from typing import ClassVar

from shared.settings import ServiceSettings, service_settings_config


class Settings(ServiceSettings):
    """Performance settings: ``PERFORMANCE_*`` variables, falling back to ``SPEARHEAD_*``."""

    model_config = service_settings_config("PERFORMANCE_")
    service_name: ClassVar[str] = "performance"
