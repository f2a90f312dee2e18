"""Create the calendar_blocks table: rendered VEVENT blocks by variant, uid and sequence.

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "calendar_blocks",
        sa.Column("variant", sa.String(64), nullable=False),
        sa.Column("uid", sa.String(320), nullable=False),
        sa.Column("sequence", sa.Integer, nullable=False),
        sa.Column("block", sa.LargeBinary, nullable=False),
        sa.PrimaryKeyConstraint("variant", "uid", "sequence", name="pk_calendar_blocks"),
    )


def downgrade() -> None:
    op.drop_table("calendar_blocks")
