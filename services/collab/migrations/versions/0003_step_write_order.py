"""A ticket step's ``created_at`` is when the row was written (``clock_timestamp()``), not
when its transaction began (``now()``): two steps recorded at the same instant by changes
that held the ticket's lock one after the other sort in that order.

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.alter_column(
        "ticket_steps",
        "created_at",
        server_default=sa.text("clock_timestamp()"),
        schema="collab",
    )


def downgrade() -> None:
    op.alter_column(
        "ticket_steps",
        "created_at",
        server_default=sa.text("now()"),
        schema="collab",
    )
