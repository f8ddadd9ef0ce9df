"""Checking and storing measurements, one upload at a time: each row validated on its own
(a bad row is reported with its number and never stops the good ones), each measurement
counted once by its idempotency key, and the figures the stored rows move listed for the
caller to refresh."""

from __future__ import annotations

import asyncio
import functools
import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from pydantic import ValidationError
from sqlalchemy.ext.asyncio import AsyncSession

from goals import repository
from goals.models import KpiDefinition
from goals.schemas.actuals import ImportReport, MeasurementCreate, RowError
from goals.schemas.common import OwnerType
from goals.service import figures
from goals.service.access import Scope, require_owner
from goals.service.kpis import scale_problem
from shared.periods import supported_day
from shared.values import MAX_VALUE_PLACES

# A checked row: (owner type as given, figure owner type, owner id, KPI, day, value, source,
# idempotency key). Plain tuples: an upload holds up to 100,000 of them.
Checked = tuple[OwnerType, str, str, KpiDefinition, date, Decimal, str, str]

_FIELDS = frozenset(MeasurementCreate.model_fields)
_OWNER_TYPES = {t.value: t for t in OwnerType}
_CODE = re.compile(r"[a-z][a-z0-9_]{0,63}")
_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_PLAIN_DECIMAL = re.compile(rf"-?([0-9]+)(?:\.([0-9]{{1,{MAX_VALUE_PLACES}}}))?")
_MAX_DIGITS = 20


def _plain_text(longest: int) -> re.Pattern[str]:
    """Strings the model takes as they are: 1 to ``longest`` characters, no NUL, and printable
    ASCII at both ends (nothing it would strip; other ends go the model's way)."""
    if longest == 1:
        return re.compile(r"[!-~]")
    return re.compile(rf"[!-~](?:[^\x00]{{0,{longest - 2}}}[!-~])?")


_ID, _SOURCE, _KEY = _plain_text(36), _plain_text(50), _plain_text(200)


@functools.lru_cache(maxsize=4096)
def _day(text: str) -> date | None:
    """A ``YYYY-MM-DD`` in the supported range, or None (an upload repeats its days)."""
    try:
        return supported_day(date.fromisoformat(text))
    except ValueError:
        return None


def quick_fields(raw: dict[str, Any]) -> tuple[OwnerType, str, str, date, Decimal, str, str] | None:
    """``MeasurementCreate``'s reading of a row that is plainly valid, without building the
    model: (owner type, owner id, kpi, day, value, source, key). None when the row is not
    plainly valid; the model then reads it and words its errors (tests/goals check both agree).
    """
    get = raw.get
    # A missing field is a KeyError here, a value that is not a string (bulk JSON) a
    # TypeError: both are the model's to word.
    try:
        owner_type = _OWNER_TYPES.get(get("owner_type", "member"))
        owner_id, kpi, day, value = raw["owner_id"], raw["kpi"], raw["date"], raw["value"]
        source, key = get("source", "api"), raw["idempotency_key"]
        if (
            owner_type is None
            or not _FIELDS.issuperset(raw)
            or _ID.fullmatch(owner_id) is None
            or _CODE.fullmatch(kpi) is None
            or _DAY.fullmatch(day) is None
            or (number := _PLAIN_DECIMAL.fullmatch(value)) is None
            or _SOURCE.fullmatch(source) is None
            or _KEY.fullmatch(key) is None
        ):
            return None
    except (KeyError, TypeError):
        return None
    integer, fraction = number.group(1, 2)
    if len(integer) + len(fraction or "") > _MAX_DIGITS or (on := _day(day)) is None:
        return None
    return owner_type, owner_id, kpi, on, Decimal(value), source, key


