"""Performance's part of the invariant checker (see ``shared.verify``).

Drift: every live score against its inputs and the template it names, and against the
template that fits the member now; every month with inputs and a fitting template has a
score; the last ``ScoreComputed`` of each score carries it; the collaboration input of each
member and month against the collab requests it counts; every scored review's ability and
attitude against its 360 ratings, its final score and rating against its components, and
its calibrated rating against the last calibration adjustment; every peer rating against an
answered nomination of its author, and every answered nomination against its rating.

Not checked: a review's results, a snapshot of the live scores taken when it was scored
(they may move on afterwards).

Copies: the KPI attainments taken from goals' ``KPIUpdated``, the members, the org units and
the positions, against goals' API. Left out: a member's unit path (goals' API states no
path) and mentor (goals states it on the mentorship, not the member), and the
collab requests (collab's ticket states neither the member credited first nor whether a
breach reached performance)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from sqlalchemy.ext.asyncio import AsyncSession

from performance import repository
from performance.models import (
    Feedback,
    IndicatorInput,
    LiveScore,
    MemberCopy,
    Review,
    ReviewCycle,
    ScorecardTemplate,
)
from performance.service.review_scoring import ASPECTS, aspect_of, final_of, rating_of
from performance.service.scorecards import (
    COLLAB_SOURCE,
    answered_share,
    score_sheet,
    template_for,
)
from shared.verify import Copy, Drift, copy_of, same, text_of

SERVICE = "performance"
CHUNK = 2_000
KPI_PREFIX = "kpi:"


def _drift(kind: str, key: str, stored: object, expected: object, detail: str = "") -> Drift:
    return Drift(SERVICE, kind, key, text_of(stored), text_of(expected), detail=detail)


async def drift(session: AsyncSession) -> list[Drift]:
    """Every derived value performance stores that differs from its recomputation."""
    inputs = await repository.all_inputs(session)
    scores = {(s.member_id, s.month): s for s in await repository.all_scores(session)}
    return [
        *await _live_scores(session, inputs, scores),
        *await _published_scores(session, scores),
        *await _collab_shares(session, inputs),
        *await _reviews(session),
        *await _peer_answers(session),
    ]


async def _peer_answers(session: AsyncSession) -> list[Drift]:
    """A peer rating exists exactly where its author's nomination is answered."""
    rated = await repository.peer_rating_authors(session)
    answered = await repository.answered_nominations(session)
    return [
        *(
            _drift("peer-answer", f"{r} {a}", "rated", "not nominated", "no answered nomination")
            for r, a in sorted(rated - answered, key=str)
        ),
        *(
            _drift("peer-answer", f"{r} {m}", "answered", "no rating", "no peer rating by them")
            for r, m in sorted(answered - rated, key=str)
        ),
    ]


async def _live_scores(
    session: AsyncSession,
    inputs: Mapping[tuple[str, str], Mapping[str, IndicatorInput]],
    scores: Mapping[tuple[str, str], LiveScore],
) -> list[Drift]:
    templates = await repository.all_templates(session)
    by_id = {t.id: t for t in templates}
    members = {m.id: m for m in await repository.members(session)}
    found: list[Drift] = []
    for (member_id, month), score in sorted(scores.items()):
        key = f"{member_id}/{month}"
        named = by_id.get(score.template_id)
        if named is None:
            found.append(_drift("live-score", key, score.score, None, "its template is gone"))
            continue
        expected = score_sheet(named, inputs.get((member_id, month), {})).score
        if not same(score.score, expected):
            found.append(
                _drift(
                    "live-score",
                    key,
                    score.score,
                    expected,
                    f"template {named.key} v{named.version} over the stored inputs",
                )
            )
        found += _template_drift(key, score, members.get(member_id), templates, by_id)
    for member_id, month in sorted(set(inputs) - set(scores)):
        member = members.get(member_id)
        fitting = template_for(templates, member, month) if member is not None else None
        if fitting is not None:
            expected = score_sheet(fitting, inputs[(member_id, month)]).score
            found.append(
                _drift(
                    "live-score",
                    f"{member_id}/{month}",
                    None,
                    expected,
                    f"inputs and the template {fitting.key} v{fitting.version}, but no score",
                )
            )
    return found


def _template_drift(
    key: str,
    score: LiveScore,
    member: MemberCopy | None,
    templates: list[ScorecardTemplate],
    by_id: Mapping[str, ScorecardTemplate],
) -> list[Drift]:
    """A score is made with the version a deliberate re-score stated, else with the version
    in effect for its month that fits its member now."""
    if member is None:
        return [_drift("live-score-template", key, score.template_id, None, "member unknown")]
    pinned = by_id.get(score.pinned_template_id or "")
    fitting = pinned or template_for(templates, member, score.month)
    if fitting is not None and fitting.id == score.template_id:
        return []
    return [
        _drift(
            "live-score-template",
            key,
            score.template_id,
            None if fitting is None else fitting.id,
            "no template fits the member"
            if fitting is None
            else f"the member's template now is {fitting.key} v{fitting.version}",
        )
    ]


