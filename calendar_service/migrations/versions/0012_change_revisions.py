"""Stamp each event change with the store revision that committed it, so a build reads what changed;
index the events' places, so a build lists the countries without reading every event.

Revision ID: 0012
Revises: 0011
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("event_changes") as batch:
        batch.add_column(sa.Column("revision", sa.Integer, nullable=True))
    # Changes made before are older than any build that could splice: none is read again.
    op.execute("UPDATE event_changes SET revision = 0")
    op.create_index("ix_event_changes_revision", "event_changes", ["revision"])
    op.create_index("ix_events_country_countries", "events", ["country", "countries"])


def downgrade() -> None:
    op.drop_index("ix_events_country_countries", "events")
    op.drop_index("ix_event_changes_revision", "event_changes")
    with op.batch_alter_table("event_changes") as batch:
        batch.drop_column("revision")
