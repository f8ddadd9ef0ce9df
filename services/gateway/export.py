"""``python -m gateway.export FILE``: the merged OpenAPI document written without a running
instance (no database, no bus): what the console's TypeScript client is generated from."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from gateway.docs import merge_openapi
from gateway.main import _embedded_apps, create_app
from gateway.settings import GatewayMode, Settings
from shared.inprocess import InProcessBus


def document() -> dict[str, object]:
    gateway = create_app(Settings(mode=GatewayMode.http))
    services = {name: app.openapi() for name, app in _embedded_apps(InProcessBus()).items()}
    return merge_openapi(gateway.openapi(), dict(services), server_url="/")


def main() -> None:
    target = Path(sys.argv[1])
    target.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps(document(), ensure_ascii=False, indent=1, sort_keys=True)
    if not target.exists() or target.read_text(encoding="utf-8") != text:
        target.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
