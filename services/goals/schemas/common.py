"""Field types every goals schema shares."""

from __future__ import annotations

from decimal import Decimal
from enum import StrEnum
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from shared.text import Identifier
from shared.values import MAX_VALUE_PLACES, DecimalText, Ratio

Code = Annotated[str, Identifier(64)]
"""A KPI's code: formulas name KPIs by it (``revenue / spend``), so it is a lower-case
identifier, in any script (``营收``), NFKC-normalised (shared/text.py): full-width
``revenue`` is ``revenue``, the same code, and unique as such."""
Text200 = Annotated[str, StringConstraints(min_length=1, max_length=200)]
Ident = Annotated[str, StringConstraints(min_length=1, max_length=36)]

KpiValue = Annotated[
    Decimal,
    DecimalText(
        MAX_VALUE_PLACES,
        pad=False,
        example="18500.00",
        description="A KPI value, a decimal string with at most the KPI's scale of places",
    ),
    Field(max_digits=20),
]
"""A KPI value in a request (a target, an actual): a decimal string with at most the KPI's
``scale`` places; the service refuses more places than the KPI states."""

KpiValueOut = Annotated[
    Decimal,
    DecimalText(
        MAX_VALUE_PLACES,
        pad=False,
        example="18500.00",
        description="A KPI value, written at the KPI's scale",
    ),
]
"""A KPI value in a response, quantized by the service to the KPI's ``scale``."""

Weight = Annotated[Ratio, Field(gt=0, max_digits=12)]


class ReadModel(BaseModel):
    model_config = ConfigDict(from_attributes=True)


class OwnerType(StrEnum):
    company = "company"
    unit = "unit"
    member = "member"
