"""a fee on hold until the person has talked to the team about benefits

Revision ID: 0018
Revises: 0017

"Talk about benefits first" used to make the fee £0. The fee is now kept, on hold, in
``fee_holds`` (one row per such claim) until staff record what the person chose.
"""
from alembic import op
import sqlalchemy as sa

from app.db import UTCDateTime

revision = '0018'
down_revision = '0017'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'fee_holds',
        sa.Column('claim_id', sa.Integer(), nullable=False),
        sa.Column('status', sa.String(length=20), nullable=False),
        sa.Column('pence', sa.Integer(), nullable=False),
        sa.Column('created_at', UTCDateTime(), nullable=False),
        sa.Column('decided_by_id', sa.Integer(), nullable=True),
        sa.Column('decided_at', UTCDateTime(), nullable=True),
        sa.Column('pay_separately', sa.Boolean(), nullable=False),
        sa.Column('batch_id', sa.Integer(), nullable=True),
        sa.Column('export_row', sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(['claim_id'], ['claims.id'], name=op.f('fk_fee_holds_claim_id_claims'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['decided_by_id'], ['staff_users.id'],
                                name=op.f('fk_fee_holds_decided_by_id_staff_users'), ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['batch_id'], ['payment_batches.id'],
                                name=op.f('fk_fee_holds_batch_id_payment_batches')),
        sa.PrimaryKeyConstraint('claim_id', name=op.f('pk_fee_holds')),
    )
    op.create_index(op.f('ix_fee_holds_batch_id'), 'fee_holds', ['batch_id'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_fee_holds_batch_id'), table_name='fee_holds')
    op.drop_table('fee_holds')
