"""Which scorecard template version scores a member's month: of each template's versions in
effect that month, the most specific that fits the member; before every fitting version's
effective month, the first month's rule stands in."""

from __future__ import annotations


def test_the_version_in_effect_scores_a_month_and_the_first_stands_in_before_any() -> None:
    from performance.models import MemberCopy, ScorecardTemplate
    from performance.service.scorecards import template_for

    def version(key: str, number: int, effective: str, layers: list[str]) -> ScorecardTemplate:
        return ScorecardTemplate(
            id=f"{key}-{number}",
            key=key,
            version=number,
            population={"layers": layers},
            indicators=[],
            effective_from=effective,
        )

    member = MemberCopy(id="s1", home_unit_id="u", unit_path=["u"], layer="execution", tier="x")
    everyone, specific = (
        version("all", 1, "2026-01", []),
        version("exec", 1, "2026-04", ["execution"]),
    )
    everyone_v2 = version("all", 2, "2026-06", [])
    templates = [everyone, specific, everyone_v2]
    chosen = [template_for(templates, member, m) for m in ("2026-03", "2026-04", "2026-07")]
    assert [t.id if t else None for t in chosen] == [
        "all-1",  # the specific template is not in effect yet
        "exec-1",
        "exec-1",  # the more specific of the versions in effect
    ]
    # Before every version's effective month the first month's rule stands in.
    late = [version("all", 1, "2026-12", []), version("exec", 1, "2026-12", ["execution"])]
    assert template_for(late, member, "2026-03") is late[1]
    assert template_for([everyone_v2], member, "2026-01") is everyone_v2
