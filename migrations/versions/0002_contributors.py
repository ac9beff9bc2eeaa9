"""Contributors, sign-in tokens, the mail outbox and staff tasks.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22
"""
from alembic import op
import sqlalchemy as sa

from app.db import UTCDateTime


revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('outbox_messages',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('to_address', sa.String(length=254), nullable=False),
    sa.Column('subject', sa.String(length=300), nullable=False),
    sa.Column('text_body', sa.Text(), nullable=False),
    sa.Column('html_body', sa.Text(), nullable=True),
    sa.Column('purpose', sa.String(length=40), nullable=False),
    sa.Column('locale', sa.String(length=10), nullable=False),
    sa.Column('contributor_id', sa.Integer(), nullable=True),
    sa.Column('created_at', UTCDateTime(), nullable=False),
    sa.Column('next_attempt_at', UTCDateTime(), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('claimed_at', UTCDateTime(), nullable=True),
    sa.Column('sent_at', UTCDateTime(), nullable=True),
    sa.Column('last_error', sa.String(length=500), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_outbox_messages'))
    )
    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_outbox_messages_contributor_id'), ['contributor_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_outbox_messages_next_attempt_at'), ['next_attempt_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_outbox_messages_purpose'), ['purpose'], unique=False)

    op.create_table('contributors',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('known_as', sa.String(length=100), nullable=False),
    sa.Column('pronouns', sa.String(length=50), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=True),
    sa.Column('phone', sa.String(length=40), nullable=False),
    sa.Column('address', sa.Text(), nullable=False),
    sa.Column('contact_channel', sa.String(length=10), nullable=False),
    sa.Column('best_times', sa.String(length=200), nullable=False),
    sa.Column('language', sa.String(length=10), nullable=False),
    sa.Column('easy_read', sa.Boolean(), nullable=False),
    sa.Column('access_needs', sa.JSON(), nullable=False),
    sa.Column('interpreter_language', sa.String(length=100), nullable=False),
    sa.Column('access_other', sa.Text(), nullable=False),
    sa.Column('payment_preference', sa.String(length=20), nullable=True),
    sa.Column('bank_details', sa.Text(), nullable=True),
    sa.Column('session_version', sa.Integer(), nullable=False),
    sa.Column('created_at', UTCDateTime(), nullable=False),
    sa.Column('updated_at', UTCDateTime(), nullable=False),
    sa.Column('created_by_staff_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['created_by_staff_id'], ['staff_users.id'], name=op.f('fk_contributors_created_by_staff_id_staff_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_contributors')),
    sa.UniqueConstraint('email', name=op.f('uq_contributors_email'))
    )
    op.create_table('sign_in_tokens',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('contributor_id', sa.Integer(), nullable=True),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('code_hash', sa.String(length=64), nullable=False),
    sa.Column('code_attempts', sa.Integer(), nullable=False),
    sa.Column('created_at', UTCDateTime(), nullable=False),
    sa.Column('expires_at', UTCDateTime(), nullable=False),
    sa.Column('used_at', UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['contributor_id'], ['contributors.id'], name=op.f('fk_sign_in_tokens_contributor_id_contributors'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sign_in_tokens')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_sign_in_tokens_token_hash'))
    )
    with op.batch_alter_table('sign_in_tokens', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_sign_in_tokens_email'), ['email'], unique=False)

    op.create_table('staff_tasks',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('contributor_id', sa.Integer(), nullable=True),
    sa.Column('created_at', UTCDateTime(), nullable=False),
    sa.Column('done_at', UTCDateTime(), nullable=True),
    sa.Column('done_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['contributor_id'], ['contributors.id'], name=op.f('fk_staff_tasks_contributor_id_contributors'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['done_by_id'], ['staff_users.id'], name=op.f('fk_staff_tasks_done_by_id_staff_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_staff_tasks'))
    )
    with op.batch_alter_table('staff_tasks', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_staff_tasks_kind'), ['kind'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('staff_tasks', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_staff_tasks_kind'))

    op.drop_table('staff_tasks')
    with op.batch_alter_table('sign_in_tokens', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_sign_in_tokens_email'))

    op.drop_table('sign_in_tokens')
    op.drop_table('contributors')
    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_outbox_messages_purpose'))
        batch_op.drop_index(batch_op.f('ix_outbox_messages_next_attempt_at'))
        batch_op.drop_index(batch_op.f('ix_outbox_messages_contributor_id'))

    op.drop_table('outbox_messages')
