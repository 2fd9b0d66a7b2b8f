"""mention.resolved_at, resolved_by_id: staff mark a complaint resolved; indexes the reports read by

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-04 03:20:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None

# Carried in the report index on PostgreSQL so that counting a range's mentions reads the index alone.
REPORT_COLUMNS = ['network', 'source_id', 'language', 'sentiment', 'complaint', 'rating', 'status', 'author_id',
                  'topics', 'resolved_at']


def upgrade() -> None:
    op.add_column('mention', sa.Column('resolved_at', sa.DateTime(timezone=True), nullable=True))
    if op.get_bind().dialect.name == 'sqlite':
        # Batch mode would copy the mention table and its expression indexes; SQLite adds a nullable reference
        # in place.
        op.execute('ALTER TABLE mention ADD COLUMN resolved_by_id INTEGER REFERENCES "user" (id)')
    else:
        op.add_column('mention', sa.Column('resolved_by_id', sa.Integer(), nullable=True))
        op.create_foreign_key('fk_mention_resolved_by_id_user', 'mention', 'user', ['resolved_by_id'], ['id'])
    op.create_index('ix_mention_created_report', 'mention', ['created_at', 'id'], unique=False,
                    postgresql_include=REPORT_COLUMNS)
    # Did this author complain again after the reply? (the reports' issues resolved) Probed per complaint.
    complaint = sa.text("complaint >= 0.5")
    op.create_index('ix_mention_author_complaints', 'mention', ['author_id', 'network', 'created_at'], unique=False,
                    postgresql_where=complaint, sqlite_where=complaint)
    posted = sa.text("status = 'posted'")
    op.create_index('ix_reply_posted_mention', 'reply', ['mention_id', 'posted_at'], unique=False,
                    postgresql_where=posted, sqlite_where=posted)


def downgrade() -> None:
    op.drop_index('ix_reply_posted_mention', table_name='reply')
    op.drop_index('ix_mention_author_complaints', table_name='mention')
    op.drop_index('ix_mention_created_report', table_name='mention')
    if op.get_bind().dialect.name != 'sqlite':
        op.drop_constraint('fk_mention_resolved_by_id_user', 'mention', type_='foreignkey')
    op.drop_column('mention', 'resolved_by_id')  # SQLite drops a column with a reference in place (3.35+)
    op.drop_column('mention', 'resolved_at')
