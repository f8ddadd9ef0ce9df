"""The demo story's talent chapter: positions with job descriptions for the sales
team and product, the team's people placed in them, a requisition proposed by the sales lead
and approved by HR, three candidates (one hired into the team with a mentor, one rejected at
the phone screen, one still interviewing) and competency assessments, so role fit and the
pass rate have something to show.

It runs after the quarter's story (``deploy.demo.tell``), on the same ``Story``: the people
it changes are already paid and scored for Q1, and the hire joins on the day after the
quarter's last (``HIRED_ON``)."""

from __future__ import annotations

from typing import Any

from deploy.demo import Story, StoryError, until

REQUISITION_PERIOD = "2026-Q2"
HIRED_ON = "2026-04-01"

# id suffix: (unit key, title, function, layer, core, required competencies)
POSITIONS: dict[str, tuple[str, str, str, str, bool, list[tuple[str, str, int]]]] = {
    "pos-sales-rep": (
        "sales",
        "销售代表 Sales representative",
        "sales",
        "execution",
        True,
        [("negotiation", "谈判 Negotiation", 3), ("crm", "客户管理 CRM", 2)],
    ),
    "pos-sales-lead": (
        "sales",
        "销售主管 Sales lead",
        "sales",
        "management",
        True,
        [("leadership", "团队领导 Leadership", 3)],
    ),
    "pos-product-manager": (
        "product",
        "产品经理 Product manager",
        "product",
        "support",
        False,
        [("product_sense", "产品感 Product sense", 2)],
    ),
}
# member: (position, tier, gender, birth date) — their personal data is HR's to read.
PEOPLE: dict[str, tuple[str, str, str, str]] = {
    "lead": ("pos-sales-lead", "backbone", "male", "1986-09-12"),
    "s1": ("pos-sales-rep", "backbone", "female", "1994-05-17"),
    "s2": ("pos-sales-rep", "newcomer", "male", "1999-02-03"),
    "p1": ("pos-product-manager", "backbone", "female", "1991-11-30"),
}
# Every stage of the sales rep's pipeline, in order (a core role: the background check too).
STAGES = [
    "applied",
    "screened",
    "phone_screen",
    "interview_1",
    "interview_2",
    "competency_test",
    "case_exercise",
    "background_check",
    "offer",
]
# (assessed, assessor, competency, level, on): s1 fits the rep's levels, s2 is short on
# negotiation, the lead meets leadership, s3 (just hired) is not assessed yet: the marketing
# department's role fit is 2 of 4 core holders, its pass rate 4 of 5.
ASSESSMENTS = [
    ("s1", "lead", "negotiation", 4, "2026-03-20"),
    ("s1", "lead", "crm", 2, "2026-03-20"),
    ("s2", "lead", "negotiation", 2, "2026-03-20"),
    ("s2", "lead", "crm", 3, "2026-03-20"),
    ("lead", "dir", "leadership", 3, "2026-03-25"),
]


def position_id(story: Story, key: str) -> str:
    return f"{story.prefix}{key}"


async def positions(story: Story) -> None:
    for key, (unit, title, function, layer, core, required) in POSITIONS.items():
        await story.call(
            "POST",
            "/goals/positions",
            {
                "id": position_id(story, key),
                "unit_id": story.ids[unit],
                "title": title,
                "function": function,
                "layer": layer,
                "core": core,
                "job_description": {
                    "summary": f"{title}: 岗位职责、权限与交付 (duties, authority, deliverables)",
                    "duties": ["按月完成目标 Meet the monthly targets"],
                    "authority": ["在授权范围内报价 Quote within the approved range"],
                    "deliverables": ["周报 Weekly report"],
                },
                "required_competencies": [
                    {"competency": code, "name": name, "level": level}
                    for code, name, level in required
                ],
                "review_every_months": 12,
            },
            headers=story.hr,
        )


