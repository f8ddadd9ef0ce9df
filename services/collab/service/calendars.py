"""Setting and reading owner units' business-hours calendars: validation (errors and the
plain-language warnings on days that look mistyped) and where a calendar read comes from."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy.ext.asyncio import AsyncSession

from collab import repository
from collab.models import UnitCalendar
from collab.schemas import CalendarPut, CalendarRead
from collab.schemas.calendar import NamedDay, PublicHolidaysRead
from collab.service import public_holidays, unit_calendars
from collab.service.access import require_unit_manager, scope_of
from collab.service.calendar import (
    WEEKDAYS,
    BusinessCalendar,
    CalendarError,
    format_window,
    overlap,
    parse_window,
)
from collab.service.public_holidays import UnknownRegion
from collab.settings import Settings
from shared.auth import Principal
from shared.errors import invalid

WEEKDAY_NAMES = ("星期一", "星期二", "星期三", "星期四", "星期五", "星期六", "星期日")
WEEKDAY_NAMES_EN = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def _days(days: Iterable[date]) -> str:
    return ", ".join(d.isoformat() for d in sorted(days))


def _check_calendar(body: CalendarPut, settings: Settings) -> None:
    try:
        ZoneInfo(body.timezone)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise invalid(
            "timezone", f"未知时区 (unknown time zone): {body.timezone}, e.g. Asia/Shanghai"
        ) from exc
    if body.region is not None and body.country is None and not settings.holiday_country:
        raise invalid("region", "地区需要国家 (a region needs a country)")
    country = body.country or settings.holiday_country
    if body.builtin_holidays and country and (body.country or body.region):
        try:
            public_holidays.supported(country, None)
        except UnknownRegion as exc:
            raise invalid("country", str(exc)) from exc
        try:
            public_holidays.supported(country, body.region)
        except UnknownRegion as exc:
            raise invalid("region", str(exc)) from exc
    clash = set(body.holidays) & set(body.makeup_days)
    if clash:
        raise invalid(
            "makeup_days",
            f"同一天不能既是节假日又是调休上班日: {_days(clash)} "
            f"(a day cannot be both a holiday and a make-up working day: {_days(clash)})",
        )
    if not any(body.week.values()):
        raise invalid(
            "week",
            "每周至少要有一天有工作时间 (a calendar needs working hours on at least one weekday)",
        )
    try:
        unit_calendars.calendar_of(_row("check", body, "check"), settings)
    except CalendarError as exc:
        raise invalid("week", str(exc)) from exc
    days = [(f"week.{day.value}", windows) for day, windows in body.week.items()]
    for field, texts in [*days, ("makeup_hours", body.makeup_hours)]:
        both = overlap(tuple(parse_window(text) for text in texts))
        if both is not None:
            first, second = (format_window(w) for w in both)
            raise invalid(
                field,
                f"工作时段不能重叠: {first} 与 {second} "
                f"(working windows must not overlap: {first} and {second})",
            )


def _row(unit_id: str, body: CalendarPut, by: str) -> UnitCalendar:
    return UnitCalendar(
        unit_id=unit_id,
        timezone=body.timezone,
        week={day.value: list(windows) for day, windows in body.week.items()},
        holidays=sorted(d.isoformat() for d in body.holidays),
        makeup_days=sorted(d.isoformat() for d in body.makeup_days),
        makeup_hours=list(body.makeup_hours),
        country=body.country,
        region=body.region,
        builtin_holidays=body.builtin_holidays,
        updated_by=by,
        version=1,
    )


def _weekday(day: date) -> tuple[str, str]:
    return WEEKDAY_NAMES[day.weekday()], WEEKDAY_NAMES_EN[day.weekday()]


def warnings_of(calendar: BusinessCalendar) -> list[str]:
    """Plain words (Chinese, then English) on typed days that change nothing or look
    mistyped: a make-up working day on a day the week already works, a holiday on a day the
    week does not work."""
    found: list[str] = []
    public = calendar.public
    for day in sorted(calendar.makeup_days):
        if not calendar.week.get(WEEKDAYS[day.weekday()]):
            continue
        zh, en = _weekday(day)
        if public is not None and public.is_holiday(day):
            found.append(
                f"{day.isoformat()} 是{zh}, 也是法定节假日: 设为调休上班日后, 本单位当天照常上班 "
                f"({day.isoformat()} is a {en} and a public holiday: as a make-up working day, "
                f"the unit works that day)"
            )
            continue
        found.append(
            f"{day.isoformat()} 是{zh}, 本来就是工作日: 调休上班日通常是周末, 请确认日期 "
            f"({day.isoformat()} is a {en}, already a working day: make-up working days are "
            f"usually weekend days; check the date)"
        )
    for day in sorted(calendar.holidays):
        if calendar.week.get(WEEKDAYS[day.weekday()]):
            continue
        zh, en = _weekday(day)
        if public is not None and public.is_makeup_day(day):
            found.append(
                f"{day.isoformat()} 是{zh}, 也是法定调休上班日: 设为节假日后, 本单位当天不上班 "
                f"({day.isoformat()} is a {en} and a public make-up working day: as a holiday, "
                f"the unit does not work that day)"
            )
            continue
        found.append(
            f"{day.isoformat()} 是{zh}, 本来就不上班: 设为节假日不会改变任何时间, 请确认日期 "
            f"({day.isoformat()} is a {en}, already a day off: as a holiday it changes "
            f"nothing; check the date)"
        )
    return found


async def put_calendar(
    session: AsyncSession,
    *,
    principal: Principal,
    settings: Settings,
    unit_id: str,
    body: CalendarPut,
    year: int,
) -> CalendarRead:
    """Set a unit's calendar (it reaches the units below it that have none). Tickets
    already open keep their due times until their clock next changes (a pause, a new
    priority)."""
    scope = await scope_of(session, principal)
    require_unit_manager(scope, unit_id, "set a unit's business hours")
    _check_calendar(body, settings)
    row = _row(unit_id, body, principal.member_id)
    fields = (
        "timezone",
        "week",
        "holidays",
        "makeup_days",
        "makeup_hours",
        "country",
        "region",
        "builtin_holidays",
    )
    values = {field: getattr(row, field) for field in fields}
    # Two first calendars of a unit at once: one inserts, the other changes it (not a 409).
    inserted = await repository.add_calendar_if_missing(
        session, values={"unit_id": unit_id, **values, "updated_by": row.updated_by, "version": 1}
    )
    if not inserted:
        # Locked, so that two changes at once count two versions.
        existing = await repository.get_calendar(session, unit_id=unit_id, for_update=True)
        assert existing is not None  # a calendar is never deleted
        for field, value in values.items():
            setattr(existing, field, value)
        existing.updated_by = principal.member_id
        existing.version += 1
        await session.flush()
    unit_calendars.forget(session)
    return await get_calendar(session, settings=settings, unit_id=unit_id, year=year)


def _public_read(
    row: UnitCalendar | None, settings: Settings, year: int
) -> PublicHolidaysRead | None:
    source = unit_calendars.holiday_source(row, settings)
    if source is None:
        return None
    country, region = source
    days = public_holidays.year_days(country, region, year)
    until = public_holidays.known_until(country, region)
    return PublicHolidaysRead(
        country=country,
        region=region,
        year=year,
        days_off=[NamedDay(date=d, name=name) for d, name in sorted(days.holidays.items())],
        makeup_days=sorted(days.makeup_days),
        known_until=date(until, 12, 31) if until is not None else None,
        coverage=public_holidays.coverage_text(country, until),
    )


async def get_calendar(
    session: AsyncSession, *, settings: Settings, unit_id: str, year: int
) -> CalendarRead:
    """The calendar a unit's clocks count on, where it comes from, and the public days of
    ``year`` it follows."""
    row = await repository.nearest_calendar(
        session, unit_id=unit_id, max_depth=unit_calendars.MAX_DEPTH
    )
    calendar = unit_calendars.calendar_of(row, settings)
    return CalendarRead(
        unit_id=unit_id,
        timezone=calendar.timezone,
        week={day: [format_window(w) for w in windows] for day, windows in calendar.week.items()},
        holidays=sorted(calendar.holidays),
        makeup_days=sorted(calendar.makeup_days),
        makeup_hours=[format_window(w) for w in calendar.makeup_hours],
        country=row.country if row else None,
        region=row.region if row else None,
        builtin_holidays=row.builtin_holidays if row else bool(settings.holiday_country),
        version=row.version if row else 0,
        is_default=row is None,
        inherited_from=row.unit_id if row is not None and row.unit_id != unit_id else None,
        public_holidays=_public_read(row, settings, year),
        warnings=warnings_of(calendar),
    )
