"""your involvement and the impact log: roles a person leaves off their record, what changed

Revision ID: 0023
Revises: 0022

``roles_on_record`` keeps a person's choice of which roles appear on their record of involvement
(no row: shown). ``impact_entries`` is staff's log of what changed because people took part,
per role, optionally linked to a meeting and a "you said, we did"; published ones show on the
role's public page.
"""
from alembic import op
import sqlalchemy as sa

from app.db import UTCDateTime

revision = '0023'
down_revision = '0022'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'roles_on_record',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('contributor_id', sa.Integer(), nullable=False),
        sa.Column('role_id', sa.Integer(), nullable=False),
        sa.Column('shown', sa.Boolean(), nullable=False),
        sa.Column('updated_at', UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(['contributor_id'], ['contributors.id'],
                                name=op.f('fk_roles_on_record_contributor_id_contributors'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['role_id'], ['roles.id'], name=op.f('fk_roles_on_record_role_id_roles'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_roles_on_record')),
        sa.UniqueConstraint('contributor_id', 'role_id', name='uq_roles_on_record_person_role'),
    )
    op.create_index(op.f('ix_roles_on_record_contributor_id'), 'roles_on_record', ['contributor_id'])
    op.create_table(
        'impact_entries',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('role_id', sa.Integer(), nullable=False),
        sa.Column('meeting_id', sa.Integer(), nullable=True),
        sa.Column('you_said_id', sa.Integer(), nullable=True),
        sa.Column('what_changed', sa.Text(), nullable=False),
        sa.Column('changed_on', sa.Date(), nullable=False),
        sa.Column('evidence', sa.Text(), nullable=False),
        sa.Column('created_by', sa.String(length=200), nullable=False),
        sa.Column('created_at', UTCDateTime(), nullable=False),
        sa.Column('updated_at', UTCDateTime(), nullable=False),
        sa.Column('published_at', UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(['role_id'], ['roles.id'], name=op.f('fk_impact_entries_role_id_roles')),
        sa.ForeignKeyConstraint(['meeting_id'], ['meetings.id'], name=op.f('fk_impact_entries_meeting_id_meetings'),
                                ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['you_said_id'], ['you_said_we_did.id'],
                                name=op.f('fk_impact_entries_you_said_id_you_said_we_did'), ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_impact_entries')),
    )
    op.create_index(op.f('ix_impact_entries_role_id'), 'impact_entries', ['role_id'])


def downgrade() -> None:
    op.drop_index(op.f('ix_impact_entries_role_id'), table_name='impact_entries')
    op.drop_table('impact_entries')
    op.drop_index(op.f('ix_roles_on_record_contributor_id'), table_name='roles_on_record')
    op.drop_table('roles_on_record')
