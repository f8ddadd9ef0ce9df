"""Swagger UI from assets shipped in an installed package (fastapi-offline), so the
docs render on a closed network: nothing the product serves loads from another host."""

from __future__ import annotations

from importlib.resources import files

from fastapi import APIRouter, FastAPI
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

ASSETS = "/docs/assets"


def install_docs(app: FastAPI, *, title: str, openapi_url: str = "/openapi.json") -> None:
    """``/docs`` (Swagger UI) for ``openapi_url``, its assets under ``/docs/assets``. (No
    ReDoc: its page loads a logo from the vendor's CDN.)"""
    static = files("fastapi_offline") / "static"
    app.mount(ASSETS, StaticFiles(directory=str(static)), name="docs-assets")
    router = APIRouter(include_in_schema=False)

    @router.get("/docs")
    async def swagger_ui() -> HTMLResponse:
        return get_swagger_ui_html(
            openapi_url=openapi_url,
            title=title,
            swagger_js_url=f"{ASSETS}/swagger-ui-bundle.js",
            swagger_css_url=f"{ASSETS}/swagger-ui.css",
            swagger_favicon_url=f"{ASSETS}/favicon.png",
        )

    app.include_router(router)
