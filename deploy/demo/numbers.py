"""The story's numbers: the quarter, its months, the reps' revenue and their ratings."""

from __future__ import annotations

QUARTER = "2026-Q1"
MONTHS = ("2026-01", "2026-02", "2026-03")
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
# Revenue per rep and month; every monthly target is 100,000 and the quarter's 300,000.
REVENUE = {
    "s1": {"2026-01": "120000", "2026-02": "90000", "2026-03": "120000"},
    "s2": {"2026-01": "80000", "2026-02": "100000", "2026-03": "60000"},
}
# 360 ratings (ability, attitude) by source, for each rep.
FEEDBACK = {
    "s1": {"self": ("5", "5"), "manager": ("4", "4"), "peer": ("4", "5")},
    "s2": {"self": ("4", "4"), "manager": ("3", "4"), "peer": ("3", "3")},
}
PEER = {"s1": "s2", "s2": "s1"}
