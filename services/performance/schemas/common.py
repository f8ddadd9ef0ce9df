"""Constrained values the performance API uses in many bodies."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated

from pydantic import Field, StringConstraints

Text200 = Annotated[str, StringConstraints(min_length=1, max_length=200)]
Ident = Annotated[str, StringConstraints(min_length=1, max_length=36)]
Ratio = Annotated[Decimal, Field(ge=0, le=1000, max_digits=12, decimal_places=6)]
