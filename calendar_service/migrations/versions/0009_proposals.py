"""Create the proposals table: values read by machine that differ from what people made, and new events.

Revision ID: 0009
Revises: 0008
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "proposals",
        sa.Column("id", sa.Integer, nullable=False),
        sa.Column("event_key", sa.String(255), nullable=False),
        sa.Column("event_uid", sa.String(255)),
        sa.Column("field", sa.String(32)),
        sa.Column("current", sa.Text, nullable=False),
        sa.Column("proposed", sa.Text, nullable=False),
        sa.Column("current_origin", sa.String(80)),
        sa.Column("evidence", sa.Text),
        sa.Column("source", sa.String(2000)),
        sa.Column("origin", sa.String(16), nullable=False),
        sa.Column("confidence", sa.Float),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("created_dt", sa.DateTime(timezone=True), nullable=False),
        sa.Column("decided_dt", sa.DateTime(timezone=True)),
        sa.Column("decided_by", sa.String(80)),
        sa.PrimaryKeyConstraint("id", name="pk_proposals"),
    )
    op.create_index("ix_proposals_state", "proposals", ["state", "id"])
    op.create_index("ix_proposals_event_key", "proposals", ["event_key"])


def downgrade() -> None:
    op.drop_index("ix_proposals_event_key", "proposals")
    op.drop_index("ix_proposals_state", "proposals")
    op.drop_table("proposals")
