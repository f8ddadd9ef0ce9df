"""Cells a spreadsheet would run as formulas are neutralised in every CSV the system writes,
and every string a request sends is measured after it is trimmed."""

from __future__ import annotations

import csv
import importlib
import inspect
import io
import pkgutil
import types
from typing import Annotated, Any, Union, get_args, get_origin

import pytest
from pydantic import BaseModel, ValidationError

from shared.api import RequestModel
from shared.exports import FORMULA_PREFIXES, csv_text, safe_cell

DANGEROUS = ["=SUM(A1:A9)", "+86 138 0000 0000", "-2+3", "@cmd", "\tx", "\rx"]


@pytest.mark.parametrize("cell", DANGEROUS)
def test_a_dangerous_cell_is_written_as_text_and_reads_the_same(cell: str) -> None:
    assert safe_cell(cell) == "'" + cell
    rows = list(csv.reader(io.StringIO(csv_text(["name"], [[cell]]), newline="")))
    assert rows == [["name"], ["'" + cell]]
    assert not rows[1][0].startswith(FORMULA_PREFIXES)


@pytest.mark.parametrize("cell", ["王芳", "Li Na", "-120.50", "+3", "0.00", "a=b", ""])
def test_names_and_plain_numbers_are_left_as_they_are(cell: str) -> None:
    assert safe_cell(cell) == cell


def _request_models() -> list[type[RequestModel]]:
    """Every request model of every service: in its ``schemas`` module, or in every module
    of its ``schemas`` package."""
    models: dict[type[RequestModel], None] = {}
    for service in ("goals", "performance", "incentives", "collab", "gateway"):
        package = importlib.import_module(f"{service}.schemas")
        modules = [package] + [
            importlib.import_module(f"{package.__name__}.{info.name}")
            for info in pkgutil.iter_modules(getattr(package, "__path__", []))
        ]
        for module in modules:
            for _, m in inspect.getmembers(module, inspect.isclass):
                if (
                    issubclass(m, RequestModel)
                    and m is not RequestModel
                    and m.__module__.startswith(package.__name__)
                ):
                    models[m] = None
    return list(models)


def _max_length(annotation: Any, metadata: list[Any]) -> int | None:
    """The longest a string field may be, for ``str``, ``Annotated[str, ...]`` and their
    optional forms (not lists of strings)."""
    for item in metadata:
        if getattr(item, "max_length", None) is not None and annotation is str:
            return int(item.max_length)
    if get_origin(annotation) is Annotated:
        inner, *more = get_args(annotation)
        return _max_length(inner, [*metadata, *more])
    if get_origin(annotation) in (Union, types.UnionType):
        arms = [a for a in get_args(annotation) if a is not type(None)]
        return _max_length(arms[0], metadata) if len(arms) == 1 else None
    return None


def _string_fields() -> list[tuple[type[RequestModel], str, int]]:
    found = []
    for model in _request_models():
        for name, field in model.model_fields.items():
            limit = _max_length(field.annotation, list(field.metadata))
            if limit is not None:
                found.append((model, name, limit))
    return found


STRING_FIELDS = _string_fields()


def _errors_at(model: type[BaseModel], name: str, value: Any) -> list[str]:
    try:
        model.model_validate({name: value})
    except ValidationError as exc:
        return [e["type"] for e in exc.errors() if e["loc"] == (name,)]
    return []


def test_there_are_string_fields_to_check() -> None:
    assert len(STRING_FIELDS) > 30


@pytest.mark.parametrize(
    ("model", "name", "limit"),
    STRING_FIELDS,
    ids=[f"{m.__name__}.{n}" for m, n, _ in STRING_FIELDS],
)
def test_a_string_is_measured_after_trimming(model: type[BaseModel], name: str, limit: int) -> None:
    over = "字" * (limit + 1)
    assert "string_too_long" in _errors_at(model, name, f"  {over}  ")
    assert "string_too_long" not in _errors_at(model, name, f"   {'字' * limit}\u3000 ")
    assert "string_too_short" in _errors_at(model, name, " \u3000 ") or not _errors_at(
        model, name, " \u3000 "
    )
