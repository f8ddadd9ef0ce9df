"""The arithmetic of pay, with no database: ladders, commission tiers, proration, lines.

Amounts stay exact Decimals until a line is made; each line is rounded once, half up to the
cent (``ROUNDING``), and says so."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from shared.periods import Period

CENT = Decimal("0.01")
ROUNDING = "half up to the cent, once per line"


def money(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def pct(value: Decimal) -> str:
    """0.8 -> '80%', 1.255 -> '125.5%'."""
    text = format((value * 100).normalize(), "f")
    return f"{text}%"


# ----------------------------------------------------------------------------- ladders


@dataclass(frozen=True)
class Ladder:
    """Attainment to a share of the target bonus.

    Below ``floor`` nothing is paid. From the floor up to the first point the first point's
    share is paid. Between points the share interpolates linearly, or steps (the lower
    point's share holds until the next point). Above the last point the share grows by
    ``accelerator`` per unit of attainment (none: it stays), and never exceeds ``cap``."""

    interpolation: str
    floor: Decimal
    points: tuple[tuple[Decimal, Decimal], ...]
    accelerator: Decimal | None = None
    cap: Decimal | None = None

    @classmethod
    def from_spec(cls, spec: dict[str, Any]) -> Ladder:
        points = tuple(
            sorted(
                (Decimal(str(p["attainment"])), Decimal(str(p["payout"]))) for p in spec["points"]
            )
        )
        accelerator = spec.get("accelerator")
        cap = spec.get("cap")
        return cls(
            interpolation=str(spec.get("interpolation", "linear")),
            floor=Decimal(str(spec.get("floor", "0"))),
            points=points,
            accelerator=None if accelerator is None else Decimal(str(accelerator)),
            cap=None if cap is None else Decimal(str(cap)),
        )

    def share(self, attainment: Decimal | None) -> tuple[Decimal, str]:
        """The share of the target bonus paid at ``attainment`` and the tier that paid it."""
        if attainment is None:
            return Decimal(0), "no attainment yet (no target or no actuals)"
        if attainment < self.floor:
            return Decimal(0), f"below the floor of {pct(self.floor)}: nothing"
        first_a, first_p = self.points[0]
        if attainment < first_a:
            return first_p, f"floor {pct(self.floor)} to {pct(first_a)}: {pct(first_p)}"
        share: Decimal
        tier: str
        last_a, last_p = self.points[-1]
        if attainment >= last_a:
            if self.accelerator:
                share = last_p + self.accelerator * (attainment - last_a)
                tier = (
                    f"above {pct(last_a)}: {pct(last_p)} + {self.accelerator} x "
                    f"{pct(attainment - last_a)} (accelerator)"
                )
            else:
                share, tier = last_p, f"at or above {pct(last_a)}: {pct(last_p)}"
        else:
            for (a0, p0), (a1, p1) in zip(self.points, self.points[1:], strict=False):
                if a0 <= attainment < a1:
                    if self.interpolation == "step":
                        share, tier = p0, f"{pct(a0)} to {pct(a1)} (step): {pct(p0)}"
                    else:
                        share = p0 + (p1 - p0) * (attainment - a0) / (a1 - a0)
                        tier = f"{pct(a0)} to {pct(a1)} (linear {pct(p0)} to {pct(p1)})"
                    break
        if self.cap is not None and share > self.cap:
            return self.cap, f"capped at {pct(self.cap)}"
        return share, tier


# ----------------------------------------------------------------------------- commission


@dataclass(frozen=True)
class Slice:
    """Revenue between ``start`` and ``end`` of the period's cumulative revenue, at ``rate``."""

    start: Decimal
    end: Decimal
    rate: Decimal

    @property
    def revenue(self) -> Decimal:
        return self.end - self.start

    @property
    def commission(self) -> Decimal:
        return self.revenue * self.rate

    def as_json(self) -> dict[str, str]:
        return {
            "from": str(self.start),
            "to": str(self.end),
            "rate": str(self.rate),
            "revenue": str(self.revenue),
            "commission": str(self.commission),
        }

    @classmethod
    def from_json(cls, data: dict[str, str]) -> Slice:
        return cls(Decimal(data["from"]), Decimal(data["to"]), Decimal(data["rate"]))


def deal_slices(
    tiers: list[tuple[Decimal, Decimal]], cumulative_before: Decimal, amount: Decimal
) -> list[Slice]:
    """A deal's revenue cut at the tier bounds of the period's cumulative (net) revenue, each
    piece at its tier's rate: tiers apply to the period's total, not per deal."""
    slices: list[Slice] = []
    start, end = cumulative_before, cumulative_before + amount
    bounds = sorted(tiers)
    for i, (lower, rate) in enumerate(bounds):
        upper = bounds[i + 1][0] if i + 1 < len(bounds) else None
        lo = max(start, lower)
        hi = end if upper is None else min(end, upper)
        if hi > lo:
            slices.append(Slice(lo, hi, rate))
    return slices


def reversal_slices(deal: list[Slice], already_reversed: Decimal, amount: Decimal) -> list[Slice]:
    """The slices a refund takes back: at the rates that paid the deal, from its top slice
    down (a partial refund returns the last revenue the deal added first). Revenue reversed
    by earlier refunds is skipped, so nothing is reversed twice."""
    taken: list[Slice] = []
    skip, want = already_reversed, amount
    for piece in sorted(deal, key=lambda s: s.start, reverse=True):
        top = piece.end
        if skip > 0:
            used = min(skip, piece.revenue)
            skip -= used
            top = piece.end - used
        available = top - piece.start
        if available <= 0 or want <= 0:
            continue
        take = min(available, want)
        taken.append(Slice(top - take, top, piece.rate))
        want -= take
    return taken


# ----------------------------------------------------------------------------- proration


@dataclass(frozen=True)
class Segment:
    """Days of the period under one set of plan terms while the member was active."""

    start: date
    end: date
    days: int
    terms: dict[str, Any]


def segments(
    period: Period, terms: list[dict[str, Any]], hired_on: date | None, left_on: date | None
) -> tuple[list[Segment], int]:
    """The active days of ``period`` under each term (terms apply from their effective date;
    a member counts from the hire date through the leave date, both included)."""
    period_days = (period.end - period.start).days + 1
    active_from = max(period.start, hired_on) if hired_on else period.start
    active_to = min(period.end, left_on) if left_on else period.end
    ordered = sorted(terms, key=lambda t: str(t["effective_from"]))
    found: list[Segment] = []
    for i, term in enumerate(ordered):
        effective = date.fromisoformat(str(term["effective_from"]))
        following = (
            date.fromisoformat(str(ordered[i + 1]["effective_from"])) - timedelta(days=1)
            if i + 1 < len(ordered)
            else period.end
        )
        lo, hi = max(effective, active_from, period.start), min(following, active_to)
        if hi >= lo:
            found.append(Segment(lo, hi, (hi - lo).days + 1, term))
    return found, period_days


def money_json(amount: Decimal, currency: str) -> dict[str, str]:
    """An amount as a line's inputs record it: Money, ``{"amount": "30000.00", ...}``."""
    return {"amount": str(money(amount)), "currency": currency}


def prorated(
    parts: list[Segment], period_days: int, key: str, currency: str
) -> tuple[Decimal, list[dict[str, Any]]]:
    """The sum of ``key`` over the segments, each by its share of the period's days (each
    segment's full amount recorded as Money in ``currency``)."""
    total = Decimal(0)
    detail: list[dict[str, Any]] = []
    for part in parts:
        full = Decimal(str(part.terms.get(key) or 0))
        total += full * part.days / period_days
        detail.append(
            {
                "from": part.start.isoformat(),
                "to": part.end.isoformat(),
                "days": str(part.days),
                "period_days": str(period_days),
                key: money_json(full, currency),
            }
        )
    return total, detail


def describe_proration(detail: list[dict[str, Any]], key: str) -> str:
    return (
        " + ".join(f"{d[key]['amount']} x {d['days']}/{d['period_days']} days" for d in detail)
        or "0"
    )


# ----------------------------------------------------------------------------- lines


@dataclass
class Line:
    rule: str
    amount: Decimal
    currency: str
    explanation: str
    tier: str | None = None
    inputs: dict[str, Any] = field(default_factory=dict)
    plan_id: str | None = None

    def as_json(self) -> dict[str, Any]:
        return {
            "rule": self.rule,
            "amount": str(self.amount),
            "currency": self.currency,
            "tier": self.tier,
            "inputs": self.inputs,
            "explanation": self.explanation,
            "plan_id": self.plan_id,
        }


@dataclass(frozen=True)
class Figure:
    attainment: Decimal | None
    actual: Decimal | None = None
    target: Decimal | None = None
    event_id: str | None = None


@dataclass(frozen=True)
class Rating:
    rating: str
    final_score: Decimal
    review_id: str
    revision: int
    event_id: str | None = None


def plan_lines(
    plan: dict[str, Any],
    *,
    hired_on: date | None,
    left_on: date | None,
    figures: dict[str, Figure],
    rating: Rating | None,
    projected: bool,
) -> list[Line]:
    """Base pay, performance pay and one bonus line per KPI of ``plan`` for one member.

    ``plan`` holds ``id``, ``period``, ``currency``, ``terms``, ``bonus_kpis`` and
    ``rating_multipliers``. ``projected`` lines assume a review at target (x1) until one
    closes; a payout line without a closed review pays no performance pay yet."""
    period = Period.parse(str(plan["period"]))
    currency = str(plan["currency"])
    plan_id = str(plan["id"])
    parts, period_days = segments(period, plan["terms"], hired_on, left_on)
    common = {"period": str(period), "rounding": ROUNDING}
    lines: list[Line] = []

    base, base_detail = prorated(parts, period_days, "base_pay", currency)
    lines.append(
        Line(
            "base_pay",
            money(base),
            currency,
            f"base pay {describe_proration(base_detail, 'base_pay')}",
            inputs={**common, "segments": base_detail},
            plan_id=plan_id,
        )
    )

    perf_target, perf_detail = prorated(parts, period_days, "performance_pay", currency)
    multipliers = {k: Decimal(str(v)) for k, v in plan["rating_multipliers"].items()}
    if rating is not None:
        multiplier = multipliers.get(rating.rating, Decimal(0))
        tier = f"rating {rating.rating}: x{multiplier}"
        basis = f"review {rating.review_id} rating {rating.rating} (score {rating.final_score})"
        rating_inputs: dict[str, Any] = {
            "review_id": rating.review_id,
            "rating": rating.rating,
            "final_score": str(rating.final_score),
            "revision": rating.revision,
            "events": [rating.event_id] if rating.event_id else [],
        }
    elif projected:
        multiplier, tier = Decimal(1), "no closed review yet: projected at target (x1)"
        basis, rating_inputs = "projection at target", {}
    else:
        multiplier, tier = Decimal(0), "no closed review yet: paid once one closes"
        basis, rating_inputs = "no closed review", {}
    lines.append(
        Line(
            "performance_pay",
            money(perf_target * multiplier),
            currency,
            f"performance pay ({describe_proration(perf_detail, 'performance_pay')}) "
            f"x {multiplier} for {basis}",
            tier=tier,
            inputs={**common, "segments": perf_detail, **rating_inputs},
            plan_id=plan_id,
        )
    )

    bonus_target, bonus_detail = prorated(parts, period_days, "target_bonus", currency)
    for entry in plan["bonus_kpis"]:
        kpi = str(entry["kpi"])
        weight = Decimal(str(entry["weight"]))
        ladder = Ladder.from_spec(entry["ladder"])
        figure = figures.get(kpi, Figure(None))
        share, tier = ladder.share(figure.attainment)
        attained = "none" if figure.attainment is None else pct(figure.attainment)
        lines.append(
            Line(
                "kpi_bonus",
                money(bonus_target * weight * share),
                currency,
                f"target bonus ({describe_proration(bonus_detail, 'target_bonus')}) x weight "
                f"{weight} x {pct(share)} for {kpi} attainment {attained}",
                tier=tier,
                inputs={
                    **common,
                    "kpi": kpi,
                    "weight": str(weight),
                    "attainment": None if figure.attainment is None else str(figure.attainment),
                    "actual": None if figure.actual is None else str(figure.actual),
                    "target": None if figure.target is None else str(figure.target),
                    "payout_share": str(share),
                    "ladder": entry["ladder"],
                    "ladder_key": entry.get("ladder_key"),
                    "segments": bonus_detail,
                    "events": [figure.event_id] if figure.event_id else [],
                },
                plan_id=plan_id,
            )
        )
    return lines