async def _published_scores(
    session: AsyncSession, scores: Mapping[tuple[str, str], LiveScore]
) -> list[Drift]:
    """The last ``ScoreComputed`` of each score (while the outbox keeps it) carries it."""
    found: list[Drift] = []
    for (member_id, month), event in sorted(
        (await repository.last_published_scores(session)).items()
    ):
        row = scores.get((member_id, month))
        for name in ("score", "revision"):
            value = None if row is None else getattr(row, name)
            if not same(value, event.get(name)):
                found.append(
                    _drift(
                        "live-score-published",
                        f"{member_id}/{month} {name}",
                        value,
                        event.get(name),
                        "the last ScoreComputed for this score says otherwise",
                    )
                )
    return found


async def _collab_shares(
    session: AsyncSession, inputs: Mapping[tuple[str, str], Mapping[str, IndicatorInput]]
) -> list[Drift]:
    """Each member and month's collaboration input counts its collab requests."""
    counts = await repository.request_counts(session)
    stored = {k: v[COLLAB_SOURCE] for k, v in inputs.items() if COLLAB_SOURCE in v}
    found: list[Drift] = []
    for member_id, month in sorted(set(counts) | set(stored)):
        in_sla, requests = counts.get((member_id, month), (0, 0))
        expected = {
            "answered_in_sla": in_sla,
            "requests": requests,
            "value": answered_share(in_sla, requests),
        }
        row = stored.get((member_id, month))
        for name, value in expected.items():
            kept = None if row is None else getattr(row, name)
            if not same(kept, value):
                found.append(
                    _drift(
                        "collab-share",
                        f"{member_id}/{month} {name}",
                        kept,
                        value,
                        f"{in_sla} of {requests} collab requests answered within the SLA",
                    )
                )
    return found


async def _reviews(session: AsyncSession) -> list[Drift]:
    reviews = await repository.scored_reviews(session)
    cycles = await repository.cycles_by_id(session, cycle_ids={r.cycle_id for r in reviews})
    adjustments = await repository.last_adjustments(session)
    found: list[Drift] = []
    for start in range(0, len(reviews), CHUNK):
        chunk = reviews[start : start + CHUNK]
        feedback: dict[str, list[Feedback]] = {r.id: [] for r in chunk}
        for item in await repository.feedback_of(session, review_ids=list(feedback)):
            feedback[item.review_id].append(item)
        for review in chunk:
            found += _review_drift(review, cycles[review.cycle_id], feedback[review.id])
    for review in reviews:
        last = adjustments.get(review.id)
        expected = None if last is None else last.new_rating
        if review.calibrated_rating != expected:
            found.append(
                _drift(
                    "review-calibration",
                    review.id,
                    review.calibrated_rating,
                    expected,
                    "the last calibration adjustment says otherwise",
                )
            )
    return found


def _review_drift(review: Review, cycle: ReviewCycle, feedback: list[Feedback]) -> list[Drift]:
    """Ability and attitude from the ratings; final and rating from the stored parts."""
    found: list[Drift] = []
    stored = {"ability": review.ability_score, "attitude": review.attitude_score}
    for aspect in ASPECTS:
        expected, line = aspect_of(cycle, feedback, aspect)
        if not same(stored[aspect], expected):
            found.append(
                _drift("review-score", f"{review.id} {aspect}", stored[aspect], expected, line)
            )
    if (
        review.results_score is None
        or review.ability_score is None
        or review.attitude_score is None
    ):
        return found
    final, line = final_of(cycle, review.results_score, review.ability_score, review.attitude_score)
    if not same(review.final_score, final):
        found.append(_drift("review-score", f"{review.id} final", review.final_score, final, line))
    rating, line = rating_of(cycle, review.final_score or final)
    if review.rating != rating:
        found.append(_drift("review-score", f"{review.id} rating", review.rating, rating, line))
    return found


async def copies(session: AsyncSession) -> list[Copy]:
    """Performance's copies of goals' data, each with goals' API path that states it."""
    inputs = await repository.all_inputs(session)
    return [
        *_attainments(inputs),
        *[
            copy_of(
                SERVICE,
                "member",
                "/goals/members/{id}",
                m,
                (
                    "name",
                    "home_unit_id",
                    "layer",
                    "tier",
                    "manager_id",
                    "hired_on",
                    "left_on",
                    "leave_reason",
                    "position_id",
                ),
            )
            for m in await repository.members(session)
        ],
        *[
            copy_of(
                SERVICE,
                "position",
                "/goals/positions/{id}",
                p,
                ("unit_id", "title", "function", "layer", "core", "jd_version", "active"),
            )
            for p in await repository.position_copies(session)
        ],
        *[
            copy_of(SERVICE, "org-unit", "/goals/org-units/{id}", u, ("name", "kind", "parent_id"))
            for u in await repository.org_unit_copies(session)
        ],
    ]


def _attainments(
    inputs: Mapping[tuple[str, str], Mapping[str, IndicatorInput]],
) -> Iterable[Copy]:
    """A member's monthly attainment of a KPI, as goals' last ``KPIUpdated`` said."""
    for (member_id, month), by_source in sorted(inputs.items()):
        for source, row in sorted(by_source.items()):
            if not source.startswith(KPI_PREFIX):
                continue
            kpi = source.removeprefix(KPI_PREFIX)
            yield Copy(
                service=SERVICE,
                kind="kpi-attainment",
                key=f"{member_id}/{month}/{kpi}",
                path="/goals/figures",
                params={"owner_type": "member", "owner_id": member_id, "period": month, "kpi": kpi},
                pick={"kpi": kpi, "period": month},
                values={"attainment": text_of(row.value)},
            )
