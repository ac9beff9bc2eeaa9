"""four eyes on claims: the fee as claimed, and a first approval waiting for a second

Revision ID: 0013
Revises: 0012
"""
from alembic import op
import sqlalchemy as sa

from app.db import UTCDateTime


revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('claims', schema=None) as batch_op:
        batch_op.add_column(sa.Column('claimed_fee_pence', sa.Integer(), nullable=False, server_default='0'))
        batch_op.add_column(sa.Column('first_approved_by_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('first_approved_at', UTCDateTime(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_claims_first_approved_by_id_staff_users'), 'staff_users',
                                    ['first_approved_by_id'], ['id'], ondelete='SET NULL')
    # Claims so far: what they were priced at is what they pay now, unless staff changed the fee
    # with a reason (then the fee before the change is not kept: the changed fee stands).
    op.execute("UPDATE claims SET claimed_fee_pence = fee_pence")


def downgrade() -> None:
    with op.batch_alter_table('claims', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_claims_first_approved_by_id_staff_users'), type_='foreignkey')
        batch_op.drop_column('first_approved_at')
        batch_op.drop_column('first_approved_by_id')
        batch_op.drop_column('claimed_fee_pence')
