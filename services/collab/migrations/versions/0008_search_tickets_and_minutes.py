"""Chinese search over tickets and meetings' minutes: ``search_tokens`` (a tsvector of CJK
unigrams and bigrams and words, title weight A) and ``search_title`` (the title normalised,
an exact match ranks first) on tickets (title, description) and meetings (title, goal,
minutes), each with a GIN index. The backfill imports ``collab/service/search_tokens.py``,
as 0006 does for articles, so it writes exactly what the service writes.

Revision ID: 0008
Revises: 0007
"""

from collections.abc import Callable, Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from collab.service import search_tokens

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

BATCH = 500
TICKETS = sa.table(
    "tickets",
    sa.column("id", sa.String()),
    sa.column("title", sa.String()),
    sa.column("description", sa.Text()),
    schema="collab",
)
MEETINGS = sa.table(
    "meetings",
    sa.column("id", sa.String()),
    sa.column("title", sa.String()),
    sa.column("goal", sa.Text()),
    sa.column("minutes", sa.Text()),
    schema="collab",
)


def _ticket_columns(row: sa.Row[Any]) -> tuple[str, str]:
    return search_tokens.normalise(row.title), search_tokens.vector(row.title, row.description)


def _meeting_columns(row: sa.Row[Any]) -> tuple[str, str]:
    body = search_tokens.meeting_body(row.goal, row.minutes)
    return search_tokens.normalise(row.title), search_tokens.vector(row.title, body)


def _backfill(
    table: sa.TableClause,
    read: Sequence[str],
    columns: Callable[[sa.Row[Any]], tuple[str, str]],
) -> None:
    """Write ``search_title`` and ``search_tokens`` of every row of ``table``, a batch at a
    time, from the columns ``read``."""
    bind = op.get_bind()
    statement = sa.text(
        f"UPDATE collab.{table.name} SET search_title = :title, "
        "search_tokens = CAST(:tokens AS tsvector) WHERE id = :id"
    )
    after = ""
    while True:
        rows = bind.execute(
            sa.select(table.c.id, *(table.c[name] for name in read))
            .where(table.c.id > after)
            .order_by(table.c.id)
            .limit(BATCH)
        ).all()
        if not rows:
            return
        values = []
        for row in rows:
            title, tokens = columns(row)
            values.append({"id": row.id, "title": title, "tokens": tokens})
        bind.execute(statement, values)
        after = rows[-1].id


def upgrade() -> None:
    for table in ("tickets", "meetings"):
        op.add_column(table, sa.Column("search_title", sa.Text(), nullable=True), schema="collab")
        op.add_column(
            table,
            sa.Column("search_tokens", postgresql.TSVECTOR(), nullable=True),
            schema="collab",
        )
    _backfill(TICKETS, ("title", "description"), _ticket_columns)
    _backfill(MEETINGS, ("title", "goal", "minutes"), _meeting_columns)
    for table in ("tickets", "meetings"):
        op.alter_column(table, "search_title", nullable=False, schema="collab")
        op.alter_column(table, "search_tokens", nullable=False, schema="collab")
        op.create_index(
            f"ix_{table}_search_tokens",
            table,
            ["search_tokens"],
            unique=False,
            schema="collab",
            postgresql_using="gin",
        )


def downgrade() -> None:
    for table in ("meetings", "tickets"):
        op.drop_index(f"ix_{table}_search_tokens", table_name=table, schema="collab")
        op.drop_column(table, "search_tokens", schema="collab")
        op.drop_column(table, "search_title", schema="collab")
