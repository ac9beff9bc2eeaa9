"""Role descriptions, their published versions and translations.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-22
"""
from alembic import op
import sqlalchemy as sa

from app.db import UTCDateTime


revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('roles',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('purpose', sa.Text(), nullable=False),
    sa.Column('can_change', sa.Text(), nullable=False),
    sa.Column('tasks', sa.Text(), nullable=False),
    sa.Column('meetings', sa.Text(), nullable=False),
    sa.Column('evenings_weekends', sa.String(length=10), nullable=False),
    sa.Column('between_meetings', sa.Text(), nullable=False),
    sa.Column('start_date', sa.Date(), nullable=True),
    sa.Column('end_date', sa.Date(), nullable=True),
    sa.Column('format', sa.String(length=20), nullable=False),
    sa.Column('venue', sa.Text(), nullable=False),
    sa.Column('getting_there', sa.Text(), nullable=False),
    sa.Column('venue_access', sa.Text(), nullable=False),
    sa.Column('payment_level', sa.String(length=20), nullable=False),
    sa.Column('recognition', sa.Text(), nullable=False),
    sa.Column('expenses_covered', sa.Text(), nullable=False),
    sa.Column('preparation', sa.Text(), nullable=False),
    sa.Column('support_offered', sa.Text(), nullable=False),
    sa.Column('dbs_needed', sa.Boolean(), nullable=True),
    sa.Column('dbs_why', sa.Text(), nullable=False),
    sa.Column('confidentiality', sa.Text(), nullable=False),
    sa.Column('adjustments', sa.Text(), nullable=False),
    sa.Column('contact_name', sa.String(length=200), nullable=False),
    sa.Column('contact_phone', sa.String(length=40), nullable=False),
    sa.Column('contact_email', sa.String(length=254), nullable=False),
    sa.Column('closing_date', sa.Date(), nullable=True),
    sa.Column('easy_read', sa.JSON(), nullable=False),
    sa.Column('created_at', UTCDateTime(), nullable=False),
    sa.Column('updated_at', UTCDateTime(), nullable=False),
    sa.Column('published_at', UTCDateTime(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_roles'))
    )
    with op.batch_alter_table('roles', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_roles_status'), ['status'], unique=False)

    op.create_table('role_translations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('role_id', sa.Integer(), nullable=False),
    sa.Column('locale', sa.String(length=10), nullable=False),
    sa.Column('fields', sa.JSON(), nullable=False),
    sa.Column('updated_at', UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['role_id'], ['roles.id'], name=op.f('fk_role_translations_role_id_roles'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_role_translations')),
    sa.UniqueConstraint('role_id', 'locale', name='uq_role_translations_role_id_locale')
    )
    with op.batch_alter_table('role_translations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_role_translations_role_id'), ['role_id'], unique=False)

    op.create_table('role_versions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('role_id', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('snapshot', sa.JSON(), nullable=False),
    sa.Column('created_at', UTCDateTime(), nullable=False),
    sa.Column('created_by', sa.String(length=200), nullable=False),
    sa.ForeignKeyConstraint(['role_id'], ['roles.id'], name=op.f('fk_role_versions_role_id_roles'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_role_versions')),
    sa.UniqueConstraint('role_id', 'version', name='uq_role_versions_role_id_version')
    )
    with op.batch_alter_table('role_versions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_role_versions_role_id'), ['role_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('role_versions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_role_versions_role_id'))

    op.drop_table('role_versions')
    with op.batch_alter_table('role_translations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_role_translations_role_id'))

    op.drop_table('role_translations')
    with op.batch_alter_table('roles', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_roles_status'))

    op.drop_table('roles')
