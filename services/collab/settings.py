from typing import ClassVar

from shared.settings import ServiceSettings, service_settings_config


class Settings(ServiceSettings):
    """Collab settings: ``COLLAB_*`` variables, falling back to ``SPEARHEAD_*``."""

    model_config = service_settings_config("COLLAB_")
    service_name: ClassVar[str] = "collab"
