"""Team composition for HR: per unit, team and squad, the mix of functions and layers, and
age bands and genders only as aggregates over groups large enough not to expose anyone."""

from __future__ import annotations

from datetime import date
from enum import StrEnum

from pydantic import Field

from goals.schemas.common import ReadModel
from shared.api import examples


class CountedBy(StrEnum):
    home_unit_subtree = "home_unit_subtree"
    squad_membership = "squad_membership"


class AgeBands(ReadModel):
    """Members by age on the day asked for; ``unrecorded`` without a birth date."""

    model_config = examples(
        {
            "under_25": 1,
            "age_25_34": 3,
            "age_35_44": 1,
            "age_45_54": 0,
            "age_55_plus": 0,
            "unrecorded": 1,
        }
    )

    under_25: int = 0
    age_25_34: int = 0
    age_35_44: int = 0
    age_45_54: int = 0
    age_55_plus: int = 0
    unrecorded: int = 0


class GenderCounts(ReadModel):
    model_config = examples({"female": 3, "male": 2, "other": 0, "unrecorded": 1})

    female: int = 0
    male: int = 0
    other: int = 0
    unrecorded: int = 0


class CompositionGroup(ReadModel):
    """One unit's (or squad's) members present on the day. Age bands and genders are there
    only when ``headcount`` reaches the minimum group size; a smaller group is ``withheld``
    and has neither (not zeros: the fields are absent)."""

    model_config = examples(
        {
            "unit_id": "6a1d2c3b-0f4e-4b7a-8c9d-1e2f3a4b5c6d",
            "name": "增长组 Growth team",
            "kind": "team",
            "counted_by": "home_unit_subtree",
            "headcount": 6,
            "functions": {"analytics": 2, "marketing": 3, "unassigned": 1},
            "layers": {"management": 1, "execution": 5, "support": 0},
            "withheld": False,
            "age_bands": {
                "under_25": 1,
                "age_25_34": 3,
                "age_35_44": 1,
                "age_45_54": 0,
                "age_55_plus": 0,
                "unrecorded": 1,
            },
            "genders": {"female": 3, "male": 2, "other": 0, "unrecorded": 1},
        },
        {
            "unit_id": "7b2e3d4c-1a5f-4c8b-9d0e-2f3a4b5c6d7e",
            "name": "618 活动小组 618 launch squad",
            "kind": "squad",
            "counted_by": "squad_membership",
            "headcount": 3,
            "functions": {"design": 1, "marketing": 2},
            "layers": {"management": 0, "execution": 3, "support": 0},
            "withheld": True,
            "withheld_reason": "3 人,少于 5 人,不显示年龄与性别 "
            "(3 members, fewer than 5: age and gender are not shown)",
        },
    )

    unit_id: str
    name: str
    kind: str
    counted_by: CountedBy = Field(
        description="Squads count their squad members; other units the members whose home "
        "unit is the unit or any unit below it"
    )
    headcount: int
    functions: dict[str, int] = Field(
        description="Members by their position's function; `unassigned` without a position"
    )
    layers: dict[str, int]
    withheld: bool
    withheld_reason: str | None = Field(
        default=None,
        description="Present only when withheld: the group is too small, or showing it would "
        "give a smaller group's numbers by subtraction",
    )
    age_bands: AgeBands | None = Field(default=None, description="Absent when withheld")
    genders: GenderCounts | None = Field(default=None, description="Absent when withheld")


class UnitComposition(ReadModel):
    model_config = examples(
        {
            "unit_id": "6a1d2c3b-0f4e-4b7a-8c9d-1e2f3a4b5c6d",
            "as_of": "2026-03-31",
            "min_group_size": 5,
            "groups": [],
        }
    )

    unit_id: str
    as_of: date
    min_group_size: int
    groups: list[CompositionGroup] = Field(
        description="The unit first, then every unit and active squad below it, by depth and name"
    )
