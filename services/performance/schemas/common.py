"""Constrained values the performance API uses in many bodies, at the scales of
``shared.values``: ratios (attainment, weights, shares) 6 places, scores and points 4."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated

from pydantic import Field, StringConstraints

from shared.values import DecimalText, Points, Ratio

Text200 = Annotated[str, StringConstraints(min_length=1, max_length=200)]
Ident = Annotated[str, StringConstraints(min_length=1, max_length=36)]
Attainment = Annotated[Ratio, Field(ge=0, le=1000)]
"""An indicator's input: a KPI's attainment or the share of requests answered in the SLA."""
Share = Annotated[Ratio, Field(ge=0, le=1)]
"""A weight or a share of a whole, 0 to 1."""
CurvePoints = Annotated[Points, Field(ge=0, le=1000)]
"""Points on an indicator's curve."""
Rating = Annotated[Decimal, DecimalText(2, signed=False), Field(ge=1, le=5)]
"""A 360 rating of ability or attitude, 1 to 5 (2 places, as stored)."""
Hours = Annotated[Decimal, DecimalText(2, signed=False)]
"""Training hours (2 places, as stored)."""
MONTH_PATTERN = r"^(19[0-9]{2}|2[0-9]{3})-(0[1-9]|1[0-2])$"
Month = Annotated[str, StringConstraints(pattern=MONTH_PATTERN), Field(examples=["2026-03"])]
"""A calendar month, ``2026-03``."""

__all__ = [
    "Attainment",
    "CurvePoints",
    "Hours",
    "Ident",
    "Month",
    "Points",
    "Rating",
    "Ratio",
    "Share",
    "Text200",
]