async def place_people(story: Story) -> None:
    """Each member's position, tier and (HR-only) personal data, by a guarded PATCH."""
    for who, (position, tier, gender, born) in PEOPLE.items():
        member = story.member(who)
        response = await story.client.get(f"/goals/members/{member}", headers=story.hr)
        await story.call(
            "PATCH",
            f"/goals/members/{member}",
            {
                "position_id": position_id(story, position),
                "tier": tier,
                "gender": gender,
                "birth_date": born,
            },
            headers={**story.hr, "If-Match": response.headers["etag"]},
        )


async def recruitment(story: Story) -> dict[str, Any]:
    """The lead's requisition for two reps (HR approves it): one hired with s1 as mentor,
    one rejected at the phone screen, one still interviewing."""
    requisition = await story.call(
        "POST",
        "/goals/requisitions",
        {
            "unit_id": story.ids["sales"],
            "position_id": position_id(story, "pos-sales-rep"),
            "period": REQUISITION_PERIOD,
            "headcount": 2,
            "channels": ["referral", "job_board"],
            "reason": "Q2 新客户拓展 New accounts in Q2",
            "stages": STAGES,
        },
        headers=story.lead,
    )
    path = f"/goals/requisitions/{requisition['id']}"
    await story.call("POST", f"{path}/approve", {"reason": "预算内 In budget"}, headers=story.hr)

    async def candidate(name: str, channel: str) -> str:
        created = await story.call(
            "POST",
            f"{path}/candidates",
            {"name": name, "email": None, "phone": None, "channel": channel},
            headers=story.lead,
        )
        return str(created["id"])

    async def step(candidate_id: str, stage: str, **more: Any) -> None:
        body = {"stage": stage, "outcome": "passed", **more}
        await story.call("POST", f"/goals/candidates/{candidate_id}/steps", body, headers=story.hr)

    hired = await candidate("陈静 Chen Jing", "referral")
    for stage in STAGES[1:]:
        scores = [{"competency": "negotiation", "level": 4}] if stage == "competency_test" else []
        await step(hired, stage, scores=scores, criteria=[f"{stage} 标准 criteria"])
    await story.call(
        "POST", f"/goals/candidates/{hired}/offer-answer", {"accepted": True}, headers=story.lead
    )
    await story.call(
        "POST",
        f"/goals/candidates/{hired}/hire",
        {
            "member_id": story.member("s3"),
            "hired_on": HIRED_ON,
            "manager_id": story.member("lead"),
            "mentor_id": story.member("s1"),
        },
        headers=story.hr,
    )
    rejected = await candidate("周涛 Zhou Tao", "job_board")
    await step(rejected, "screened")
    await step(rejected, "phone_screen", outcome="failed", note="没有销售经验 No sales experience")
    interviewing = await candidate("孙丽 Sun Li", "job_board")
    await step(interviewing, "screened")
    await step(interviewing, "interview_1")
    return {"requisition": requisition["id"], "hired": hired, "rejected": rejected}


async def assessments(story: Story) -> dict[str, str]:
    """Performance learns positions and who holds them from goals' events, in its own time:
    an assessment is a 422 naming the member or position until it has. The first assessment
    of each member, by ``assessment_<member>``."""
    made: dict[str, str] = {}
    for who, assessor, competency, level, on in ASSESSMENTS:
        body = {
            "member_id": story.member(who),
            "competency": competency,
            "level": level,
            "assessed_on": on,
        }
        headers = story.lead if assessor == "lead" else story.director

        async def assessed(body: dict[str, Any] = body, headers: dict[str, str] = headers) -> Any:
            response = await story.client.post(
                "/performance/competency-assessments", json=body, headers=headers
            )
            if response.status_code == 422:
                return None
            if response.status_code != 201:
                raise StoryError(f"assessment: {response.status_code} {response.text}")
            return response.json()

        made.setdefault(f"assessment_{who}", (await until(assessed))["id"])
    return made


async def talent(story: Story) -> dict[str, Any]:
    """The whole chapter; the ids it made (requisition, candidates) for the tests."""
    await positions(story)
    await place_people(story)
    ids = await recruitment(story)
    ids |= await assessments(story)
    story.ids.update(ids)
    return ids
