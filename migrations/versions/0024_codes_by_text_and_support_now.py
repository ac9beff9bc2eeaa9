"""a confirmed mobile, sign-in codes by text, and "support now" lists staff edit per language

Revision ID: 0024
Revises: 0023

``contributors.phone_confirmed_at``: when the person typed back a code we texted to their mobile
(cleared when the number changes). ``sign_in_tokens`` also holds codes sent by text: ``phone``
(E.164) instead of an email address, and ``purpose`` ("sign_in", or "confirm_phone" for a code
that only confirms a mobile). ``support_contacts``: where to get support now, per language, in
order; seeded with today's defaults in English and the five languages (``app.meetings.support``).
"""
from alembic import op
import sqlalchemy as sa

from app.db import UTCDateTime

revision = '0024'
down_revision = '0023'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('contributors') as batch:
        batch.add_column(sa.Column('phone_confirmed_at', UTCDateTime(), nullable=True))
    with op.batch_alter_table('sign_in_tokens') as batch:
        batch.add_column(sa.Column('phone', sa.String(length=20), nullable=True))
        batch.add_column(sa.Column('purpose', sa.String(length=20), nullable=False, server_default='sign_in'))
        batch.create_index('ix_sign_in_tokens_phone', ['phone'])
    table = op.create_table(
        'support_contacts',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('locale', sa.String(length=10), nullable=False),
        sa.Column('position', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(length=200), nullable=False),
        sa.Column('how', sa.String(length=200), nullable=False),
        sa.Column('hours', sa.String(length=200), nullable=False, server_default=''),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_support_contacts')),
        sa.UniqueConstraint('locale', 'position', name='uq_support_contacts_locale_position'),
    )
    op.create_index(op.f('ix_support_contacts_locale'), 'support_contacts', ['locale'])
    from app.meetings.support import default_rows

    op.bulk_insert(table, default_rows())


def downgrade() -> None:
    op.drop_index(op.f('ix_support_contacts_locale'), table_name='support_contacts')
    op.drop_table('support_contacts')
    with op.batch_alter_table('sign_in_tokens') as batch:
        batch.drop_index('ix_sign_in_tokens_phone')
        batch.drop_column('purpose')
        batch.drop_column('phone')
    with op.batch_alter_table('contributors') as batch:
        batch.drop_column('phone_confirmed_at')
