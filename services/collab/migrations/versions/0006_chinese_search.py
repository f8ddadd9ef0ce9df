"""Chinese search that scales: knowledge articles get ``search_tokens``, a tsvector of CJK
unigrams and bigrams and words (``collab/service/search_tokens.py``, which this migration
imports so the backfill writes exactly what the service writes), with a GIN index, and
``search_title``, the normalised title an exact match ranks first by. The trigram index and
the ``search_text`` column it indexed go: trigrams could not serve two-character Chinese words.

Unicode categories need nothing here: the columns hold any script already, and the categories
stored so far were lower-case ASCII, which normalisation leaves as they are.

Revision ID: 0006
Revises: 0005
"""

import re
import unicodedata
from collections.abc import Callable
from typing import Any

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from collab.service import search_tokens

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

BATCH = 500
ARTICLES = sa.table(
    "knowledge_articles",
    sa.column("id", sa.String()),
    sa.column("title", sa.String()),
    sa.column("body", sa.Text()),
    schema="collab",
)


def _backfill(statement: str, values: Callable[[sa.Row[Any]], dict[str, Any]]) -> None:
    """Run ``statement`` for every article, a batch at a time, with ``values`` of its row."""
    bind = op.get_bind()
    after = ""
    while True:
        rows = bind.execute(
            sa.select(ARTICLES.c.id, ARTICLES.c.title, ARTICLES.c.body)
            .where(ARTICLES.c.id > after)
            .order_by(ARTICLES.c.id)
            .limit(BATCH)
        ).all()
        if not rows:
            return
        bind.execute(sa.text(statement), [values(row) for row in rows])
        after = rows[-1].id


def upgrade() -> None:
    op.add_column(
        "knowledge_articles", sa.Column("search_title", sa.Text(), nullable=True), schema="collab"
    )
    op.add_column(
        "knowledge_articles",
        sa.Column("search_tokens", postgresql.TSVECTOR(), nullable=True),
        schema="collab",
    )
    _backfill(
        "UPDATE collab.knowledge_articles SET search_title = :title, "
        "search_tokens = CAST(:tokens AS tsvector) WHERE id = :id",
        lambda row: {
            "id": row.id,
            "title": search_tokens.normalise(row.title),
            "tokens": search_tokens.vector(row.title, row.body),
        },
    )
    op.alter_column("knowledge_articles", "search_title", nullable=False, schema="collab")
    op.alter_column("knowledge_articles", "search_tokens", nullable=False, schema="collab")
    op.create_index(
        "ix_knowledge_articles_search_tokens",
        "knowledge_articles",
        ["search_tokens"],
        unique=False,
        schema="collab",
        postgresql_using="gin",
    )
    op.drop_index(
        "ix_knowledge_articles_search_text", table_name="knowledge_articles", schema="collab"
    )
    op.drop_column("knowledge_articles", "search_text", schema="collab")


def _old_search_text(title: str, body: str) -> str:
    # What revision 0005's service wrote: NFKC, case folded, whitespace collapsed.
    folded = unicodedata.normalize("NFKC", f"{title}\n{body}").casefold()
    return re.sub(r"\s+", " ", folded).strip()


def downgrade() -> None:
    op.add_column(
        "knowledge_articles", sa.Column("search_text", sa.Text(), nullable=True), schema="collab"
    )
    _backfill(
        "UPDATE collab.knowledge_articles SET search_text = :text WHERE id = :id",
        lambda row: {"id": row.id, "text": _old_search_text(row.title, row.body)},
    )
    op.alter_column("knowledge_articles", "search_text", nullable=False, schema="collab")
    op.create_index(
        "ix_knowledge_articles_search_text",
        "knowledge_articles",
        ["search_text"],
        unique=False,
        schema="collab",
        postgresql_using="gin",
        postgresql_ops={"search_text": "gin_trgm_ops"},
    )
    op.drop_index(
        "ix_knowledge_articles_search_tokens", table_name="knowledge_articles", schema="collab"
    )
    op.drop_column("knowledge_articles", "search_tokens", schema="collab")
    op.drop_column("knowledge_articles", "search_title", schema="collab")
