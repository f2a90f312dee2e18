"""Create the job_runs table: each scheduled job's last run and the anniversary watermark.

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "job_runs",
        sa.Column("job", sa.String(64), nullable=False),
        sa.Column("run_count", sa.Integer, nullable=False),
        sa.Column("last_started_dt", sa.DateTime(timezone=True)),
        sa.Column("last_finished_dt", sa.DateTime(timezone=True)),
        sa.Column("last_result", sa.String(16)),
        sa.Column("last_summary", sa.Text),
        sa.Column("last_error", sa.Text),
        sa.Column("last_duration_ms", sa.Integer),
        sa.Column("last_holder", sa.String(255)),
        sa.Column("next_run_dt", sa.DateTime(timezone=True)),
        sa.Column("watermark_date", sa.Date),
        sa.PrimaryKeyConstraint("job", name="pk_job_runs"),
    )


def downgrade() -> None:
    op.drop_table("job_runs")
