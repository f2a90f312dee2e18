"""Keep the history of every event change, and a row version for optimistic concurrency (ETags).

Revision ID: 0008
Revises: 0007
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "event_changes",
        sa.Column("id", sa.Integer, nullable=False),
        sa.Column("event_uid", sa.String(255), nullable=False),
        sa.Column("changed_dt", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(80), nullable=False),
        sa.Column("action", sa.String(16), nullable=False),
        sa.Column("changes", sa.Text, nullable=False),
        sa.Column("sequence", sa.Integer, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_event_changes"),
    )
    op.create_index("ix_event_changes_event_uid", "event_changes", ["event_uid", "id"])
    with op.batch_alter_table("events") as batch:
        batch.add_column(sa.Column("version", sa.Integer, nullable=False, server_default="1"))


def downgrade() -> None:
    with op.batch_alter_table("events") as batch:
        batch.drop_column("version")
    op.drop_index("ix_event_changes_event_uid", "event_changes")
    op.drop_table("event_changes")
