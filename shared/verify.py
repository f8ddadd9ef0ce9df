"""The invariant checker's parts: what drift is, and how a copy is checked with its owner.

Each service has a ``verify`` module with two read-only functions over its own schema:

- ``drift(session) -> list[Drift]``: every derived value it stores (a figure, a live score,
  a projection, a draft payout line, an SLA clock...) recomputed from the inputs it names,
  with one ``Drift`` for each that differs;
- ``copies(session) -> list[Copy]``: every value it keeps of another service's data (a KPI
  figure, a member, a score), with the owner's API path that states the owner's value.

``deploy.verify`` runs them in read-only transactions and checks the copies through the
owners' HTTP APIs (``check_copies``). Nothing here knows a domain.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

import httpx


@dataclass(frozen=True)
class Drift:
    """One stored value that is not what its inputs (or its owner) say."""

    service: str
    kind: str
    key: str
    stored: str | None
    expected: str | None
    detail: str = ""

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Copy:
    """A value ``service`` keeps of another service's data, and where the owner states it.

    ``path`` and ``params`` are a GET on the owner's API through the gateway
    (``/goals/figures``); a list answer (or one with ``items``) is searched for the item whose
    fields equal ``pick``. Each of ``values`` (a field of that item, dots for nested fields)
    must equal the copy's value; numbers compare as decimals, so ``"0.5"`` equals ``"0.500000"``.
    An owner that has no such item states ``None`` for every field."""

    service: str
    kind: str
    key: str
    path: str
    values: dict[str, str | None]
    params: dict[str, str] = field(default_factory=dict)
    pick: dict[str, str] = field(default_factory=dict)


def text_of(value: object) -> str | None:
    """A stored value as the report shows it (and as ``Copy.values`` holds it)."""
    return None if value is None else str(value)


def copy_of(service: str, kind: str, path: str, row: Any, fields: Iterable[str]) -> Copy:
    """The copy a service keeps of one row another service owns (a member, an org unit):
    ``fields`` of ``row`` as text (a date as ``YYYY-MM-DD``), and ``version``, the owner's
    version it was copied at (``row.source_version``). ``path`` names the row with ``{id}``."""
    values = {name: text_of(getattr(row, name)) for name in fields}
    values["version"] = str(row.source_version)
    return Copy(service=service, kind=kind, key=row.id, path=path.format(id=row.id), values=values)


def same(stored: object, expected: object) -> bool:
    """Equal as decimals when both read as numbers, else as text; None only equals None."""
    if stored is None or expected is None:
        return stored is None and expected is None
    try:
        return Decimal(str(stored)) == Decimal(str(expected))
    except (InvalidOperation, ValueError):
        return str(stored) == str(expected)


def _field(item: dict[str, Any], dotted: str) -> object:
    value: object = item
    for part in dotted.split("."):
        if not isinstance(value, dict):
            return None
        value = value.get(part)
    return value


def _items(answer: object) -> list[dict[str, Any]]:
    if isinstance(answer, dict) and isinstance(answer.get("items"), list):
        answer = answer["items"]
    if isinstance(answer, list):
        return [i for i in answer if isinstance(i, dict)]
    return [answer] if isinstance(answer, dict) else []


async def check_copies(
    client: httpx.AsyncClient, copies: Iterable[Copy], *, headers: dict[str, str]
) -> list[Drift]:
    """Each copy against its owner's answer; each (path, params) is asked once."""
    answers: dict[tuple[str, tuple[tuple[str, str], ...]], list[dict[str, Any]] | str] = {}
    found: list[Drift] = []
    for copy in copies:
        request = (copy.path, tuple(sorted(copy.params.items())))
        if request not in answers:
            response = await client.get(copy.path, params=copy.params, headers=headers)
            if response.status_code == 404:
                answers[request] = []
            elif response.status_code != 200:
                answers[request] = f"the owner answered {response.status_code}: {response.text}"
            else:
                answers[request] = _items(response.json())
        answer = answers[request]
        if isinstance(answer, str):
            found.append(
                Drift(copy.service, f"copy:{copy.kind}", copy.key, None, None, detail=answer)
            )
            continue
        item = next(
            (i for i in answer if all(same(_field(i, k), v) for k, v in copy.pick.items())),
            None,
        )
        for name, value in copy.values.items():
            owner_value = None if item is None else _field(item, name)
            if not same(value, owner_value):
                found.append(
                    Drift(
                        copy.service,
                        f"copy:{copy.kind}",
                        f"{copy.key} {name}",
                        text_of(value),
                        text_of(owner_value),
                        detail=f"the owner says so at {copy.path}",
                    )
                )
    return found
