"""acting for someone: reply permission, confirmed agreements, who wrote each word

Revision ID: 0011
Revises: 0010
"""
from alembic import op
import sqlalchemy as sa

from app.db import UTCDateTime


revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('support_links', schema=None) as batch_op:
        batch_op.add_column(sa.Column('can_reply_queries', sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.add_column(sa.Column('confirmed_at', UTCDateTime(), nullable=True))
    with op.batch_alter_table('claim_messages', schema=None) as batch_op:
        batch_op.add_column(sa.Column('written_by_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_claim_messages_written_by_id_contributors'), 'contributors',
                                    ['written_by_id'], ['id'], ondelete='SET NULL')
    with op.batch_alter_table('feedback_comments', schema=None) as batch_op:
        batch_op.add_column(sa.Column('written_by_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_feedback_comments_written_by_id_contributors'), 'contributors',
                                    ['written_by_id'], ['id'], ondelete='SET NULL')
    _keep_comments_trigger()
    # Links that may see claims were made before replying was a permission of its own: they may reply.
    op.execute("UPDATE support_links SET can_reply_queries = can_see_claims")
    # Agreements the person gave (online) or staff recorded hold; one a helper only said was given
    # waits for the person to confirm it.
    op.execute("UPDATE support_links SET confirmed_at = consent_at WHERE consent_how <> 'supporter_said'")
    # Replies so far were credited to the person; who really wrote them is not known.
    op.execute("UPDATE claim_messages SET written_by_id = from_contributor_id")
    # Feedback words so far: the writer is not known, so nobody's export claims them but the person's.


def downgrade() -> None:
    with op.batch_alter_table('feedback_comments', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_feedback_comments_written_by_id_contributors'), type_='foreignkey')
        batch_op.drop_column('written_by_id')
    _keep_comments_trigger()
    with op.batch_alter_table('claim_messages', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_claim_messages_written_by_id_contributors'), type_='foreignkey')
        batch_op.drop_column('written_by_id')
    with op.batch_alter_table('support_links', schema=None) as batch_op:
        batch_op.drop_column('confirmed_at')
        batch_op.drop_column('can_reply_queries')


def _keep_comments_trigger() -> None:
    """SQLite's batch mode copies the table, and its triggers go with the old one: make it again."""
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TRIGGER IF EXISTS feedback_comments_no_delete")
        op.execute("CREATE TRIGGER feedback_comments_no_delete BEFORE DELETE ON feedback_comments "
                   "BEGIN SELECT RAISE(ABORT, 'feedback comments are never deleted'); END;")
