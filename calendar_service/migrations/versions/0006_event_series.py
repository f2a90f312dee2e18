"""Keep recurring series as series: the rule, extra and excluded dates, and overridden occurrences.

Revision ID: 0006
Revises: 0005
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("events") as batch:
        batch.add_column(sa.Column("rrule", sa.String(1000)))
        batch.add_column(sa.Column("rdates", sa.Text, nullable=False, server_default="[]"))
        batch.add_column(sa.Column("exdates", sa.Text, nullable=False, server_default="[]"))
        batch.add_column(sa.Column("series_end_date", sa.Date))
        batch.add_column(sa.Column("series_uid", sa.String(255)))
        batch.add_column(sa.Column("recurrence_id", sa.String(32)))
        batch.create_index("ix_events_series_uid", ["series_uid"])


def downgrade() -> None:
    with op.batch_alter_table("events") as batch:
        batch.drop_index("ix_events_series_uid")
        for name in ("recurrence_id", "series_uid", "series_end_date", "exdates", "rdates", "rrule"):
            batch.drop_column(name)
