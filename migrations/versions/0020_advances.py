"""advances: expenses paid before a meeting

Revision ID: 0020
Revises: 0019

A contributor (or a supporter with their permission) asks for expenses in advance; staff
decide under the four-eyes rules of claims; finance exports approved advances in the same
batch as claims, a row each marked "advance". ``claims.advance_requested`` stays for old claims.
"""
from alembic import op
import sqlalchemy as sa

from app.db import UTCDateTime

revision = '0020'
down_revision = '0019'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'advances',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('reference', sa.String(length=20), nullable=False),
        sa.Column('contributor_id', sa.Integer(), nullable=False),
        sa.Column('submitted_by_id', sa.Integer(), nullable=True),
        sa.Column('role_id', sa.Integer(), nullable=True),
        sa.Column('meeting_id', sa.Integer(), nullable=True),
        sa.Column('activity', sa.String(length=200), nullable=False),
        sa.Column('activity_date', sa.Date(), nullable=False),
        sa.Column('tax_year', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=30), nullable=False),
        sa.Column('asked_pence', sa.Integer(), nullable=False),
        sa.Column('pence', sa.Integer(), nullable=False),
        sa.Column('reason', sa.Text(), nullable=False),
        sa.Column('status', sa.String(length=20), nullable=False),
        sa.Column('change_reason', sa.Text(), nullable=False),
        sa.Column('decision_note', sa.Text(), nullable=False),
        sa.Column('answer', sa.Text(), nullable=False),
        sa.Column('first_approved_by_id', sa.Integer(), nullable=True),
        sa.Column('first_approved_at', UTCDateTime(), nullable=True),
        sa.Column('approved_by_id', sa.Integer(), nullable=True),
        sa.Column('approved_at', UTCDateTime(), nullable=True),
        sa.Column('batch_id', sa.Integer(), nullable=True),
        sa.Column('export_row', sa.Text(), nullable=True),
        sa.Column('paid_on', sa.Date(), nullable=True),
        sa.Column('claim_id', sa.Integer(), nullable=True),
        sa.Column('submitted_at', UTCDateTime(), nullable=False),
        sa.Column('updated_at', UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(['contributor_id'], ['contributors.id'],
                                name=op.f('fk_advances_contributor_id_contributors')),
        sa.ForeignKeyConstraint(['submitted_by_id'], ['contributors.id'],
                                name=op.f('fk_advances_submitted_by_id_contributors')),
        sa.ForeignKeyConstraint(['role_id'], ['roles.id'], name=op.f('fk_advances_role_id_roles'),
                                ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['meeting_id'], ['meetings.id'], name=op.f('fk_advances_meeting_id_meetings'),
                                ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['first_approved_by_id'], ['staff_users.id'],
                                name=op.f('fk_advances_first_approved_by_id_staff_users'), ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['approved_by_id'], ['staff_users.id'],
                                name=op.f('fk_advances_approved_by_id_staff_users'), ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['batch_id'], ['payment_batches.id'],
                                name=op.f('fk_advances_batch_id_payment_batches')),
        sa.ForeignKeyConstraint(['claim_id'], ['claims.id'], name=op.f('fk_advances_claim_id_claims'),
                                ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_advances')),
        sa.UniqueConstraint('reference', name=op.f('uq_advances_reference')),
    )
    op.create_index(op.f('ix_advances_contributor_id'), 'advances', ['contributor_id'], unique=False)
    op.create_index(op.f('ix_advances_batch_id'), 'advances', ['batch_id'], unique=False)
    op.create_index(op.f('ix_advances_claim_id'), 'advances', ['claim_id'], unique=False)
    op.create_index('ix_advances_status_submitted_at', 'advances', ['status', 'submitted_at'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_advances_status_submitted_at', table_name='advances')
    op.drop_index(op.f('ix_advances_claim_id'), table_name='advances')
    op.drop_index(op.f('ix_advances_batch_id'), table_name='advances')
    op.drop_index(op.f('ix_advances_contributor_id'), table_name='advances')
    op.drop_table('advances')
