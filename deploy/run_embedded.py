"""``make run``: embedded Postgres, every service in one process on the in-process bus, the
gateway on http://127.0.0.1:$PORT. Separate ``PORT``s get separate data folders."""

from __future__ import annotations

import os
import signal
import sys

import uvicorn

from deploy.localinfra import DATA, free_port, start_postgres, stop_postgres


def main() -> None:
    port = int(os.environ.get("PORT", "8000"))
    started_pg = None
    if not os.environ.get("SPEARHEAD_DATABASE_URL"):
        data_dir = DATA / f"run-{port}" / "postgres"
        port_file = data_dir.parent / "postgres.port"
        pg_port = None if port_file.exists() else free_port()
        started_pg = start_postgres(data_dir, pg_port)
        os.environ["SPEARHEAD_DATABASE_URL"] = started_pg.url
        print(f"Postgres (embedded): {started_pg.url}  data: {data_dir}", flush=True)
    os.environ["SPEARHEAD_BUS"] = "inprocess"
    # Event dataschema URIs and the OpenAPI server point at this gateway unless told otherwise.
    os.environ.setdefault("SPEARHEAD_PUBLIC_URL", f"http://127.0.0.1:{port}")
    os.environ["GATEWAY_MODE"] = "embedded"
    print(f"Spearhead: http://127.0.0.1:{port}/docs  (events: /asyncapi.json)", flush=True)
    # uvicorn re-raises the signal that stopped it; make that an exit that runs `finally`.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    try:
        uvicorn.run(
            "gateway.main:create_app",
            factory=True,
            host="127.0.0.1",
            port=port,
            access_log=False,
            loop="uvloop",
            http="httptools",
        )
    finally:
        if started_pg is not None:
            stop_postgres(started_pg.data_dir)


if __name__ == "__main__":
    main()
