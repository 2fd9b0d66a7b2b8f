"""queue indexes: negativity sort keys, open mentions by time, trigram search

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-23 19:30:00

The review queue pages by keyset in three sorts over a million mentions. Each tab reads one index in sort
order: (status, negativity, id) for the status tabs sorted by "most negative", and (created_at, id) /
(negativity, id) over the open mentions (not ignored, not replied) for the tabs decided by a reply in
progress; partial indexes on the open replies answer "has this mention a reply in progress" and "which
mentions have a draft" from a small index. On
PostgreSQL the search reads a trigram index (pg_trgm) over text, title and author, and the topic filter gets
statistics so that the planner knows how common each topic is.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None

# Frozen copies of models.mention.negativity() / is_open() / search_document() as they were at this revision.
NEGATIVITY = ("(CASE WHEN (sentiment = 'negative') THEN 2.0 + coalesce(confidence, 0.0) "
              "WHEN (sentiment = 'neutral') THEN 1.0 "
              "WHEN (sentiment = 'positive') THEN 1.0 - coalesce(confidence, 0.0) "
              "ELSE -1.0 END)")
OPEN = "status NOT IN ('ignored', 'replied')"
OPEN_REPLY = "status IN ('draft', 'approved', 'posting', 'manual', 'unknown')"
SEARCH_DOCUMENT = "(text || ' ' || coalesce(title, '') || ' ' || author)"


def upgrade() -> None:
    op.create_index("ix_mention_status_negativity", "mention", ["status", sa.text(NEGATIVITY), "id"])
    op.create_index("ix_mention_open_created", "mention", ["created_at", "id"],
                    postgresql_where=sa.text(OPEN), sqlite_where=sa.text(OPEN))
    op.create_index("ix_mention_open_negativity", "mention", [sa.text(NEGATIVITY), "id"],
                    postgresql_where=sa.text(OPEN), sqlite_where=sa.text(OPEN))
    op.create_index("ix_reply_open_mention", "reply", ["mention_id", "status"],
                    postgresql_where=sa.text(OPEN_REPLY), sqlite_where=sa.text(OPEN_REPLY))
    op.create_index("ix_reply_open_status", "reply", ["status", "mention_id"],
                    postgresql_where=sa.text(OPEN_REPLY), sqlite_where=sa.text(OPEN_REPLY))
    if op.get_bind().dialect.name == "postgresql":
        op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        op.execute(f"CREATE INDEX ix_mention_search_trgm ON mention USING gin ({SEARCH_DOCUMENT} gin_trgm_ops)")
        # The topic filter is a LIKE over the JSON list's text; without statistics on that text the planner
        # guesses it matches almost nothing and sorts the whole tab instead of reading it in order.
        op.execute("CREATE STATISTICS st_mention_topics_text ON (CAST(topics AS TEXT)) FROM mention")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP STATISTICS st_mention_topics_text")
        op.drop_index("ix_mention_search_trgm", table_name="mention")
        op.execute("DROP EXTENSION IF EXISTS pg_trgm")
    op.drop_index("ix_reply_open_status", table_name="reply")
    op.drop_index("ix_reply_open_mention", table_name="reply")
    op.drop_index("ix_mention_open_negativity", table_name="mention")
    op.drop_index("ix_mention_open_created", table_name="mention")
    op.drop_index("ix_mention_status_negativity", table_name="mention")
