"""Smoke test of the generated Python client against a running Spearhead (SPEARHEAD_URL):
mint a development token, create and list an org unit, read the problem+json of a bad request.
Runs in the generator's own virtualenv, where ``make clients`` installed the client."""

from __future__ import annotations

import os
import time
from http import HTTPStatus

from spearhead_client import AuthenticatedClient, Client
from spearhead_client.api.auth import auth_mint_dev_token
from spearhead_client.api.goalsorg_units import (
    goals_org_units_create_org_unit,
    goals_org_units_list_org_units,
)
from spearhead_client.models import (
    DevToken,
    DevTokenRequest,
    GoalsOrgUnitRead,
    OrgUnitCreate,
    OrgUnitKind,
    ProblemDetails,
    Role,
)

BASE_URL = os.environ.get("SPEARHEAD_URL", "http://127.0.0.1:8000")


def main() -> None:
    minted = auth_mint_dev_token.sync(
        client=Client(base_url=BASE_URL),
        body=DevTokenRequest(member_id="smoke-py-admin", roles=[Role.ADMIN]),
    )
    assert isinstance(minted, DevToken), minted
    client = AuthenticatedClient(base_url=BASE_URL, token=minted.access_token)

    name = f"市场部 smoke {time.time_ns()}"
    created = goals_org_units_create_org_unit.sync_detailed(
        client=client, body=OrgUnitCreate(name=name, kind=OrgUnitKind.DEPARTMENT)
    )
    assert created.status_code == HTTPStatus.CREATED, created
    unit = created.parsed
    assert isinstance(unit, GoalsOrgUnitRead) and unit.name == name, unit

    found, cursor = False, None
    while not found:
        page = goals_org_units_list_org_units.sync(client=client, limit=200, cursor=cursor)
        assert page is not None and not isinstance(page, ProblemDetails), page
        found = any(item.id == unit.id for item in page.items)
        if not isinstance(page.next_cursor, str):
            break
        cursor = page.next_cursor
    assert found, "the created unit is listed"

    bad = goals_org_units_create_org_unit.sync_detailed(
        client=client, body=OrgUnitCreate(name="", kind=OrgUnitKind.DEPARTMENT)
    )
    assert bad.status_code == HTTPStatus.UNPROCESSABLE_ENTITY, bad
    assert bad.headers["content-type"].startswith("application/problem+json")
    problem = bad.parsed
    assert isinstance(problem, ProblemDetails) and problem.status == 422, problem
    print(f"python smoke: created {unit.id}, listed it, and read problem {problem.type_}")


if __name__ == "__main__":
    main()
