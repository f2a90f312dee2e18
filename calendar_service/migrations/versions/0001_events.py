"""Create the events table and the store's revision counter.

Revision ID: 0001
Revises:
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "events",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("uid", sa.String(255), nullable=False),
        sa.Column("key", sa.String(255), nullable=False),
        sa.Column("title", sa.String(500), nullable=False),
        sa.Column("title_ru", sa.String(500)),
        sa.Column("summary", sa.Text, nullable=False),
        sa.Column("summary_ru", sa.Text),
        sa.Column("start_date", sa.Date, nullable=False),
        sa.Column("end_date", sa.Date, nullable=False),
        sa.Column("precision", sa.String(8), nullable=False),
        sa.Column("start_time", sa.Time),
        sa.Column("end_time", sa.Time),
        sa.Column("timezone", sa.String(64), nullable=False),
        sa.Column("category", sa.String(16), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("city", sa.String(200)),
        sa.Column("country", sa.String(2)),
        sa.Column("countries", sa.Text, nullable=False),
        sa.Column("bodies", sa.Text, nullable=False),
        sa.Column("anniversary", sa.Boolean, nullable=False),
        sa.Column("year_inferred", sa.Boolean, nullable=False),
        sa.Column("evidence", sa.Text),
        sa.Column("source_url", sa.String(2000)),
        sa.Column("published_date", sa.Date),
        sa.Column("sequence", sa.Integer, nullable=False),
        sa.Column("created_dt", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_dt", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_events"),
        sa.UniqueConstraint("uid", name="uq_events_uid"),
        sa.UniqueConstraint("key", name="uq_events_key"),
    )
    op.create_index("ix_events_start_end", "events", ["start_date", "end_date"])
    op.create_index("ix_events_category", "events", ["category"])
    op.create_table(
        "store_state",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("revision", sa.Integer, nullable=False),
        sa.Column("changed_dt", sa.DateTime(timezone=True)),
        sa.PrimaryKeyConstraint("id", name="pk_store_state"),
    )
    op.bulk_insert(
        sa.table("store_state", sa.column("id"), sa.column("revision")), [{"id": 1, "revision": 0}]
    )


def downgrade() -> None:
    op.drop_table("store_state")
    op.drop_index("ix_events_category", "events")
    op.drop_index("ix_events_start_end", "events")
    op.drop_table("events")
