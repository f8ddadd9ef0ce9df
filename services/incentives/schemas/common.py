"""Field types the incentives bodies share: texts, ids, money that may not be negative (or
must be positive), ratios with their bounds, and the explained line the examples show."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Any

from pydantic import Field, StringConstraints

from shared.api import examples
from shared.errors import Unprocessable
from shared.text import Identifier, Label
from shared.values import MONEY_PLACES, RATIO_PLACES, DecimalText, Money

Text200 = Annotated[str, StringConstraints(min_length=1, max_length=200)]
Text2000 = Annotated[str, StringConstraints(min_length=1, max_length=2000)]
Ident = Annotated[str, StringConstraints(min_length=1, max_length=36)]
Key64 = Annotated[str, StringConstraints(min_length=1, max_length=64)]
KpiCode = Annotated[str, Identifier(64)]
"""A KPI's code, read the way goals reads it (shared/text.py): a lower-case identifier in any
script (``营收``), NFKC-normalised, so a plan's KPI matches the KPI's figures."""
LadderKey = Annotated[str, Label(64, fold=True, spaces=False)]
"""A ladder's key: one word in any script (``销售-2026``), NFKC-normalised and case-folded,
so ``Sales-2026`` and ``sales-2026`` are one ladder (shared/text.py)."""
Currency = Annotated[
    str, StringConstraints(pattern=r"^[A-Z]{3}$"), Field(description="ISO 4217", examples=["CNY"])
]

# The columns hold 18 digits, 2 after the point; a request holds at most 16 of them.
MAX_MONEY_DIGITS = 16


class NonNegativeMoney(Money):
    """An amount of money that is zero or more (pay, thresholds)."""

    model_config = examples({"amount": "30000.00", "currency": "CNY"})

    amount: Annotated[
        Decimal,
        DecimalText(MONEY_PLACES, signed=False, example="30000.00"),
        Field(ge=0, max_digits=MAX_MONEY_DIGITS),
    ]


class PositiveMoney(Money):
    """An amount of money above zero (revenue, awards)."""

    model_config = examples({"amount": "5000.00", "currency": "CNY"})

    amount: Annotated[
        Decimal,
        DecimalText(MONEY_PLACES, signed=False, example="5000.00"),
        Field(gt=0, max_digits=MAX_MONEY_DIGITS),
    ]


class SignedMoney(Money):
    """An amount of money that may be negative (a correction that takes money back)."""

    model_config = examples({"amount": "-120.50", "currency": "CNY"})

    amount: Annotated[
        Decimal,
        DecimalText(MONEY_PLACES, example="-120.50"),
        Field(max_digits=MAX_MONEY_DIGITS),
    ]


Share = Annotated[
    Decimal,
    DecimalText(RATIO_PLACES, signed=False, example="1.200000", description='"1.200000" is 120%'),
    Field(ge=0, le=100),
]
"""A ratio of a ladder or a multiplier: 0 to 100 (10000%)."""
Fraction = Annotated[
    Decimal,
    DecimalText(RATIO_PLACES, signed=False, example="0.600000", description='"0.600000" is 60%'),
    Field(ge=0, le=1),
]
"""A ratio from 0 to 1: a weight, a commission rate."""


def money(amount: Decimal | str, currency: str) -> Money:
    """A stored amount (a Decimal, or its text in a JSON column) as ``Money``."""
    return Money(amount=Decimal(str(amount)), currency=currency)


def require_currency(loc: tuple[str | int, ...], value: Money | None, currency: str) -> None:
    """422 naming the currency of the field at ``loc`` (in the body) unless ``value`` is in
    ``currency``, the resource's one currency (a plan's, a project's)."""
    if value is not None and value.currency != currency:
        message = f"must be {currency}, the currency it is paid in"
        raise Unprocessable(
            message,
            errors=[{"loc": ["body", *loc, "currency"], "msg": message, "type": "value_error"}],
        )


def money_of(data: Any, *names: str, currency: str = "currency") -> Any:
    """``data`` (a dict or an object read from attributes) with the amounts ``names`` as
    Money in its ``currency``; amounts already Money (or objects) are left as they are."""
    if isinstance(data, dict):
        found = dict(data)
    else:
        found = {name: getattr(data, name) for name in _fields(data) if hasattr(data, name)}
    for name in names:
        value = found.get(name)
        if isinstance(value, Decimal | str | int):
            found[name] = {"amount": Decimal(str(value)), "currency": found[currency]}
    return found


def _fields(data: Any) -> list[str]:
    table = getattr(data, "__table__", None)
    if table is not None:
        return [column.key for column in table.columns]
    return [name for name in vars(data) if not name.startswith("_")]


# One explained line, as the examples of several bodies show it.
LINE_EXAMPLE: dict[str, Any] = {
    "rule": "kpi_bonus",
    "amount": {"amount": "15000.00", "currency": "CNY"},
    "currency": "CNY",
    "tier": "100% to 120% (linear 100% to 150%)",
    "inputs": {"kpi": "revenue", "attainment": "1.1", "weight": "0.6", "events": ["3f2c..."]},
    "explanation": "20000 x 90/90 days x 0.6 x 125%",
    "plan_id": "p-1",
    "member_id": None,
}
