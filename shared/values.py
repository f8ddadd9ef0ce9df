"""How numbers travel in the API (docs/api.md, "Values"): decimal strings at one stated scale.

A decimal in a request is a JSON string (``"1234.50"``); a JSON number there is a 422 naming
the field, because a float cannot say 0.1 exactly and pay paths must not guess. Each kind of
number has one scale, the same on write and read: a request may give fewer places (``"0.1"``)
but not more, and every response gives exactly the scale (``"0.100000"``). A Decimal the
service itself puts in a response is rounded to the scale as it is written (half to even),
so a derived value with more places is shown at the scale, never answered with a 500.

Money is an object, ``{"amount": "1234.50", "currency": "CNY"}``, in requests and responses.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, GetCoreSchemaHandler, GetJsonSchemaHandler
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import core_schema

MONEY_PLACES = 2
RATIO_PLACES = 6
"""Ratios, attainment, weights, rates and shares: ``"1.200000"`` is 120%."""
POINTS_PLACES = 4
"""Scores and points."""
MAX_VALUE_PLACES = 6
"""The most places a KPI value may have; each KPI states its own scale up to this."""

CURRENCY_PATTERN = r"^[A-Z]{3}$"


def _reader(places: int) -> Any:
    def read(value: Any) -> Decimal:
        if isinstance(value, Decimal):
            # Computed or stored by the service (a share of 28 digits, a ratio at the column's
            # scale): it is written at the stated scale on the way out, never refused.
            if not value.is_finite():
                raise ValueError("a decimal is a finite number")
            return value
        if not isinstance(value, str):
            # bool, int and float: JSON numbers. A float cannot say 0.1; we do not guess.
            raise ValueError(_as_string(places) + ", not a JSON number")
        try:
            number = Decimal(value.strip())
        except InvalidOperation as exc:
            raise ValueError(_as_string(places)) from exc
        if not number.is_finite():
            raise ValueError("a decimal is a finite number")
        exponent = number.as_tuple().exponent
        if isinstance(exponent, int) and -exponent > places:
            raise ValueError(f"at most {places} decimal places")
        return number

    return read


def _as_string(places: int) -> str:
    return f'a decimal is written as a string like "{_sample(places)}"'


def _sample(places: int) -> str:
    return "12" if places == 0 else "12." + "5".ljust(places, "0")


def fixed(value: Decimal, places: int) -> str:
    """``value`` written at exactly ``places`` decimal places (``fixed(Decimal("0.1"), 6)``
    is ``"0.100000"``)."""
    return f"{value.quantize(Decimal(1).scaleb(-places)):f}"


def _pattern(places: int, signed: bool) -> str:
    sign = "-?" if signed else ""
    return rf"^{sign}\d+(\.\d{{1,{places}}})?$" if places else rf"^{sign}\d+$"


@dataclass(frozen=True)
class DecimalText:
    """Marks a Decimal field as a decimal string with ``places`` places:
    ``Annotated[Decimal, DecimalText(2), Field(ge=0)]``. Bounds go beside it as ``Field``
    constraints on the Decimal."""

    places: int
    signed: bool = True
    example: str | None = None
    description: str | None = None
    pad: bool = True
    """Write exactly ``places`` places. ``False`` for values whose scale is data (a KPI's own
    scale): the service quantizes them before answering, and they are written as they are."""

    def __get_pydantic_core_schema__(
        self, source: Any, handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        places, pad = self.places, self.pad
        return core_schema.no_info_before_validator_function(
            _reader(places),
            handler(source),
            serialization=core_schema.plain_serializer_function_ser_schema(
                lambda value: fixed(value, places) if pad else f"{value:f}",
                return_schema=core_schema.str_schema(),
                when_used="json",
            ),
        )

    def __get_pydantic_json_schema__(
        self, schema: core_schema.CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        result: dict[str, Any] = {
            "type": "string",
            "format": "decimal",
            "pattern": _pattern(self.places, self.signed),
            "examples": [self.example or _sample(self.places)],
        }
        if self.description:
            result["description"] = self.description
        return result


Amount = Annotated[Decimal, DecimalText(MONEY_PLACES, example="1234.50")]
"""A money amount (2 places); inside ``Money`` beside its currency."""
Ratio = Annotated[
    Decimal, DecimalText(RATIO_PLACES, example="1.200000", description='"1.200000" is 120%')
]
Points = Annotated[Decimal, DecimalText(POINTS_PLACES, example="87.5000")]
"""Scores and points (4 places)."""
Currency = Annotated[str, Field(pattern=CURRENCY_PATTERN, examples=["CNY"])]


class Money(BaseModel):
    """An amount of money in a currency (ISO 4217), in requests and responses alike."""

    model_config = ConfigDict(
        extra="forbid",
        frozen=True,
        json_schema_extra={"example": {"amount": "1234.50", "currency": "CNY"}},
    )

    amount: Amount
    currency: Currency

    @classmethod
    def of(cls, amount: Decimal, currency: str) -> Money:
        return cls(amount=amount, currency=currency)
