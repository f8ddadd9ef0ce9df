"""Stars from performance's settlements (the newest settlement of each month; an award's
revision, reason, eligibility and history), incentives' copy of goals' KPI definitions, and
equity grants.

Revision ID: 0008
Revises: 0007
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

SCHEMA = "incentives"


def upgrade() -> None:
    op.add_column("star_awards", sa.Column("revision", sa.Integer()), schema=SCHEMA)
    op.add_column("star_awards", sa.Column("reason", sa.Text()), schema=SCHEMA)
    op.add_column(
        "star_awards",
        sa.Column("members", sa.JSON(), server_default=sa.text("'[]'"), nullable=False),
        schema=SCHEMA,
    )
    op.add_column(
        "star_awards",
        sa.Column("history", sa.JSON(), server_default=sa.text("'[]'"), nullable=False),
        schema=SCHEMA,
    )
    op.create_table(
        "month_settlements",
        sa.Column("month", sa.String(length=7), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("settled_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("settled_by", sa.String(length=100), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("scores", sa.JSON(), nullable=False),
        sa.Column("event_id", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("month", name=op.f("pk_month_settlements")),
        schema=SCHEMA,
    )
    op.create_table(
        "kpi_definitions",
        sa.Column("code", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("unit", sa.String(length=40), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("source_version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_kpi_definitions")),
        schema=SCHEMA,
    )
    op.create_table(
        "equity_grants",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("member_id", sa.String(length=36), nullable=False),
        sa.Column("instrument", sa.String(length=20), nullable=False),
        sa.Column("quantity", sa.Numeric(precision=18, scale=4), nullable=False),
        sa.Column("granted_on", sa.Date(), nullable=False),
        sa.Column("cliff_months", sa.Integer(), nullable=False),
        sa.Column("tranches", sa.JSON(), nullable=False),
        sa.Column("conditions", sa.JSON(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=True),
        sa.Column("strike_price", sa.Numeric(precision=18, scale=2), nullable=True),
        sa.Column("fair_value", sa.Numeric(precision=18, scale=2), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_by", sa.String(length=100), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column("approved_by", sa.String(length=100), nullable=True),
        sa.Column("approved_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_equity_grants")),
        schema=SCHEMA,
    )
    op.create_index(
        op.f("ix_equity_grants_member_id"),
        "equity_grants",
        ["member_id"],
        unique=False,
        schema=SCHEMA,
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_equity_grants_member_id"), "equity_grants", schema=SCHEMA)
    op.drop_table("equity_grants", schema=SCHEMA)
    op.drop_table("kpi_definitions", schema=SCHEMA)
    op.drop_table("month_settlements", schema=SCHEMA)
    for column in ("history", "members", "reason", "revision"):
        op.drop_column("star_awards", column, schema=SCHEMA)
