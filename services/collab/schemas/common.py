"""Field types the collab bodies share, and the examples more than one body shows."""

from __future__ import annotations

from decimal import Decimal
from enum import StrEnum
from typing import Annotated, Any

from pydantic import AnyHttpUrl, Field, StringConstraints, UrlConstraints

from shared.api import IsoDate
from shared.periods import FIRST_DAY, LAST_DAY
from shared.text import Label
from shared.values import DecimalText, Ratio

Text200 = Annotated[str, StringConstraints(min_length=1, max_length=200)]
LongText = Annotated[str, StringConstraints(min_length=1, max_length=20_000)]
Ident = Annotated[str, StringConstraints(min_length=1, max_length=36)]
Code = Annotated[str, Label(64, fold=True)]
"""A category people name (a ticket's, a policy's, a retro's, an article's): any script
(``营销活动``), NFKC-normalised and case-folded, at most 64 characters after that (shared/text.py),
so ``Launch``, ``launch`` and its full-width form are one category."""
WindowText = Annotated[str, StringConstraints(pattern=r"^\d{2}:\d{2}-\d{2}:\d{2}$")]
Url = Annotated[AnyHttpUrl, UrlConstraints(max_length=1000)]
# The supported range of every service (1900-01-01 to 2999-12-31); what a rule adds to a
# day (a retro's due date) is checked where it is added.
Day = Annotated[IsoDate, Field(ge=FIRST_DAY, le=LAST_DAY)]
# A month as the periods write it, in the supported years: 2026-03.
MONTH_PATTERN = r"^(19[0-9]{2}|2[0-9]{3})-(0[1-9]|1[0-2])$"
Ids = Annotated[list[Ident], Field(max_length=200)]

HOURS_PLACES = 4
"""Business hours are kept at 4 places (the column is Numeric(10, 4))."""
BusinessHours = Annotated[Decimal, DecimalText(HOURS_PLACES, signed=False, example="24.0000")]
"""A number of business hours, as a decimal string at 4 places (``"14.5000"``)."""
Hours = Annotated[BusinessHours, Field(gt=0, le=10_000)]
"""A target in business hours, as requests give it: more than 0, at most 10 000."""
Share = Annotated[Ratio, Field(gt=0, lt=1)]
"""The share of a target used up when a ticket is at risk (``"0.800000"`` is 80%)."""

TICKET_ID = "0b7f5c1e-2d3a-4c5b-8e9f-1a2b3c4d5e6f"
MEETING_ID = "be2f3a4b-5c6d-4e7f-8a9b-0c1d2e3f4a5b"
SPECS_ACTION: dict[str, Any] = {
    "title": "Send the spring specs",
    "owner_id": "m-wang",
    "due_on": "2026-03-12",
}


class Priority(StrEnum):
    low = "low"
    normal = "normal"
    high = "high"
    urgent = "urgent"
