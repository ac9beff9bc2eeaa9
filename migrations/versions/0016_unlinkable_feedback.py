"""feedback responses and comments get random ids; anonymous ones keep no date

Revision ID: 0016
Revises: 0015

The integer ids said which response came before which, so an anonymous one given between
two named ones could be placed. The tables are made again with random ids (and comments
follow a response whose id changes); anonymous rows lose the day they arrived. On SQLite these
tables, and the equality answers, are made WITHOUT ROWID and filled in a shuffled order, so not
even the file's row order says who came when.
"""
import datetime
import random
import secrets

from alembic import op
import sqlalchemy as sa

from app.db import UTCDateTime

revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None


def _no_rowid(random_ids: bool) -> dict[str, bool]:
    return {"sqlite_with_rowid": False} if random_ids and op.get_bind().dialect.name == "sqlite" else {}


def _responses(id_type: sa.types.TypeEngine, anonymous_check: str, named_check: str) -> None:
    op.create_table(
        'feedback_responses',
        sa.Column('id', id_type, nullable=False),
        sa.Column('meeting_id', sa.Integer(), nullable=False),
        sa.Column('anonymous', sa.Boolean(), nullable=False),
        sa.Column('contributor_id', sa.Integer(), nullable=True),
        sa.Column('submitted_by_id', sa.Integer(), nullable=True),
        sa.Column('answers', sa.JSON(), nullable=False),
        sa.Column('debrief', sa.Boolean(), nullable=False),
        sa.Column('received_on', sa.Date(), nullable=True),
        sa.Column('created_at', UTCDateTime(), nullable=True),
        sa.Column('updated_at', UTCDateTime(), nullable=True),
        sa.CheckConstraint(anonymous_check, name=op.f('ck_feedback_responses_anonymous_has_no_person')),
        sa.CheckConstraint(named_check, name=op.f('ck_feedback_responses_named_has_a_person')),
        sa.ForeignKeyConstraint(['contributor_id'], ['contributors.id'],
                                name=op.f('fk_feedback_responses_contributor_id_contributors'), ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['meeting_id'], ['meetings.id'], name=op.f('fk_feedback_responses_meeting_id_meetings')),
        sa.ForeignKeyConstraint(['submitted_by_id'], ['contributors.id'],
                                name=op.f('fk_feedback_responses_submitted_by_id_contributors'), ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_feedback_responses')),
        **_no_rowid(isinstance(id_type, sa.String)))
    op.create_index(op.f('ix_feedback_responses_contributor_id'), 'feedback_responses', ['contributor_id'])
    op.create_index(op.f('ix_feedback_responses_meeting_id'), 'feedback_responses', ['meeting_id'])


def _comments(id_type: sa.types.TypeEngine, on_update: str | None) -> None:
    op.create_table(
        'feedback_comments',
        sa.Column('id', id_type, nullable=False),
        sa.Column('response_id', id_type, nullable=False),
        sa.Column('question', sa.String(length=20), nullable=False),
        sa.Column('text', sa.Text(), nullable=False),
        sa.Column('written_by_id', sa.Integer(), nullable=True),
        sa.Column('received_on', sa.Date(), nullable=True),
        sa.Column('redactions', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['response_id'], ['feedback_responses.id'], onupdate=on_update,
                                name=op.f('fk_feedback_comments_response_id_feedback_responses')),
        sa.ForeignKeyConstraint(['written_by_id'], ['contributors.id'],
                                name=op.f('fk_feedback_comments_written_by_id_contributors'), ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_feedback_comments')),
        **_no_rowid(isinstance(id_type, sa.String)))
    op.create_index(op.f('ix_feedback_comments_response_id'), 'feedback_comments', ['response_id'])


def _drop_trigger() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS feedback_comments_no_delete ON feedback_comments")
    else:
        op.execute("DROP TRIGGER IF EXISTS feedback_comments_no_delete")


def _make_trigger() -> None:
    if op.get_bind().dialect.name == "postgresql":  # the function from 0010 is still there
        op.execute("CREATE TRIGGER feedback_comments_no_delete BEFORE DELETE ON feedback_comments "
                   "FOR EACH ROW EXECUTE FUNCTION feedback_comments_kept();")
    else:
        op.execute("CREATE TRIGGER feedback_comments_no_delete BEFORE DELETE ON feedback_comments "
                   "BEGIN SELECT RAISE(ABORT, 'feedback comments are never deleted'); END;")


def _take_out() -> tuple[list[dict], list[dict]]:  # type: ignore[type-arg]
    """Read both tables (through reflected tables, so JSON, dates and booleans come back as
    values on both databases), then drop them, comments first."""
    bind = op.get_bind()
    meta = sa.MetaData()
    meta.reflect(bind=bind, only=('feedback_responses', 'feedback_comments'))
    responses = [dict(r._mapping) for r in bind.execute(sa.select(meta.tables['feedback_responses']))]
    comments = [dict(r._mapping) for r in bind.execute(sa.select(meta.tables['feedback_comments']))]
    _drop_trigger()
    op.drop_table('feedback_comments')
    op.drop_table('feedback_responses')
    return responses, comments


def _insert(responses: list[dict], comments: list[dict]) -> None:  # type: ignore[type-arg]
    meta = sa.MetaData()
    meta.reflect(bind=op.get_bind(), only=('feedback_responses', 'feedback_comments'))
    if responses:
        op.bulk_insert(meta.tables['feedback_responses'], responses)
    if comments:
        op.bulk_insert(meta.tables['feedback_comments'], comments)


def upgrade() -> None:
    responses, comments = _take_out()
    _responses(sa.String(32),
               "anonymous = false OR (contributor_id IS NULL AND submitted_by_id IS NULL AND created_at IS NULL "
               "AND updated_at IS NULL AND received_on IS NULL)",
               "anonymous = true OR (contributor_id IS NOT NULL AND received_on IS NOT NULL)")
    _comments(sa.String(32), 'CASCADE')
    _make_trigger()
    ids = {r['id']: secrets.token_hex(16) for r in responses}
    anonymous = {r['id'] for r in responses if r['anonymous']}
    for r in responses:
        r['id'] = ids[r['id']]
        if r['anonymous']:
            r['received_on'] = None
    for c in comments:
        c['id'] = secrets.token_hex(16)
        if c['response_id'] in anonymous:
            c['received_on'] = None
        c['response_id'] = ids[c['response_id']]
    random.shuffle(responses)
    random.shuffle(comments)
    _insert(responses, comments)
    _equality_without_rowid(True)


def _equality_without_rowid(on: bool) -> None:
    """SQLite only: the equality answers' table again, WITHOUT ROWID (or back), rows shuffled."""
    bind = op.get_bind()
    if bind.dialect.name != "sqlite":
        return
    meta = sa.MetaData()
    meta.reflect(bind=bind, only=('equality_responses',))
    rows = [dict(r._mapping) for r in bind.execute(sa.select(meta.tables['equality_responses']))]
    op.drop_table('equality_responses')
    table = op.create_table(
        'equality_responses',
        sa.Column('id', sa.String(length=32), nullable=False),
        sa.Column('role_id', sa.Integer(), nullable=False),
        sa.Column('month', sa.String(length=7), nullable=False),
        sa.Column('answers', sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(['role_id'], ['roles.id'], name=op.f('fk_equality_responses_role_id_roles'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_equality_responses')),
        **({"sqlite_with_rowid": False} if on else {}))
    op.create_index(op.f('ix_equality_responses_role_id'), 'equality_responses', ['role_id'])
    random.shuffle(rows)
    if rows:
        op.bulk_insert(table, rows)


def downgrade() -> None:
    _equality_without_rowid(False)
    responses, comments = _take_out()
    _responses(sa.Integer(),
               "anonymous = false OR (contributor_id IS NULL AND submitted_by_id IS NULL AND created_at IS NULL "
               "AND updated_at IS NULL)",
               "anonymous = true OR contributor_id IS NOT NULL")
    _comments(sa.Integer(), None)
    _make_trigger()
    ids = {r['id']: number for number, r in enumerate(responses, start=1)}
    for r in responses:
        r['id'] = ids[r['id']]
        r['received_on'] = r['received_on'] or datetime.date.today()
    for number, c in enumerate(comments, start=1):
        c['id'] = number
        c['received_on'] = c['received_on'] or datetime.date.today()
        c['response_id'] = ids[c['response_id']]
    _insert(responses, comments)
