"""a role pays by a tier, a local rate or is voluntary; a claim keeps the count it was paid for

Revision ID: 0019
Revises: 0018

A role's ``payment_level`` may now hold a local rate's code (up to 40 characters, as on the rate
card). A claim for a session or task rate keeps the count the person gave (``fee_quantity``); a
claim whose role's local rate was not on the card in force on its date keeps that rate's code
(``rate_missing``) so staff see why it was priced by the suggested tier.
"""
from alembic import op
import sqlalchemy as sa


revision = '0019'
down_revision = '0018'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('roles', schema=None) as batch_op:
        batch_op.alter_column('payment_level', existing_type=sa.String(20), type_=sa.String(40),
                              existing_nullable=False)
    with op.batch_alter_table('claims', schema=None) as batch_op:
        batch_op.add_column(sa.Column('fee_quantity', sa.Numeric(6, 2), nullable=True))
        batch_op.add_column(sa.Column('rate_missing', sa.String(40), nullable=False, server_default=''))


def downgrade() -> None:
    with op.batch_alter_table('claims', schema=None) as batch_op:
        batch_op.drop_column('rate_missing')
        batch_op.drop_column('fee_quantity')
    with op.batch_alter_table('roles', schema=None) as batch_op:
        batch_op.alter_column('payment_level', existing_type=sa.String(40), type_=sa.String(20),
                              existing_nullable=False)
