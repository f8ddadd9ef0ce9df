"""``make contracts``: the ecosystem's own tools, pointed at a running Spearhead.

Starts Spearhead (embedded), reads its merged ``/openapi.json`` and ``/asyncapi.json`` and runs:
Spectral (``spectral:oas`` plus contracts/spectral.yaml: 0 errors, 0 warnings), the AsyncAPI
CLI's validate (0 errors), openapi-python-client and openapi-typescript (every operation, no
warnings), ``tsc`` on the TypeScript smoke script, both smoke scripts against the instance,
then the contract tests (tests/contracts: CloudEvents read from a real broker, every
producer's example against every consumer's copy, headless Chromium on ``/docs``).
Prints the numbers and writes them to build/contracts/summary.json; exits 1 on any finding.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx

from deploy.localinfra import free_port

ROOT = Path(__file__).resolve().parent.parent
CONTRACTS = ROOT / "contracts"
BUILD = ROOT / "build"
OUT = BUILD / "contracts"
CLIENTS = BUILD / "clients"
BIN = CONTRACTS / "node_modules" / ".bin"
TOOLS_VENV = BUILD / "pyclient-venv"
GENERATOR_PINS = CONTRACTS / "python-client-requirements.txt"
METHODS = ("get", "put", "post", "patch", "delete")


class Findings(Exception):
    pass


def run(args: list[str], **kwargs: Any) -> subprocess.CompletedProcess[str]:
    print("$", " ".join(str(a) for a in args), flush=True)
    return subprocess.run(args, capture_output=True, text=True, **kwargs)


@contextmanager
def spearhead() -> Iterator[str]:
    """A fresh embedded Spearhead on a free port, stopped afterwards."""
    port = free_port()
    env = {**os.environ, "PORT": str(port), "SPEARHEAD_PUBLIC_URL": f"http://127.0.0.1:{port}"}
    log = (OUT / "spearhead.log").open("w")
    process = subprocess.Popen(
        [sys.executable, "-m", "deploy.run_embedded"], env=env, stdout=log, stderr=log, cwd=ROOT
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 180
        while True:
            try:
                if httpx.get(f"{url}/readyz", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                raise Findings(f"Spearhead did not become ready; see {OUT / 'spearhead.log'}")
            time.sleep(1)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=60)
        log.close()


def operations(document: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (method, path, operation)
        for path, item in document["paths"].items()
        for method, operation in item.items()
        if method in METHODS
    ]


def collections(document: dict[str, Any]) -> tuple[int, int]:
    """(paged, total) over the GET operations that answer a list of things."""
    schemas = document["components"]["schemas"]
    paged = total = 0
    for method, _path, operation in operations(document):
        if method != "get":
            continue
        content = operation["responses"].get("200", {}).get("content", {})
        schema = content.get("application/json", {}).get("schema", {})
        if schema.get("type") == "array":
            total += 1
            continue
        ref = schema.get("$ref", "")
        target = schemas.get(ref.rsplit("/", 1)[-1], {}) if ref else {}
        properties = target.get("properties", {})
        if "items" in properties and properties["items"].get("type") == "array":
            total += 1
            paged += "next_cursor" in properties
    return paged, total


def spectral(openapi: Path) -> dict[str, int]:
    result = run(
        [
            str(BIN / "spectral"),
            "lint",
            "-r",
            str(CONTRACTS / "spectral.yaml"),
            str(openapi),
            "-f",
            "json",
            "-q",
            "--fail-severity",
            "hint",
        ]
    )
    findings = json.loads(result.stdout or "[]")
    severities = Counter(f["severity"] for f in findings)
    for finding in findings:
        print(
            "  spectral:", finding["code"], ".".join(map(str, finding["path"])), finding["message"]
        )
    return {
        "errors": severities[0],
        "warnings": severities[1],
        "infos": severities[2],
        "hints": severities[3],
    }


def asyncapi(document: Path) -> dict[str, int]:
    run([str(BIN / "asyncapi"), "config", "analytics", "--disable"])
    result = run([str(BIN / "asyncapi"), "validate", str(document), "--fail-severity", "error"])
    text = result.stdout + result.stderr
    print(text.strip())
    match = re.search(r"(\d+) errors?, (\d+) warnings?", text)
    errors, warnings = (int(match.group(1)), int(match.group(2))) if match else (0, 0)
    if result.returncode != 0 and errors == 0:
        errors = 1
    return {"errors": errors, "warnings": warnings}


def python_client(openapi: Path, total: int) -> dict[str, int]:
    stamp = TOOLS_VENV / ".installed"
    if not stamp.exists() or stamp.stat().st_mtime < GENERATOR_PINS.stat().st_mtime:
        # Its own virtualenv: the generator's pins are not the services'.
        run([sys.executable, "-m", "venv", str(TOOLS_VENV)]).check_returncode()
        pip = str(TOOLS_VENV / "bin" / "pip")
        run([pip, "install", "-q", "-r", str(GENERATOR_PINS)]).check_returncode()
        stamp.touch()
    target = CLIENTS / "python"
    result = run(
        [
            str(TOOLS_VENV / "bin" / "openapi-python-client"),
            "generate",
            "--path",
            str(openapi),
            "--output-path",
            str(target),
            "--overwrite",
            "--meta",
            "setup",
            "--config",
            str(CONTRACTS / "python-client.yaml"),
        ]
    )
    text = result.stdout + result.stderr
    (OUT / "python-client.log").write_text(text)
    # One line per piece it could not generate, under a "Warning(s) encountered" heading.
    warnings = len(re.findall(r"^(WARNING|Unable|Cannot)", text, re.M))
    warnings = max(warnings, int("Warning(s) encountered" in text))
    if warnings:
        print(text)
    generated = (
        [p for p in (target / "spearhead_client" / "api").rglob("*.py") if p.name != "__init__.py"]
        if target.exists()
        else []
    )
    if result.returncode and not warnings:
        result.check_returncode()
    install = run([str(TOOLS_VENV / "bin" / "pip"), "install", "-q", "--no-deps", str(target)])
    install.check_returncode()
    return {"warnings": warnings, "operations": len(generated), "of": total}


def typescript_client(openapi: Path, total: int) -> dict[str, int]:
    target = CLIENTS / "typescript"
    target.mkdir(parents=True, exist_ok=True)
    result = run([str(BIN / "openapi-typescript"), str(openapi), "-o", str(target / "schema.d.ts")])
    text = result.stdout + result.stderr
    (OUT / "typescript-client.log").write_text(text)
    warnings = len(re.findall(r"(⚠|warn|WARN)", text))
    if warnings or result.returncode:
        print(text)
    result.check_returncode()
    schema = (target / "schema.d.ts").read_text()
    declared = set(re.findall(r'^\s+"?([a-z][a-z0-9-]+)"?: \{\n\s+parameters:', schema, re.M))
    present = sum(
        1
        for _m, _p, op in operations(json.loads(openapi.read_text()))
        if op["operationId"] in declared
    )
    tsc = run([str(BIN / "tsc"), "-p", str(CONTRACTS / "tsconfig.json")])
    print(tsc.stdout + tsc.stderr)
    return {
        "warnings": warnings,
        "operations": present,
        "of": total,
        "tsc_errors": tsc.stdout.count("error TS"),
    }


def smoke(url: str) -> dict[str, str]:
    env = {**os.environ, "SPEARHEAD_URL": url}
    outcomes = {}
    for name, args in {
        "python": [str(TOOLS_VENV / "bin" / "python"), str(CONTRACTS / "smoke_client.py")],
        "typescript": [str(BIN / "tsx"), str(CONTRACTS / "smoke.ts")],
    }.items():
        result = run(args, env=env, cwd=CONTRACTS)
        print(result.stdout + result.stderr)
        outcomes[name] = "passed" if result.returncode == 0 else f"failed ({result.returncode})"
    return outcomes


def main(clients_only: bool = False) -> int:
    OUT.mkdir(parents=True, exist_ok=True)
    summary: dict[str, Any] = {}
    with spearhead() as url:
        openapi, events = OUT / "openapi.json", OUT / "asyncapi.json"
        document = httpx.get(f"{url}/openapi.json", timeout=30).json()
        openapi.write_text(json.dumps(document, ensure_ascii=False, indent=1))
        events.write_text(
            json.dumps(httpx.get(f"{url}/asyncapi.json", timeout=30).json(), indent=1)
        )
        if document.get("x-unavailable-services"):
            raise Findings(
                f"services missing from the document: {document['x-unavailable-services']}"
            )
        total = len(operations(document))
        summary["operations"] = total
        summary["python_client"] = python_client(openapi, total)
        summary["typescript_client"] = typescript_client(openapi, total)
        summary["smoke"] = smoke(url)
        if clients_only:
            print(json.dumps(summary, indent=2))
            return 1 if _client_failures(summary, total) else 0
        paged, listed = collections(document)
        summary["collections"] = {"paged": paged, "total": listed}
        summary["spectral"] = spectral(openapi)
        summary["asyncapi"] = asyncapi(events)
    tests = run(
        [sys.executable, "-m", "pytest", "tests/contracts", "-q", "-p", "no:cacheprovider"],
        cwd=ROOT,
    )
    print(tests.stdout[-3000:] + tests.stderr[-2000:])
    summary["contract_tests"] = (tests.stdout.strip().splitlines() or ["?"])[-1]
    (OUT / "summary.json").write_text(json.dumps(summary, indent=2))
    print(json.dumps(summary, indent=2))
    failed = [
        summary["spectral"]["errors"] + summary["spectral"]["warnings"],
        summary["asyncapi"]["errors"],
        paged != listed,
        tests.returncode,
    ]
    return 1 if any(failed) or _client_failures(summary, total) else 0


def _client_failures(summary: dict[str, Any], total: int) -> bool:
    return any(
        [
            summary["python_client"]["warnings"],
            summary["python_client"]["operations"] != total,
            summary["typescript_client"]["warnings"],
            summary["typescript_client"]["operations"] != total,
            summary["typescript_client"]["tsc_errors"],
            any(v != "passed" for v in summary["smoke"].values()),
        ]
    )


if __name__ == "__main__":
    try:
        sys.exit(main(clients_only="--clients" in sys.argv[1:]))
    except Findings as exc:
        print(f"contracts: {exc}", file=sys.stderr)
        sys.exit(1)
