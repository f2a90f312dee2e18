"""Drop the calendar_blocks table: calendars are rendered from the events, straight to their files.

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
    op.drop_table("calendar_blocks")


def downgrade() -> None:
    op.create_table(
        "calendar_blocks",
        sa.Column("variant", sa.String(64), nullable=False),
        sa.Column("uid", sa.String(320), nullable=False),
        sa.Column("sequence", sa.Integer, nullable=False),
        sa.Column("block", sa.LargeBinary, nullable=False),
        sa.PrimaryKeyConstraint("variant", "uid", "sequence", name="pk_calendar_blocks"),
    )
