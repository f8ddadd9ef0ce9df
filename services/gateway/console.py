"""The console at ``/console``: its built files (console/dist) served from this gateway, every
client-side route answered with its index page, and how it signs people in.

Nothing it serves comes from another host: the build bundles every script, style and font.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import FileResponse, RedirectResponse, Response

from gateway.schemas import DevUser, SignInConfig
from gateway.settings import Settings
from shared.api import Page, decode_cursor, encode_cursor
from shared.app import PROBLEM_RESPONSES
from shared.auth import Role, mint_token
from shared.errors import NotFound, ServiceUnavailable, Unprocessable
from shared.paging import Cursor, Limit

DIST = Path(__file__).resolve().parents[2] / "console" / "dist"
# The demo accounts that are nobody's member record: an administrator, HR and finance.
STAFF = tuple(
    DevUser(member_id=member_id, name=name, roles=[role], units=[], title=name)
    for member_id, name, role in (
        ("demo-admin", "系统管理员 Admin", Role.admin),
        ("demo-hr", "人力资源 HR", Role.hr),
        ("demo-finance", "财务 Finance", Role.finance),
    )
)

sign_in = APIRouter(prefix="/auth", tags=["auth"])
dev_users = APIRouter(prefix="/auth", tags=["auth"])


def dist_folder(settings: Settings) -> Path:
    return Path(settings.console_dist) if settings.console_dist else DIST


@sign_in.get("/sign-in", response_model=SignInConfig, operation_id="auth-sign-in-config")
async def sign_in_config(request: Request) -> SignInConfig:
    """控制台如何登录 How the console signs in: `development` offers a picker of the demo
    users; `oidc` is the authorisation code flow with PKCE at the configured issuer."""
    settings: Settings = request.app.state.settings
    if settings.jwks_url:
        return SignInConfig(
            method="oidc",
            issuer=settings.jwt_issuer,
            client_id=settings.console_client_id,
            scope=settings.console_scope,
        )
    return SignInConfig(method="development")


@dev_users.get("/dev-users", response_model=Page[DevUser], operation_id="auth-list-dev-users")
async def list_dev_users(
    request: Request, limit: Limit = 50, cursor: Cursor = None
) -> Page[DevUser]:
    """开发用户 The people the development sign-in offers (development only; absent in
    production): goals' members, each a manager of their home unit when someone reports to
    them, and an administrator, HR and finance."""
    settings: Settings = request.app.state.settings
    token = mint_token(settings, member_id="gateway-dev-users", roles=[Role.admin.value])
    members: list[dict[str, Any]] = []
    start = _offset(cursor)  # checked before goals is asked
    after: str | None = None
    for _ in range(20):  # at most 2,000 members: a demo, not a directory
        query = "/goals/members?limit=100" + (f"&cursor={after}" if after else "")
        answer = await request.app.state.upstreams["goals"].get_json(
            query, within_s=10, headers={"Authorization": f"Bearer {token}"}
        )
        if answer is None or answer[0] != 200:
            raise ServiceUnavailable("the goals service does not answer: no members to offer")
        members.extend(answer[1]["items"])
        after = answer[1].get("next_cursor")
        if not after:
            break
    managers = {m["manager_id"] for m in members if m.get("manager_id")}
    people = [
        DevUser(
            member_id=m["id"],
            name=m["name"],
            roles=[Role.manager if m["id"] in managers else Role.member],
            units=[m["home_unit_id"]],
            title=m.get("title") or ("经理 Manager" if m["id"] in managers else "成员 Member"),
        )
        for m in members
        if not m.get("left_on")
    ]
    everyone = [*people, *STAFF]
    end = start + limit
    return Page(
        items=everyone[start:end], next_cursor=encode_cursor(end) if end < len(everyone) else None
    )


def _offset(cursor: str | None) -> int:
    if cursor is None:
        return 0
    (value,) = decode_cursor(cursor, 1)
    if not value.isdigit():
        raise Unprocessable(
            "the cursor is not one this API issued",
            errors=[{"loc": ["query", "cursor"], "msg": "not issued here", "type": "value_error"}],
        )
    return int(value)


def install_console(app: FastAPI) -> None:
    """``/console`` and its client-side routes, and the sign-in routes."""
    settings: Settings = app.state.settings
    app.include_router(sign_in, responses=PROBLEM_RESPONSES)
    if not settings.is_production:
        app.include_router(dev_users, responses=PROBLEM_RESPONSES)
    dist = dist_folder(settings)

    async def console(path: str = "") -> Response:
        if not (dist / "index.html").is_file():
            raise ServiceUnavailable("the console is not built: run `make console`")
        wanted = (dist / path).resolve()
        if path and wanted.is_file() and wanted.is_relative_to(dist.resolve()):
            immutable = path.startswith("assets/")
            return FileResponse(
                wanted,
                headers={"Cache-Control": "public, max-age=31536000, immutable"}
                if immutable
                else {"Cache-Control": "no-cache"},
            )
        if path.startswith("assets/"):
            raise NotFound(f"no console file {path}")
        return FileResponse(dist / "index.html", headers={"Cache-Control": "no-cache"})

    async def to_console() -> RedirectResponse:
        return RedirectResponse("/console/", status_code=308)

    app.add_api_route("/console", to_console, include_in_schema=False)
    app.add_api_route("/console/{path:path}", console, include_in_schema=False)
