"""The copies of the events goals consumes, each with only the fields it needs."""

from __future__ import annotations

from datetime import date
from typing import ClassVar

from shared.events import Consumed


class DataGrantChangedV1(Consumed):
    """Goals' copy of collab's ``DataGrantChanged`` (version 1): only the fields it needs."""

    event_type: ClassVar[str] = "collab.data-grant.changed"

    grant_id: str
    grantor_unit_id: str
    grantee_unit_id: str
    data_set: str
    valid_until: date
    active: bool
    version: int
