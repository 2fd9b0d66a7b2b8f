"""mention fingerprint

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23 17:42:24.365984
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel

import models.base
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
    from listener.duplicates import fingerprint_hash

    mention = sa.table("mention", sa.column("id", sa.Integer), sa.column("text", sa.Text),
                       sa.column("fingerprint", sa.String))
    connection = op.get_bind()
    rows = connection.execute(sa.select(mention.c.id, mention.c.text)).all()
    updates = [{"row_id": row_id, "value": fingerprint_hash(text)} for row_id, text in rows]
    updates = [update for update in updates if update["value"]]
    if updates:
        connection.execute(mention.update().where(mention.c.id == sa.bindparam("row_id"))
                           .values(fingerprint=sa.bindparam("value")), updates)


def downgrade() -> None:
    with op.batch_alter_table('mention', schema=None) as batch_op:
        batch_op.drop_index('ix_mention_fingerprint_created')
        batch_op.drop_column('fingerprint')
