"""Record where each event and each of its values came from (dataset, ics, import, editor).

Revision ID: 0005
Revises: 0004

Rows stored before have no origin; the writer treats them as made by people, so an import never
overwrites them (it reports where it reads something else).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("events") as batch:
        batch.add_column(sa.Column("origin", sa.String(16)))
        batch.add_column(sa.Column("field_origins", sa.Text))


def downgrade() -> None:
    with op.batch_alter_table("events") as batch:
        batch.drop_column("field_origins")
        batch.drop_column("origin")
