"""saved reply variants and drafting: SavedReply.variants, Reply.draft_reason, index on Reply.saved_reply_id

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23 19:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('saved_reply', schema=None) as batch_op:
        batch_op.add_column(sa.Column('variants', sa.JSON(), nullable=True))
    with op.batch_alter_table('reply', schema=None) as batch_op:
        batch_op.add_column(sa.Column('draft_reason', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=True))
        # Variants rotate by how many drafts a saved reply has made: an indexed count.
        batch_op.create_index(batch_op.f('ix_reply_saved_reply_id'), ['saved_reply_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('reply', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_reply_saved_reply_id'))
        batch_op.drop_column('draft_reason')
    with op.batch_alter_table('saved_reply', schema=None) as batch_op:
        batch_op.drop_column('variants')
