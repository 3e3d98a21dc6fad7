"""The change log: every edit, merge, un-merge, re-open and delete of a contact, kept.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-02

``contact_id`` is not a foreign key: the log outlives a contact that was merged away or
deleted (a review of a merged contact finds the contact it joined through it).
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "changes",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("contact_id", sa.Integer(), nullable=False, index=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("action", sa.String(20), nullable=False),
        sa.Column("detail", sa.JSON()),
    )


def downgrade() -> None:
    op.drop_table("changes")
