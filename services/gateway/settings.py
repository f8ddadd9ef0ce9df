from enum import StrEnum
from typing import Annotated, ClassVar

from pydantic import AfterValidator

from gateway.ratelimit import valid_limit
from shared.settings import ServiceSettings, service_settings_config

SERVICES = ("goals", "performance", "incentives", "collab")


class GatewayMode(StrEnum):
    http = "http"  # every service is its own process, reached over HTTP
    embedded = "embedded"  # every service runs inside the gateway's process


class Settings(ServiceSettings):
    """Gateway settings: ``GATEWAY_*`` variables, falling back to ``SPEARHEAD_*``."""

    model_config = service_settings_config("GATEWAY_")
    service_name: ClassVar[str] = "gateway"

    mode: GatewayMode = GatewayMode.http
    goals_url: str = "http://127.0.0.1:8101"
    performance_url: str = "http://127.0.0.1:8102"
    incentives_url: str = "http://127.0.0.1:8103"
    collab_url: str = "http://127.0.0.1:8104"
    upstream_timeout_s: float = 30.0
    docs_cache_s: float = 10.0
    # The gateway passes large uploads (CSV) on; each service enforces its own limit.
    max_body_bytes: int = 64 * 1_048_576
    cors_origins: list[str] = []
    # Routes a service serves without an account (a customer's single-use feedback link):
    # the gateway passes them on without a token and the service checks the link itself.
    public_path_prefixes: list[str] = ["/performance/customer-feedback/"]
    # Per gateway replica (see gateway/ratelimit.py): calls per principal, and per client
    # address for the routes without an account and for calls whose credentials fail.
    rate_limits: bool = True
    rate_limit_per_principal: Annotated[str, AfterValidator(valid_limit)] = "1200/minute"
    rate_limit_per_address: Annotated[str, AfterValidator(valid_limit)] = "300/minute"

    # The console (console/, built into console/dist): where its files are, and the client id
    # it signs in with at the OpenID Connect issuer (``jwt_issuer``) when ``jwks_url`` is set.
    console_dist: str = ""
    console_client_id: str = "spearhead-console"
    console_scope: str = "openid profile"

    def upstream_url(self, service: str) -> str:
        url: str = getattr(self, f"{service}_url")
        return url.rstrip("/")
