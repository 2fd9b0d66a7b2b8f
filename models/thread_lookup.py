"""The thread lookup key of a mention, read from Mention.extra, and its index (see listener.threads).

One text per mention to find its thread by: the conversation (X), the submission (Reddit), the story (Hacker
News), or for Mastodon the status's own id on its instance, which its replies name as their parent. Spelled out
as SQL per dialect, never bound, so that a query written with it matches the expression index."""

from __future__ import annotations

import sqlalchemy as sa
from sqlmodel import col

from models.mention import Mention

THREAD_LOOKUP_SQL = {
    "postgresql": "COALESCE(extra ->> 'conversation_id', extra ->> 'link_id', extra ->> 'story_id', "
                  "extra ->> 'status_id')",
    "sqlite": "COALESCE(json_extract(extra, '$.conversation_id'), json_extract(extra, '$.link_id'), "
              "CAST(json_extract(extra, '$.story_id') AS TEXT), json_extract(extra, '$.status_id'))",
}

# Declared for PostgreSQL only, with an explicit operator class so that Alembic skips comparing it (it cannot
# compare PostgreSQL's rewritten form); SQLite gets it from migration 0006, and its autogenerate skips it anyway.
sa.Index("ix_mention_thread_lookup", col(Mention.network),
         sa.text(f"({THREAD_LOOKUP_SQL['postgresql']}) text_ops")).ddl_if(dialect="postgresql")


def thread_lookup(dialect: str) -> sa.ColumnElement[str]:
    if dialect not in THREAD_LOOKUP_SQL:
        raise NotImplementedError(f"thread lookups support PostgreSQL and SQLite, not {dialect}")
    return sa.literal_column(THREAD_LOOKUP_SQL[dialect], sa.Text)
