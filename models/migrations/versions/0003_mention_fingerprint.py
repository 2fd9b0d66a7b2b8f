"""mention fingerprint

The backfill carries its own copy of the fingerprint (listener/duplicates.py as of commit 221d98a, the
version upgrades ran until it was frozen here), so an upgrade computes the same values whatever the
application ships later.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23 17:42:24.365984
"""

from __future__ import annotations

import hashlib
import re
import unicodedata

import sqlalchemy as sa
import sqlmodel
from alembic import op


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('mention', schema=None) as batch_op:
        batch_op.add_column(sa.Column('fingerprint', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True))
        batch_op.create_index('ix_mention_fingerprint_created', ['fingerprint', 'created_at'], unique=False)
    _backfill()


def _backfill() -> None:
    mention = sa.table("mention", sa.column("id", sa.Integer), sa.column("text", sa.Text),
                       sa.column("fingerprint", sa.String))
    connection = op.get_bind()
    rows = connection.execute(sa.select(mention.c.id, mention.c.text)).all()
    updates = [{"row_id": row_id, "value": fingerprint_hash(text)} for row_id, text in rows]
    updates = [update for update in updates if update["value"]]
    if updates:
        connection.execute(mention.update().where(mention.c.id == sa.bindparam("row_id"))
                           .values(fingerprint=sa.bindparam("value")), updates)


MIN_FINGERPRINT_UNITS = 24  # display units (a CJK or Hangul character is two)
_URL = re.compile(r"(?:https?://|www\.)\S+")
_HANDLE = re.compile(r"(?<!\w)(?:@[\w.-]+(?:@[\w.-]+)?|/?u/[\w-]+)")
_NOT_WORD = re.compile(r"[\W_]+")
_ASCII_NOT_WORD = bytes(byte for byte in range(128) if not chr(byte).isalnum())
_RETWEET = re.compile(r"(?<!\w)(?:rt|via)(?!\w)")
_WIDE = re.compile("[\u1100-\u11ff\u2e80-\u2fdf\u3040-\u31ff\u3400-\u4dbf\u4e00-\u9fff\ua960-\ua97f"
                   "\uac00-\ud7ff\uf900-\ufaff\U00020000-\U0003ffff]")


def fingerprint(text: str) -> str | None:
    """The text reduced to its letters and digits, or None when too little is left to identify a post."""
    folded = unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", text).casefold())
    if "http" in folded or "www." in folded:
        folded = _URL.sub(" ", folded)
    if "@" in folded or "u/" in folded:
        folded = _HANDLE.sub(" ", folded)
    if "rt" in folded or "via" in folded:
        folded = _RETWEET.sub(" ", folded)
    if folded.isascii():
        kept = folded.encode("ascii").translate(None, _ASCII_NOT_WORD).decode("ascii")
        units = len(kept)
    else:
        kept = _NOT_WORD.sub("", folded)
        units = len(kept) + len(_WIDE.findall(kept))
    return kept if units >= MIN_FINGERPRINT_UNITS else None


def fingerprint_hash(text: str) -> str | None:
    kept = fingerprint(text)
    return hashlib.sha256(kept.encode("utf-8")).hexdigest() if kept else None


def downgrade() -> None:
    with op.batch_alter_table('mention', schema=None) as batch_op:
        batch_op.drop_index('ix_mention_fingerprint_created')
        batch_op.drop_column('fingerprint')
