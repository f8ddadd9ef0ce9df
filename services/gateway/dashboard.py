"""The management dashboard in one call: the plan's eleven targets for a unit and a year.

Each figure is computed by the service that owns its facts (``GET /<service>/dashboard``);
the gateway asks the four at once with the caller's own token, so each service decides
what the caller may see, and puts their answers in the plan's order. A service that does
not answer is shown as such: its figures are listed with the status ``unavailable`` and no
actual, never as zeros. ``/dashboard.csv`` is the same answer as a spreadsheet.
"""

from __future__ import annotations

import asyncio
from datetime import date
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Request, Response
from pydantic import BaseModel, Field

from gateway.proxy import Upstream
from shared.api import examples, organisation_today
from shared.auth import CurrentPrincipal, Principal
from shared.dashboard import (
    FIGURE_EXAMPLE,
    Direction,
    Measure,
    Status,
    TrendPoint,
    UnitQuery,
    YearQuery,
)
from shared.errors import Forbidden, NotFound, Unprocessable
from shared.exports import csv_text
from shared.logging import correlation_id

router = APIRouter(tags=["dashboard"])

# How long the gateway waits for a service's part before showing it as unavailable.
PART_WITHIN_S = 10.0

# Which service answers which of the plan's figures, in the plan's order (DOMAIN.md, "The
# plan's own targets"): what the dashboard lists when a service does not answer.
CATALOGUE: tuple[tuple[str, str, str, str], ...] = (
    ("goals", "goal_attainment", "目标达成率", "Goal attainment"),
    ("goals", "result_growth", "人均业绩增长", "Per-member result growth"),
    ("incentives", "project_success_rate", "核心项目成功率", "Core project success rate"),
    ("performance", "core_retention", "核心成员保留率", "Core-member retention"),
    ("performance", "voluntary_attrition", "主动离职率", "Voluntary attrition"),
    ("performance", "training_coverage", "培训覆盖率", "Training coverage"),
    ("performance", "training_hours", "人均培训学时", "Training hours per member"),
    ("performance", "satisfaction", "满意度", "Satisfaction"),
    ("performance", "role_fit", "核心岗位专业匹配度", "Role fit of core positions"),
    ("performance", "competency_pass_rate", "能力测评通过率", "Competency assessment pass rate"),
    ("collab", "first_response_hours", "跨部门首次响应时长", "Cross-department first response"),
)
ORDER = {key: i for i, (_service, key, _label, _en) in enumerate(CATALOGUE)}


class DashboardFigure(BaseModel):
    """One of the plan's targets: the owning service's figure, or ``unavailable``."""

    model_config = examples({**FIGURE_EXAMPLE, "service": "goals"})

    key: str
    service: str = Field(description="the service that computes it")
    label: str
    label_en: str
    unit: str | None
    direction: Direction | None
    actual: Measure | None
    target: Measure | None
    at_risk_margin: Measure | None
    status: Status
    trend: list[TrendPoint]
    explanation: list[str]
    inputs: dict[str, Any]


class ServiceState(BaseModel):
    model_config = examples(
        {"status": "unavailable", "detail": "collab 服务没有应答 (did not answer)"}
    )

    status: str = Field(description="`ok`, or `unavailable` with what happened")
    detail: str | None = None


class Dashboard(BaseModel):
    model_config = examples(
        {
            "unit_id": "u-marketing",
            "year": 2026,
            "figures": [
                {
                    "key": "goal_attainment",
                    "service": "goals",
                    "label": "目标达成率",
                    "label_en": "Goal attainment",
                    "unit": "ratio",
                    "direction": "at_least",
                    "actual": "0.950000",
                    "target": "0.900000",
                    "at_risk_margin": "0.050000",
                    "status": "met",
                    "trend": [{"month": "2026-01", "actual": "0.950000"}],
                    "explanation": ["达成率 = 实际 / 目标 = 950 / 1000"],
                    "inputs": {"goal_ids": ["g-1"]},
                }
            ],
            "services": {"goals": {"status": "ok", "detail": None}},
        }
    )

    unit_id: str
    year: int
    figures: list[DashboardFigure]
    services: dict[str, ServiceState]


Today = Annotated[date, Depends(organisation_today)]


@router.get("/dashboard", response_model=Dashboard, operation_id="gateway-dashboard")
async def dashboard(
    request: Request,
    principal: CurrentPrincipal,
    today: Today,
    unit_id: UnitQuery,
    year: YearQuery = None,
) -> Dashboard:
    """The plan's eleven targets for a unit's subtree and a year, each with its actual, target,
    status, trend and explanation: a manager reads their units, HR and admins any unit."""
    return await compose(request, principal, unit_id=unit_id, year=year or today.year)


