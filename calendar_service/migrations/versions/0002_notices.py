"""Create the notices table.

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "notices",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("event_id", sa.Integer, nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("occurrence_year", sa.Integer, nullable=False),
        sa.Column("lead_days", sa.Integer, nullable=False),
        sa.Column("event_sequence", sa.Integer, nullable=False),
        sa.Column("title", sa.String(1000), nullable=False),
        sa.Column("title_ru", sa.String(1000)),
        sa.Column("summary", sa.Text, nullable=False),
        sa.Column("summary_ru", sa.Text),
        sa.Column("details", sa.Text, nullable=False),
        sa.Column("issued_dt", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_dt", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_notices"),
        sa.ForeignKeyConstraint(["event_id"], ["events.id"], name="fk_notices_event_id_events", ondelete="CASCADE"),
        sa.UniqueConstraint("event_id", "kind", "occurrence_year", "lead_days", "event_sequence",
                            name="uq_notices_once"),
    )
    op.create_index("ix_notices_event_id", "notices", ["event_id"])
    op.create_index("ix_notices_issued", "notices", ["issued_dt", "id"])


def downgrade() -> None:
    op.drop_index("ix_notices_issued", "notices")
    op.drop_index("ix_notices_event_id", "notices")
    op.drop_table("notices")
