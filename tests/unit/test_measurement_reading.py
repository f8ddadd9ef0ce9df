"""A measurement row's quick reading (goals/service/ingest.py ``quick_fields``, the fast path
of a CSV or bulk import) takes a row only when the full model (``MeasurementCreate``) takes
it, and reads every field to the same value and text."""

from __future__ import annotations

import random
from typing import Any

import pytest
from pydantic import ValidationError

from goals.schemas.actuals import MeasurementCreate
from goals.service.ingest import quick_fields


def _model_reading(raw: dict[str, Any]) -> tuple[Any, ...] | None:
    try:
        item = MeasurementCreate.model_validate(raw)
    except ValidationError:
        return None
    return (
        item.owner_type,
        item.owner_id,
        item.kpi,
        item.date,
        item.value,
        item.source,
        item.idempotency_key,
    )


@pytest.mark.parametrize("seed", range(4))
def test_the_quick_reading_agrees_with_the_model(seed: int) -> None:
    rng = random.Random(seed)
    pieces = {
        "owner_type": ["member", "unit", "company", "team", "Member", " member", ""],
        "owner_id": ["m-1", "x" * 36, "成员", "x" * 37, " m", "m\x00", "m\u00a0", "\u2003m", ""],
        "kpi": ["revenue", "r" * 64, "a_b9", "Revenue", "r" * 65, "1abc", "rev\n", ""],
        "date": ["2026-03-14", "2026-02-30", "1800-01-01", "2026-3-14", "20260314", "٢٠٢٦-03-14"],
        "value": [
            "1",
            "-1.5",
            "007",
            "1.123456",
            "1" * 14 + "." + "1" * 6,
            "-0",
            "0.000000",
            "1.1234567",
            "1" * 21,
            "1" * 15 + "." + "1" * 6,
            "1e3",
            "NaN",
            "inf",
            " 1",
            "+1",
            ".5",
            "5.",
            "\u0661",
        ],
        "source": ["crm", "s" * 50, "s" * 51, "", "a\x00"],
        "idempotency_key": ["k", "k" * 200, "k" * 201, "", "k "],
    }
    # How many of each field's values, from the first, the model takes.
    valid = {"owner_type": 3, "owner_id": 3, "kpi": 3, "date": 1, "value": 6, "source": 2}
    valid["idempotency_key"] = 2
    taken = 0
    for _ in range(3000):
        # Mostly valid values (the first few of each), so that both readings take many rows.
        raw: dict[str, Any] = {
            name: rng.choice(values if rng.random() < 0.15 else values[: valid[name]])
            for name, values in pieces.items()
            if rng.random() < 0.97 or name in ("source", "owner_type")
        }
        if rng.random() < 0.02:
            raw["extra"] = "x"
        if rng.random() < 0.05:  # bulk JSON items: any JSON value
            raw[rng.choice(list(pieces))] = rng.choice([5, 1.5, None, True, ["x"], {"a": 1}])
        quick = quick_fields(raw)
        model = _model_reading(raw)
        if quick is not None:
            taken += 1
            assert model == quick, raw
            assert [str(v) for v in model] == [str(v) for v in quick], raw
    assert taken > 300
