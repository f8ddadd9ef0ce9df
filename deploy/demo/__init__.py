"""A quarter in the life of a marketing team, through the gateway only: `make demo` loads it
into a running Spearhead for people to explore, and `tests/e2e/` runs the same story and
checks every number in it.

The team: Spark Group's marketing department with a sales team (lead, s1, s2) and the
product department as the partner that answers tickets. Annual revenue targets cascade to
quarters, months and the reps; three months of actuals arrive by CSV and by API; a deal
earns commission; the reps' tickets to product and back are answered, or breach; the
quarterly review runs with 360 feedback and a calibration; the payout run is approved and
exported; March's star is named.

    python -m deploy.demo --url http://127.0.0.1:8000
"""

from deploy.demo.client import StoryError, until
from deploy.demo.numbers import FEEDBACK, MONTHS, PEER, QUARTER, REVENUE
from deploy.demo.story import Story, main, tell

__all__ = [
    "FEEDBACK",
    "MONTHS",
    "PEER",
    "QUARTER",
    "REVENUE",
    "Story",
    "StoryError",
    "main",
    "tell",
    "until",
]
