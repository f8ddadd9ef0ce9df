"""Each KPI says whether its targets may be negative (``non_negative``) and counts its
changes (``version``, carried by ``KPIDefinitionChanged``). Existing summed KPIs without a
formula (counts, money) become non-negative; the others may stay below zero. A KPI can be
retired (``active`` false): no new goals name it. A member keeps why their tier last changed
(``tier_reason``: a promotion past the next tier needs one).

Revision ID: 0008
Revises: 0007
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column(
        "kpi_definitions",
        sa.Column("non_negative", sa.Boolean(), nullable=False, server_default="false"),
        schema="goals",
    )
    op.add_column(
        "kpi_definitions",
        sa.Column("version", sa.Integer(), nullable=False, server_default="1"),
        schema="goals",
    )
    op.add_column(
        "kpi_definitions",
        sa.Column("active", sa.Boolean(), nullable=False, server_default="true"),
        schema="goals",
    )
    op.add_column("members", sa.Column("tier_reason", sa.Text(), nullable=True), schema="goals")
    op.execute(
        "UPDATE goals.kpi_definitions SET non_negative = true "
        "WHERE aggregation = 'sum' AND formula IS NULL"
    )


def downgrade() -> None:
    op.drop_column("members", "tier_reason", schema="goals")
    op.drop_column("kpi_definitions", "active", schema="goals")
    op.drop_column("kpi_definitions", "version", schema="goals")
    op.drop_column("kpi_definitions", "non_negative", schema="goals")
