"""Contributors: when their data was erased (the row stays, anonymised).

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-22
"""
from alembic import op
import sqlalchemy as sa

from app.db import UTCDateTime


revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('contributors', schema=None) as batch_op:
        batch_op.add_column(sa.Column('erased_at', UTCDateTime(), nullable=True))



def downgrade() -> None:
    with op.batch_alter_table('contributors', schema=None) as batch_op:
        batch_op.drop_column('erased_at')

