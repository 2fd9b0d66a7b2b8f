"""second approval per source and thread lookups: Source.require_second_approval, Reply.first_approved_by_id /
first_approved_at, and an index on each mention's thread key

The mention page shows the other mentions of the same conversation; the thread key (conversation, submission,
story, or a Mastodon status's own id) lives in Mention.extra, so it gets an expression index per dialect.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-23 19:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel  # noqa: F401
from alembic import op

import models.base

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None

# Frozen copies of listener.threads.THREAD_LOOKUP_SQL as it was at this revision.
THREAD_LOOKUP_SQL = {
    "postgresql": "COALESCE(extra ->> 'conversation_id', extra ->> 'link_id', extra ->> 'story_id', "
                  "extra ->> 'status_id')",
    "sqlite": "COALESCE(json_extract(extra, '$.conversation_id'), json_extract(extra, '$.link_id'), "
              "CAST(json_extract(extra, '$.story_id') AS TEXT), json_extract(extra, '$.status_id'))",
}


def upgrade() -> None:
    with op.batch_alter_table('source', schema=None) as batch_op:
        batch_op.add_column(sa.Column('require_second_approval', sa.Boolean(), nullable=False,
                                      server_default=sa.false()))

    with op.batch_alter_table('reply', schema=None) as batch_op:
        batch_op.add_column(sa.Column('first_approved_by_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('first_approved_at', models.base.UTCDateTime(timezone=True), nullable=True))
        batch_op.create_foreign_key('fk_reply_first_approved_by', 'user', ['first_approved_by_id'], ['id'])

    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":
        # The explicit operator class makes Alembic's autogenerate skip this expression index (it cannot compare
        # PostgreSQL's rewritten form of it) instead of reporting it as a difference.
        op.execute(f"CREATE INDEX ix_mention_thread_lookup ON mention (network, ({THREAD_LOOKUP_SQL[dialect]}) "
                   "text_ops)")
    elif dialect == "sqlite":
        op.create_index("ix_mention_thread_lookup", "mention", ["network", sa.text(THREAD_LOOKUP_SQL[dialect])])


def downgrade() -> None:
    if op.get_bind().dialect.name in THREAD_LOOKUP_SQL:
        op.drop_index("ix_mention_thread_lookup", table_name="mention")

    with op.batch_alter_table('reply', schema=None) as batch_op:
        batch_op.drop_constraint('fk_reply_first_approved_by', type_='foreignkey')
        batch_op.drop_column('first_approved_at')
        batch_op.drop_column('first_approved_by_id')

    with op.batch_alter_table('source', schema=None) as batch_op:
        batch_op.drop_column('require_second_approval')
