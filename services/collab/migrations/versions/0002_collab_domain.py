"""The collab domain: org copies, calendars, SLA policies, tickets with their deadlines and
steps, meetings and action items, retrospectives, the knowledge base, data grants.

The knowledge base's search column gets a trigram index (pg_trgm), so substring search
stays fast for Chinese text without spaces as well as English.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22 15:54:08.449407
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    op.create_table(
        "action_items",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("source_type", sa.String(length=20), nullable=False),
        sa.Column("source_id", sa.String(length=36), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("owner_id", sa.String(length=36), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("done_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_by", sa.String(length=100), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_action_items")),
        schema="collab",
    )
    op.create_index(
        op.f("ix_action_items_owner_id"),
        "action_items",
        ["owner_id"],
        unique=False,
        schema="collab",
    )
    op.create_index(
        op.f("ix_action_items_source_id"),
        "action_items",
        ["source_id"],
        unique=False,
        schema="collab",
    )
    op.create_table(
        "calendars",
        sa.Column("unit_id", sa.String(length=36), nullable=False),
        sa.Column("timezone", sa.String(length=64), nullable=False),
        sa.Column("week", sa.JSON(), nullable=False),
        sa.Column("holidays", sa.JSON(), nullable=False),
        sa.Column("makeup_days", sa.JSON(), nullable=False),
        sa.Column("makeup_hours", sa.JSON(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("updated_by", sa.String(length=100), nullable=False),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.PrimaryKeyConstraint("unit_id", name=op.f("pk_calendars")),
        schema="collab",
    )
    op.create_table(
        "data_grants",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("grantor_unit_id", sa.String(length=36), nullable=False),
        sa.Column("grantee_unit_id", sa.String(length=36), nullable=False),
        sa.Column("data_set", sa.String(length=64), nullable=False),
        sa.Column("valid_until", sa.Date(), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("granted_by", sa.String(length=100), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_data_grants")),
        schema="collab",
    )
    op.create_index(
        op.f("ix_data_grants_grantee_unit_id"),
        "data_grants",
        ["grantee_unit_id"],
        unique=False,
        schema="collab",
    )
    op.create_index(
        op.f("ix_data_grants_grantor_unit_id"),
        "data_grants",
        ["grantor_unit_id"],
        unique=False,
        schema="collab",
    )
    op.create_table(
        "knowledge_articles",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("category", sa.String(length=64), nullable=False),
        sa.Column("retrospective_id", sa.String(length=36), nullable=True),
        sa.Column("search_text", sa.Text(), nullable=False),
        sa.Column("created_by", sa.String(length=100), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_knowledge_articles")),
        schema="collab",
    )
    op.create_index(
        op.f("ix_knowledge_articles_category"),
        "knowledge_articles",
        ["category"],
        unique=False,
        schema="collab",
    )
    op.create_index(
        "ix_knowledge_articles_search_text",
        "knowledge_articles",
        ["search_text"],
        unique=False,
        schema="collab",
        postgresql_using="gin",
        postgresql_ops={"search_text": "gin_trgm_ops"},
    )
    op.create_table(
        "meetings",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("month", sa.String(length=7), nullable=True),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("goal", sa.Text(), nullable=False),
        sa.Column("agenda", sa.JSON(), nullable=False),
        sa.Column("scheduled_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("unit_ids", sa.JSON(), nullable=False),
        sa.Column("host_id", sa.String(length=36), nullable=False),
        sa.Column("recorder_id", sa.String(length=36), nullable=False),
        sa.Column("speaker_ids", sa.JSON(), nullable=False),
        sa.Column("attendee_ids", sa.JSON(), nullable=False),
        sa.Column("materials", sa.JSON(), nullable=False),
        sa.Column("minutes", sa.Text(), nullable=True),
        sa.Column("minutes_by", sa.String(length=100), nullable=True),
        sa.Column("minutes_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_by", sa.String(length=100), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_meetings")),
        schema="collab",
    )
    op.create_index(
        "ix_meetings_monthly_month",
        "meetings",
        ["month"],
        unique=True,
        schema="collab",
        postgresql_where=sa.text("kind = 'monthly_cross_department'"),
    )
    op.create_table(
        "members",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("home_unit_id", sa.String(length=36), nullable=False),
        sa.Column("unit_path", sa.JSON(), nullable=False),
        sa.Column("manager_id", sa.String(length=36), nullable=True),
        sa.Column("source_version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_members")),
        schema="collab",
    )
    op.create_index(
        op.f("ix_members_home_unit_id"), "members", ["home_unit_id"], unique=False, schema="collab"
    )
    op.create_table(
        "org_units",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("parent_id", sa.String(length=36), nullable=True),
        sa.Column("source_version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_org_units")),
        schema="collab",
    )
    op.create_index(
        op.f("ix_org_units_parent_id"), "org_units", ["parent_id"], unique=False, schema="collab"
    )
    op.create_table(
        "retrospectives",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("project", sa.String(length=200), nullable=False),
        sa.Column("unit_id", sa.String(length=36), nullable=False),
        sa.Column("ended_on", sa.Date(), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("facilitator_id", sa.String(length=36), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("what_worked", sa.Text(), nullable=True),
        sa.Column("what_failed", sa.Text(), nullable=True),
        sa.Column("category", sa.String(length=64), nullable=True),
        sa.Column("article_id", sa.String(length=36), nullable=True),
        sa.Column("filed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("filed_by", sa.String(length=100), nullable=True),
        sa.Column("created_by", sa.String(length=100), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_retrospectives")),
        schema="collab",
    )
    op.create_index(
        op.f("ix_retrospectives_due_on"),
        "retrospectives",
        ["due_on"],
        unique=False,
        schema="collab",
    )
    op.create_index(
        op.f("ix_retrospectives_unit_id"),
        "retrospectives",
        ["unit_id"],
        unique=False,
        schema="collab",
    )
    op.create_table(
        "sla_deadlines",
        sa.Column("id", sa.BigInteger(), autoincrement=True, nullable=False),
        sa.Column("ticket_id", sa.String(length=36), nullable=False),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("fired_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sla_deadlines")),
        sa.UniqueConstraint("ticket_id", "kind", name=op.f("uq_sla_deadlines_ticket_id")),
        schema="collab",
    )
    op.create_index(
        "ix_sla_deadlines_due",
        "sla_deadlines",
        ["due_at"],
        unique=False,
        schema="collab",
        postgresql_where=sa.text("fired_at IS NULL"),
    )
    op.create_table(
        "sla_policies",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("rank", sa.Integer(), nullable=False),
        sa.Column("categories", sa.JSON(), nullable=False),
        sa.Column("priorities", sa.JSON(), nullable=False),
        sa.Column("requester_unit_ids", sa.JSON(), nullable=False),
        sa.Column("owner_unit_ids", sa.JSON(), nullable=False),
        sa.Column("first_response_hours", sa.Numeric(precision=10, scale=4), nullable=False),
        sa.Column("resolution_hours", sa.JSON(), nullable=False),
        sa.Column("at_risk_share", sa.Numeric(precision=5, scale=4), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_by", sa.String(length=100), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sla_policies")),
        schema="collab",
    )
    op.create_table(
        "ticket_attachments",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("ticket_id", sa.String(length=36), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("url", sa.String(length=1000), nullable=False),
        sa.Column("media_type", sa.String(length=100), nullable=True),
        sa.Column("added_by", sa.String(length=100), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ticket_attachments")),
        schema="collab",
    )
    op.create_index(
        op.f("ix_ticket_attachments_ticket_id"),
        "ticket_attachments",
        ["ticket_id"],
        unique=False,
        schema="collab",
    )
    op.create_table(
        "ticket_comments",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("ticket_id", sa.String(length=36), nullable=False),
        sa.Column("author_id", sa.String(length=100), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ticket_comments")),
        schema="collab",
    )
    op.create_index(
        op.f("ix_ticket_comments_ticket_id"),
        "ticket_comments",
        ["ticket_id"],
        unique=False,
        schema="collab",
    )
    op.create_table(
        "ticket_steps",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("ticket_id", sa.String(length=36), nullable=False),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("actor_id", sa.String(length=100), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("detail", sa.JSON(), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ticket_steps")),
        schema="collab",
    )
    op.create_index(
        op.f("ix_ticket_steps_ticket_id"),
        "ticket_steps",
        ["ticket_id"],
        unique=False,
        schema="collab",
    )
    op.create_table(
        "tickets",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("category", sa.String(length=64), nullable=False),
        sa.Column("priority", sa.String(length=10), nullable=False),
        sa.Column("status", sa.String(length=30), nullable=False),
        sa.Column("requester_unit_id", sa.String(length=36), nullable=False),
        sa.Column("requester_id", sa.String(length=36), nullable=False),
        sa.Column("owner_unit_id", sa.String(length=36), nullable=False),
        sa.Column("assignee_id", sa.String(length=36), nullable=True),
        sa.Column("policy_id", sa.String(length=36), nullable=True),
        sa.Column("response_target_hours", sa.Numeric(precision=10, scale=4), nullable=False),
        sa.Column("resolution_target_hours", sa.Numeric(precision=10, scale=4), nullable=False),
        sa.Column("at_risk_share", sa.Numeric(precision=5, scale=4), nullable=False),
        sa.Column("business_seconds_used", sa.BigInteger(), nullable=False),
        sa.Column("clock_since", sa.DateTime(timezone=True), nullable=True),
        sa.Column("opened_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("response_due_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("resolution_due_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("first_response_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("response_business_hours", sa.Numeric(precision=10, scale=4), nullable=True),
        sa.Column("resolved_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("resolution_business_hours", sa.Numeric(precision=10, scale=4), nullable=True),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("response_breached", sa.Boolean(), nullable=False),
        sa.Column("resolution_breached", sa.Boolean(), nullable=False),
        sa.Column("root_cause", sa.String(length=40), nullable=True),
        sa.Column("escalated", sa.Boolean(), nullable=False),
        sa.Column("mediator_id", sa.String(length=36), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("idempotency_key", sa.String(length=200), nullable=True),
        sa.Column("request_hash", sa.String(length=64), nullable=True),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tickets")),
        schema="collab",
    )
    op.create_index(
        op.f("ix_tickets_assignee_id"), "tickets", ["assignee_id"], unique=False, schema="collab"
    )
    op.create_index(
        op.f("ix_tickets_category"), "tickets", ["category"], unique=False, schema="collab"
    )
    op.create_index(
        op.f("ix_tickets_mediator_id"), "tickets", ["mediator_id"], unique=False, schema="collab"
    )
    op.create_index(
        op.f("ix_tickets_owner_unit_id"),
        "tickets",
        ["owner_unit_id"],
        unique=False,
        schema="collab",
    )
    op.create_index(
        op.f("ix_tickets_requester_unit_id"),
        "tickets",
        ["requester_unit_id"],
        unique=False,
        schema="collab",
    )
    op.create_index(op.f("ix_tickets_status"), "tickets", ["status"], unique=False, schema="collab")
    op.create_index(
        "ix_tickets_requester_idempotency_key",
        "tickets",
        ["requester_id", "idempotency_key"],
        unique=True,
        schema="collab",
        postgresql_where=sa.text("idempotency_key IS NOT NULL"),
    )


def downgrade() -> None:
    op.drop_index("ix_tickets_requester_idempotency_key", table_name="tickets", schema="collab")
    op.drop_index(op.f("ix_tickets_status"), table_name="tickets", schema="collab")
    op.drop_index(op.f("ix_tickets_requester_unit_id"), table_name="tickets", schema="collab")
    op.drop_index(op.f("ix_tickets_owner_unit_id"), table_name="tickets", schema="collab")
    op.drop_index(op.f("ix_tickets_mediator_id"), table_name="tickets", schema="collab")
    op.drop_index(op.f("ix_tickets_category"), table_name="tickets", schema="collab")
    op.drop_index(op.f("ix_tickets_assignee_id"), table_name="tickets", schema="collab")
    op.drop_table("tickets", schema="collab")
    op.drop_index(op.f("ix_ticket_steps_ticket_id"), table_name="ticket_steps", schema="collab")
    op.drop_table("ticket_steps", schema="collab")
    op.drop_index(
        op.f("ix_ticket_comments_ticket_id"), table_name="ticket_comments", schema="collab"
    )
    op.drop_table("ticket_comments", schema="collab")
    op.drop_index(
        op.f("ix_ticket_attachments_ticket_id"), table_name="ticket_attachments", schema="collab"
    )
    op.drop_table("ticket_attachments", schema="collab")
    op.drop_table("sla_policies", schema="collab")
    op.drop_index(
        "ix_sla_deadlines_due",
        table_name="sla_deadlines",
        schema="collab",
        postgresql_where=sa.text("fired_at IS NULL"),
    )
    op.drop_table("sla_deadlines", schema="collab")
    op.drop_index(op.f("ix_retrospectives_unit_id"), table_name="retrospectives", schema="collab")
    op.drop_index(op.f("ix_retrospectives_due_on"), table_name="retrospectives", schema="collab")
    op.drop_table("retrospectives", schema="collab")
    op.drop_index(op.f("ix_org_units_parent_id"), table_name="org_units", schema="collab")
    op.drop_table("org_units", schema="collab")
    op.drop_index(op.f("ix_members_home_unit_id"), table_name="members", schema="collab")
    op.drop_table("members", schema="collab")
    op.drop_index(
        "ix_meetings_monthly_month",
        table_name="meetings",
        schema="collab",
        postgresql_where=sa.text("kind = 'monthly_cross_department'"),
    )
    op.drop_table("meetings", schema="collab")
    op.drop_index(
        "ix_knowledge_articles_search_text",
        table_name="knowledge_articles",
        schema="collab",
        postgresql_using="gin",
        postgresql_ops={"search_text": "gin_trgm_ops"},
    )
    op.drop_index(
        op.f("ix_knowledge_articles_category"), table_name="knowledge_articles", schema="collab"
    )
    op.drop_table("knowledge_articles", schema="collab")
    op.drop_index(op.f("ix_data_grants_grantor_unit_id"), table_name="data_grants", schema="collab")
    op.drop_index(op.f("ix_data_grants_grantee_unit_id"), table_name="data_grants", schema="collab")
    op.drop_table("data_grants", schema="collab")
    op.drop_table("calendars", schema="collab")
    op.drop_index(op.f("ix_action_items_source_id"), table_name="action_items", schema="collab")
    op.drop_index(op.f("ix_action_items_owner_id"), table_name="action_items", schema="collab")
    op.drop_table("action_items", schema="collab")
