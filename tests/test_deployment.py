"""The Docker deployment describes the same shape as `make up`: every service, its own
Dockerfile, the same settings."""

from __future__ import annotations

from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
SERVICES = ["goals", "performance", "incentives", "collab"]


def test_compose_runs_postgres_kafka_every_service_and_the_gateway() -> None:
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    services = compose["services"]
    assert set(services) == {"postgres", "kafka", "gateway", *SERVICES}
    for name in [*SERVICES, "gateway"]:
        dockerfile = ROOT / services[name]["build"]["dockerfile"]
        assert dockerfile.exists(), name
        assert f'"{name}.main:create_app"' in dockerfile.read_text(), name
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


def test_kubernetes_manifests_run_every_service_with_probes() -> None:
    for name in [*SERVICES, "gateway"]:
        documents = list(yaml.safe_load_all((ROOT / "deploy" / "k8s" / f"{name}.yaml").read_text()))
        deployment = next(d for d in documents if d["kind"] == "Deployment")
        container = deployment["spec"]["template"]["spec"]["containers"][0]
        assert container["readinessProbe"]["httpGet"]["path"] == "/readyz"
        assert container["livenessProbe"]["httpGet"]["path"] == "/healthz"
        assert any(d["kind"] == "Service" for d in documents)