@router.get(
    "/dashboard.csv",
    response_class=Response,
    responses={200: {"content": {"text/csv": {"schema": {"type": "string"}}}}},
    operation_id="gateway-dashboard-csv",
)
async def dashboard_csv(
    request: Request,
    principal: CurrentPrincipal,
    today: Today,
    unit_id: UnitQuery,
    year: YearQuery = None,
) -> Response:
    """The same dashboard as CSV (UTF-8 with a byte-order mark, so spreadsheets read the
    Chinese labels): one row per figure, a column per month of the trend."""
    answer = await compose(request, principal, unit_id=unit_id, year=year or today.year)
    return Response(
        "\ufeff" + as_csv(answer),
        media_type="text/csv; charset=utf-8",
        headers={
            "Content-Disposition": f'attachment; filename="dashboard-{answer.unit_id}-'
            f'{answer.year}.csv"'
        },
    )


async def compose(request: Request, principal: Principal, *, unit_id: str, year: int) -> Dashboard:
    request.app.state.rate_limits.principal(principal.member_id)
    upstreams: dict[str, Upstream] = request.app.state.upstreams
    query = urlencode({"unit_id": unit_id, "year": year})
    headers = {
        "authorization": request.headers.get("authorization", ""),
        "x-correlation-id": correlation_id.get() or "",
        "accept-language": request.headers.get("accept-language", "zh-CN"),
    }
    names = sorted({service for service, *_ in CATALOGUE})
    answers = await asyncio.gather(
        *(
            upstreams[name].get_json(f"/{name}/dashboard?{query}", PART_WITHIN_S, headers)
            for name in names
        )
    )
    figures: list[DashboardFigure] = []
    services: dict[str, ServiceState] = {}
    for name, answer in zip(names, answers, strict=True):
        state, part = _read_part(name, answer)
        services[name] = state
        if part is None:
            figures += _unavailable(name, state.detail or "")
            continue
        figures += [DashboardFigure(service=name, **f) for f in part["figures"]]
    figures.sort(key=lambda f: ORDER.get(f.key, len(ORDER)))
    return Dashboard(unit_id=unit_id, year=year, figures=figures, services=services)


def _read_part(name: str, answer: tuple[int, Any] | None) -> tuple[ServiceState, Any]:
    """A service's answer: its part, or why there is none. A refusal is the caller's answer
    (every service scopes the same way), not an outage."""
    if answer is None:
        silent = f"{name} 服务没有应答 (did not answer)"
        return ServiceState(status="unavailable", detail=silent), None
    status, body = answer
    if status == 200 and isinstance(body, dict) and isinstance(body.get("figures"), list):
        return ServiceState(status="ok"), body
    detail = body.get("detail") if isinstance(body, dict) else None
    if status in (401, 403):
        raise Forbidden(str(detail or "this dashboard is not yours to read"))
    if status == 404 and name == "goals":
        # Goals owns the organisation: a unit it does not know does not exist.
        raise NotFound(str(detail or "no such unit"))
    if status == 422:
        errors = body.get("errors") if isinstance(body, dict) else None
        raise Unprocessable(str(detail or "the query is not valid"), errors=errors)
    return ServiceState(
        status="unavailable", detail=f"{name} 服务应答 {status} (answered {status}): {detail}"
    ), None


def _unavailable(name: str, detail: str) -> list[DashboardFigure]:
    return [
        DashboardFigure(
            key=key,
            service=name,
            label=label,
            label_en=label_en,
            unit=None,
            direction=None,
            actual=None,
            target=None,
            at_risk_margin=None,
            status=Status.unavailable,
            trend=[],
            explanation=[f"暂不可用 (unavailable): {detail}"],
            inputs={},
        )
        for service, key, label, label_en in CATALOGUE
        if service == name
    ]


def as_csv(answer: Dashboard) -> str:
    months = sorted({point.month for f in answer.figures for point in f.trend})
    rows = []
    for f in answer.figures:
        by_month = {point.month: point.actual for point in f.trend}
        rows.append(
            [
                f.key,
                f.label,
                f.label_en,
                f.service,
                f.unit or "",
                f.direction or "",
                _text(f.actual),
                _text(f.target),
                f.status,
                *(_text(by_month.get(month)) for month in months),
                " / ".join(f.explanation),
            ]
        )
    header = [
        "key",
        "指标 (figure)",
        "figure",
        "service",
        "unit",
        "direction",
        "actual",
        "target",
        "status",
        *months,
        "说明 (explanation)",
    ]
    return csv_text(header, rows)


def _text(value: Any) -> str:
    return "" if value is None else f"{value:f}"
