"""Support links: who may act for a contributor, with their recorded agreement.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-22
"""
from alembic import op
import sqlalchemy as sa

from app.db import UTCDateTime


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('support_links',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('contributor_id', sa.Integer(), nullable=False),
    sa.Column('supporter_id', sa.Integer(), nullable=False),
    sa.Column('relationship', sa.String(length=20), nullable=False),
    sa.Column('can_fill_forms', sa.Boolean(), nullable=False),
    sa.Column('can_see_claims', sa.Boolean(), nullable=False),
    sa.Column('can_receive_emails', sa.Boolean(), nullable=False),
    sa.Column('consent_how', sa.String(length=20), nullable=False),
    sa.Column('consent_at', UTCDateTime(), nullable=False),
    sa.Column('consent_recorded_by', sa.String(length=200), nullable=False),
    sa.Column('created_at', UTCDateTime(), nullable=False),
    sa.Column('withdrawn_at', UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['contributor_id'], ['contributors.id'], name=op.f('fk_support_links_contributor_id_contributors'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['supporter_id'], ['contributors.id'], name=op.f('fk_support_links_supporter_id_contributors'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_support_links'))
    )
    with op.batch_alter_table('support_links', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_support_links_contributor_id'), ['contributor_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_support_links_supporter_id'), ['supporter_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('support_links', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_support_links_supporter_id'))
        batch_op.drop_index(batch_op.f('ix_support_links_contributor_id'))

    op.drop_table('support_links')
