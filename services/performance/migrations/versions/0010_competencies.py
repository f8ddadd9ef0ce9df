"""Competencies: member copies keep their position and mentor (goals' ``MemberChanged``),
positions are copied from ``PositionChanged``, and competency assessments are recorded.

Revision ID: 0010
Revises: 0009
"""

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column(
        "members",
        sa.Column("position_id", sa.String(length=64), nullable=True),
        schema="performance",
    )
    op.add_column(
        "members",
        sa.Column("mentor_id", sa.String(length=36), nullable=True),
        schema="performance",
    )
    op.create_index(
        op.f("ix_members_position_id"),
        "members",
        ["position_id"],
        unique=False,
        schema="performance",
    )
    op.create_table(
        "positions",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("unit_id", sa.String(length=36), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("function", sa.String(length=64), nullable=False),
        sa.Column("layer", sa.String(length=20), nullable=False),
        sa.Column("core", sa.Boolean(), nullable=False),
        sa.Column("jd_version", sa.Integer(), nullable=False),
        sa.Column("required_competencies", sa.JSON(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("source_version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_positions")),
        schema="performance",
    )
    op.create_table(
        "competency_assessments",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("member_id", sa.String(length=36), nullable=False),
        sa.Column("position_id", sa.String(length=64), nullable=False),
        sa.Column("jd_version", sa.Integer(), nullable=False),
        sa.Column("competency", sa.String(length=64), nullable=False),
        sa.Column("required_level", sa.Integer(), nullable=False),
        sa.Column("level", sa.Integer(), nullable=False),
        sa.Column("passed", sa.Boolean(), nullable=False),
        sa.Column("assessed_by", sa.String(length=100), nullable=False),
        sa.Column("assessed_on", sa.Date(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_competency_assessments")),
        schema="performance",
    )
    op.create_index(
        op.f("ix_competency_assessments_member_id"),
        "competency_assessments",
        ["member_id"],
        unique=False,
        schema="performance",
    )
    op.create_index(
        op.f("ix_competency_assessments_assessed_on"),
        "competency_assessments",
        ["assessed_on"],
        unique=False,
        schema="performance",
    )


def downgrade() -> None:
    op.drop_index(
        op.f("ix_competency_assessments_assessed_on"),
        table_name="competency_assessments",
        schema="performance",
    )
    op.drop_index(
        op.f("ix_competency_assessments_member_id"),
        table_name="competency_assessments",
        schema="performance",
    )
    op.drop_table("competency_assessments", schema="performance")
    op.drop_table("positions", schema="performance")
    op.drop_index(op.f("ix_members_position_id"), table_name="members", schema="performance")
    op.drop_column("members", "mentor_id", schema="performance")
    op.drop_column("members", "position_id", schema="performance")
