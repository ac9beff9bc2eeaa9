"""bank details: staff changes wait for a second approval; when details last changed

Revision ID: 0014
Revises: 0013
"""
from alembic import op
import sqlalchemy as sa

from app.db import UTCDateTime


revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'bank_details_changes',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('contributor_id', sa.Integer(), nullable=False),
        sa.Column('details', sa.Text(), nullable=False),
        sa.Column('requested_by_id', sa.Integer(), nullable=False),
        sa.Column('requested_at', UTCDateTime(), nullable=False),
        sa.Column('decided_by_id', sa.Integer(), nullable=True),
        sa.Column('decided_at', UTCDateTime(), nullable=True),
        sa.Column('outcome', sa.String(length=20), nullable=False),
        sa.ForeignKeyConstraint(['contributor_id'], ['contributors.id'],
                                name=op.f('fk_bank_details_changes_contributor_id_contributors'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_bank_details_changes')),
    )
    with op.batch_alter_table('bank_details_changes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_bank_details_changes_contributor_id'), ['contributor_id'], unique=False)
    with op.batch_alter_table('contributors', schema=None) as batch_op:
        batch_op.add_column(sa.Column('bank_details_changed_at', UTCDateTime(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('contributors', schema=None) as batch_op:
        batch_op.drop_column('bank_details_changed_at')
    with op.batch_alter_table('bank_details_changes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_bank_details_changes_contributor_id'))
    op.drop_table('bank_details_changes')
