"""schemathesis 4 against each service's OpenAPI document and the gateway's merged one, in
process: no 5xx for anything a client sends, and every answer is one its operation documents
(status code, content type, headers, body schema). Once as an admin, so that requests reach
the handlers, and once as a plain member, so that refusals are exercised too.

A service's own document gets the deterministic phases (its examples, and the coverage
phase's boundary and wrong-type cases for every field); the gateway's gets those, 25 random
examples per generation mode and operation, and linked sequences. Each app is started once
per module (``CurrentApp``), not once per operation."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest
import schemathesis
from fastapi import FastAPI
from hypothesis import HealthCheck, Phase, settings
from schemathesis import Case, GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.schemas import BaseSchema
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.helpers import auth
from tests.hostile.conftest import SERVICES, fresh_database, gateway_app

# Each service alone, and the gateway over them (through it, only the services above are
# fuzzed, and the gateway's own routes).
TARGETS: dict[str, Callable[[str], FastAPI]] = {**SERVICES, "gateway": gateway_app}
GATEWAY_PATHS = "^/(" + "|".join([*SERVICES, "auth"]) + ")/"

CALLERS = {
    "admin": auth("m-hostile-admin", ["admin"]),
    "member": auth("m-hostile-member", ["member"]),
}

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    negative_data_rejection,
]

Scope = dict[str, Any]


class CurrentApp:
    """The ASGI app schemathesis calls: it passes every request on to the app the running
    test put in place, so the schema can be loaded before any database exists.

    Each app is built once per module and database, and its lifespan (for the gateway,
    every embedded service's start-up) runs once, on its first request, in the loop
    schemathesis sends requests from; ``stop_all`` ends them when the module is done.
    schemathesis' own lifespan calls, made around every test, are answered here: passing
    them on would start and stop the whole system once per operation."""

    def __init__(self) -> None:
        self.app: FastAPI | None = None
        self.running: dict[int, tuple[asyncio.AbstractEventLoop, asyncio.Event, asyncio.Task[None]]]
        self.running = {}

    async def __call__(self, scope: Scope, receive: Any, send: Any) -> None:
        if scope["type"] == "lifespan":
            await _answer_lifespan(receive, send)
            return
        app = self.app
        assert app is not None, "no app in place: use the target_app fixture"
        if id(app) not in self.running:
            await self._start(app)
        await app(scope, receive, send)

    async def _start(self, app: FastAPI) -> None:
        started, stop = asyncio.Event(), asyncio.Event()
        failed: list[BaseException] = []

        async def live() -> None:
            try:
                async with app.router.lifespan_context(app):
                    started.set()
                    await stop.wait()
            except BaseException as error:
                failed.append(error)
                started.set()
                raise

        task = asyncio.get_running_loop().create_task(live())
        self.running[id(app)] = (asyncio.get_running_loop(), stop, task)
        await started.wait()
        if failed:
            raise failed[0]

    def stop_all(self) -> None:
        for loop, stop, task in self.running.values():

            async def ended(stop: asyncio.Event = stop, task: asyncio.Task[None] = task) -> None:
                stop.set()
                await task

            asyncio.run_coroutine_threadsafe(ended(), loop).result(timeout=60)
        self.running.clear()


async def _answer_lifespan(receive: Any, send: Any) -> None:
    while True:
        message = await receive()
        if message["type"] == "lifespan.startup":
            await send({"type": "lifespan.startup.complete"})
        elif message["type"] == "lifespan.shutdown":
            await send({"type": "lifespan.shutdown.complete"})
            return


def _document(target: str) -> dict[str, Any]:
    """The target's OpenAPI document as its app serves it (no database needed for that)."""
    app = TARGETS[target]("postgresql+asyncpg://documents@127.0.0.1:1/none")

    async def fetch() -> dict[str, Any]:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://docs") as client:
            response = await client.get("/openapi.json")
            response.raise_for_status()
            document: dict[str, Any] = response.json()
            return document

    return asyncio.run(fetch())


CURRENT: dict[str, CurrentApp] = {target: CurrentApp() for target in TARGETS}


def _schema(target: str) -> BaseSchema:
    schema: BaseSchema = schemathesis.openapi.from_dict(_document(target))
    schema.app = CURRENT[target]
    # The caller's token is sent with every request, so generating Authorization headers
    # would only be overwritten; unknown query parameters are ignored by design (bodies
    # reject unknown fields).
    schema.config.generation.update(with_security_parameters=False, allow_extra_parameters=False)
    # An app's first request waits for its start-up (CurrentApp), longer than schemathesis'
    # 10 seconds on a busy machine; what is checked here is each answer, not its speed.
    schema.config.update(request_timeout=60)
    # A body over the size limit is refused before its schema is read: 413 is a rejection too.
    rejection = schema.config.checks.negative_data_rejection
    schema.config.checks.negative_data_rejection = type(rejection)(
        expected_statuses=[*rejection.expected_statuses, "413"]
    )
    if target == "gateway":
        schema = schema.include(path_regex=GATEWAY_PATHS)
    else:
        # A service's own document gets the deterministic phases: its examples and the
        # coverage phase's boundary and wrong-type cases for every field it declares. The
        # random phase runs through the gateway, whose document is these same operations
        # with the same schemas (gateway.docs.merge_openapi) reaching the same handlers;
        # running it twice cost a third of the whole test suite's time.
        schema.config.phases.fuzzing.enabled = False
    return schema


@pytest.fixture(scope="module")
async def databases(database_url: str) -> dict[str, str]:
    found = {target: await fresh_database(database_url, f"fuzz_{target}") for target in TARGETS}
    # The stateful phase has a system of its own per caller, emptied before each sequence.
    for caller in CALLERS:
        found[f"sequences_as_{caller}"] = await fresh_database(database_url, f"fuzz_seq_{caller}")
    return found


@pytest.fixture(params=list(CALLERS))
def caller(request: pytest.FixtureRequest) -> dict[str, str]:
    return CALLERS[request.param]


@pytest.fixture(scope="module")
def apps(databases: dict[str, str]) -> Iterator[dict[tuple[str, str], FastAPI]]:
    """The apps built so far, one per target and database, for the whole module."""
    built: dict[tuple[str, str], FastAPI] = {}
    yield built
    for current in CURRENT.values():
        current.stop_all()


@pytest.fixture
def target_app(
    request: pytest.FixtureRequest,
    databases: dict[str, str],
    apps: dict[tuple[str, str], FastAPI],
) -> Iterator[None]:
    """The app of the test's target, on the target's database, in place for the test."""
    named = re.match(r"test_(\w+?)_answers_as_documented", request.node.name)
    assert named is not None, request.node.name
    target = named.group(1)
    sequences = re.search(r"in_(sequences_as_\w+)$", request.node.name)
    database = databases[sequences.group(1) if sequences else target]
    if (target, database) not in apps:
        apps[target, database] = TARGETS[target](database)
    CURRENT[target].app = apps[target, database]
    yield
    CURRENT[target].app = None


def _fuzz(target: str) -> Callable[..., None]:
    schema = _schema(target)

    @schema.parametrize()
    @settings(
        max_examples=25,
        derandomize=True,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    def test(case: Case[Any], caller: dict[str, str], target_app: None) -> None:
        case.call_and_validate(headers=caller, checks=CHECKS)

    fuzzed: Callable[..., None] = test
    return fuzzed


# test_<target>_answers_as_documented for each target.
for _target in TARGETS:
    globals()[f"test_{_target}_answers_as_documented"] = _fuzz(_target)


# The stateful phase: sequences of calls through the gateway that follow the merged document's
# links (a create's answer gives the id the next call uses), as an admin and as a member.
STATEFUL_STEPS: dict[str, dict[str, int]] = {}


async def _empty(database_url: str) -> None:
    """Every row of every table the services own gone (the migrations' records kept)."""
    import asyncpg

    dsn = database_url.replace("postgresql+asyncpg://", "postgresql://", 1)
    connection = await asyncpg.connect(dsn)
    try:
        tables = await connection.fetch(
            "SELECT format('%I.%I', schemaname, tablename) AS name FROM pg_tables"
            " WHERE schemaname NOT IN ('pg_catalog', 'information_schema')"
            " AND tablename NOT LIKE 'alembic%'"
        )
        if tables:
            names = ", ".join(row["name"] for row in tables)
            await connection.execute(f"TRUNCATE {names} RESTART IDENTITY CASCADE")
    finally:
        await connection.close()


def _stateful(caller_name: str) -> Callable[..., None]:
    headers = CALLERS[caller_name]

    def test(target_app: None, databases: dict[str, str]) -> None:
        database = databases[f"sequences_as_{caller_name}"]
        schema = _schema("gateway")
        # Sequences are built from valid requests: a create that succeeds is what a link
        # leads on from (the stateless phase above sends the invalid ones).
        schema.config.generation.update(modes=[GenerationMode.POSITIVE])
        counts = STATEFUL_STEPS.setdefault(caller_name, {"steps": 0, "created": 0, "linked": 0})

        class Sequences(schema.as_state_machine()):  # type: ignore[misc]
            def setup(self) -> None:
                # Every sequence starts from an empty system: hypothesis requires that the
                # same choices meet the same answers, and a create that succeeded in one
                # sequence would be a conflict in the next.
                asyncio.run(_empty(database))

            def get_call_kwargs(self, case: Case[Any]) -> dict[str, Any]:
                return {"headers": headers}

            def after_call(self, response: Any, case: Case[Any]) -> None:
                super().after_call(response, case)
                counts["created"] += int(response.status_code == 201)

            def step(self, input: Any) -> Any:
                counts["steps"] += 1
                # A step that took a value from an earlier answer through a link.
                counts["linked"] += int(
                    input.transition is not None and bool(input.applied_parameters)
                )
                return super().step(input)

            def validate_response(
                self, response: Any, case: Case[Any], additional_checks: Any = None, **kwargs: Any
            ) -> None:
                case.validate_response(response, checks=CHECKS[:-1], headers=headers)

        Sequences.run(
            settings=settings(
                max_examples=150,
                stateful_step_count=6,
                derandomize=True,
                # No shrinking: the API's state has moved on, so a replayed sequence is not
                # the same sequence; the first failure is reported as it happened.
                phases=[Phase.generate],
                deadline=None,
                database=None,
                suppress_health_check=list(HealthCheck),
            )
        )
        print(f"stateful sequences as {caller_name}: {counts}")
        assert counts["steps"] >= 100
        if caller_name == "admin":
            # Most generated creates name parents that do not exist; some succeed, and the
            # sequences go on from what they made through the links.
            assert counts["created"] >= 10
            assert counts["linked"] >= 1

    return test


test_gateway_answers_as_documented_in_sequences_as_admin = _stateful("admin")
test_gateway_answers_as_documented_in_sequences_as_member = _stateful("member")
