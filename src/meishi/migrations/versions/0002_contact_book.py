"""Contact book: match keys, notes, English side, merge candidates, per-card fields, history.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-21

Existing contacts each came from one card, so that card's fields are the contact's fields,
and the match keys are computed from them.
"""

import sqlalchemy as sa
from alembic import op

from meishi import merge
from meishi.models import parse_batch

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

_FIELDS = (
    "name",
    "name_kana",
    "name_roman",
    "company",
    "department",
    "title",
    "postal_code",
    "address",
    "tel",
    "fax",
    "mobile",
    "email",
    "url",
)


def upgrade() -> None:
    with op.batch_alter_table("contacts") as batch:
        batch.add_column(sa.Column("name_key", sa.String(200)))
        batch.add_column(sa.Column("roman_key", sa.String(200)))
        batch.add_column(sa.Column("email_key", sa.String(320)))
        batch.add_column(sa.Column("notes", sa.Text()))
        batch.add_column(sa.Column("english", sa.JSON()))
        batch.add_column(sa.Column("candidates", sa.JSON()))
        batch.create_index("ix_contacts_name_key", ["name_key"])
        batch.create_index("ix_contacts_roman_key", ["roman_key"])
        batch.create_index("ix_contacts_email_key", ["email_key"])
    with op.batch_alter_table("cards") as batch:
        batch.add_column(sa.Column("met_on", sa.Date()))
        batch.add_column(sa.Column("side", sa.String(5)))
        batch.add_column(sa.Column("lang", sa.String(2), nullable=False, server_default="ja"))
        batch.add_column(sa.Column("fields", sa.JSON()))
        batch.add_column(sa.Column("confidence", sa.JSON()))
    op.create_table(
        "history",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "contact_id", sa.Integer(), sa.ForeignKey("contacts.id"), nullable=False, index=True
        ),
        sa.Column("field", sa.String(20), nullable=False),
        sa.Column("value", sa.String(300)),
        sa.Column("since", sa.Date(), nullable=False),
        sa.Column("card_id", sa.Integer(), sa.ForeignKey("cards.id")),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )

    conn = op.get_bind()
    contacts = sa.table(
        "contacts",
        sa.column("id", sa.Integer),
        sa.column("confidence", sa.JSON),
        *(sa.column(f, sa.String) for f in _FIELDS),
        sa.column("name_key", sa.String),
        sa.column("roman_key", sa.String),
        sa.column("email_key", sa.String),
        sa.column("english", sa.JSON),
        sa.column("candidates", sa.JSON),
        sa.column("met_at", sa.String),
    )
    cards = sa.table(
        "cards",
        sa.column("contact_id", sa.Integer),
        sa.column("fields", sa.JSON),
        sa.column("confidence", sa.JSON),
        sa.column("lang", sa.String),
        sa.column("met_on", sa.Date),
    )
    for row in conn.execute(sa.select(contacts)).mappings().all():
        values = {f: row[f] for f in _FIELDS}
        conn.execute(
            contacts.update()
            .where(contacts.c.id == row["id"])
            .values(
                name_key=merge.name_key(values["name"]),
                roman_key=merge.roman_key(values["name_roman"]),
                email_key=merge.email_key(values["email"]),
                english={},
                candidates=[],
            )
        )
        conn.execute(
            cards.update()
            .where(cards.c.contact_id == row["id"])
            .values(
                fields=values,
                confidence=row["confidence"] or {},
                lang=merge.card_lang(values),
                met_on=parse_batch(row["met_at"])[0],
            )
        )


def downgrade() -> None:
    op.drop_table("history")
    with op.batch_alter_table("cards") as batch:
        for col in ("confidence", "fields", "lang", "side", "met_on"):
            batch.drop_column(col)
    with op.batch_alter_table("contacts") as batch:
        for ix in ("ix_contacts_email_key", "ix_contacts_roman_key", "ix_contacts_name_key"):
            batch.drop_index(ix)
        for col in ("candidates", "english", "notes", "email_key", "roman_key", "name_key"):
            batch.drop_column(col)