@dataclass
class Ingest:
    """One upload's progress: what was accepted, what was refused and why."""

    scope: Scope
    session: AsyncSession
    kpis: dict[str, KpiDefinition] = field(default_factory=dict)
    allowed_owners: dict[tuple[str, str], str | None] = field(default_factory=dict)
    seen_keys: dict[str, tuple[Any, ...]] = field(default_factory=dict)
    touched: set[tuple[str, str, str, date]] = field(default_factory=set)
    rows: int = 0
    accepted: int = 0
    duplicates: int = 0
    errors: list[RowError] = field(default_factory=list)
    storing: asyncio.Task[None] | None = None

    async def load(self) -> None:
        self.kpis = {k.code: k for k in await repository.all_kpis(self.session)}

    async def _owner_problem(self, owner_type: str, owner_id: str) -> str | None:
        key = (owner_type, owner_id)
        if key not in self.allowed_owners:
            await self.stored()  # the session is the batch's until it is stored
            problem = None
            exists = (
                await repository.get_member(self.session, member_id=owner_id)
                if owner_type == "member"
                else await repository.get_org_unit(self.session, unit_id=owner_id)
            )
            if exists is None:
                problem = f"owner_id: {owner_type} {owner_id} does not exist"
            else:
                try:
                    await require_owner(
                        self.session,
                        self.scope,
                        owner_type=owner_type,
                        owner_id=owner_id,
                        write=True,
                    )
                except Exception:  # Forbidden or NotFound: the row is refused, not the upload
                    problem = f"owner_id: you may not record actuals for {owner_id}"
            self.allowed_owners[key] = problem
        return self.allowed_owners[key]

    async def check(self, row_number: int, raw: dict[str, Any]) -> Checked | None:
        """A valid measurement, or None with the row's errors recorded."""
        self.rows += 1
        fields = quick_fields(raw)
        if fields is None:
            try:
                item = MeasurementCreate.model_validate(raw)
            except ValidationError as exc:
                self.errors.append(
                    RowError(
                        row=row_number,
                        errors=[
                            f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}"
                            for e in exc.errors()
                        ],
                    )
                )
                return None
            fields = (
                item.owner_type,
                item.owner_id,
                item.kpi,
                item.date,
                item.value,
                item.source,
                item.idempotency_key,
            )
        owner_type, owner_id, code, day, value, source, key = fields
        problems = []
        kpi = self.kpis.get(code)
        if kpi is None:
            problems.append(f"kpi: no KPI with code {code!r}")
        elif kpi.formula:
            problems.append(f"kpi: {code} is computed by its formula, not measured")
        elif (too_fine := scale_problem(kpi, value)) is not None:
            problems.append(f"value: {too_fine}")
        figure_owner = figures.figure_owner_type(owner_type)
        owner_problem = self.allowed_owners.get((figure_owner, owner_id), "")
        if owner_problem == "":
            owner_problem = await self._owner_problem(figure_owner, owner_id)
        if owner_problem:
            problems.append(owner_problem)
        fingerprint = (owner_type, owner_id, code, day, value)
        earlier = self.seen_keys.get(key)
        if earlier is not None and earlier != fingerprint:
            problems.append("idempotency_key: used earlier in this upload for other values")
        if problems:
            self.errors.append(RowError(row=row_number, errors=problems))
            return None
        if earlier is not None:
            self.duplicates += 1
            return None
        self.seen_keys[key] = fingerprint
        assert kpi is not None
        return owner_type, figure_owner, owner_id, kpi, day, value, source, key

    async def store_behind(self, batch: list[tuple[int, Checked]]) -> None:
        """Start storing a batch while the caller checks the next rows (Postgres inserts one
        batch while Python reads the next); the report is as if it were stored now."""
        await self.stored()
        if batch:
            self.storing = asyncio.create_task(self.store(batch, at=len(self.errors)))

    async def stored(self) -> None:
        """Wait until the batch being stored is (its errors, if any, raised here)."""
        storing, self.storing = self.storing, None
        if storing is not None:
            await storing

    async def store(self, batch: list[tuple[int, Checked]], *, at: int | None = None) -> None:
        """Insert a batch; keys stored before count as duplicates when their values agree.
        Its rows' errors go at ``at`` in the report (where they were when it was handed
        over), else at its end."""
        if not batch:
            return
        recorded_by = self.scope.principal.member_id
        rows = [
            (figure_owner, owner_id, kpi.id, day, value, source, key, False, recorded_by)
            for _n, (_t, figure_owner, owner_id, kpi, day, value, source, key) in batch
        ]
        inserted, conflicting = await repository.stage_measurements(self.session, rows=rows)
        errors = []
        for row_number, (_t, figure_owner, owner_id, kpi, day, _v, _s, key) in batch:
            if key in inserted:
                self.accepted += 1
                # A figure's period is a month or wider: the month stands for its days.
                self.touched.add((figure_owner, owner_id, kpi.id, day.replace(day=1)))
            elif key in conflicting:
                errors.append(
                    RowError(
                        row=row_number,
                        errors=["idempotency_key: already used for a different measurement"],
                    )
                )
            else:
                self.duplicates += 1
        if at is None:
            self.errors.extend(errors)
        else:
            self.errors[at:at] = errors

    async def finish(self, today: date) -> ImportReport:
        changed = 0
        if self.touched:
            engine = figures.FigureEngine(self.session)
            keys = await engine.keys_touched_by(self.touched)
            changed = await figures.refresh(self.session, keys=keys, today=today, engine=engine)
        return ImportReport(
            rows=self.rows,
            accepted=self.accepted,
            duplicates=self.duplicates,
            rejected=len(self.errors),
            errors=self.errors,
            figures_changed=changed,
        )
