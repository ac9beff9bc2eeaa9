"""messages by channel; phone numbers in E.164

Revision ID: 0021
Revises: 0020

The outbox carries text messages, letters and phone calls beside email (``channel``, and a
letter's ``postal_address``). Phone numbers typed before are converted to E.164 (UK when they
have no country code); one that cannot be read is kept as typed and becomes a staff task
"Check this phone number" that names the record, not the number.
"""
from alembic import op
import sqlalchemy as sa

revision = '0021'
down_revision = '0020'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('outbox_messages') as batch:
        batch.add_column(sa.Column('channel', sa.String(length=10), server_default='email', nullable=False))
        batch.add_column(sa.Column('postal_address', sa.Text(), nullable=True))
    convert_phone_numbers(op.get_bind())


def convert_phone_numbers(conn) -> int:  # type: ignore[no-untyped-def]
    """Convert every stored number; returns how many could not be read (each now a task)."""
    from app.db import UTCDateTime, utcnow
    from app.phones import to_e164

    unread = 0
    now = utcnow()
    # (table, column, what the task says, the contributor it is about)
    sources = (
        ("contributors", "phone", "SELECT id, phone, id AS person FROM contributors WHERE phone <> ''",
         "Contributor record {id}: the phone number on their details"),
        ("interests", "phone", "SELECT id, phone, contributor_id AS person, reference FROM interests WHERE phone <> ''",
         "Interest {reference}: the phone number given with it"),
        ("roles", "contact_phone", "SELECT id, contact_phone AS phone, NULL AS person, title FROM roles "
         "WHERE contact_phone <> ''", "Role {id} ({title}): the named contact's phone number"),
    )
    for table, column, query, words in sources:
        for row in conn.execute(sa.text(query)).mappings().all():
            e164 = to_e164(row["phone"])
            if e164 is not None:
                if e164 != row["phone"]:
                    conn.execute(sa.text(f"UPDATE {table} SET {column} = :v WHERE id = :id"), {"v": e164, "id": row["id"]})
                continue
            unread += 1
            conn.execute(sa.text("INSERT INTO staff_tasks (kind, contributor_id, created_at, detail) "
                                 "VALUES ('check_phone', :person, :now, :detail)")
                         .bindparams(sa.bindparam("now", type_=UTCDateTime())),
                         {"person": row["person"], "now": now, "detail": words.format(**row)})
    return unread


def downgrade() -> None:
    # Numbers stay in E.164: every earlier version reads them as typed text.
    with op.batch_alter_table('outbox_messages') as batch:
        batch.drop_column('postal_address')
        batch.drop_column('channel')
