"""360 reviewers by nomination, and the peer answers a reviewee needs before seeing peers.

Revision ID: 0005
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Existing cycles take the settings' default; new ones always say theirs.
    op.add_column(
        "review_cycles",
        sa.Column("min_peer_answers", sa.Integer(), nullable=False, server_default="3"),
        schema="performance",
    )
    op.alter_column("review_cycles", "min_peer_answers", server_default=None, schema="performance")
    op.create_table(
        "nominations",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("review_id", sa.String(length=36), nullable=False),
        sa.Column("member_id", sa.String(length=36), nullable=False),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("nominated_by", sa.String(length=100), nullable=False),
        sa.Column("decided_by", sa.String(length=100), nullable=True),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["review_id"],
            ["performance.reviews.id"],
            name=op.f("fk_nominations_review_id_reviews"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_nominations")),
        sa.UniqueConstraint("review_id", "member_id", name=op.f("uq_nominations_review_id")),
        schema="performance",
    )
    op.create_index(
        op.f("ix_nominations_review_id"),
        "nominations",
        ["review_id"],
        unique=False,
        schema="performance",
    )
    # Peer ratings given before nominations existed: each author stands as an answered
    # nomination, recorded as made by this migration, so the rule holds for old reviews too.
    op.execute(
        """
        INSERT INTO performance.nominations
            (id, review_id, member_id, state, nominated_by, decided_by, created_at,
             decided_at, answered_at)
        SELECT DISTINCT ON (review_id, author_id)
            gen_random_uuid()::text, review_id, author_id, 'answered', 'migration-0005',
            'migration-0005', created_at, created_at, created_at
        FROM performance.feedback
        WHERE source = 'peer' AND author_id IS NOT NULL
        ORDER BY review_id, author_id, created_at
        """
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_nominations_review_id"), table_name="nominations", schema="performance")
    op.drop_table("nominations", schema="performance")
    op.drop_column("review_cycles", "min_peer_answers", schema="performance")
