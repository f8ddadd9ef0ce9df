"""Spearhead's processes under supervisord: a process that dies is restarted (with a growing
delay while it keeps failing to start) and the others keep serving; supervisord's log says
what died, how, and when it came back."""

from __future__ import annotations

import shlex
import subprocess
import sys
from pathlib import Path

from deploy.processes import ROOT, command

# A process that stays up this long counts as started; one that dies sooner is retried
# after 1 s, 2 s, 3 s... up to this many times, then left FATAL (and said so in the log).
START_SECONDS = 3
START_RETRIES = 20


def _program(name: str, port: int, logs: Path) -> str:
    return "\n".join(
        [
            f"[program:{name}]",
            f"command={shlex.join(command(name, port))}",
            f"directory={ROOT}",
            "autostart=true",
            "autorestart=true",
            f"startsecs={START_SECONDS}",
            f"startretries={START_RETRIES}",
            "stopsignal=TERM",
            "stopwaitsecs=20",
            "stopasgroup=true",
            "killasgroup=true",
            "redirect_stderr=true",
            f"stdout_logfile={logs / (name + '.log')}",
            "stdout_logfile_maxbytes=50MB",
            "stdout_logfile_backups=3",
            "",
        ]
    )


def write_config(workdir: Path, programs: dict[str, int], logs: Path) -> Path:
    """A supervisord configuration running each ``name: port`` of ``programs``; its own log
    goes to standard output, the programs' to ``logs/<name>.log``."""
    workdir.mkdir(parents=True, exist_ok=True)
    logs.mkdir(parents=True, exist_ok=True)
    socket = workdir / "supervisor.sock"
    sections = [
        "[supervisord]",
        "nodaemon=true",
        "logfile=/dev/stdout",
        "logfile_maxbytes=0",
        "loglevel=info",
        f"pidfile={workdir / 'supervisord.pid'}",
        f"childlogdir={logs}",
        "",
        "[unix_http_server]",
        f"file={socket}",
        "",
        "[rpcinterface:supervisor]",
        "supervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface",
        "",
        "[supervisorctl]",
        f"serverurl=unix://{socket}",
        "",
    ]
    sections += [_program(name, port, logs) for name, port in programs.items()]
    config = workdir / "supervisord.conf"
    config.write_text("\n".join(sections))
    return config


def start(config: Path, env: dict[str, str]) -> subprocess.Popen[bytes]:
    """supervisord in the foreground, in a session of its own (so a terminal's Ctrl-C
    reaches it only through us, and its programs stop with it)."""
    return subprocess.Popen(
        [sys.executable, "-m", "supervisor.supervisord", "-c", str(config)],
        env=env,
        start_new_session=True,
    )


def control(config: Path, *arguments: str) -> int:
    """``supervisorctl`` against a running supervisord (status, restart goals, ...)."""
    return subprocess.call(
        [sys.executable, "-m", "supervisor.supervisorctl", "-c", str(config), *arguments]
    )
