"""Incentives' member copies keep the member's position and current mentor (goals'
``MemberChanged`` carries both since issue 17).

Revision ID: 0009
Revises: 0008
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

SCHEMA = "incentives"


def upgrade() -> None:
    op.add_column("members", sa.Column("position_id", sa.String(36)), schema=SCHEMA)
    op.add_column("members", sa.Column("mentor_id", sa.String(36)), schema=SCHEMA)


def downgrade() -> None:
    op.drop_column("members", "mentor_id", schema=SCHEMA)
    op.drop_column("members", "position_id", schema=SCHEMA)
