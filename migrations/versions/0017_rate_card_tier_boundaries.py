"""where one payment tier ends and the next begins, as settings of each rate-card version

Revision ID: 0017
Revises: 0016

The guides' words (003 L1753-1758) as boundaries: up to 1.5 hours with little or no preparation
is the £25 tier; up to 4.5 hours the £75 tier (or shorter with a lot of preparation); longer is
all day. Existing versions get these defaults.
"""
from alembic import op
import sqlalchemy as sa


revision = '0017'
down_revision = '0016'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('rate_card_versions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('short_hours', sa.Numeric(4, 2), nullable=False, server_default='1.5'))
        batch_op.add_column(sa.Column('long_hours', sa.Numeric(4, 2), nullable=False, server_default='4.5'))
        batch_op.add_column(sa.Column('more_preparation', sa.String(20), nullable=False,
                                      server_default='substantial'))


def downgrade() -> None:
    with op.batch_alter_table('rate_card_versions', schema=None) as batch_op:
        batch_op.drop_column('more_preparation')
        batch_op.drop_column('long_hours')
        batch_op.drop_column('short_hours')
