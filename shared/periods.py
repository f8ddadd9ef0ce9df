"""Periods as the API writes them: ``2026``, ``2026-Q1``, ``2026-03``. One parser for all."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum
from functools import total_ordering
from typing import Any

from pydantic import GetCoreSchemaHandler
from pydantic_core import PydanticCustomError, core_schema

# The supported range, the same for dates, times and periods in every service: 1900-01-01
# to 2999-12-31. Outside it a value is a 422 naming the field (a year before 1000 was a 500:
# a period's text has four digits), and a period's neighbours stay in range.
FIRST_YEAR, LAST_YEAR = 1900, 2999
FIRST_DAY, LAST_DAY = date(FIRST_YEAR, 1, 1), date(LAST_YEAR, 12, 31)
SUPPORTED_RANGE = f"{FIRST_DAY.isoformat()} to {LAST_DAY.isoformat()}"
_YEAR = r"(?:19[0-9]{2}|2[0-9]{3})"
PERIOD_PATTERN = rf"^{_YEAR}(-Q[1-4]|-(0[1-9]|1[0-2]))?$"
_PATTERN = re.compile(rf"^(?P<year>{_YEAR})(?:-(?:Q(?P<quarter>[1-4])|(?P<month>0[1-9]|1[0-2])))?$")


def supported_day(day: date) -> date:
    """``day`` when it lies in the supported range; a ValueError that states the range."""
    if not FIRST_DAY <= day <= LAST_DAY:
        raise ValueError(f"{day.isoformat()} is outside the supported range ({SUPPORTED_RANGE})")
    return day


class Grain(StrEnum):
    year = "year"
    quarter = "quarter"
    month = "month"


_RANK = {Grain.year: 0, Grain.quarter: 1, Grain.month: 2}


@total_ordering
@dataclass(frozen=True)
class Period:
    """A calendar year, quarter or month."""

    year: int
    grain: Grain
    index: int = 1  # quarter 1-4 or month 1-12; 1 for a year

    @classmethod
    def parse(cls, text: str) -> Period:
        match = _PATTERN.match(text.strip()) if isinstance(text, str) else None
        if match is None:
            raise ValueError(
                f"{text!r} is not a period (2026, 2026-Q1 or 2026-03) in {FIRST_YEAR}-{LAST_YEAR}"
            )
        year = int(match["year"])
        if match["quarter"]:
            return cls(year, Grain.quarter, int(match["quarter"]))
        if match["month"]:
            return cls(year, Grain.month, int(match["month"]))
        return cls(year, Grain.year)

    @classmethod
    def month_of(cls, day: date) -> Period:
        return cls(day.year, Grain.month, day.month)

    def __str__(self) -> str:
        if self.grain == Grain.quarter:
            return f"{self.year}-Q{self.index}"
        if self.grain == Grain.month:
            return f"{self.year}-{self.index:02d}"
        return str(self.year)

    @property
    def start(self) -> date:
        if self.grain == Grain.quarter:
            return date(self.year, 3 * self.index - 2, 1)
        if self.grain == Grain.month:
            return date(self.year, self.index, 1)
        return date(self.year, 1, 1)

    @property
    def end(self) -> date:
        """The last day of the period."""
        if self.grain == Grain.year:
            return date(self.year, 12, 31)
        last_month = 3 * self.index if self.grain == Grain.quarter else self.index
        if last_month == 12:
            return date(self.year, 12, 31)
        return date(self.year, last_month + 1, 1) - timedelta(days=1)

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def contains(self, day: date) -> bool:
        return self.start <= day <= self.end

    def children(self) -> list[Period]:
        """Year -> its quarters, quarter -> its months, month -> none."""
        if self.grain == Grain.year:
            return [Period(self.year, Grain.quarter, q) for q in range(1, 5)]
        if self.grain == Grain.quarter:
            return [
                Period(self.year, Grain.month, m)
                for m in range(3 * self.index - 2, 3 * self.index + 1)
            ]
        return []

    def parent(self) -> Period | None:
        if self.grain == Grain.month:
            return Period(self.year, Grain.quarter, (self.index - 1) // 3 + 1)
        if self.grain == Grain.quarter:
            return Period(self.year, Grain.year)
        return None

    def enclosing(self) -> list[Period]:
        """This period and every period that contains it, finest first."""
        chain: list[Period] = [self]
        while (parent := chain[-1].parent()) is not None:
            chain.append(parent)
        return chain

    def previous_year(self) -> Period:
        return Period(self.year - 1, self.grain, self.index)

    def elapsed_share(self, today: date) -> float:
        """How much of the period has passed on ``today`` (0 before it, 1 after it)."""
        if today < self.start:
            return 0.0
        if today >= self.end:
            return 1.0
        return ((today - self.start).days + 1) / self.days

    def _key(self) -> tuple[int, int, int]:
        return (self.start.toordinal(), -self.end.toordinal(), _RANK[self.grain])

    def __lt__(self, other: object) -> bool:
        if not isinstance(other, Period):
            return NotImplemented
        return self._key() < other._key()

    @classmethod
    def __get_pydantic_core_schema__(
        cls, _source: Any, _handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        def validate(value: Any) -> Period:
            if isinstance(value, Period):
                return value
            if not isinstance(value, str):
                raise PydanticCustomError("period", "a period is a string: 2026, 2026-Q1, 2026-03")
            try:
                return cls.parse(value)
            except ValueError as exc:
                raise PydanticCustomError("period", str(exc)) from exc

        return core_schema.no_info_plain_validator_function(
            validate,
            json_schema_input_schema=core_schema.str_schema(pattern=PERIOD_PATTERN),
            serialization=core_schema.plain_serializer_function_ser_schema(str),
        )


def months_between(first: Period, last: Period) -> list[Period]:
    """Every month from the start of ``first`` to the end of ``last``."""
    months = []
    year, month = first.start.year, first.start.month
    while date(year, month, 1) <= last.end:
        months.append(Period(year, Grain.month, month))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def period_query(description: str = "A period: 2026, 2026-Q1 or 2026-03") -> Any:
    """A query parameter holding a period (validated by pattern; parse with Period.parse)."""
    from fastapi import Query

    return Query(pattern=PERIOD_PATTERN, description=description, examples=["2026-03"])


def period_path(description: str = "A period: 2026, 2026-Q1 or 2026-03") -> Any:
    """A path parameter holding a period (validated by pattern; parse with Period.parse)."""
    from fastapi import Path

    return Path(pattern=PERIOD_PATTERN, description=description, examples=["2026-03"])
