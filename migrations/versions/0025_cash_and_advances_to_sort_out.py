"""cash on the day; advances for meetings that did not happen

Revision ID: 0025
Revises: 0024

An advance may be cash handed over on the day (``cash``, ``given_by_id``), which the person
confirms or denies (``answered_by_id``, ``answered_at``). An advance for a meeting that was
cancelled or missed is sorted out by staff (``outcome``: recover, carry_forward or convert), with
a reason the person sees (``outcome_reason``, also the reason for money to recover after netting).
"""
from alembic import op
import sqlalchemy as sa

from app.db import UTCDateTime

revision = '0025'
down_revision = '0024'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('advances') as batch:
        batch.add_column(sa.Column('cash', sa.Boolean(), server_default=sa.false(), nullable=False))
        batch.add_column(sa.Column('given_by_id', sa.Integer(), nullable=True))
        batch.add_column(sa.Column('answered_by_id', sa.Integer(), nullable=True))
        batch.add_column(sa.Column('answered_at', UTCDateTime(), nullable=True))
        batch.add_column(sa.Column('outcome', sa.String(length=20), server_default='', nullable=False))
        batch.add_column(sa.Column('outcome_reason', sa.Text(), server_default='', nullable=False))
        batch.add_column(sa.Column('outcome_by_id', sa.Integer(), nullable=True))
        batch.add_column(sa.Column('outcome_at', UTCDateTime(), nullable=True))
        batch.create_foreign_key(batch.f('fk_advances_given_by_id_staff_users'), 'staff_users', ['given_by_id'], ['id'],
                                 ondelete='SET NULL')
        batch.create_foreign_key(batch.f('fk_advances_answered_by_id_contributors'), 'contributors', ['answered_by_id'],
                                 ['id'], ondelete='SET NULL')
        batch.create_foreign_key(batch.f('fk_advances_outcome_by_id_staff_users'), 'staff_users', ['outcome_by_id'], ['id'],
                                 ondelete='SET NULL')


def downgrade() -> None:
    with op.batch_alter_table('advances') as batch:
        batch.drop_constraint(batch.f('fk_advances_outcome_by_id_staff_users'), type_='foreignkey')
        batch.drop_constraint(batch.f('fk_advances_answered_by_id_contributors'), type_='foreignkey')
        batch.drop_constraint(batch.f('fk_advances_given_by_id_staff_users'), type_='foreignkey')
        for column in ('outcome_at', 'outcome_by_id', 'outcome_reason', 'outcome', 'answered_at', 'answered_by_id',
                       'given_by_id', 'cash'):
            batch.drop_column(column)
