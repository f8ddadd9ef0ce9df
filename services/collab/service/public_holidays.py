"""Public holidays and make-up working days of a country (and region), from the maintained
``holidays`` package: pure look-ups, no I/O, cached per country, region and year.

For China (``CN``) the package lists, for each year the State Council has published (up to
its ``known_until`` year: 2026 in holidays 0.108), the holidays *and* the weekend days worked
in exchange (调休, e.g. Sunday 2026-09-20 and Saturday 2026-10-10 for National Day 2026).
Past that year the holidays are still known by rule (the fixed-date and lunar festivals, with
a weekend holiday observed on the next weekday), but the make-up working days are not: no
weekend day is a working day until a newer package lists them, or a unit types them in.
The calendar read says so (``public_holidays.known_until`` and ``coverage``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import lru_cache

import holidays


@dataclass(frozen=True)
class YearDays:
    """One year of a country's days off and make-up working days, with their names."""

    holidays: dict[date, str]
    makeup_days: frozenset[date]


class UnknownRegion(ValueError):
    """A country or region the package does not know."""


@lru_cache(maxsize=1)
def _countries() -> dict[str, list[str]]:
    return holidays.list_supported_countries()


def supported(country: str, region: str | None) -> None:
    """Raise ``UnknownRegion`` unless the package knows ``country`` (and ``region``)."""
    regions = _countries().get(country)
    if regions is None:
        raise UnknownRegion(f"不支持的国家代码 (unknown country code): {country}")
    if region is not None and region not in regions:
        known = ", ".join(regions) or "none"
        raise UnknownRegion(
            f"{country} 没有地区 {region} (unknown region of {country}; known: {known})"
        )


@lru_cache(maxsize=64)
def _entity(country: str, region: str | None) -> holidays.HolidayBase:
    return holidays.country_holidays(country, subdiv=region)


@lru_cache(maxsize=512)
def year_days(country: str, region: str | None, year: int) -> YearDays:
    """The days off and make-up days of ``year``; a day off is named in the country's own
    language, with English beside where that differs (``国庆节 (National Day)``)."""
    entity = _entity(country, region)
    own = entity.default_language
    found = holidays.country_holidays(country, subdiv=region, years=year, language=own)
    english = (
        holidays.country_holidays(country, subdiv=region, years=year, language="en_US")
        if own not in (None, "en_US") and "en_US" in entity.supported_languages
        else found
    )
    names: dict[date, str] = {}
    for day, name in found.items():
        if day.year != year:
            continue
        other = english.get(day)
        names[day] = f"{name} ({other})" if other and other != name else str(name)
    # The package keeps make-up days of neighbouring years in the same set: keep this year's.
    makeup = frozenset(d for d in found.weekend_workdays if d.year == year)
    return YearDays(holidays=names, makeup_days=makeup)


@lru_cache(maxsize=64)
def known_until(country: str, region: str | None) -> int | None:
    """The last year whose make-up working days the package lists; None where the country
    has no make-up days (its holidays follow from rules alone)."""
    entity = _entity(country, region)
    if not getattr(entity, "has_substituted_holidays", False):
        return None
    special: dict[int, object] = getattr(entity, "special_public_holidays", {})
    years = [
        year
        for year, entries in special.items()
        if any(isinstance(e, tuple) and len(e) >= 4 for e in _entries(entries))
    ]
    return max(years) if years else None


def _entries(entries: object) -> tuple[object, ...]:
    if isinstance(entries, tuple) and entries and isinstance(entries[0], tuple):
        return entries
    return (entries,)


def coverage_text(country: str, until: int | None) -> str:
    """Plain words on what the package knows, Chinese first."""
    if until is None:
        return (
            f"{country} 的法定节假日按规则计算, 没有调休上班日 "
            f"(public holidays of {country} follow from rules; it has no make-up working days)"
        )
    return (
        f"{until} 年及以前的节假日和调休上班日均已收录; {until + 1} 年起节假日按规则推算, "
        f"调休上班日未知 (请在单位日历中补充) "
        f"(holidays and make-up working days are listed up to {until}; from {until + 1} on, "
        f"holidays are known by rule only and make-up working days are unknown until listed "
        f"or typed into the unit's calendar)"
    )


@dataclass(frozen=True)
class PublicHolidays:
    """A country's (and region's) public days off and make-up working days, any year."""

    country: str
    region: str | None = None

    def is_holiday(self, day: date) -> bool:
        return day in year_days(self.country, self.region, day.year).holidays

    def is_makeup_day(self, day: date) -> bool:
        return day in year_days(self.country, self.region, day.year).makeup_days

    @property
    def known_until(self) -> int | None:
        return known_until(self.country, self.region)
