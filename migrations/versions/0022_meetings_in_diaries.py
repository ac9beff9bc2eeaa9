"""meetings in people's diaries: calendar files on emails, reminders sent once

Revision ID: 0022
Revises: 0021

An email can carry a calendar file (``outbox_messages.calendar``: a meeting's invitation,
change or cancellation). ``meeting_reminders`` records each reminder sent before a meeting,
one per person, meeting and time before it (unique), so a rerun or a second worker sends none twice.
"""
from alembic import op
import sqlalchemy as sa

from app.db import UTCDateTime

revision = '0022'
down_revision = '0021'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('outbox_messages') as batch:
        batch.add_column(sa.Column('calendar', sa.Text(), nullable=True))
    op.create_table(
        'meeting_reminders',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('meeting_id', sa.Integer(), nullable=False),
        sa.Column('contributor_id', sa.Integer(), nullable=False),
        sa.Column('hours', sa.Integer(), nullable=False),
        sa.Column('sent_at', UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(['meeting_id'], ['meetings.id'], name=op.f('fk_meeting_reminders_meeting_id_meetings'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['contributor_id'], ['contributors.id'],
                                name=op.f('fk_meeting_reminders_contributor_id_contributors'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_meeting_reminders')),
        sa.UniqueConstraint('meeting_id', 'contributor_id', 'hours', name='uq_meeting_reminders_once'),
    )
    op.create_index(op.f('ix_meeting_reminders_meeting_id'), 'meeting_reminders', ['meeting_id'])
    op.create_index(op.f('ix_meeting_reminders_contributor_id'), 'meeting_reminders', ['contributor_id'])


def downgrade() -> None:
    op.drop_index(op.f('ix_meeting_reminders_contributor_id'), table_name='meeting_reminders')
    op.drop_index(op.f('ix_meeting_reminders_meeting_id'), table_name='meeting_reminders')
    op.drop_table('meeting_reminders')
    with op.batch_alter_table('outbox_messages') as batch:
        batch.drop_column('calendar')
