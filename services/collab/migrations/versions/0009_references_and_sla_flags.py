"""References checked against collab's copies, and SLA flags readable and filterable:
``members.left_on`` (from goals' ``MemberChanged``: a member who has left cannot host a
meeting or own an action item), and on tickets the instant each running clock reaches its
at-risk share (``response_at_risk_at``, ``resolution_at_risk_at``, beside the due times),
so ``at_risk=true`` is a query on the ticket's own columns. The backfill takes each running
clock's instant from its at-risk deadline, which the scheduler keeps at the same instant.

Revision ID: 0009
Revises: 0008
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

CLOCKS = (("response", "first_response_at"), ("resolution", "resolved_at"))


def upgrade() -> None:
    op.add_column("members", sa.Column("left_on", sa.Date(), nullable=True), schema="collab")
    for clock, done in CLOCKS:
        op.add_column(
            "tickets",
            sa.Column(f"{clock}_at_risk_at", sa.DateTime(timezone=True), nullable=True),
            schema="collab",
        )
        op.execute(
            f"UPDATE collab.tickets AS t SET {clock}_at_risk_at = d.due_at "
            "FROM collab.sla_deadlines AS d "
            f"WHERE d.ticket_id = t.id AND d.kind = '{clock}_at_risk' "
            f"AND t.clock_since IS NOT NULL AND t.{done} IS NULL"
        )


def downgrade() -> None:
    for clock, _ in CLOCKS:
        op.drop_column("tickets", f"{clock}_at_risk_at", schema="collab")
    op.drop_column("members", "left_on", schema="collab")
