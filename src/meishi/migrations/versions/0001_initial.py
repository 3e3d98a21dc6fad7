"""The schema of meishi 0.1.0 (made with create_all, before migrations existed).

Revision ID: 0001
Revises:
Create Date: 2026-11-21
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "contacts",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("name", sa.String(200)),
        sa.Column("name_kana", sa.String(200)),
        sa.Column("name_roman", sa.String(200)),
        sa.Column("company", sa.String(300)),
        sa.Column("department", sa.String(300)),
        sa.Column("title", sa.String(200)),
        sa.Column("postal_code", sa.String(16)),
        sa.Column("address", sa.String(500)),
        sa.Column("tel", sa.String(40)),
        sa.Column("fax", sa.String(40)),
        sa.Column("mobile", sa.String(40)),
        sa.Column("email", sa.String(320)),
        sa.Column("url", sa.String(500)),
        sa.Column("confidence", sa.JSON(), nullable=False),
        sa.Column("met_at", sa.String(200)),
        sa.Column("purpose", sa.Text()),
        sa.Column("met_where", sa.String(300)),
        sa.Column("met_on", sa.Date()),
        sa.Column("offer", sa.Text()),
        sa.Column("they_offer", sa.Text()),
        sa.Column("next_action", sa.Text()),
        sa.Column("follow_up", sa.Date()),
        sa.Column("reviewed_at", sa.DateTime(timezone=True)),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_contacts_status", "contacts", ["status"])
    op.create_table(
        "cards",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("contact_id", sa.Integer(), sa.ForeignKey("contacts.id"), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False, unique=True),
        sa.Column("source_name", sa.String(500), nullable=False),
        sa.Column("image_path", sa.String(1000)),
        sa.Column("ocr_text", sa.Text(), nullable=False),
        sa.Column("orientation", sa.String(20), nullable=False),
        sa.Column("rotation", sa.Integer(), nullable=False),
        sa.Column("taken_at", sa.DateTime(timezone=True)),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_cards_contact_id", "cards", ["contact_id"])


def downgrade() -> None:
    op.drop_table("cards")
    op.drop_table("contacts")
