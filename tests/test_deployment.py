"""The Docker deployment describes the same shape as `make up`: every service, one image
each from the one Dockerfile, the same settings."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
SERVICES = ["goals", "performance", "incentives", "collab"]
DOCKERFILE = ROOT / "deploy" / "Dockerfile"


def _stages(dockerfile: str) -> tuple[dict[str, tuple[str, list[str]]], list[str]]:
    """The Dockerfile's named stages (name -> (base, instructions)) and the final stage's
    instructions, continuation lines joined."""
    text = re.sub(r"\\\n\s*", "", dockerfile)
    lines = [line.strip() for line in text.splitlines()]
    instructions = [line for line in lines if line and not line.startswith("#")]
    stages: dict[str, tuple[str, list[str]]] = {}
    current: list[str] = []
    for instruction in instructions:
        if match := re.fullmatch(r"FROM (\S+)(?: AS (\S+))?", instruction):
            current = []
            stages[match[2] or "<final>"] = (match[1], current)
        else:
            current.append(instruction)
    final_base, final = stages.pop("<final>")
    return stages, [f"FROM {final_base}", *final]


def _chain(stages: dict[str, tuple[str, list[str]]], stage: str) -> list[str]:
    """Every instruction that builds ``stage``, its bases' first."""
    base, instructions = stages[stage]
    return (_chain(stages, base) if base in stages else [f"FROM {base}"]) + instructions


def test_compose_runs_postgres_kafka_every_service_and_the_gateway() -> None:
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    services = compose["services"]
    assert set(services) == {"postgres", "kafka", "gateway", *SERVICES}
    for name in [*SERVICES, "gateway"]:
        build = services[name]["build"]
        assert (build["context"], build["dockerfile"]) == (".", "deploy/Dockerfile"), name
        assert build["args"] == {"SERVICE": name}, name
        assert "def create_app(" in (ROOT / "services" / name / "main.py").read_text(), name
        environment = services[name]["environment"]
        assert environment["SPEARHEAD_BUS"] == "kafka", name
        assert environment["SPEARHEAD_KAFKA_BOOTSTRAP"] == "kafka:9092", name
        assert environment["SPEARHEAD_DATABASE_URL"].startswith("postgresql+asyncpg://"), name
    for name in SERVICES:
        assert services[name]["depends_on"]["kafka"]["condition"] == "service_healthy"
        assert services["gateway"]["environment"][f"GATEWAY_{name.upper()}_URL"] == (
            f"http://{name}:8000"
        )
    assert services["kafka"]["image"].startswith("apache/kafka:4.1")
    assert services["gateway"]["ports"] == ["8000:8000"]
    assert not list((ROOT / "services").glob("*/Dockerfile")), "one Dockerfile: deploy/Dockerfile"


def test_the_dockerfile_runs_the_service_it_is_given_and_only_the_gateway_has_the_console() -> None:
    text = DOCKERFILE.read_text()
    # Declared before the first FROM, so that a FROM can name a stage by it.
    preamble = text.split("\nFROM ")[0].splitlines()
    assert [line for line in preamble if line and not line.startswith("#")] == ["ARG SERVICE"]
    stages, final = _stages(text)
    # The service's own code, run as a non-root user, started by its name.
    assert final[0] == "FROM runtime"
    assert "ARG SERVICE" in final and "ENV SERVICE=${SERVICE}" in final
    assert 'RUN test -f "services/${SERVICE}/main.py"' in final
    assert "USER 10001" in final
    assert final[-1].startswith('CMD exec python -m uvicorn "${SERVICE}.main:create_app" --factory')
    runtime = _chain(stages, "runtime")
    assert "RUN pip install --no-cache-dir -r requirements.txt -c constraints.txt" in runtime
    assert {"COPY shared/ shared/", "COPY services/ services/"} <= set(runtime)
    # The console comes from the stage the argument names.
    assert stages["console"][0] == "console-${SERVICE}"
    assert "COPY --from=console /console/dist console/dist" in final
    gateway = _chain(stages, "console-gateway")
    assert "RUN python -m gateway.export /app/openapi.json" in _chain(stages, "api")
    assert "COPY --from=api /app/openapi.json src/api/generated/openapi.json" in gateway
    assert gateway[-1] == "RUN npm run generate && npm run build"
    for name in SERVICES:
        chain = _chain(stages, f"console-{name}")
        assert chain[-1] == "RUN mkdir -p /console/dist", name
        assert not any("npm" in instruction for instruction in chain), name
    # The build context keeps local state and the console's own build out.
    ignored = (ROOT / ".dockerignore").read_text().splitlines()
    assert {".venv", ".data", "console/node_modules", "console/dist"} <= set(ignored)


def test_kubernetes_manifests_run_every_service_with_probes() -> None:
    for name in [*SERVICES, "gateway"]:
        documents = list(yaml.safe_load_all((ROOT / "deploy" / "k8s" / f"{name}.yaml").read_text()))
        deployment = next(d for d in documents if d["kind"] == "Deployment")
        container = deployment["spec"]["template"]["spec"]["containers"][0]
        assert container["image"] == f"spearhead-{name}:latest"
        assert container["readinessProbe"]["httpGet"]["path"] == "/readyz"
        assert container["livenessProbe"]["httpGet"]["path"] == "/healthz"
        assert any(d["kind"] == "Service" for d in documents)
