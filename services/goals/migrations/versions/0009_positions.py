"""Positions with versioned job descriptions and their periodic reviews; a member holds a
position and may record gender and birth date (personal data, for HR's composition
aggregates only).

Revision ID: 0009
Revises: 0008
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "positions",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("unit_id", sa.String(length=36), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("function", sa.String(length=40), nullable=False),
        sa.Column("layer", sa.String(length=20), nullable=False),
        sa.Column("core", sa.Boolean(), nullable=False),
        sa.Column("job_description", sa.JSON(), nullable=False),
        sa.Column("required_competencies", sa.JSON(), nullable=False),
        sa.Column("jd_version", sa.Integer(), nullable=False),
        sa.Column("review_every_months", sa.Integer(), nullable=False),
        sa.Column("review_due_on", sa.Date(), nullable=False),
        sa.Column("reviewed_on", sa.Date(), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["unit_id"],
            ["goals.org_units.id"],
            name=op.f("fk_positions_unit_id_org_units"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_positions")),
        schema="goals",
    )
    op.create_index(
        op.f("ix_positions_unit_id"), "positions", ["unit_id"], unique=False, schema="goals"
    )
    op.create_index(
        op.f("ix_positions_review_due_on"),
        "positions",
        ["review_due_on"],
        unique=False,
        schema="goals",
    )
    op.create_table(
        "position_versions",
        sa.Column("position_id", sa.String(length=36), nullable=False),
        sa.Column("jd_version", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("job_description", sa.JSON(), nullable=False),
        sa.Column("required_competencies", sa.JSON(), nullable=False),
        sa.Column("changed_by", sa.String(length=100), nullable=False),
        sa.Column(
            "changed_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["position_id"],
            ["goals.positions.id"],
            name=op.f("fk_position_versions_position_id_positions"),
        ),
        sa.PrimaryKeyConstraint("position_id", "jd_version", name=op.f("pk_position_versions")),
        schema="goals",
    )
    op.create_table(
        "position_reviews",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("position_id", sa.String(length=36), nullable=False),
        sa.Column("reviewed_on", sa.Date(), nullable=False),
        sa.Column("reviewed_by", sa.String(length=100), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("jd_version", sa.Integer(), nullable=False),
        sa.Column("next_due_on", sa.Date(), nullable=False),
        sa.Column(
            "recorded_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["position_id"],
            ["goals.positions.id"],
            name=op.f("fk_position_reviews_position_id_positions"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_position_reviews")),
        schema="goals",
    )
    op.create_index(
        op.f("ix_position_reviews_position_id"),
        "position_reviews",
        ["position_id"],
        unique=False,
        schema="goals",
    )
    op.add_column(
        "members", sa.Column("position_id", sa.String(length=36), nullable=True), schema="goals"
    )
    op.add_column(
        "members", sa.Column("gender", sa.String(length=10), nullable=True), schema="goals"
    )
    op.add_column("members", sa.Column("birth_date", sa.Date(), nullable=True), schema="goals")
    op.create_foreign_key(
        op.f("fk_members_position_id_positions"),
        "members",
        "positions",
        ["position_id"],
        ["id"],
        source_schema="goals",
        referent_schema="goals",
    )
    op.create_index(
        op.f("ix_members_position_id"), "members", ["position_id"], unique=False, schema="goals"
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_members_position_id"), table_name="members", schema="goals")
    op.drop_constraint(
        op.f("fk_members_position_id_positions"), "members", schema="goals", type_="foreignkey"
    )
    op.drop_column("members", "birth_date", schema="goals")
    op.drop_column("members", "gender", schema="goals")
    op.drop_column("members", "position_id", schema="goals")
    op.drop_index(
        op.f("ix_position_reviews_position_id"), table_name="position_reviews", schema="goals"
    )
    op.drop_table("position_reviews", schema="goals")
    op.drop_table("position_versions", schema="goals")
    op.drop_index(op.f("ix_positions_review_due_on"), table_name="positions", schema="goals")
    op.drop_index(op.f("ix_positions_unit_id"), table_name="positions", schema="goals")
    op.drop_table("positions", schema="goals")
