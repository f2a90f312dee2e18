"""Create the watched sources, the items read from them and the events each item gave.

Revision ID: 0010
Revises: 0009
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "sources",
        sa.Column("id", sa.Integer, nullable=False),
        sa.Column("name", sa.String(64), nullable=False),
        sa.Column("kind", sa.String(8), nullable=False),
        sa.Column("url", sa.String(2000), nullable=False),
        sa.Column("selector", sa.String(500)),
        sa.Column("language", sa.String(8), nullable=False),
        sa.Column("trust", sa.String(8), nullable=False),
        sa.Column("policy", sa.String(8), nullable=False),
        sa.Column("enabled", sa.Boolean, nullable=False),
        sa.Column("etag", sa.String(500)),
        sa.Column("last_modified", sa.String(100)),
        sa.Column("robots_txt", sa.Text),
        sa.Column("robots_dt", sa.DateTime(timezone=True)),
        sa.Column("last_fetch_dt", sa.DateTime(timezone=True)),
        sa.Column("last_success_dt", sa.DateTime(timezone=True)),
        sa.Column("failures", sa.Integer, nullable=False),
        sa.Column("last_error", sa.Text),
        sa.Column("retry_dt", sa.DateTime(timezone=True)),
        sa.Column("created_dt", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_sources"),
        sa.UniqueConstraint("name", name="uq_sources_name"),
    )
    op.create_table(
        "source_items",
        sa.Column("id", sa.Integer, nullable=False),
        sa.Column("source_id", sa.Integer),
        sa.Column("source_name", sa.String(64), nullable=False),
        sa.Column("guid", sa.String(2000), nullable=False),
        sa.Column("url", sa.String(2000)),
        sa.Column("title", sa.String(500)),
        sa.Column("published_date", sa.Date),
        sa.Column("content_hash", sa.String(64)),
        sa.Column("outcome", sa.String(16), nullable=False),
        sa.Column("note", sa.Text),
        sa.Column("repeat_of", sa.Integer),
        sa.Column("fetched_dt", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_source_items"),
        sa.ForeignKeyConstraint(["source_id"], ["sources.id"], name="fk_source_items_source_id_sources",
                                ondelete="SET NULL"),
    )
    op.create_index("ix_source_items_source_guid", "source_items", ["source_id", "guid"], unique=True)
    op.create_index("ix_source_items_content_hash", "source_items", ["content_hash"])
    op.create_table(
        "source_item_events",
        sa.Column("item_id", sa.Integer, nullable=False),
        sa.Column("event_key", sa.String(255), nullable=False),
        sa.Column("action", sa.String(16), nullable=False),
        sa.PrimaryKeyConstraint("item_id", "event_key", name="pk_source_item_events"),
        sa.ForeignKeyConstraint(["item_id"], ["source_items.id"], name="fk_source_item_events_item_id_source_items",
                                ondelete="CASCADE"),
    )
    op.create_index("ix_source_item_events_event_key", "source_item_events", ["event_key"])


def downgrade() -> None:
    op.drop_index("ix_source_item_events_event_key", "source_item_events")
    op.drop_table("source_item_events")
    op.drop_index("ix_source_items_content_hash", "source_items")
    op.drop_index("ix_source_items_source_guid", "source_items")
    op.drop_table("source_items")
    op.drop_table("sources")
