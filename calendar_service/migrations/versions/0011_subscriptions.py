"""Create subscriptions (email addresses, webhook URLs), their outbox of deliveries, and confirmation sends.

Revision ID: 0011
Revises: 0010
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "subscriptions",
        sa.Column("id", sa.Integer, nullable=False),
        sa.Column("token", sa.String(64), nullable=False),
        sa.Column("channel", sa.String(16), nullable=False),
        sa.Column("address", sa.String(2048), nullable=False),
        sa.Column("address_key", sa.String(2048), nullable=False),
        sa.Column("language", sa.String(8), nullable=False),
        sa.Column("kinds", sa.Text, nullable=False),
        sa.Column("categories", sa.Text, nullable=False),
        sa.Column("countries", sa.Text, nullable=False),
        sa.Column("bodies", sa.Text, nullable=False),
        sa.Column("secret", sa.String(128)),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("confirm_code", sa.String(64)),
        sa.Column("created_dt", sa.DateTime(timezone=True), nullable=False),
        sa.Column("confirmed_dt", sa.DateTime(timezone=True)),
        sa.Column("failing_dt", sa.DateTime(timezone=True)),
        sa.Column("last_error", sa.Text),
        sa.PrimaryKeyConstraint("id", name="pk_subscriptions"),
        sa.UniqueConstraint("token", name="uq_subscriptions_token"),
        sa.UniqueConstraint("confirm_code", name="uq_subscriptions_confirm_code"),
    )
    op.create_index("ix_subscriptions_address_key", "subscriptions", ["address_key"])
    op.create_table(
        "deliveries",
        sa.Column("id", sa.Integer, nullable=False),
        sa.Column("subscription_id", sa.Integer, nullable=False),
        sa.Column("notice_id", sa.Integer),
        sa.Column("purpose", sa.String(16), nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("attempts", sa.Integer, nullable=False),
        sa.Column("next_attempt_dt", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_dt", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sent_dt", sa.DateTime(timezone=True)),
        sa.Column("last_error", sa.Text),
        sa.PrimaryKeyConstraint("id", name="pk_deliveries"),
        sa.ForeignKeyConstraint(["subscription_id"], ["subscriptions.id"], ondelete="CASCADE",
                                name="fk_deliveries_subscription_id_subscriptions"),
        sa.ForeignKeyConstraint(["notice_id"], ["notices.id"], ondelete="CASCADE",
                                name="fk_deliveries_notice_id_notices"),
        sa.UniqueConstraint("subscription_id", "notice_id", name="uq_deliveries_once"),
    )
    op.create_index("ix_deliveries_due", "deliveries", ["state", "next_attempt_dt"])
    op.create_index("ix_deliveries_subscription_id", "deliveries", ["subscription_id"])
    op.create_index("ix_deliveries_notice_id", "deliveries", ["notice_id"])
    op.create_table(
        "confirmation_sends",
        sa.Column("id", sa.Integer, nullable=False),
        sa.Column("address_digest", sa.String(64), nullable=False),
        sa.Column("sent_dt", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_confirmation_sends"),
    )
    op.create_index("ix_confirmation_sends_address_digest", "confirmation_sends", ["address_digest"])


def downgrade() -> None:
    op.drop_index("ix_confirmation_sends_address_digest", "confirmation_sends")
    op.drop_table("confirmation_sends")
    op.drop_index("ix_deliveries_notice_id", "deliveries")
    op.drop_index("ix_deliveries_subscription_id", "deliveries")
    op.drop_index("ix_deliveries_due", "deliveries")
    op.drop_table("deliveries")
    op.drop_index("ix_subscriptions_address_key", "subscriptions")
    op.drop_table("subscriptions")
